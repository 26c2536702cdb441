"""Each CPU, grouped by NUMA node (real or simulated), with the threads that
last ran there; threads a goroutine is locked to are marked with their role."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from probes.threads import ThreadInfo
from probes.topology import Topology
from widgets.throttled import ThrottledWidget

RUNNING = "R"
LEGEND = "● running ○ sleeping (last CPU)  ◆ ◇ the same, locked"


def _drawn(info: ThreadInfo) -> tuple[object, ...]:
    """What the map draws of a thread (its counters change on every sample)."""
    return (info.cpu, info.state, info.locked, info.role, info.nstid, len(info.affinity) == 1)


class CpuMap(ThrottledWidget):
    """● a thread running on the CPU now, ○ one that last ran there and sleeps,
    ◆/◇ the same for a locked thread (its role is listed)."""

    COMPONENT_CLASSES = {
        "cpu-map--node",
        "cpu-map--running",
        "cpu-map--sleeping",
        "cpu-map--locked",
        "cpu-map--note",
    }
    DEFAULT_CSS = """
    CpuMap { height: 1fr; text-wrap: nowrap; text-overflow: ellipsis; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.topology: Topology | None = None
        self.threads: tuple[ThreadInfo, ...] = ()

    def set_topology(self, topology: Topology) -> None:
        self.topology = topology
        self._dirty = True

    def show(self, threads: Sequence[ThreadInfo]) -> None:
        self.threads = tuple(threads)
        self._dirty = True

    def clear(self) -> None:
        self.threads = ()
        self._dirty = True

    def drawn(self) -> object:
        """A redraw only when what the map shows moved (a thread's counters
        change on every sample)."""
        return (
            self.topology,
            tuple(_drawn(t) for t in self.threads),
            self.size.width >= len(LEGEND),
        )

    def shape(self) -> object:
        """Lines are never wrapped (CSS), so their count is the height `auto`
        gives: a line a node and a CPU, and the legend's, split in two where
        the width does not fit it (as `render` draws them)."""
        topo = self.topology
        if topo is None:
            return 0
        lines = sum(1 + len(node.cpus) for node in topo.nodes)
        if self.threads and self.size.width < len(LEGEND):
            lines += LEGEND.count("  ")
        return lines

    def render(self) -> Text:
        st = {
            k: self.get_component_rich_style(f"cpu-map--{k}")
            for k in ("node", "running", "sleeping", "locked", "note")
        }
        out = Text(no_wrap=True, overflow="ellipsis")
        topo = self.topology
        if topo is None:
            return Text("reading the CPU topology…", style=st["note"])
        by_cpu: dict[int, list[ThreadInfo]] = {}
        for info in self.threads:
            if info.cpu is not None:
                by_cpu.setdefault(info.cpu, []).append(info)
        kind = "simulated" if topo.simulated else "NUMA"
        for node in topo.nodes:
            devices = f", devices {', '.join(map(str, node.devices))}" if node.devices else ""
            name = f"socket {node.id} (simulated{devices})" if node.simulated else f"node {node.id}"
            out.append(f"{kind} {name}\n" if not node.simulated else f"{name}\n", style=st["node"])
            for cpu in node.cpus:
                here = sorted(by_cpu.get(cpu, []), key=lambda i: (not i.locked, i.state != RUNNING))
                out.append(f" cpu{cpu:<3}", style=st["node"])
                for info in here[:24]:
                    running = info.state == RUNNING
                    glyph = ("◆" if running else "◇") if info.locked else ("●" if running else "○")
                    key = "locked" if info.locked else ("running" if running else "sleeping")
                    out.append(glyph, style=st[key])
                if len(here) > 24:
                    out.append(f"+{len(here) - 24}", style=st["note"])
                locked = [i for i in here if i.locked]
                for info in locked:
                    out.append(f"  {info.nstid} {info.role or 'locked'}", style=st["locked"])
                    if len(info.affinity) == 1:
                        out.append(" pinned", style=st["note"])
                out.append("\n")
        if not self.threads:
            out.append("no program running", style=st["note"])
        elif self.size.width >= len(LEGEND):
            out.append(LEGEND, style=st["note"])
        else:
            out.append(LEGEND.replace("  ", "\n"), style=st["note"])
        return out

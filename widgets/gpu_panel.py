"""GPU load: real NVIDIA devices (NVML) and pinlab's simulated devices, each
labelled; says plainly when there is nothing to show."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text

from probes.gpu import GpuInfo
from widgets.throttled import ThrottledWidget
from widgets.units import bar


def _gib(n: int | None) -> str:
    return "—" if n is None else f"{n / 2**30:.1f} GiB"


class GpuPanel(ThrottledWidget):
    COMPONENT_CLASSES = {
        "gpu-panel--real",
        "gpu-panel--simulated",
        "gpu-panel--bar",
        "gpu-panel--note",
    }
    DEFAULT_CSS = """
    GpuPanel { height: auto; min-height: 3; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.gpus: tuple[GpuInfo, ...] = ()
        self.status = "looking for GPUs…"
        self.uses_devices = False

    def shape(self) -> object:
        """Its height follows its lines: a new device or status line lays the
        screen out again, a new utilisation only redraws the panel."""
        return (len(self.gpus), self.status, self.uses_devices)

    def show(self, gpus: Sequence[GpuInfo], status: str) -> None:
        gpus = tuple(gpus)
        status = status or self.status
        if gpus != self.gpus or status != self.status:  # samples repeat the last reading
            self.gpus, self.status = gpus, status
            self._dirty = True

    def render(self) -> Text:
        note = self.get_component_rich_style("gpu-panel--note")
        out = Text()
        real = [g for g in self.gpus if not g.simulated]
        simulated = [g for g in self.gpus if g.simulated]
        # label, index, bar and percentage on one line (18 columns and the
        # bar), and a simulated device's name where there is room for it
        name_w = max((len(g.name) + 2 for g in simulated), default=0)
        with_names = self.size.width >= 18 + 8 + name_w
        width = max(6, min(30, self.size.width - 18 - (name_w if with_names else 0)))
        if real:
            out.append(f"NVML: {self.status}\n", style=note)
        for g in real + simulated:
            label = "simulated" if g.simulated else "real"
            out.append(f"{label:<9} ", style=self.get_component_rich_style(f"gpu-panel--{label}"))
            out.append(f"{g.index} ")
            util = g.util
            out.append(
                bar(util or 0.0, width), style=self.get_component_rich_style("gpu-panel--bar")
            )
            out.append(f" {'—' if util is None else f'{util:4.0%}'}")
            if not g.simulated and g.mem_total:
                out.append(f"  {_gib(g.mem_used)}/{_gib(g.mem_total)}", style=note)
                if g.process_mem is not None:
                    out.append(f" (this program {_gib(g.process_mem)})", style=note)
            elif g.simulated and with_names:
                out.append(f"  {g.name}", style=note)
            out.append("\n")
        if not real:
            out.append("no GPU on this machine\n", style=note)
            reason = self.status.removeprefix("no NVIDIA GPU (").removesuffix(")")
            if reason:
                out.append(f"{reason}\n", style=note)
        if not simulated:
            out.append(
                "no simulated device in use"
                if self.uses_devices
                else "this exercise uses no simulated device",
                style=note,
            )
        out.rstrip()
        return out

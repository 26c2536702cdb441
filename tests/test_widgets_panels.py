"""Each panel draws what it is given and says why when it has nothing; fed
by hand-made samples (no process, no GPU needed: a real NVIDIA reading is
stood in for by a GpuInfo, since most test machines have no GPU)."""

from __future__ import annotations

from rich.console import RenderableType
from rich.text import Text
from textual.app import App, ComposeResult
from textual.widget import Widget

from probes.churn import Churn
from probes.gpu import GpuInfo
from probes.latency import BIN_EDGES_NS, Distribution, bin_counts
from probes.threads import ThreadInfo
from probes.topology import simulated_topology
from widgets.churn_meter import ChurnMeter
from widgets.cpu_map import CpuMap
from widgets.gpu_panel import GpuPanel
from widgets.target_checklist import TargetChecklist
from widgets.thread_graph import ThreadGraph
from widgets.units import Runs, bar, duration_ns, rate
from workshop.app.themes import WORKSHOP
from workshop.engine import paths
from workshop.engine.verdict import INCONCLUSIVE, MET, MISSED, Verdict


class Holder(App[None]):
    CSS_PATH = paths.STYLES / "pinlab.tcss"

    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget

    def on_mount(self) -> None:
        self.register_theme(WORKSHOP)
        self.theme = WORKSHOP.name


def plain(r: RenderableType) -> str:
    assert isinstance(r, Text)
    return r.plain


async def test_gpu_panel_labels_real_and_simulated_devices() -> None:
    panel = GpuPanel()
    async with Holder(panel).run_test(size=(100, 12)):
        panel.show(
            (
                GpuInfo(0, "NVIDIA H200", util=0.5, mem_used=2**30, mem_total=8 * 2**30),
                GpuInfo(1, "simulated device 1", simulated=True, util=0.25),
            ),
            "1 NVIDIA GPU (driver 550.54)",
        )
        text = plain(panel.render())
        assert "NVML: 1 NVIDIA GPU (driver 550.54)" in text
        assert "real      0" in text and "1.0 GiB/8.0 GiB" in text
        assert "simulated 1" in text and "25%" in text
        assert "no GPU on this machine" not in text


async def test_gpu_panel_says_when_there_is_no_gpu() -> None:
    panel = GpuPanel()
    async with Holder(panel).run_test(size=(100, 12)):
        panel.show((), "no NVIDIA GPU (NVML: NVML Shared Library Not Found)")
        text = plain(panel.render())
        assert "no GPU on this machine" in text
        assert "NVML: NVML Shared Library Not Found" in text
        assert "this exercise uses no simulated device" in text


async def test_cpu_map_groups_by_node_and_marks_locked_threads() -> None:
    cpu_map = CpuMap()
    topo = simulated_topology({"sockets": [{"cpus": [0], "devices": [0]}, {"cpus": [1]}]})
    async with Holder(cpu_map).run_test(size=(100, 12)):
        assert "reading the CPU topology" in plain(cpu_map.render())
        cpu_map.set_topology(topo)
        assert "no program running" in plain(cpu_map.render())
        cpu_map.show(
            [
                ThreadInfo(10, 1, "prog", "R", 0, (0, 1), 0.1),
                ThreadInfo(11, 2, "prog", "S", 1, (1,), 0.0, locked=True, role="dispatcher"),
            ]
        )
        lines = plain(cpu_map.render()).splitlines()
        assert lines[0] == "socket 0 (simulated, devices 0)"
        assert lines[1].startswith(" cpu0") and "●" in lines[1]
        assert lines[3].startswith(" cpu1") and "◇" in lines[3]
        assert "2 dispatcher pinned" in lines[3]


async def test_thread_graph_draws_baseline_limit_and_over_limit_bars() -> None:
    graph = ThreadGraph()
    async with Holder(graph).run_test(size=(40, 10)):
        assert "waiting for the program" in plain(graph.render())
        for i, n in enumerate([4, 4, 5, 7]):
            graph.add(i / 10, n)
        graph.set_baseline(4)
        graph.set_limit(5)
        text = graph.render()
        assert isinstance(text, Text)
        assert "now 7  peak 7  ┄ idle 4  ─ limit 5" in text.plain
        over = graph.get_component_rich_style("thread-graph--over")
        assert any(span.style == over for span in text.spans)  # the 7 is drawn as over
        assert "─" * 10 in text.plain and "┄" * 10 in text.plain


async def test_churn_meter_labels_a_lower_bound() -> None:
    meter = ChurnMeter()
    async with Holder(meter).run_test(size=(40, 10)):
        assert "waiting for the first sample" in plain(meter.render())
        meter.add(Churn(created_total=12, exact=False, per_second=3.0, exited_total=2))
        text = plain(meter.render())
        assert "≥ 12" in text and "lower bound (no PID namespace)" in text
        meter.add(Churn(created_total=1005, exact=True, per_second=990.0))
        assert "exact (PID namespace)" in plain(meter.render())


async def test_checklist_heading_counts_met_targets_and_shows_inconclusive() -> None:
    checklist = TargetChecklist()
    async with Holder(checklist).run_test(size=(100, 12)):
        checklist.set_verdicts(
            [
                Verdict("a", "pin gone", "no-call", MET, 0.0, "calls", max=0.0),
                Verdict(
                    "b",
                    "throughput",
                    "throughput-ratio",
                    INCONCLUSIVE,
                    0.83,
                    "x",
                    min=0.8,
                    detail="median of 3 rounds: 0.79, 0.83, 0.90",
                ),
                Verdict("c", "threads", "threads-above-baseline", MISSED, 3.0, "threads", max=1.0),
            ]
        )
        assert checklist.heading == "1/3 targets met"
        console_text = checklist.render()
        from rich.console import Console

        console = Console(width=100, record=True)
        console.print(console_text)
        out = console.export_text()
        assert "? throughput" in out and "0.83x" in out and "≥ 0.8x" in out
        assert "median of 3 rounds" in out
        assert "✗ threads" in out and "≤ 1 threads" in out


def test_units() -> None:
    assert duration_ns(264) == "264 ns" and duration_ns(3641) == "3.64 µs"
    assert duration_ns(None) == "—"
    assert rate(3_905_280) == "3.91 M"
    assert bar(0.5, 4) == "██  " and bar(2.0, 2) == "██"
    runs = Runs()
    for ch in "aab":
        runs.add(ch, "bold" if ch == "a" else "")
    text = runs.done()
    assert text.plain == "aab" and len(text.spans) == 1


def test_bin_counts_puts_values_in_half_decades() -> None:
    dist = Distribution((1, 60_000_000_000, 3), (1, 2, 3), (5, 264, 2_000_000), (1, 10, 2))
    counts = bin_counts(dist)
    assert len(counts) == len(BIN_EDGES_NS) - 1 and sum(counts) == 13
    assert counts[0] == 1  # below the first edge: the first bucket
    assert counts[2] == 10  # 264 ns lies in [100, 316)
    assert counts[10] == 2  # 2 ms lies in [1 ms, 3.16 ms)

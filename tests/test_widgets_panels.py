"""Each panel draws what it is given and says why when it has nothing; fed
by hand-made samples (no process, no GPU needed: a real NVIDIA reading is
stood in for by a GpuInfo, since most test machines have no GPU)."""

from __future__ import annotations

from typing import Any

from rich.console import RenderableType
from rich.text import Text
from test_app_support import RECORDED
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.widget import Widget

from probes.churn import Churn
from probes.gpu import GpuInfo
from probes.latency import BIN_EDGES_NS, Distribution, LatencyTracker, bin_counts
from probes.threads import ThreadInfo
from probes.topology import simulated_topology
from widgets.churn_meter import ChurnMeter
from widgets.cpu_map import CpuMap
from widgets.gpu_panel import GpuPanel
from widgets.latency_panel import LatencyPanel
from widgets.target_checklist import TargetChecklist
from widgets.thread_graph import ThreadGraph
from widgets.throttled import ThrottledWidget
from widgets.units import bar, duration_ns, rate
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
        assert "waiting for the program" in graph.lines()[0].text
        for i, n in enumerate([4, 4, 5, 7]):
            graph.add(i / 10, n)
        graph.set_baseline(4)
        graph.set_limit(5)
        lines = graph.lines()
        text = [line.text for line in lines]
        assert len(text) == 10 and all(len(line) == 40 for line in text)
        # 40 columns are too few for the whole legend on one line: two, nothing cut
        assert [line.rstrip() for line in text[-2:]] == [
            "    now 7  peak 7",
            "    ┄ idle 4  ─ limit 5  │ 0.1 s",
        ]
        over = graph.get_component_rich_style("thread-graph--over")
        assert any(seg.style == over and seg.text.strip() for line in lines for seg in line)
        assert any("─" * 10 in line for line in text) and any("┄" * 10 in line for line in text)


async def test_thread_graph_legend_is_one_line_where_it_fits() -> None:
    graph = ThreadGraph()
    async with Holder(graph).run_test(size=(60, 10)):
        for i, n in enumerate([4, 4, 5, 7]):
            graph.add(i / 10, n)
        graph.set_baseline(4)
        graph.set_limit(5)
        text = [line.text.rstrip() for line in graph.lines()]
        assert len(text) == 10
        assert text[-1] == "    now 7  peak 7  ┄ idle 4  ─ limit 5  │ 0.1 s"


async def test_thread_graph_redraws_only_a_new_picture() -> None:
    graph = ThreadGraph()
    async with Holder(graph).run_test(size=(30, 8)) as pilot:
        for i in range(60):  # more samples than columns: the plot scrolls
            graph.add(i / 10, 5)
        await tick(pilot, graph)
        renders = count_calls(graph, "draw")
        graph.add(6.0, 5)  # the same count scrolls into the same picture
        await tick(pilot, graph)
        assert renders[0] == 0
        graph.add(6.1, 6)
        await tick(pilot, graph)
        assert renders[0] == 1 and "now 6  peak 6" in graph.lines()[-1].text


async def test_churn_meter_labels_a_lower_bound() -> None:
    meter = ChurnMeter()
    async with Holder(meter).run_test(size=(40, 10)):
        assert "waiting for the first sample" in plain(meter.render())
        meter.add(Churn(created_total=12, exact=False, per_second=3.0, exited_total=2))
        text = plain(meter.render())
        assert "≥ 12" in text and "at least: sampled" in text
        meter.add(Churn(created_total=1005, exact=True, per_second=990.0))
        assert "exact: PIDs counted" in plain(meter.render())


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


def test_bin_counts_puts_values_in_half_decades() -> None:
    dist = Distribution((1, 60_000_000_000, 3), (1, 2, 3), (5, 264, 2_000_000), (1, 10, 2))
    counts = bin_counts(dist)
    assert len(counts) == len(BIN_EDGES_NS) - 1 and sum(counts) == 13
    assert counts[0] == 1  # below the first edge: the first bucket
    assert counts[2] == 10  # 264 ns lies in [100, 316)
    assert counts[10] == 2  # 2 ms lies in [1 ms, 3.16 ms)


async def tick(pilot: Pilot[None], widget: ThrottledWidget) -> None:
    """One tick of the widget's redraw throttle, then a frame."""
    widget._redraw_if_dirty()
    await pilot.pause()


def count_calls(widget: Widget, name: str = "render") -> list[int]:
    """Counts calls of the widget's method `name` from now on (Textual calls
    render to draw a widget; a ThrottledLines panel's render_line calls draw)."""
    calls = [0]
    original = getattr(widget, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls[0] += 1
        return original(*args, **kwargs)

    setattr(widget, name, counted)
    return calls


async def test_gpu_panel_redraws_only_for_a_new_reading() -> None:
    panel = GpuPanel()
    reading = (GpuInfo(0, "simulated device 0", simulated=True, util=0.25),)
    async with Holder(panel).run_test(size=(80, 12)) as pilot:
        panel.show(reading, "")
        await tick(pilot, panel)
        renders = count_calls(panel)
        for _ in range(3):  # the sampler repeats its last GPU reading between readings
            panel.show(reading, "")
        await tick(pilot, panel)
        assert renders[0] == 0
        panel.show((GpuInfo(0, "simulated device 0", simulated=True, util=0.5),), "")
        await tick(pilot, panel)
        assert renders[0] >= 1 and "50%" in plain(panel.render())


async def test_cpu_map_redraws_only_when_a_thread_moved() -> None:
    cpu_map = CpuMap()
    topo = simulated_topology({"sockets": [{"cpus": [0]}, {"cpus": [1]}]})
    thread = ThreadInfo(10, 1, "prog", "R", 0, (0, 1), 0.1)
    async with Holder(cpu_map).run_test(size=(80, 12)) as pilot:
        cpu_map.set_topology(topo)
        cpu_map.show([thread])
        await tick(pilot, cpu_map)
        renders = count_calls(cpu_map)
        cpu_map.show([ThreadInfo(10, 1, "prog", "R", 0, (0, 1), 0.3)])  # only its CPU time
        await tick(pilot, cpu_map)
        assert renders[0] == 0
        cpu_map.show([ThreadInfo(10, 1, "prog", "R", 1, (0, 1), 0.3)])  # moved to cpu1
        await tick(pilot, cpu_map)
        assert renders[0] >= 1
        assert "●" in plain(cpu_map.render()).splitlines()[3]


class AutoHeight(Holder):
    CSS = "ChurnMeter { height: auto; }"


async def test_churn_meter_grows_where_its_height_is_auto() -> None:
    meter = ChurnMeter()
    async with AutoHeight(meter).run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        waiting = meter.size.height  # "churn" and "waiting for the first sample", wrapped
        meter.add(Churn(created_total=3, exact=True, per_second=2.0, exited_total=1), 0)
        await tick(pilot, meter)
        lines = plain(meter.render()).splitlines()
        assert len(lines) == 7 and lines[-2:] == ["exact: PIDs counted", "C's = started by C"]
        assert all(len(line) <= meter.size.width for line in lines)
        assert waiting < meter.size.height == 7  # laid out again: no line cut off


async def test_latency_panel_figures_beside_or_under_the_histogram() -> None:
    tracker = LatencyTracker()
    ticks = RECORDED["ticks"]
    sample = None
    for t, calls, hist in ticks:
        sample = tracker.feed(t, calls, hist)
    assert sample is not None
    for width, beside in ((120, True), (60, False)):
        panel = LatencyPanel()
        async with Holder(panel).run_test(size=(width, 20)):
            panel.set_ratio(0.83, 0.8, "median of 3 rounds: 0.79, 0.83, 0.90", "unsure")
            panel.add(sample)
            lines = [line.text.rstrip() for line in panel.lines()]
            assert all(len(line) <= width for line in lines)
            p99 = next(line for line in lines if "p99 " in line)
            assert p99.split()[-4:] == ["271", "ns", "271", "ns"]
            assert (p99.index("p99") > 40) == beside  # right of the histogram, or above it
            assert any(line.endswith("  median of 3 rounds: 0.79, 0.83, 0.90") for line in lines)
            ratio_line = next(line for line in lines if "vs starter" in line)
            assert ratio_line.split()[-3:] == ["0.83x", "≥", "0.8x"]
            assert any("last interval" in line for line in lines)

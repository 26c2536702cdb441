"""Compare mode: the learner's code beside the starter (or the reference
solution), same scenario, alternating rounds, panels side by side and the
measured ratio on top. What an instructor shows."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import Worker

from widgets.big_figure import BigFigure
from widgets.churn_meter import ChurnMeter
from widgets.latency_panel import LatencyPanel
from widgets.thread_graph import ThreadGraph
from workshop.app.messages import Live, SaveSeen
from workshop.app.screens._app import pinlab
from workshop.engine.build import Source
from workshop.engine.catalog import Exercise
from workshop.engine.compare import CompareResult, CompareRun
from workshop.engine.live import (
    BuildDone,
    FrameDecoder,
    FrameSeen,
    LatencyMeasured,
    LiveBridge,
    LiveEvent,
    ProcessSampled,
    RunDone,
    RunStarted,
    StatusChanged,
    ThreadCount,
)
from workshop.engine.watch import Save, SaveWatcher

SIDES = ("yours", "other")


class CompareScreen(Screen[None]):
    BINDINGS = [
        Binding("l,escape,m", "back", "back"),
        Binding("s", "swap", "starter/solution"),
        Binding("r", "rerun", "rerun"),
    ]

    def __init__(self, ex: Exercise, other: str = "starter", rounds: int = 3) -> None:
        super().__init__()
        self.ex = ex
        self.other = other
        self.rounds = rounds
        self.generation = 0
        self.result: CompareResult | None = None
        self.runs_done = 0
        self._decoder: FrameDecoder | None = None
        self._worker: Worker[None] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="big-figures", classes="compare"):
            yield BigFigure("throughput ratio (x)", id="fig-ratio")
            yield BigFigure("p99 ratio (x)", id="fig-p99-ratio")
            yield BigFigure("rounds", id="fig-rounds")
        yield Static("", id="status-line")
        with Horizontal(id="sides"):
            for side in SIDES:
                with Vertical(id=f"side-{side}", classes="side"):
                    with Horizontal(classes="panel threads-box"):
                        yield ThreadGraph(id=f"threads-{side}")
                        yield ChurnMeter(id=f"churn-{side}")
                    yield LatencyPanel(id=f"latency-{side}")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = f"{self.ex.id} · compare"
        self._decoder = FrameDecoder(self._emit)
        pinlab(self).apply_projection(self)
        self._titles()
        if pinlab(self).watch_saves:
            self._watch()
        self.start()

    def on_unmount(self) -> None:
        if self._worker is not None:
            self._worker.cancel()
        if self._decoder is not None:
            self._decoder.close()

    def _emit(self, event: LiveEvent) -> None:
        self.post_message(Live(event))

    def _titles(self) -> None:
        self.query_one("#side-yours").border_title = "yours"
        self.query_one("#side-other").border_title = f"the {self.other}"

    def _side(self, label: str) -> str | None:
        if label == "yours":
            return "yours"
        return "other" if label == self.other else None

    def start(self) -> None:
        self.generation += 1
        self.result = None
        self.runs_done = 0
        if self._worker is not None:
            self._worker.cancel()
        for fig in ("#fig-ratio", "#fig-p99-ratio"):
            self.query_one(fig, BigFigure).show("—")
        self.query_one("#fig-rounds", BigFigure).show(f"0/{self.rounds}")
        self._worker = self.run_worker(
            self._compare(self.generation), group="compare", exit_on_error=False
        )

    async def _compare(self, generation: int) -> None:
        app = pinlab(self)
        yours = Source("workspace", app.workspace.exercise_dir(self.ex))
        other = Source(self.other)
        assert self._decoder is not None
        bridge = LiveBridge(
            self.ex,
            yours,
            app.toolchain,
            generation,
            self._emit,
            self._decoder,
            app.nvml,
        )
        try:
            result = await CompareRun(
                self.ex, yours, other, app.toolchain, bridge, self.rounds, app.seconds
            ).run()
        finally:
            bridge.close()
        if generation == self.generation:
            self.result = result
            self._show_result(result)

    def _show_result(self, result: CompareResult) -> None:
        status = self.query_one("#status-line", Static)
        if result.error:
            status.update(f"compare stopped: {result.error}")
            return
        tr, lr = result.throughput_ratio, result.latency_ratio()
        self.query_one("#fig-ratio", BigFigure).show("—" if tr is None else f"{tr:.2f}")
        self.query_one("#fig-p99-ratio", BigFigure).show("—" if lr is None else f"{lr:.2f}")
        status.update(
            f"median of {len(result.rounds)} alternating rounds: yours runs at "
            f"{'—' if tr is None else f'{tr:.2f}x'} the {self.other}'s throughput, "
            f"p99 latency {'—' if lr is None else f'{lr:.2f}x'} (r: again, s: swap)"
        )

    @work(exclusive=True, group="watch", exit_on_error=False)
    async def _watch(self) -> None:
        folder = pinlab(self).workspace.exercise_dir(self.ex)
        async for item in SaveWatcher(folder, self.ex.editable).run():
            if isinstance(item, Save):
                self.post_message(SaveSeen(item))

    def on_save_seen(self, message: SaveSeen) -> None:
        if self.is_current:
            self.start()

    def on_live(self, message: Live) -> None:
        ev = message.event
        if ev.generation != self.generation:
            return
        if isinstance(ev, StatusChanged):
            self.query_one("#status-line", Static).update(ev.text)
            return
        side = self._side(ev.label)
        if side is None:
            return
        if isinstance(ev, BuildDone) and not ev.result.ok:
            self.query_one("#status-line", Static).update(f"{ev.label}: {ev.result.error}")
        elif isinstance(ev, RunStarted):
            self.query_one(f"#threads-{side}", ThreadGraph).reset(f"round {ev.round}")
            self.query_one(f"#churn-{side}", ChurnMeter).reset()
            self.query_one(f"#latency-{side}", LatencyPanel).reset()
        elif isinstance(ev, ThreadCount):
            self.query_one(f"#threads-{side}", ThreadGraph).add(ev.sample.t, ev.sample.threads)
        elif isinstance(ev, FrameSeen) and ev.frame.get("type") == "baseline":
            self.query_one(f"#threads-{side}", ThreadGraph).set_baseline(
                int(ev.frame.get("threads", 0))
            )
        elif isinstance(ev, ProcessSampled):
            self.query_one(f"#churn-{side}", ChurnMeter).add(
                ev.sample.churn, ev.sample.non_go_threads
            )
        elif isinstance(ev, LatencyMeasured):
            self.query_one(f"#latency-{side}", LatencyPanel).add(ev.figures)
        elif isinstance(ev, RunDone):
            self.runs_done += 1
            self.query_one("#fig-rounds", BigFigure).show(f"{self.runs_done // 2}/{self.rounds}")

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_swap(self) -> None:
        self.other = "solution" if self.other == "starter" else "starter"
        self._titles()
        self.start()

    def action_rerun(self) -> None:
        self.start()

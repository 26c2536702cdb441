"""Compare mode: the learner's code beside the starter (or the reference
solution), same scenario, alternating rounds, panels side by side on one
y-axis and one time scale, and the measured ratios on top. What an
instructor shows."""

from __future__ import annotations

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Header, Static

from widgets.big_figure import BigFigure
from widgets.churn_meter import ChurnMeter
from widgets.key_footer import KeyFooter
from widgets.latency_panel import LatencyPanel
from widgets.thread_graph import ThreadGraph
from workshop.app.messages import CheckBroke, EngineEvent, SaveSeen
from workshop.app.panels import RunPanels
from workshop.app.screens._app import pinlab
from workshop.app.screens.engine_runs import EngineRuns, watch_saves
from workshop.app.screens.exercise_layout import PAGE_GROUP
from workshop.app.screens.sizes import apply_size_class
from workshop.engine.build import Source
from workshop.engine.catalog import Exercise
from workshop.engine.compare import P99, THROUGHPUT, CompareRun
from workshop.engine.events import Built, CompareDone, Emit, RunEnded, Status
from workshop.engine.live import LiveDetail
from workshop.engine.results import CompareResult

SIDES = ("yours", "other")


class CompareScreen(Screen[None]):
    BINDINGS = [
        Binding("l,escape,m", "back", "back"),
        Binding("s", "swap", "starter/solution"),
        Binding("r", "rerun", "rerun"),
        # where the sides are too small for both panels (80x24), one at a time
        Binding("2", "page('threads')", "threads", group=PAGE_GROUP),
        Binding("4", "page('latency')", "latency", group=PAGE_GROUP),
    ]

    def __init__(self, ex: Exercise, other: str = "starter", rounds: int = 3) -> None:
        super().__init__()
        self.ex = ex
        self.other = other
        self.rounds = rounds
        self.runs = EngineRuns(self, "compare")
        self.result: CompareResult | None = None
        self.runs_done = 0
        self._panels: dict[str, RunPanels] = {}
        self.page = "threads"  # the panel both sides show where only one fits

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
                    with Horizontal(classes="panel threads-box page-threads"):
                        yield ThreadGraph(id=f"threads-{side}")
                        yield ChurnMeter(id=f"churn-{side}")
                    yield LatencyPanel(id=f"latency-{side}", classes="page-latency")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.sub_title = f"{self.ex.id} · compare"
        pinlab(self).apply_projection(self)
        self._arrange(self.app.size)
        self._label_sides()
        if pinlab(self).watch_saves:
            self._watch()
        self.start()

    def on_resize(self, event: events.Resize) -> None:
        self._arrange(event.size)

    def on_screen_resume(self) -> None:
        self._arrange(self.app.size)

    def _arrange(self, size: Size | None = None) -> None:
        """By size class (styles/pinlab.tcss); compact sides show one page.
        No size: the size class stays."""
        apply_size_class(self, size)
        for page in ("threads", "latency"):
            self.set_class(page == self.page, f"-show-{page}")
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "page":  # the page keys only where the sides show one page
            return self.has_class("-compact")
        return True

    def action_page(self, page: str) -> None:
        self.page = page
        self._arrange()

    def on_unmount(self) -> None:
        self.runs.cancel()

    def _label_sides(self) -> None:
        self.query_one("#side-yours").border_title = "yours"
        self.query_one("#side-other").border_title = f"the {self.other}"
        self._panels = {
            side: RunPanels(
                "yours" if side == "yours" else self.other,
                self.query_one(f"#threads-{side}", ThreadGraph),
                self.query_one(f"#churn-{side}", ChurnMeter),
                self.query_one(f"#latency-{side}", LatencyPanel),
            )
            for side in SIDES
        }

    def start(self) -> None:
        self.result = None
        self.runs_done = 0
        for fig in ("#fig-ratio", "#fig-p99-ratio"):
            self.query_one(fig, BigFigure).show("—")
        self.query_one("#fig-rounds", BigFigure).show(f"0/{self.rounds}")
        self.runs.start(self._compare)

    async def _compare(self, emit: Emit, live: LiveDetail) -> None:
        app = pinlab(self)
        yours = Source("workspace", app.workspace.exercise_dir(self.ex))
        other = Source(self.other)
        await CompareRun(
            self.ex, yours, other, app.toolchain, emit, self.rounds, app.seconds, live
        ).run()

    def on_engine_event(self, message: EngineEvent) -> None:
        if not self.runs.current(message):
            return
        ev = message.event
        for panels in self._panels.values():
            if panels.feed(ev):
                self._share_axes()
        status = self.query_one("#status-line", Static)
        match ev:
            case Status(text=text):
                status.update(text)
            case Built(result=r) if not r.ok:
                status.update(f"{ev.label}: {r.error}")
            case RunEnded():
                self.runs_done += 1
                self.query_one("#fig-rounds", BigFigure).show(
                    f"{self.runs_done // 2}/{self.rounds}"
                )
            case CompareDone(result=result):
                self.result = result
                self._show_result(result)

    def _share_axes(self) -> None:
        """Both thread graphs on one y-axis: the higher peak sets it."""
        peaks = [p.graph.peak for p in self._panels.values() if p.graph.peak is not None]
        top = max(peaks) if peaks else None
        for p in self._panels.values():
            p.graph.share_top(top)

    def _show_result(self, result: CompareResult) -> None:
        status = self.query_one("#status-line", Static)
        if result.error:
            status.update(f"compare stopped: {result.error}")
            return
        tr, lr = result.ratio(THROUGHPUT), result.ratio(P99)
        self.query_one("#fig-ratio", BigFigure).show("—" if tr is None else f"{tr:.2f}")
        self.query_one("#fig-p99-ratio", BigFigure).show("—" if lr is None else f"{lr:.2f}")
        status.update(
            f"median of {len(result.rounds)} alternating rounds: yours runs at "
            f"{'—' if tr is None else f'{tr:.2f}x'} the {self.other}'s throughput, "
            f"p99 latency {'—' if lr is None else f'{lr:.2f}x'} (r: again, s: swap)"
        )

    @work(exclusive=True, group="watch", exit_on_error=False)
    async def _watch(self) -> None:
        await watch_saves(self, self.ex, lambda: None)

    def on_check_broke(self, message: CheckBroke) -> None:
        if self.runs.current(message):
            self.query_one("#status-line", Static).update(f"compare failed: {message.error}")

    def on_save_seen(self, message: SaveSeen) -> None:
        if self.is_current:
            self.start()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_swap(self) -> None:
        self.other = "solution" if self.other == "starter" else "starter"
        self._label_sides()
        self.start()

    def action_rerun(self) -> None:
        self.start()

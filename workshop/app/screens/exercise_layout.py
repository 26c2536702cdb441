"""The exercise screen's layout: what the terminal has room for is shown.

The lesson (the targets and the exercise's text) comes first; every panel is
one key away (1 lesson, 2 threads, 3 CPUs/GPU, 4 latency, 5 log). By size:

- compact (80x24, most terminals' default): one page at a time, under a tab
  strip that names the keys;
- medium (120x36): the lesson beside one panel;
- large (160x48): the lesson beside every panel, stacked;
- wide (200x60): the lesson beside every panel, two by two.

This module only sets classes on the screen (`-compact` ... `-wide`,
`-paged`) and on the pages (`-shown`, `-selected`); styles/pinlab.tcss and
styles/projection.tcss say what each class looks like.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Markdown, Static, Tab, Tabs

from probes.gpu import read_gpus
from probes.topology import Topology, read_topology, simulated_topology
from widgets.big_figure import BigFigure
from widgets.build_log import BuildLog
from widgets.check_history import CheckHistory
from widgets.churn_meter import ChurnMeter
from widgets.cpu_map import CpuMap
from widgets.gpu_panel import GpuPanel
from widgets.key_footer import KeyFooter
from widgets.latency_panel import LatencyPanel
from widgets.target_checklist import TargetChecklist
from widgets.thread_graph import ThreadGraph
from widgets.units import duration_ns, rate
from workshop.app.panels import RunPanels
from workshop.app.screens._app import pinlab
from workshop.app.screens.projection import PROJECTION_CLASS
from workshop.app.screens.sizes import apply_size_class
from workshop.engine import costcard
from workshop.engine.catalog import Exercise
from workshop.engine.kinds import THREADS_ABOVE_BASELINE, THROUGHPUT_RATIO


@dataclass(frozen=True)
class Page:
    name: str
    key: str
    title: str  # on its tab and in the footer
    box_title: str  # on its border
    widget_id: str  # the box it is on screen

    @property
    def border_title(self) -> str:
        return f"[b]{self.key}[/b] {self.box_title}"


PAGES = (
    Page("lesson", "1", "lesson", "targets", "lesson"),
    Page("threads", "2", "threads", "OS threads · churn", "threads-box"),
    Page("placement", "3", "CPUs·GPU", "CPUs (last CPU of each thread) · GPU", "placement-box"),
    Page("latency", "4", "latency", "latency of the calls", "latency"),
    Page("log", "5", "log", "build & run log", "log"),
)
PAGE_BY_NAME = {p.name: p for p in PAGES}
PAGE_GROUP = Binding.Group("panels")
PAGE_BINDINGS = [
    Binding(p.key, f"page('{p.name}')", p.title, group=PAGE_GROUP, tooltip=p.box_title)
    for p in PAGES
]

YOURS = "yours"  # the label of the learner's program in the engine's events


def shown_pages(size: str, projection: bool, page: str, panel: str, lead: str) -> set[str]:
    """The pages on screen. `page` is the one last chosen, `panel` the last
    chosen panel (not the lesson), `lead` the exercise's leading panel."""
    if projection:  # the targets, the leading panel and the chosen one
        second = panel if panel != lead else ("threads" if lead != "threads" else "latency")
        return {"lesson", lead, second}
    if size == "-compact":
        return {page}
    if size == "-medium":
        return {"lesson", panel}
    return {p.name for p in PAGES}


def exercise_topology(ex: Exercise) -> Topology:
    if ex.scenario.topology:
        try:
            return simulated_topology(ex.scenario.topology)
        except ValueError:
            pass
    return read_topology()


class ExerciseLayout(Screen[None]):
    """Composition and layout of the exercise screen (the check lifecycle
    and the actions are the subclasses' business)."""

    def __init__(self, ex: Exercise) -> None:
        super().__init__()
        self.ex = ex
        # where placement is the lesson (a declared topology), the CPU map leads
        self.lead = "placement" if ex.scenario.topology is not None else "threads"
        self.page = "lesson"  # the page last chosen
        self.panel = self.lead  # the panel last chosen
        self.size_class = "-compact"
        self._panels: RunPanels | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="big-figures"):
            yield BigFigure("targets met", id="fig-targets")
            yield BigFigure("OS threads now", id="fig-threads")
            yield BigFigure("p99 µs", id="fig-p99")
            yield BigFigure("k calls/s", id="fig-rate")
        yield Static("", id="status-line")
        yield Static("", id="hint-line")  # the hint asked for, until h passes the last one
        with Horizontal(id="page-row"):
            yield Tabs(*(Tab(f"{p.key} {p.title}", id=f"tab-{p.name}") for p in PAGES), id="pages")
            yield Static(self.ex.id, id="page-title")  # where the header is left out
        with Horizontal(id="body"):
            with Vertical(id="lesson", classes="page"):
                with VerticalScroll(id="targets-box"):
                    yield TargetChecklist(id="checklist")
                    yield CheckHistory(id="history")  # shown once there is a check
                with VerticalScroll(id="text-box"):
                    # cost links read as this machine's figures once the card exists
                    yield Markdown(costcard.quote(self.ex.text, pinlab(self).cost_card), id="text")
            with Vertical(id="panels"):
                order = ["threads", "latency", "placement", "log"]
                if self.lead == "placement":
                    order.remove("placement")
                    order.insert(0, "placement")
                for name in order:
                    yield self._panel(name)
        yield KeyFooter()

    def _panel(self, name: str) -> Widget:
        if name == "threads":
            return Horizontal(
                ThreadGraph(id="threads"), ChurnMeter(id="churn"), id="threads-box", classes="page"
            )
        if name == "placement":
            classes = "page lesson" if self.lead == "placement" else "page"
            return Horizontal(
                CpuMap(id="cpus"), GpuPanel(id="gpus"), id="placement-box", classes=classes
            )
        if name == "latency":
            return LatencyPanel(id="latency", classes="page")
        return BuildLog(id="log", classes="page")

    def page_widget(self, name: str) -> Widget:
        return self.query_one(f"#{PAGE_BY_NAME[name].widget_id}")

    def mount_layout(self) -> None:
        lesson, *panels = PAGES
        for p in panels:
            self.page_widget(p.name).border_title = p.border_title
        self.query_one("#targets-box").border_title = lesson.border_title  # its upper half
        self.query_one("#text-box").border_title = "lesson"
        self.query_one(Tabs).can_focus = False
        self.arrange_pages(self.app.size)
        self.query_one("#text-box").focus()
        threads = next((t for t in self.ex.targets if t.kind == THREADS_ABOVE_BASELINE), None)
        ratio = next((t for t in self.ex.targets if t.kind == THROUGHPUT_RATIO), None)
        self._panels = RunPanels(
            YOURS,
            self.query_one(ThreadGraph),
            self.query_one(ChurnMeter),
            self.query_one(LatencyPanel),
            self.query_one(CpuMap),
            self.query_one(GpuPanel),
            self.log_view,
            thread_allowance=threads.max if threads else None,
            ratio=ratio,
        )
        self.query_one(GpuPanel).uses_devices = "device" in self.ex.text.lower()
        self._read_machine()

    @property
    def panels(self) -> RunPanels:
        assert self._panels is not None, "the screen is not mounted"
        return self._panels

    @property
    def checklist(self) -> TargetChecklist:
        return self.query_one(TargetChecklist)

    @property
    def log_view(self) -> BuildLog:
        return self.query_one(BuildLog)

    def set_status(self, text: str) -> None:
        self.query_one("#status-line", Static).update(text)

    def on_resize(self, event: events.Resize) -> None:
        self.arrange_pages(event.size)

    # pages

    def action_page(self, name: str) -> None:
        self.page = name
        if name != "lesson":
            self.panel = name
        self.arrange_pages()
        shown = self.page_widget(name)
        focus = self.query_one("#text-box") if name == "lesson" else shown
        if focus.focusable:
            focus.focus()

    def on_tabs_tab_activated(self, event: Tabs.TabActivated) -> None:
        """A tab clicked. Setting `Tabs.active` posts this message too, later:
        one that is no longer the active tab is stale and ignored."""
        name = (event.tab.id or "").removeprefix("tab-")
        current = event.tab.id == event.tabs.active
        if current and name in PAGE_BY_NAME and event.tab.id != self.active_tab():
            self.action_page(name)

    def active_tab(self) -> str:
        """The tab of the page on screen (beside the lesson, the lesson's is hidden)."""
        return f"tab-{self.page if self.size_class == '-compact' else self.panel}"

    def arrange_pages(self, size: Size | None = None) -> None:
        """Set the classes that say which pages are on screen."""
        self.size_class = apply_size_class(self, size)
        projection = self.has_class(PROJECTION_CLASS)
        shown = shown_pages(self.size_class, projection, self.page, self.panel, self.lead)
        self.set_class(len(shown) < len(PAGES), "-paged")
        self.query_one("#panels").set_class(bool(shown - {"lesson"}), "-shown")
        for p in PAGES:
            widget = self.page_widget(p.name)
            widget.set_class(p.name in shown, "-shown")
            widget.set_class(p.name == self.page, "-selected")
        tabs = self.query_one(Tabs)
        if self.size_class == "-compact":
            tabs.show("tab-lesson")
        else:
            tabs.hide("tab-lesson")
        if tabs.active != self.active_tab():
            tabs.active = self.active_tab()

    def update_figures(self) -> None:
        """The big digits; only drawn in the projection layout."""
        if not self.has_class(PROJECTION_CLASS) or self._panels is None:
            return
        verdicts = self.checklist.verdicts
        met = sum(v.met for v in verdicts)
        self.query_one("#fig-targets", BigFigure).show(
            f"{met}/{len(verdicts)}", "good" if verdicts and met == len(verdicts) else None
        )
        f = self._panels.figures
        over = f.limit is not None and f.threads is not None and f.threads > f.limit
        self.query_one("#fig-threads", BigFigure).show(
            "—" if f.threads is None else str(f.threads), "bad" if over else None
        )
        # in the unit that suits the size (45 ms, not 44957.6 µs), three digits at most
        p99, p99_unit = _value_and_unit(duration_ns(f.p99_ns), "µs")
        self.query_one("#fig-p99", BigFigure).show(p99, caption=f"p99 {p99_unit}")
        cps, cps_unit = _value_and_unit(rate(f.calls_per_second), "k")
        self.query_one("#fig-rate", BigFigure).show(cps, caption=f"{cps_unit} calls/s".lstrip())

    def on_projection_changed(self) -> None:
        """Called by the app when the projection layout is switched."""
        self.arrange_pages()
        self.update_figures()

    # machine facts, read once off the UI thread

    def _read_machine(self) -> None:
        cpus, gpus = self.query_one(CpuMap), self.query_one(GpuPanel)  # on the event loop
        nvml, ex, app = pinlab(self).nvml, self.ex, self.app

        def read() -> None:  # on a thread: it hands the panels what it read
            app.call_from_thread(cpus.set_topology, exercise_topology(ex))
            if nvml:
                reading = read_gpus()
                app.call_from_thread(gpus.show, reading.gpus, reading.status)
            else:
                app.call_from_thread(gpus.show, (), "NVML not read")

        self.run_worker(read, thread=True, exit_on_error=False, group="machine")


def _value_and_unit(text: str, default_unit: str) -> tuple[str, str]:
    """'44.9 ms' -> ('44.9', 'ms'); '—' keeps the default unit."""
    value, _, unit = text.partition(" ")
    return value, unit or (default_unit if value == "—" else "")

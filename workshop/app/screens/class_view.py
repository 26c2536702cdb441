"""The instructor's class view: the learners x exercises grid, the stuck
list and the time each exercise takes the room, from the room's
Prometheus (engine/class_query.py), refreshed every few seconds. The
projection layout (p) hides names. When Prometheus or the gateway cannot
be reached, the status line says so and the last answer stays shown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from widgets.class_grid import ClassGrid
from widgets.class_stuck import StuckList
from widgets.class_times import SolveTimesPanel
from workshop.engine.class_query import ClassSnapshot, PromClient, fetch_snapshot, hidden_names


class Room(Protocol):
    """What the class view asks of the app that shows it (ClassApp)."""

    client: PromClient
    stuck_minutes: float
    refresh_seconds: float
    hide_names: bool
    order: Sequence[str]
    target_labels: dict[tuple[str, str], str]


class ClassViewScreen(Screen[None]):
    BINDINGS = [
        Binding("p", "projection", "hide names"),
        Binding("r", "refresh", "refresh now"),
        Binding("plus", "stuck(1)", "stuck +1 min"),
        Binding("minus", "stuck(-1)", "stuck -1 min"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: ClassSnapshot | None = None  # the last one with data
        self.last: ClassSnapshot | None = None  # the last answer, error or not
        self.refreshes = 0

    @property
    def class_app(self) -> Room:
        return cast("Room", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("asking Prometheus…", id="class-status")
        with Horizontal(id="class-body"):
            yield ClassGrid(id="class-grid")
            with Vertical(id="class-side"):
                with VerticalScroll(id="stuck-box"):
                    yield StuckList(id="stuck")
                with VerticalScroll(id="times-box"):
                    yield SolveTimesPanel(id="times")
        yield Footer()

    def on_mount(self) -> None:
        app = self.class_app
        self.sub_title = f"class view · {app.client.url}"
        self.query_one("#class-grid").border_title = "learners × exercises (·  K/N  ✓)"
        self.query_one("#stuck-box").border_title = "stuck"
        self.query_one("#times-box").border_title = "time to solve (first check → first pass)"
        self.set_class(app.hide_names, "-projection")
        self.action_refresh()
        self.set_interval(app.refresh_seconds, self.action_refresh)

    def action_refresh(self) -> None:
        self._fetch()

    @work(thread=True, exclusive=True, exit_on_error=False, group="class")
    def _fetch(self) -> None:
        app = self.class_app
        snap = fetch_snapshot(app.client, app.stuck_minutes, app.order)
        self.app.call_from_thread(self.show, snap)

    def show(self, snap: ClassSnapshot) -> None:
        self.refreshes += 1
        self.last = snap
        if snap.error is None:
            self.snapshot = snap
        self._draw()

    def _draw(self) -> None:
        app, snap, last = self.class_app, self.snapshot, self.last
        status = self.query_one("#class-status", Static)
        if last is not None and last.problems:
            kept = " (the last answer stays shown)" if snap is not None and last.error else ""
            status.update(f"[b red]{'; '.join(last.problems)}[/]{kept}")
            status.set_class(True, "-problem")
        elif snap is not None:
            solved = sum(1 for c in snap.cells.values() if c.state == "solved")
            status.update(
                f"{len(snap.learners)} learners · {solved} exercises solved · "
                f"{len(snap.stuck)} stuck (no progress for {app.stuck_minutes:g} min) · "
                f"refreshed in {snap.seconds * 1000:.0f} ms, every {app.refresh_seconds:g} s"
            )
            status.set_class(False, "-problem")
        if snap is None:
            return
        names = hidden_names(snap.learners) if app.hide_names else None
        self.query_one(ClassGrid).show(snap, names)
        self.query_one(StuckList).show(snap, app.stuck_minutes, names, app.target_labels)
        self.query_one(SolveTimesPanel).show(snap)

    def action_projection(self) -> None:
        app = self.class_app
        app.hide_names = not app.hide_names
        self.set_class(app.hide_names, "-projection")
        self._draw()

    def action_stuck(self, delta: int) -> None:
        app = self.class_app
        app.stuck_minutes = max(1.0, app.stuck_minutes + delta)
        self.action_refresh()

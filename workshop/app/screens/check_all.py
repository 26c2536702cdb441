"""Check every exercise in the workspace, one after another (measurements
must not share the CPUs), and record each one's status."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from workshop.app.screens._app import pinlab
from workshop.engine.build import Source
from workshop.engine.check import ExerciseCheck


class CheckAllScreen(Screen[None]):
    BINDINGS = [Binding("escape,l", "back", "back (stops the check)")]

    def __init__(self) -> None:
        super().__init__()
        self.finished = 0
        self.passed = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="status-line")
        yield DataTable(id="results", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "check all"
        table = self.query_one(DataTable)
        table.add_column("exercise", key="id")
        table.add_column("result", key="result", width=12)
        table.add_column("targets", key="targets", width=9)
        table.add_column("why", key="why")
        for ex in pinlab(self).catalog:
            table.add_row(ex.id, "waiting", "", "", key=ex.id)
        pinlab(self).apply_projection(self)
        self.run_worker(self._check_all(), group="check-all", exit_on_error=False)

    async def _check_all(self) -> None:
        app = pinlab(self)
        table = self.query_one(DataTable)
        status = self.query_one("#status-line", Static)
        for ex in app.catalog:
            table.update_cell(ex.id, "result", "checking…")
            status.update(f"checking {ex.id}…")
            source = Source("workspace", app.workspace.exercise_dir(ex))
            result = await ExerciseCheck(ex, source, app.toolchain, seconds=app.seconds).run()
            self.finished += 1
            self.passed += result.passed
            app.workspace.record(ex, result.passed)
            table.update_cell(ex.id, "result", "PASS" if result.passed else "FAIL")
            table.update_cell(ex.id, "targets", f"{result.met_count}/{len(result.verdicts)}")
            why = result.error or next((v.label for v in result.verdicts if not v.met), "")
            table.update_cell(ex.id, "why", why)
        status.update(f"{self.passed} of {self.finished} exercises pass")

    def action_back(self) -> None:
        self.app.pop_screen()

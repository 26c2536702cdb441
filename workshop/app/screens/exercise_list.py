"""The exercise list: number, title, difficulty, status and overall progress;
Enter opens one; a filter narrows the list; rustlings' keys work here too."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Label, ProgressBar

from workshop.app.screens._app import pinlab
from workshop.engine.catalog import Exercise
from workshop.engine.workspace import SOLVED


def matches(ex: Exercise, status: str, text: str) -> bool:
    """Every word of the filter appears in the number, title, slug, difficulty or status."""
    hay = f"{ex.number:02d} {ex.id} {ex.title} {ex.difficulty} {status}".lower()
    return all(word in hay for word in text.lower().split())


class ExerciseListScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "open", "open", show=True),
        Binding("n", "next", "next unsolved"),
        Binding("h", "hint", "hint"),
        Binding("c", "check_all", "check all"),
        Binding("x", "reset", "reset"),
        Binding("slash", "filter", "filter"),
        Binding("escape", "clear_filter", "clear filter", show=False),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="progress-row"):
            yield Label("", id="progress-label")
            yield ProgressBar(show_eta=False, show_percentage=True, id="progress")
        yield Input(
            placeholder="filter: number, words of the title, easy/medium/hard, solved…", id="filter"
        )
        yield DataTable(id="exercises", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("#", key="number", width=3)
        table.add_column("exercise", key="title")
        table.add_column("difficulty", key="difficulty", width=10)
        table.add_column("status", key="status", width=12)
        self.refresh_rows()
        table.focus()
        pinlab(self).apply_projection(self)

    def on_screen_resume(self) -> None:
        self.refresh_rows()
        pinlab(self).apply_projection(self)

    @property
    def shown(self) -> list[Exercise]:
        app = pinlab(self)
        text = self.query_one("#filter", Input).value
        return [ex for ex in app.catalog if matches(ex, app.workspace.status(ex), text)]

    def refresh_rows(self) -> None:
        app = pinlab(self)
        table = self.query_one(DataTable)
        selected = self.selected
        table.clear()
        statuses = {ex.id: app.workspace.status(ex) for ex in app.catalog}
        for ex in self.shown:
            table.add_row(f"{ex.number:02d}", ex.title, ex.difficulty, statuses[ex.id], key=ex.id)
        if selected is not None and selected in self.shown:
            table.move_cursor(row=self.shown.index(selected))
        solved = sum(s == SOLVED for s in statuses.values())
        total = len(app.catalog)
        self.query_one("#progress", ProgressBar).update(total=total, progress=solved)
        self.query_one("#progress-label", Label).update(f"{solved} of {total} solved")

    @property
    def selected(self) -> Exercise | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next((ex for ex in pinlab(self).catalog if ex.id == key), None)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refresh_rows()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        ex = self.selected
        if ex is not None:
            pinlab(self).open_exercise(ex)

    def action_next(self) -> None:
        app = pinlab(self)
        ex = app.next_exercise(None)
        if ex is None:
            self.notify("Every exercise is solved.", title="all done")
        else:
            app.open_exercise(ex)

    def action_hint(self) -> None:
        ex = self.selected
        if ex is not None:
            hint = ex.hints[0] if ex.hints else "This exercise has no hints."
            self.notify(hint, title=f"{ex.id}: first hint (open it for more)", timeout=12)

    def action_check_all(self) -> None:
        pinlab(self).check_all()

    def action_filter(self) -> None:
        self.query_one("#filter", Input).focus()

    def action_clear_filter(self) -> None:
        self.query_one("#filter", Input).value = ""
        self.query_one(DataTable).focus()

    def action_reset(self) -> None:
        ex = self.selected
        if ex is None:
            return
        from workshop.app.screens.confirm import ConfirmScreen

        def done(yes: Any) -> None:
            if yes:
                backup = pinlab(self).workspace.reset(ex)
                kept = f" Your version is saved in {backup}." if backup else ""
                self.notify(f"{ex.id} is back to its starter.{kept}", title="reset")
                self.refresh_rows()

        self.app.push_screen(
            ConfirmScreen(
                f"Reset {ex.id} to its starter?", "Your current files are kept in a backup folder."
            ),
            done,
        )

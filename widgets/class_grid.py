"""The class view's grid: one row per learner, one column per exercise;
a cell is `·` (not started), `K/N` (trying: K of N targets met) or `✓`."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text
from textual.widgets import DataTable

from workshop.engine.class_query import NOT_STARTED, SOLVED, ClassSnapshot


class ClassGrid(DataTable[Text]):
    """Redrawn whole from each snapshot (200 x 20 cells take a few ms)."""

    DEFAULT_CSS = """
    ClassGrid { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, zebra_stripes=True, cursor_type="row")
        self.rows_shown = 0

    def show(self, snap: ClassSnapshot, names: Mapping[str, str] | None = None) -> None:
        """names: what to call each learner (the projection layout hides them)."""
        self.clear(columns=True)
        self.add_column("learner", key="learner")
        self.add_column("on", key="on")
        for ex in snap.exercises:
            self.add_column(ex[:2], key=ex)
        for learner in sorted(snap.learners, key=lambda n: (names or {}).get(n, n)):
            shown = (names or {}).get(learner, learner)
            on = snap.current.get(learner, "")
            row = [Text(shown), Text(on[:2])]
            for ex in snap.exercises:
                cell = snap.cell(learner, ex)
                style = (
                    "bold green"
                    if cell.state == SOLVED
                    else "dim"
                    if cell.state == NOT_STARTED
                    else "yellow"
                )
                row.append(Text(cell.text, style=style, justify="center"))
            self.add_row(*row, key=learner)
        self.rows_shown = len(snap.learners)

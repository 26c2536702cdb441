"""The exercise's targets as a checklist under a `K/N targets met` heading."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from workshop.engine.kinds import kind
from workshop.engine.verdict import INCONCLUSIVE, MET, MISSED, NOT_MEASURED, Verdict


class TargetChecklist(Widget):
    """Verdicts as rows: mark, target, measured value, limit, why. Rows turn
    green when met; 'inconclusive' and 'not measured' say so plainly."""

    COMPONENT_CLASSES = {
        "target-checklist--met",
        "target-checklist--missed",
        "target-checklist--inconclusive",
        "target-checklist--pending",
        "target-checklist--heading",
        "target-checklist--note",
    }
    DEFAULT_CSS = """
    TargetChecklist { height: auto; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._verdicts: list[Verdict] = []
        self._note = ""
        self._stale = False

    @property
    def verdicts(self) -> list[Verdict]:
        return list(self._verdicts)

    @property
    def heading(self) -> str:
        met = sum(v.met for v in self._verdicts)
        return f"{met}/{len(self._verdicts)} targets met"

    def set_verdicts(self, verdicts: Sequence[Verdict]) -> None:
        self._verdicts = list(verdicts)
        self._stale = False
        self.refresh(layout=True)

    def update_verdicts(self, changed: Sequence[Verdict]) -> None:
        """Replace the rows of the targets in `changed` (early verdicts)."""
        by_id = {v.id: v for v in changed}
        self._verdicts = [by_id.get(v.id, v) for v in self._verdicts]
        self.refresh(layout=True)

    def set_note(self, note: str, stale: bool = False) -> None:
        """A line under the heading: 'rechecking…', 'build failed: ...'."""
        self._note, self._stale = note, stale
        self.refresh(layout=True)

    def _style(self, status: str) -> str:
        key = status if status in (MET, MISSED, INCONCLUSIVE) else "pending"
        return f"target-checklist--{key}"

    def render(self) -> RenderableType:
        heading = Text(
            self.heading, style=self.get_component_rich_style("target-checklist--heading")
        )
        note_style = self.get_component_rich_style("target-checklist--note")
        # nothing measured yet, all for one reason: said once, not on every row
        reasons = {v.detail for v in self._verdicts if v.status == NOT_MEASURED}
        shared = None
        if len(reasons) == 1 and all(v.status == NOT_MEASURED for v in self._verdicts):
            shared = reasons.pop()
        if self._note or shared:
            heading.append(f"  {self._note or shared}", style=note_style)
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(width=1)
        table.add_column(ratio=3, overflow="fold")
        table.add_column(justify="right", no_wrap=True)
        table.add_column(no_wrap=True)
        for v in self._verdicts:
            style = self.get_component_rich_style(self._style(v.status))
            if self._stale:
                style = note_style
            label = Text(v.label, style=style)
            if shared is None and (v.status != MET or kind(v.kind).detail_when_met):
                if v.detail:
                    label.append(f"\n{v.detail}", style=note_style)
                elif v.status not in (MET, MISSED):
                    label.append(f"\n{v.status}", style=note_style)
            passfail = kind(v.kind).passfail
            value = "" if passfail and v.status == MET else v.value_text()
            table.add_row(
                Text("…" if v.status == NOT_MEASURED else v.mark, style=style),
                label,
                Text(value, style=style),
                Text("" if passfail else v.limit_text(), style=note_style),
            )
        grid = Table.grid(expand=True)
        grid.add_row(heading)
        grid.add_row(table)
        return grid

"""Who is stuck: on an exercise with no rise in targets met for N minutes,
longest first, with the targets the last check missed."""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from workshop.engine.class_query import ClassSnapshot, Stuck


class StuckList(Widget):
    DEFAULT_CSS = """
    StuckList { height: auto; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._stuck: tuple[Stuck, ...] = ()
        self._names: Mapping[str, str] = {}
        self._labels: Mapping[tuple[str, str], str] = {}
        self._minutes = 10.0

    def show(
        self,
        snap: ClassSnapshot,
        minutes: float,
        names: Mapping[str, str] | None = None,
        labels: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        """labels: (exercise, target id) -> the target's words, from the catalog."""
        self._stuck, self._minutes = snap.stuck, minutes
        self._names, self._labels = names or {}, labels or {}
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        if not self._stuck:
            return Text(f"nobody without progress for {self._minutes:g} min", style="green")
        table = Table.grid(padding=(0, 1))
        table.add_column(style="bold")
        table.add_column()
        table.add_column(justify="right")
        table.add_column()
        for s in self._stuck[:20]:
            words = [self._labels.get((s.exercise, t), t) for t in s.missed]
            missed = "; ".join(words[:2]) + (f" (+{len(words) - 2})" if len(words) > 2 else "")
            table.add_row(
                self._names.get(s.learner, s.learner),
                f"{s.exercise} {s.met}/{s.total}",
                f"{s.minutes:.0f} min",
                Text(f"misses: {missed or '—'}", style="yellow"),
            )
        if len(self._stuck) > 20:
            table.add_row("", f"and {len(self._stuck) - 20} more", "", "")
        return table

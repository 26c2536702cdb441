"""How long each exercise takes the room: first check to first pass, per
exercise, as counts in eight bins from 0 to the slowest (the spread), with
the median and the 90th percentile."""

from __future__ import annotations

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from workshop.engine.class_query import ClassSnapshot, SolveTimes

BARS = " ▁▂▃▄▅▆▇█"


def sparkline(counts: list[int]) -> str:
    top = max(counts) if counts else 0
    if top == 0:
        return " " * len(counts)
    return "".join(BARS[0 if c == 0 else max(1, round(c / top * 8))] for c in counts)


class SolveTimesPanel(Widget):
    DEFAULT_CSS = """
    SolveTimesPanel { height: auto; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._times: tuple[SolveTimes, ...] = ()

    def show(self, snap: ClassSnapshot) -> None:
        self._times = snap.solve_times
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        rows = [t for t in self._times if t.started]
        if not rows:
            return Text("no exercise started yet", style="dim")
        table = Table(box=None, padding=(0, 1), show_edge=False)
        for name, justify in (
            ("exercise", "left"),
            ("solved", "right"),
            ("median", "right"),
            ("p90", "right"),
            ("slowest", "right"),
            ("spread", "left"),
        ):
            table.add_column(name, justify=justify, no_wrap=True)  # type: ignore[arg-type]
        for t in rows:
            med, p90 = t.median, t.p90
            table.add_row(
                t.exercise[:14],
                f"{t.solved}/{t.started}",
                "—" if med is None else f"{med:.1f}m",
                "—" if p90 is None else f"{p90:.1f}m",
                "—" if not t.minutes else f"{max(t.minutes):.0f}m",
                sparkline(t.histogram()),
            )
        return table

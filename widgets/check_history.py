"""Your last checks of the exercise: for each target, its value at each save
as a strip of bars (oldest left), green where it was met, and the latest value
beside its limit. Hidden until there are two checks to compare (one is the
checklist above it)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual.widget import Widget

from workshop.engine.progress import Attempt

BARS = "▁▂▃▄▅▆▇█"
SHOWN = 12  # checks drawn; older ones stay in `pinlab history`


@dataclass(frozen=True)
class TargetLine:
    """What the strip of one target needs from its definition."""

    id: str
    label: str
    limit: str  # "≤ 2 threads", or "" for a target that holds or not
    passfail: bool


def bars(values: Sequence[float | None]) -> str:
    """One bar per value, scaled between the smallest and the largest
    (a flat row where they are all equal); a missing value is a space."""
    known = [v for v in values if v is not None]
    if not known:
        return " " * len(values)
    lo, hi = min(known), max(known)
    span = hi - lo

    def bar(v: float | None) -> str:
        if v is None:
            return " "
        return BARS[0 if span == 0 else round((v - lo) / span * (len(BARS) - 1))]

    return "".join(bar(v) for v in values)


class CheckHistory(Widget):
    COMPONENT_CLASSES = {"check-history--met", "check-history--missed", "check-history--note"}
    DEFAULT_CSS = """
    CheckHistory { height: auto; padding: 0 1; display: none; }
    CheckHistory.-shown { display: block; }
    CheckHistory > .check-history--met { color: $success; }
    CheckHistory > .check-history--missed { color: $error; }
    CheckHistory > .check-history--note { color: $text-muted; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._targets: list[TargetLine] = []
        self._attempts: list[Attempt] = []

    @property
    def attempts(self) -> list[Attempt]:
        return list(self._attempts)

    def show(self, targets: Sequence[TargetLine], attempts: Sequence[Attempt]) -> None:
        self._targets = list(targets)
        self._attempts = list(attempts)[-SHOWN:]
        self.set_class(len(self._attempts) >= 2, "-shown")
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        met = self.get_component_rich_style("check-history--met")
        missed = self.get_component_rich_style("check-history--missed")
        note = self.get_component_rich_style("check-history--note")
        n = len(self._attempts)
        heading = Text(f"your last {n} check{'s' if n != 1 else ''}", style="bold")
        heading.append("  oldest → newest; green: met", style=note)
        table = Table.grid(padding=(0, 1), expand=True)
        table.add_column(ratio=1, overflow="fold")
        table.add_column(no_wrap=True)
        table.add_column(justify="right", no_wrap=True)
        for t in self._targets:
            results = [next((r for r in a.targets if r.id == t.id), None) for a in self._attempts]
            if t.passfail:
                strip = "".join("·" if r is None else "●" for r in results)
            else:
                strip = bars([None if r is None else r.value for r in results])
            drawn = Text()
            for ch, r in zip(strip, results, strict=True):
                drawn.append(ch, style=note if r is None else met if r.met else missed)
            last = results[-1] if results else None
            latest = "" if last is None or t.passfail or last.value is None else f"{last.value:g}"
            table.add_row(
                Text(t.label, style=note),
                drawn,
                Text(f"{latest} {t.limit}".strip(), style=note),
            )
        grid = Table.grid(expand=True)
        grid.add_row(heading)
        grid.add_row(table)
        return grid

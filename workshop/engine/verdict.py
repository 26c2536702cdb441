"""A target's verdict: what was measured against what limit, and the words a
learner reads. It carries everything a report or a checklist shows, so
presentation never looks the target up again."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    MET = "met"
    MISSED = "missed"
    INCONCLUSIVE = "inconclusive"  # inside a ratio's dead band: more rounds decide
    NOT_MEASURED = "not measured"


MET, MISSED, INCONCLUSIVE, NOT_MEASURED = (
    Status.MET,
    Status.MISSED,
    Status.INCONCLUSIVE,
    Status.NOT_MEASURED,
)

MARKS = {MET: "✓", MISSED: "✗", INCONCLUSIVE: "?", NOT_MEASURED: "·"}


def fmt_value(v: float | None, unit: str = "") -> str:
    """A measured value the way a person writes it: 3, 0.983x, 2.02 allocs."""
    if v is None:
        return "—"
    if v == int(v) and abs(v) < 1e6:
        s = str(int(v))
    elif abs(v) >= 100:
        s = f"{v:.0f}"
    elif abs(v) >= 10:
        s = f"{v:.1f}"
    else:
        s = f"{v:.3g}"
    return f"{s}{unit if unit in ('x', '%') else (' ' + unit if unit else '')}"


@dataclass(frozen=True)
class Verdict:
    id: str
    label: str
    kind: str
    status: Status
    value: float | None
    unit: str
    max: float | None = None  # the value must be at most this ...
    min: float | None = None  # ... and at least this
    detail: str = ""  # why, in words: the way to a pin, the rounds of a ratio

    @property
    def met(self) -> bool:
        return self.status == MET

    @property
    def comparison(self) -> str:
        """ "≤", "≥", "=", "between", or "" for a pass/fail target."""
        if self.max is not None and self.min is not None:
            return "=" if self.max == self.min else "between"
        return "≤" if self.max is not None else "≥" if self.min is not None else ""

    @property
    def limit(self) -> float | None:
        return self.max if self.max is not None else self.min

    @property
    def mark(self) -> str:
        return MARKS[self.status]

    def value_text(self) -> str:
        return fmt_value(self.value, self.unit)

    def limit_text(self) -> str:
        """ "≤ 2 threads", "≥ 0.75x", "= 4 workers", "1–3 ms", or ""."""
        c = self.comparison
        if c == "between":
            return f"{fmt_value(self.min)}–{fmt_value(self.max, self.unit)}"
        return f"{c} {fmt_value(self.limit, self.unit)}" if c else ""

    def with_status(self, status: Status, detail: str | None = None) -> Verdict:
        return dataclasses.replace(
            self, status=status, detail=self.detail if detail is None else detail
        )

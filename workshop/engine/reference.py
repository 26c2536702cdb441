"""Recent runs of the references (the starter, or another source a ratio
target names) on this machine, so that a save
in the workshop need not measure the starter again: the app measures it when
an exercise opens, while the learner reads, and refreshes it while they edit.
A check uses the runs only while they are fresh, and each one it measures
itself joins them. The drift check: a new run whose throughput differs from
the others' median by more than `drift` means the machine changed (another
program started, the CPU clocked down), and the older runs are dropped."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from workshop.engine.metrics import RunMetrics


@dataclass
class ReferenceRuns:
    max_age: float = 120.0  # seconds a run stays usable
    keep: int = 5  # the newest runs kept
    drift: float = 0.2
    _runs: list[tuple[float, RunMetrics]] = field(default_factory=list)

    def add(self, m: RunMetrics) -> None:
        if not m.ok:
            return
        now = time.monotonic()
        kept = [(at, r) for at, r in self._runs if now - at <= self.max_age]
        rates = [r.throughput for _, r in kept if r.throughput]
        if rates and m.throughput and abs(m.throughput / statistics.median(rates) - 1) > self.drift:
            kept = []
        self._runs = [*kept, (now, m)][-self.keep :]

    def fresh(self) -> list[RunMetrics]:
        now = time.monotonic()
        return [m for at, m in self._runs if now - at <= self.max_age]

    def age(self) -> float | None:
        """Seconds since the newest run, or None without one."""
        return time.monotonic() - self._runs[-1][0] if self._runs else None


@dataclass
class References:
    """ReferenceRuns by reference name ("starter", "solution", a variant)."""

    max_age: float = 120.0
    _by_name: dict[str, ReferenceRuns] = field(default_factory=dict)

    def get(self, name: str) -> ReferenceRuns:
        return self._by_name.setdefault(name, ReferenceRuns(self.max_age))

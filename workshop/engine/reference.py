"""Recent runs of the references (the starter, or another source a ratio
target names) on this machine, and measure_references, which makes them, so
that a save in the workshop need not measure the starter again: the app
measures it when an exercise opens, while the learner reads, and refreshes it
while they edit.
A check uses the runs only while they are fresh, and each one it measures
itself joins them. The drift check: a new run whose throughput differs from
the others' median by more than `drift` means the machine changed (another
program started, the CPU clocked down), and the older runs are dropped."""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from workshop.engine import paths
from workshop.engine.catalog import Exercise
from workshop.engine.events import ignore
from workshop.engine.kinds import kind
from workshop.engine.metrics import RunMetrics
from workshop.engine.runner import ScenarioRunner, reference_of, reference_source
from workshop.engine.toolchain import Toolchain


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


async def measure_references(
    ex: Exercise, tc: Toolchain, references: References, seconds: float | None = None
) -> bool:
    """Runs of every reference the exercise's ratio targets name, until each
    holds scenario.rounds fresh ones, or one more run of the stalest when all
    do: the workshop calls it while the learner reads or edits, so that a
    save need not measure the references beside their code. False when
    nothing was needed."""
    names = list(dict.fromkeys(reference_of(t) for t in ex.targets if kind(t.kind).ratio))
    want = {n: ex.scenario.rounds - len(references.get(n).fresh()) for n in names}
    if names and all(w <= 0 for w in want.values()):
        stalest = max(names, key=lambda n: references.get(n).age() or 0.0)
        if (references.get(stalest).age() or 0.0) < references.get(stalest).max_age / 2:
            return False
        want[stalest] = 1
    workdir = Path(tempfile.mkdtemp(prefix=f"pinlab-ref-{ex.id}-", dir=paths.cache_dir()))
    try:
        runner = ScenarioRunner(ex, tc, ignore, workdir, seconds, ex.scenario.timeout, None)
        for name, runs in want.items():
            if runs <= 0:
                continue
            base = await runner.build(reference_source(ex, name))
            for _ in range(runs if base.binary is not None else 0):
                assert base.binary is not None
                m = await runner.run(base.binary, name)
                if not m.ok:
                    break
                references.get(name).add(m)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return bool(names)

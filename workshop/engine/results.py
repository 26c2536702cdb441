"""What a check and a compare run produce: the results the events carry
to whoever watches (workshop/engine/events.py) and the reports print."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from workshop.engine.build import BuildResult, Diagnostic, Source
from workshop.engine.catalog import Exercise, Target
from workshop.engine.metrics import RunMetrics
from workshop.engine.targets import round_ratio
from workshop.engine.verdict import Verdict


@dataclass
class ExerciseResult:
    exercise: Exercise
    source: Source
    verdicts: list[Verdict]
    error: str | None = None  # one line: why it does not build or run
    details: str = ""  # compiler output, panic trace, ... below the verdict
    build: BuildResult | None = None
    runs: list[RunMetrics] = field(default_factory=list)
    starter_runs: list[RunMetrics] = field(default_factory=list)  # measured in this check
    vet: list[Diagnostic] = field(default_factory=list)  # warnings, not failures
    seconds: float = 0.0
    verdict_seconds: float = 0.0  # from the start to the last target judged (vet runs after)

    @property
    def passed(self) -> bool:
        return self.error is None and all(v.met for v in self.verdicts)

    @property
    def met_count(self) -> int:
        return sum(v.met for v in self.verdicts)


@dataclass
class CompareResult:
    rounds: list[tuple[RunMetrics, RunMetrics]] = field(default_factory=list)
    error: str | None = None

    def ratio(self, target: Target) -> float | None:
        """Median over rounds of yours / the other."""
        ratios = [r for a, b in self.rounds if (r := round_ratio(target, a, [b])) is not None]
        return statistics.median(ratios) if ratios else None

"""Compare mode's runner: the learner's code and the starter (or the reference
solution), built once and run in alternating rounds (A B A B ...) under the
same scenario, so the two share the machine's state fairly. Events carry the
label "yours" or the other source's label; the ratios are the checks' own
(workshop/engine/targets.py)."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from workshop.engine import paths
from workshop.engine.build import Source
from workshop.engine.catalog import Exercise, Target
from workshop.engine.events import CompareDone, Emit, RoundCompared, Status
from workshop.engine.kinds import LATENCY_RATIO, THROUGHPUT_RATIO
from workshop.engine.live import LiveDetail
from workshop.engine.results import CompareResult
from workshop.engine.runner import ScenarioRunner
from workshop.engine.targets import round_ratio
from workshop.engine.toolchain import Toolchain

THROUGHPUT = Target("throughput", THROUGHPUT_RATIO, "throughput ratio", "x")
P99 = Target("p99", LATENCY_RATIO, "p99 latency ratio", "x", params={"percentile": 99.0})


class CompareRun:
    def __init__(
        self,
        ex: Exercise,
        yours: Source,
        other: Source,
        tc: Toolchain,
        emit: Emit,
        rounds: int = 3,
        seconds: float | None = None,
        live: LiveDetail | None = None,
    ) -> None:
        self.ex, self.yours, self.other, self.tc = ex, yours, other, tc
        self.emit = emit
        self.rounds = rounds
        self.seconds = seconds
        self.live = live

    async def run(self) -> CompareResult:
        workdir = Path(tempfile.mkdtemp(prefix=f"pinlab-cmp-{self.ex.id}-", dir=paths.cache_dir()))
        try:
            runner = ScenarioRunner(
                self.ex,
                self.tc,
                self.emit,
                workdir,
                self.seconds,
                self.ex.scenario.timeout,
                self.live,
            )
            result = await self._run(runner)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        self.emit(CompareDone("", result))
        return result

    async def _run(self, runner: ScenarioRunner) -> CompareResult:
        out = CompareResult()
        binaries = {}
        for source in (self.yours, self.other):
            res = await runner.build(source)
            if not res.ok or res.binary is None:
                out.error = f"{source.label} does not build: {res.error}"
                return out
            binaries[source.label] = res.binary
        for n in range(1, self.rounds + 1):
            pair = []
            for source in (self.yours, self.other):
                self.emit(Status("", f"round {n} of {self.rounds}: running {source.label}"))
                m = await runner.run(binaries[source.label], source.label)
                if not m.ok:
                    out.error = f"{source.label}: {m.error}"
                    return out
                pair.append(m)
            out.rounds.append((pair[0], pair[1]))
            for t in (THROUGHPUT, P99):
                if (r := round_ratio(t, pair[0], [pair[1]])) is not None:
                    self.emit(RoundCompared(self.other.label, t.id, n, r))
        return out

"""Compare mode's runner: the learner's code and the starter (or the reference
solution), built once and run in alternating rounds (A B A B ...) under the
same scenario, so the two share the machine's state fairly. Its listener
sees every run with label "yours" or the other source's label."""

from __future__ import annotations

import shutil
import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from probes.latency import decode_histogram, value_at
from workshop.engine import paths
from workshop.engine.build import Source, build
from workshop.engine.catalog import Exercise
from workshop.engine.check import Listener, run_env
from workshop.engine.metrics import RunMetrics, distill
from workshop.engine.sandbox import ProgramRun
from workshop.engine.toolchain import Toolchain


@dataclass
class CompareResult:
    rounds: list[tuple[RunMetrics, RunMetrics]] = field(default_factory=list)
    error: str | None = None

    @property
    def throughput_ratio(self) -> float | None:
        """Median over rounds of yours / other calls per second."""
        ratios = [
            a.throughput / b.throughput for a, b in self.rounds if a.throughput and b.throughput
        ]
        return statistics.median(ratios) if ratios else None

    def latency_ratio(self, percentile: float = 99.0) -> float | None:
        ratios = []
        for a, b in self.rounds:
            pa, pb = _percentile(a, percentile), _percentile(b, percentile)
            if pa and pb:
                ratios.append(pa / pb)
        return statistics.median(ratios) if ratios else None


def _percentile(m: RunMetrics, p: float) -> int | None:
    if not m.hists:
        return None
    try:
        return value_at(decode_histogram(m.hists[0]), p) or None
    except ValueError:
        return None


class CompareRun:
    def __init__(
        self,
        ex: Exercise,
        yours: Source,
        other: Source,
        tc: Toolchain,
        listener: Listener,
        rounds: int = 3,
        seconds: float | None = None,
    ) -> None:
        self.ex, self.yours, self.other, self.tc = ex, yours, other, tc
        self.listener = listener
        self.rounds = rounds
        self.seconds = seconds

    async def run(self) -> CompareResult:
        workdir = Path(tempfile.mkdtemp(prefix=f"pinlab-cmp-{self.ex.id}-", dir=paths.cache_dir()))
        try:
            return await self._run(workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    async def _run(self, workdir: Path) -> CompareResult:
        out = CompareResult()
        binaries = {}
        for source in (self.yours, self.other):
            self.listener.on_status(f"building {source.label}")
            res = await build(self.ex, source, self.tc, workdir / source.kind)
            self.listener.on_build(source.label, res)
            if not res.ok or res.binary is None:
                out.error = f"{source.label} does not build: {res.error}"
                return out
            binaries[source.label] = res.binary
        for n in range(1, self.rounds + 1):
            pair = []
            for source in (self.yours, self.other):
                self.listener.on_status(f"round {n} of {self.rounds}: running {source.label}")
                m = await self._run_once(binaries[source.label], source.label, workdir)
                if not m.ok:
                    out.error = f"{source.label}: {m.error}"
                    return out
                pair.append(m)
            out.rounds.append((pair[0], pair[1]))
        return out

    async def _run_once(self, binary: Path, label: str, workdir: Path) -> RunMetrics:
        lst = self.listener
        run = ProgramRun(
            [str(binary)],
            self.tc.env(run_env(self.ex, workdir, label, self.seconds)),
            workdir,
            self.ex.scenario.timeout,
            on_frame=lambda t, f: lst.on_frame(label, t, f),
            on_threads=lambda s: lst.on_threads(label, s),
        )
        await run.start()
        lst.on_run_started(label, run)
        metrics = distill(label, await run.wait())
        lst.on_run(label, metrics)
        return metrics

"""The pipeline shared by `pinlab check` and the TUI: build the learner's code,
judge the static targets, run the scenario (side by side with the starter
where a target is a ratio), run the exercise's own tests, and turn it all
into verdicts. A Listener sees every step as it happens."""

from __future__ import annotations

import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from workshop.engine import paths
from workshop.engine.build import BuildResult, Diagnostic, Source, build, call_graph, go_test, vet
from workshop.engine.catalog import RATIO_KINDS, Exercise, Target
from workshop.engine.metrics import RunMetrics, distill
from workshop.engine.sandbox import ProgramRun, ThreadSample
from workshop.engine.targets import (
    INCONCLUSIVE,
    MISSED,
    NOT_MEASURED,
    Verdict,
    judge_go_test,
    judge_measured,
    judge_no_call,
    judge_not_inlined,
    not_measured,
)
from workshop.engine.toolchain import Toolchain

STATIC_KINDS = {"no-call", "not-inlined"}


class Listener:
    """Override what you need; every method is called on the event loop."""

    def on_status(self, text: str) -> None: ...
    def on_build(self, label: str, result: BuildResult) -> None: ...
    def on_run_started(self, label: str, run: ProgramRun) -> None: ...
    def on_frame(self, label: str, t: float, frame: dict) -> None: ...
    def on_threads(self, label: str, sample: ThreadSample) -> None: ...
    def on_run(self, label: str, metrics: RunMetrics) -> None: ...
    def on_verdict(self, label: str, verdict: Verdict) -> None: ...


@dataclass
class ExerciseResult:
    exercise: Exercise
    source: Source
    verdicts: list[Verdict]
    error: str | None = None  # one line: why it does not build or run
    details: str = ""  # compiler output, panic trace, ... below the verdict
    build: BuildResult | None = None
    runs: list[RunMetrics] = field(default_factory=list)
    starter_runs: list[RunMetrics] = field(default_factory=list)
    vet: list[Diagnostic] = field(default_factory=list)  # warnings, not failures
    seconds: float = 0.0

    @property
    def passed(self) -> bool:
        return self.error is None and all(v.met for v in self.verdicts)

    @property
    def met_count(self) -> int:
        return sum(v.met for v in self.verdicts)


def run_env(ex: Exercise, workdir: Path, label: str, seconds: float | None) -> dict[str, str]:
    env = {
        "PINLAB_SECONDS": str(seconds if seconds is not None else ex.scenario.seconds),
        "PINLAB_DEVICE_STATS": str(workdir / f"devices-{label}.bin"),
        "PINLAB_EXERCISE": ex.id,
    }
    env.update(ex.scenario.env)
    return env


class ExerciseCheck:
    """One check of one exercise from one source."""

    def __init__(
        self,
        ex: Exercise,
        source: Source,
        tc: Toolchain,
        listener: Listener | None = None,
        seconds: float | None = None,
        timeout: float | None = None,
    ) -> None:
        self.ex, self.source, self.tc = ex, source, tc
        self.listener = listener or Listener()
        self.seconds = seconds
        self.timeout = timeout or ex.scenario.timeout

    async def run(self) -> ExerciseResult:
        t0 = time.monotonic()
        workdir = Path(tempfile.mkdtemp(prefix=f"pinlab-{self.ex.id}-", dir=paths.cache_dir()))
        try:
            result = await self._run(workdir)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        result.seconds = time.monotonic() - t0
        return result

    async def _build(self, source: Source, workdir: Path) -> BuildResult:
        self.listener.on_status(f"building {source.label}")
        res = await build(self.ex, source, self.tc, workdir / source.kind)
        self.listener.on_build(source.label, res)
        return res

    async def _run_once(self, binary: Path, label: str, workdir: Path) -> RunMetrics:
        env = self.tc.env(run_env(self.ex, workdir, label, self.seconds))
        lst = self.listener
        run = ProgramRun(
            [str(binary)],
            env,
            workdir,
            self.timeout,
            on_frame=lambda t, f: lst.on_frame(label, t, f),
            on_threads=lambda s: lst.on_threads(label, s),
        )
        await run.start()
        lst.on_run_started(label, run)
        metrics = distill(label, await run.wait())
        lst.on_run(label, metrics)
        return metrics

    async def _run(self, workdir: Path) -> ExerciseResult:
        ex = self.ex
        targets = list(ex.targets)
        verdicts: dict[str, Verdict] = {}
        result = ExerciseResult(ex, self.source, [])

        def finish(error: str | None = None, details: str = "") -> ExerciseResult:
            for t in targets:
                verdicts.setdefault(t.id, not_measured(t, error or "not measured"))
            result.verdicts = [verdicts[t.id] for t in targets]
            if error is not None:
                result.error, result.details = error, details
            return result

        build_res = await self._build(self.source, workdir)
        result.build = build_res
        if not build_res.ok:
            diags = "\n".join(str(d) for d in build_res.diagnostics) or build_res.log
            return finish(build_res.error, diags)

        static = [t for t in targets if t.kind in STATIC_KINDS]
        if static:
            graph = await call_graph(ex, self.source, self.tc, workdir / "calls")
            for t in static:
                verdicts[t.id] = (
                    judge_no_call(t, graph, ex.editable)
                    if t.kind == "no-call"
                    else judge_not_inlined(t, build_res)
                )
                self.listener.on_verdict(self.source.label, verdicts[t.id])

        measured = [t for t in targets if t.kind not in STATIC_KINDS and t.kind != "go-test"]
        if measured:
            error, details = await self._measure(measured, build_res, workdir, result, verdicts)
            if error:
                return finish(error, details)

        if self.source.kind == "workspace":
            self.listener.on_status("go vet")
            result.vet = await vet(ex, self.source, self.tc, workdir / "vet")

        for t in targets:
            if t.kind == "go-test":
                self.listener.on_status(
                    "running the exercise's Go tests"
                    + (" under -race" if t.params.get("race") else "")
                )
                res = await go_test(
                    ex, self.source, self.tc, workdir / "test", bool(t.params.get("race"))
                )
                verdicts[t.id] = judge_go_test(t, res)
                if not res.passed:
                    result.details = (result.details + "\n" + res.output).strip()
        return finish()

    async def _measure(
        self,
        measured: list[Target],
        mine: BuildResult,
        workdir: Path,
        result: ExerciseResult,
        verdicts: dict[str, Verdict],
    ) -> tuple[str | None, str]:
        ex = self.ex
        ratio = [t for t in measured if t.kind in RATIO_KINDS]
        base_bin = None
        if ratio:
            base = await self._build(Source("starter"), workdir)
            if not base.ok or base.binary is None:
                return f"the starter does not build: {base.error}", base.log
            base_bin = base.binary
        assert mine.binary is not None
        rounds = ex.scenario.rounds if ratio else 1
        max_rounds = ex.scenario.max_rounds if ratio else 1
        n = 0
        while True:
            n += 1
            self.listener.on_status(
                f"running the scenario, round {n}" + (" (yours, then the starter)" if ratio else "")
            )
            m = await self._run_once(mine.binary, self.source.label, workdir)
            result.runs.append(m)
            if not m.ok:
                return m.error, m.details
            if base_bin is not None:
                b = await self._run_once(base_bin, "starter", workdir)
                result.starter_runs.append(b)
                if not b.ok:
                    return f"the starter failed: {b.error}", b.details
            if n < rounds:
                continue
            current = {t.id: judge_measured(t, result.runs, result.starter_runs) for t in measured}
            unsettled = any(current[t.id].status == INCONCLUSIVE for t in ratio)
            if not unsettled or n >= max_rounds:
                break
        for t in measured:
            v = current[t.id]
            if v.status == INCONCLUSIVE:  # still inside the band after the last round
                v = Verdict(
                    v.id,
                    v.label,
                    v.kind,
                    MISSED,
                    v.value,
                    v.limit,
                    v.unit,
                    f"inconclusive after {n} rounds ({v.detail}); counted as missed",
                )
            if v.status == NOT_MEASURED and not v.detail:
                v = not_measured(t, "no measurement")
            verdicts[t.id] = v
        return None, ""


async def check_all(
    exercises: list[Exercise],
    source_for: dict[str, Source],
    tc: Toolchain,
    listener: Listener | None = None,
    seconds: float | None = None,
    timeout: float | None = None,
) -> list[ExerciseResult]:
    """Exercises one after another: measurements must not share the CPUs."""
    out = []
    for ex in exercises:
        check = ExerciseCheck(ex, source_for[ex.id], tc, listener, seconds, timeout)
        out.append(await check.run())
    return out

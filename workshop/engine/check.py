"""The pipeline shared by `pinlab check` and the workshop: build the learner's
code, judge the static targets, run the scenario (beside the starter where a
target is a ratio, until the rounds settle), run the exercise's own tests, and
turn it all into verdicts; go vet's warnings come after the last verdict.
Every step is an event on one callback (workshop/engine/events.py); the last
is CheckDone with the result."""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import time
from pathlib import Path

from workshop.engine import paths
from workshop.engine.build import (
    BuildResult,
    Source,
    call_graph,
    compile_tests,
    run_tests,
    vet,
)
from workshop.engine.catalog import Exercise, Target
from workshop.engine.events import (
    CheckDone,
    Emit,
    Judged,
    RoundCompared,
    Status,
    ignore,
)
from workshop.engine.kinds import GO_TEST, NO_CALL, NO_IMPORT, kind
from workshop.engine.live import LiveDetail
from workshop.engine.metrics import RunMetrics
from workshop.engine.reference import References
from workshop.engine.results import ExerciseResult
from workshop.engine.runner import ScenarioRunner, reference_of, reference_source
from workshop.engine.targets import (
    judge_go_test,
    judge_measured,
    judge_no_call,
    judge_no_import,
    judge_not_inlined,
    judge_ratio,
    not_measured,
    round_ratio,
    settled,
)
from workshop.engine.toolchain import Toolchain
from workshop.engine.verdict import INCONCLUSIVE, MISSED, Verdict


class ExerciseCheck:
    """One check of one exercise from one source."""

    def __init__(
        self,
        ex: Exercise,
        source: Source,
        tc: Toolchain,
        emit: Emit = ignore,
        seconds: float | None = None,
        timeout: float | None = None,
        live: LiveDetail | None = None,
        references: References | None = None,
        sequential: bool = True,
    ) -> None:
        self.ex, self.source, self.tc = ex, source, tc
        self.sequential = sequential  # stop once the rounds settle (False: always scenario.rounds)
        self.emit = emit
        self.seconds = seconds
        self.timeout = timeout or ex.scenario.timeout
        self.live = live
        self.references = references  # recent runs of each reference, kept by the caller

    async def run(self) -> ExerciseResult:
        t0 = time.monotonic()
        workdir = Path(tempfile.mkdtemp(prefix=f"pinlab-{self.ex.id}-", dir=paths.cache_dir()))
        try:
            runner = ScenarioRunner(
                self.ex, self.tc, self.emit, workdir, self.seconds, self.timeout, self.live
            )
            result = await self._run(runner, workdir)
            result.verdict_seconds = time.monotonic() - t0
            if result.error is None and self.source.kind == "workspace":
                # warnings, not targets: after the verdict, so that they take
                # no CPU from the build on a two-core machine
                self.emit(Status("", "go vet (warnings, not judged)"))
                result.vet = await vet(self.ex, self.source, self.tc, workdir / "vet")
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
        result.seconds = time.monotonic() - t0
        self.emit(CheckDone(self.source.label, result))
        return result

    def _judged(self, verdicts: dict[str, Verdict], v: Verdict) -> None:
        verdicts[v.id] = v
        self.emit(Judged(self.source.label, v))

    async def _run(self, runner: ScenarioRunner, workdir: Path) -> ExerciseResult:
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

        # the static work runs beside the build: none of it is measured
        static = [t for t in targets if kind(t.kind).static]
        graph_task = (
            asyncio.create_task(call_graph(ex, self.source, self.tc, workdir / "calls"))
            if any(kind(t.kind).needs_graph for t in static)
            else None
        )
        test_tasks = {
            race: asyncio.create_task(
                compile_tests(ex, self.source, self.tc, workdir / f"test-{race}", race)
            )
            for race in {bool(t.params.get("race")) for t in targets if t.kind == GO_TEST}
        }
        try:
            build_res = await runner.build(self.source)
            result.build = build_res
            if not build_res.ok:
                diags = "\n".join(str(d) for d in build_res.diagnostics) or build_res.log
                return finish(build_res.error, diags)
            graph = await graph_task if graph_task else None
            # nothing may compile while the scenario is measured
            tests = {race: await task for race, task in test_tasks.items()}
        finally:  # whatever was not awaited (a failed build, a cancel) is stopped
            await _cancel(graph_task, *test_tasks.values())

        if static:
            for t in static:
                if t.kind == NO_CALL:
                    assert graph is not None
                    self._judged(verdicts, judge_no_call(t, graph, ex.editable))
                elif t.kind == NO_IMPORT:
                    assert graph is not None
                    self._judged(verdicts, judge_no_import(t, graph, ex.editable))
                else:
                    self._judged(verdicts, judge_not_inlined(t, build_res))

        measured = [t for t in targets if kind(t.kind).measured]
        if measured:
            error, details = await self._measure(runner, measured, build_res, result)
            if error:
                return finish(error, details)
            for t in measured:
                self._judged(verdicts, self._final(t, result))

        for t in targets:
            if t.kind == GO_TEST:
                race = bool(t.params.get("race"))
                self.emit(Status("", "the exercise's Go tests" + (" under -race" if race else "")))
                res = await run_tests(ex, self.tc, tests[race], run=str(t.params.get("run", "")))
                self._judged(verdicts, judge_go_test(t, res))
                if not res.passed:
                    result.details = (result.details + "\n" + res.output).strip()
        return finish()

    def _final(self, t: Target, result: ExerciseResult) -> Verdict:
        if not kind(t.kind).ratio:
            return judge_measured(t, result.runs)
        v = judge_ratio(t, self._ratios[t.id])
        if v.status == INCONCLUSIVE:  # still inside the band after the last round
            v = v.with_status(
                MISSED,
                f"inconclusive after {len(result.runs)} rounds ({v.detail}); counted as missed",
            )
        return v

    async def _measure(
        self,
        runner: ScenarioRunner,
        measured: list[Target],
        mine: BuildResult,
        result: ExerciseResult,
    ) -> tuple[str | None, str]:
        """Rounds of the learner's program, each beside a run of every
        reference a ratio target names (or that reference's fresh runs),
        until every ratio target settles: two rounds agreeing outside the
        dead band, at least scenario.rounds otherwise, more while
        inconclusive, at most scenario.max_rounds."""
        ex = self.ex
        ratio = [t for t in measured if kind(t.kind).ratio]
        self._ratios: dict[str, list[float | None]] = {t.id: [] for t in ratio}
        cached: dict[str, list[RunMetrics]] = {}
        binaries: dict[str, Path] = {}
        for name in dict.fromkeys(reference_of(t) for t in ratio):
            fresh = self.references.get(name).fresh() if self.references else []
            if len(fresh) >= ex.scenario.rounds:
                cached[name] = fresh
                continue
            base = await runner.build(reference_source(ex, name))
            if not base.ok or base.binary is None:
                return f"the {name} does not build: {base.error}", base.log
            binaries[name] = base.binary
        assert mine.binary is not None
        n = 0
        while True:
            n += 1
            beside = f" (yours, then the {', '.join(binaries)})" if binaries else ""
            self.emit(
                Status(
                    "",
                    f"running the scenario, round {n}{beside}" if ratio else "running the scenario",
                )
            )
            m = await runner.run(mine.binary, self.source.label)
            result.runs.append(m)
            if not m.ok:
                return m.error, m.details
            if not ratio:
                return None, ""
            refs = dict(cached)
            for name, binary in binaries.items():
                b = await runner.run(binary, name)
                result.starter_runs.append(b)
                if not b.ok:
                    return f"the {name} failed: {b.error}", b.details
                if self.references is not None:
                    self.references.get(name).add(b)
                refs[name] = [b]
            for t in ratio:
                r = round_ratio(t, m, refs[reference_of(t)])
                self._ratios[t.id].append(r)
                if r is not None:
                    self.emit(RoundCompared(reference_of(t), t.id, n, r))
            if self.sequential and all(settled(t, self._ratios[t.id]) for t in ratio):
                return None, ""
            if n < ex.scenario.rounds:
                continue
            unsure = any(judge_ratio(t, self._ratios[t.id]).status == INCONCLUSIVE for t in ratio)
            if not unsure or n >= ex.scenario.max_rounds:
                return None, ""


async def _cancel(*tasks: asyncio.Task | None) -> None:
    """Cancel work started beside the build that is no longer wanted (its
    processes are killed by run_captured)."""
    for task in tasks:
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(BaseException):
                await task


async def check_all(
    exercises: list[Exercise],
    source_for: dict[str, Source],
    tc: Toolchain,
    emit: Emit = ignore,
    seconds: float | None = None,
    timeout: float | None = None,
) -> list[ExerciseResult]:
    """Exercises one after another: measurements must not share the CPUs."""
    out = []
    for ex in exercises:
        check = ExerciseCheck(ex, source_for[ex.id], tc, emit, seconds, timeout)
        out.append(await check.run())
    return out

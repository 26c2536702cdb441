"""What the validity matrix expects of each case: the starter misses at least
one target, the solution meets all, a wrong learner variant is caught by the
targets it names (or ends with the error it names), a right one passes.
Shared by tests/test_validity.py and scripts/bench_check.py matrix."""

from __future__ import annotations

from workshop.engine.build import Source
from workshop.engine.catalog import Exercise
from workshop.engine.results import ExerciseResult
from workshop.engine.verdict import MISSED


def cases(ex: Exercise) -> list[Source]:
    """Every source the matrix checks for an exercise."""
    return [Source("starter"), Source("solution"), *(Source.variant(v) for v in ex.variants)]


def problems(result: ExerciseResult) -> list[str]:
    """Why this result is not what its case expects (empty: as expected)."""
    return _memory(result) + _verdicts(result)


def _memory(result: ExerciseResult) -> list[str]:
    """A solution or a right answer runs far below the memory cap: at most
    half of it (the cap stops a runaway leak; an honest answer must never
    meet it). A starter or a wrong answer that met it would end in an error,
    which the verdict check reports."""
    src = result.source
    if src.kind == "starter" or (src.kind == "variant" and result.exercise.variant(src.name).wrong):
        return []
    cap = result.exercise.scenario.memory_mb
    peak = max((m.peak_data_mb or 0.0 for m in result.runs), default=0.0)
    if peak > cap / 2:
        return [f"used {peak:.0f} MiB of its {cap} MiB memory cap: raise scenario.memory_mb"]
    return []


def _verdicts(result: ExerciseResult) -> list[str]:
    src, ex = result.source, result.exercise
    if src.kind == "starter":
        return [] if not result.passed else ["the starter meets every target"]
    if src.kind == "solution":
        return [] if result.passed else [f"the solution misses: {result.error or _missed(result)}"]
    v = ex.variant(src.name)
    if not v.wrong:
        return (
            [] if result.passed else [f"a right answer misses: {result.error or _missed(result)}"]
        )
    if v.error:
        if result.error is None or v.error not in result.error:
            return [f"should end with an error containing {v.error!r}, got: {result.error}"]
        return []
    if result.error is not None:
        return [f"ended in an error instead of a target: {result.error}"]
    by_id = {x.id: x for x in result.verdicts}
    out = []
    for catch in v.catches:
        ws = [by_id[t] for t in catch.split("|")]
        if not any(w.status == MISSED for w in ws):
            said = "; ".join(f"{w.id} {w.status} ({w.value} vs {w.limit}) {w.detail}" for w in ws)
            out.append(f"{catch} not caught: {said}")
    return out


def _missed(result: ExerciseResult) -> str:
    return ", ".join(f"{v.id} ({v.status})" for v in result.verdicts if not v.met)

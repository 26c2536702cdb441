"""The exercise validity matrix, the project's most important test: for every
exercise, the pristine starter misses at least one target and the reference
solution meets all of them; every wrong learner variant is caught by the
targets it names (or ends with the error it names), and every right variant
passes. Real builds, real runs, real measurements. PINLAB_VALIDITY_RUNS=5
repeats each case (the closing-note figure; scripts/matrix.py prints a table)."""

from __future__ import annotations

import os

import pytest

from workshop import report
from workshop.build import Source
from workshop.catalog import load_catalog, resolve
from workshop.session import ExerciseCheck, ExerciseResult
from workshop.targets import MISSED
from workshop.toolchain import Toolchain

RUNS = int(os.environ.get("PINLAB_VALIDITY_RUNS", "1"))
CATALOG = load_catalog()
IDS = [ex.id for ex in CATALOG]
VARIANTS = [(ex.id, v.name) for ex in CATALOG for v in ex.variants]


@pytest.mark.slow
@pytest.mark.parametrize("ex_id", IDS)
async def test_starter_misses_and_solution_meets(ex_id: str, toolchain: Toolchain) -> None:
    ex = resolve(load_catalog(), ex_id)
    for _ in range(RUNS):
        starter = await ExerciseCheck(ex, Source("starter"), toolchain).run()
        missed = [v.id for v in starter.verdicts if not v.met]
        assert missed, "the starter meets every target:\n" + report.to_text([starter])
        solution = await ExerciseCheck(ex, Source("solution"), toolchain).run()
        assert solution.passed, "the solution misses:\n" + report.to_text([solution])


def caught(result: ExerciseResult, catches: tuple[str, ...], error: str) -> list[str]:
    """Why a wrong variant's check did not catch it as it should (empty: caught)."""
    if error:
        if result.error is None or error not in result.error:
            return [f"the check should end with an error containing {error!r}: {result.error}"]
        return []
    if result.error is not None:
        return [f"the check ended in an error instead of a target: {result.error}"]
    by_id = {v.id: v for v in result.verdicts}
    return [
        f"{t}: {by_id[t].status} ({by_id[t].value} vs {by_id[t].limit}) {by_id[t].detail}"
        for t in catches
        if by_id[t].status != MISSED
    ]


@pytest.mark.slow
@pytest.mark.parametrize(("ex_id", "name"), VARIANTS, ids=[f"{e}:{n}" for e, n in VARIANTS])
async def test_learner_variant(ex_id: str, name: str, toolchain: Toolchain) -> None:
    ex = resolve(load_catalog(), ex_id)
    v = ex.variant(name)
    for _ in range(RUNS):
        result = await ExerciseCheck(ex, Source.variant(v), toolchain).run()
        text = report.to_text([result])
        if v.wrong:
            problems = caught(result, v.catches, v.error)
            assert not problems, f"{v.why}\n" + "\n".join(problems) + "\n" + text
        else:
            assert result.passed, f"a right answer ({v.why}) misses:\n{text}"

"""The exercise validity matrix, the project's most important test: for every
exercise, the pristine starter misses at least one target and the reference
solution meets all of them. Real builds, real runs, real measurements.
PINLAB_VALIDITY_RUNS=5 repeats each side (the closing-note figure)."""

from __future__ import annotations

import os

import pytest

from workshop import report
from workshop.build import Source
from workshop.catalog import load_catalog, resolve
from workshop.session import ExerciseCheck
from workshop.toolchain import Toolchain

RUNS = int(os.environ.get("PINLAB_VALIDITY_RUNS", "1"))
IDS = [ex.id for ex in load_catalog()]


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

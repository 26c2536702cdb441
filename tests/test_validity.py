"""The exercise validity matrix, the project's most important test: for every
exercise, the pristine starter misses at least one target and the reference
solution meets all of them; every wrong learner variant is caught by the
targets it names (or ends with the error it names), and every right variant
passes (workshop/validity.py). Real builds, real runs, real measurements.
PINLAB_VALIDITY_RUNS=5 repeats each case; `scripts/bench_check.py matrix`
prints the values behind it."""

from __future__ import annotations

import os
from dataclasses import replace

import pytest

from workshop.engine import report
from workshop.engine.build import Source
from workshop.engine.catalog import Variant, load_catalog, resolve
from workshop.engine.check import ExerciseCheck
from workshop.engine.results import ExerciseResult
from workshop.engine.toolchain import Toolchain
from workshop.engine.validity import cases, problems
from workshop.engine.verdict import MET, MISSED, Status, Verdict

RUNS = int(os.environ.get("PINLAB_VALIDITY_RUNS", "1"))
CATALOG = load_catalog()
CASES = [(ex.id, i, src.label) for ex in CATALOG for i, src in enumerate(cases(ex))]


@pytest.mark.slow
@pytest.mark.parametrize(("ex_id", "index", "label"), CASES, ids=[f"{e}:{n}" for e, _, n in CASES])
async def test_validity(ex_id: str, index: int, label: str, toolchain: Toolchain) -> None:
    ex = resolve(load_catalog(), ex_id)
    source = cases(ex)[index]
    for _ in range(RUNS):
        result = await ExerciseCheck(ex, source, toolchain).run()
        found = problems(result)
        assert not found, "\n".join(found) + "\n" + report.to_text([result])


def test_every_exercise_has_its_variants() -> None:
    """At least four wrong answers and two right-but-different ones each."""
    counts = {
        ex.id: (sum(v.wrong for v in ex.variants), sum(not v.wrong for v in ex.variants))
        for ex in CATALOG
    }
    short = {
        ex_id: (wrong, right) for ex_id, (wrong, right) in counts.items() if wrong < 4 or right < 2
    }
    assert not short, f"exercises short of variants (wrong, right): {short}"


def test_a_catch_may_name_two_targets_one_of_which_must_miss() -> None:
    ex = CATALOG[0]
    a, b = ex.targets[0].id, ex.targets[1].id
    variant = Variant("either", "miss", "test", (f"{a}|{b}",), ex.directory)
    ex = replace(ex, variants=(variant,))

    def result(a_status: Status, b_status: Status) -> ExerciseResult:
        verdicts = [
            Verdict(a, "a", "info", a_status, 0.0, ""),
            Verdict(b, "b", "info", b_status, 0.0, ""),
        ]
        return ExerciseResult(ex, Source("variant", ex.directory, "either"), verdicts)

    assert problems(result(MET, MISSED)) == []
    assert problems(result(MISSED, MET)) == []
    assert problems(result(MET, MET))[0].startswith(f"{a}|{b} not caught")

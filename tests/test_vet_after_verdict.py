"""go vet's findings are warnings: a check reports them, but only after the
last target is judged, so that vet takes no CPU from the build."""

from __future__ import annotations

from pathlib import Path

from workshop.engine.build import Source
from workshop.engine.catalog import Exercise
from workshop.engine.check import ExerciseCheck
from workshop.engine.events import Event, Judged, Status
from workshop.engine.toolchain import Toolchain


async def test_vet_warning_reported_after_the_verdicts(
    tmp_path: Path, catalog: list[Exercise], toolchain: Toolchain
) -> None:
    ex = next(e for e in catalog if e.number == 1)
    for name in ex.editable:
        (tmp_path / name).write_text(ex.solution_file(name).read_text())
    # compiles, and vet's assign analyzer flags it
    with (tmp_path / ex.editable[0]).open("a") as f:
        f.write("\nfunc selfAssign() int {\n\tx := 1\n\tx = x\n\treturn x\n}\n")
    events: list[Event] = []
    result = await ExerciseCheck(ex, Source("workspace", tmp_path), toolchain, events.append).run()

    assert result.passed, [v for v in result.verdicts if not v.met]
    assert any("self-assignment" in d.message for d in result.vet), result.vet
    last_judged = max(i for i, e in enumerate(events) if isinstance(e, Judged))
    vet_status = next(
        i for i, e in enumerate(events) if isinstance(e, Status) and "go vet" in e.text
    )
    assert vet_status > last_judged
    assert 0 < result.verdict_seconds <= result.seconds

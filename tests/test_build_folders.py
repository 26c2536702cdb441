"""Each thing a check builds has its own folder: a variant checked against
another variant (a ratio's `against`) must never run the other's binary."""

from __future__ import annotations

from pathlib import Path

from workshop.engine.build import Source
from workshop.engine.catalog import Exercise
from workshop.engine.runner import ScenarioRunner
from workshop.engine.toolchain import Toolchain


async def test_two_variants_build_into_two_folders(
    tmp_path: Path, catalog: list[Exercise], toolchain: Toolchain
) -> None:
    ex = next(e for e in catalog if len(e.variants) >= 2)
    runner = ScenarioRunner(ex, toolchain, lambda _e: None, tmp_path, None, 60.0, None)
    sources = [Source("starter"), Source("solution"), *(Source.variant(v) for v in ex.variants[:2])]
    binaries = []
    for source in sources:
        res = await runner.build(source)
        assert res.ok and res.binary is not None, f"{source.label} did not build"
        binaries.append(res.binary)
    assert len({b.parent for b in binaries}) == len(sources)
    # each binary is still there, and still its own, after the others were built
    contents = [b.read_bytes() for b in binaries]
    assert len(set(contents)) == len(sources)

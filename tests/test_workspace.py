"""The workspace never loses learner work: init copies only what is missing,
reset keeps a backup, progress survives and is written atomically."""

from __future__ import annotations

import json
from pathlib import Path

from workshop.engine.catalog import Exercise
from workshop.engine.workspace import IN_PROGRESS, NOT_STARTED, SOLVED, Workspace


def test_init_copies_starters_and_never_overwrites(tmp_path: Path, catalog: list[Exercise]) -> None:
    ws = Workspace(tmp_path / "ws")
    copied = ws.ensure(catalog)
    assert len(copied) == sum(len(ex.editable) for ex in catalog)
    ex = catalog[0]
    mine = ws.file(ex, ex.editable[0])
    mine.write_text("// my work\n")
    assert ws.ensure(catalog) == []
    assert mine.read_text() == "// my work\n"
    assert ws.status(ex) == IN_PROGRESS


def test_reset_backs_up_and_restores(tmp_path: Path, catalog: list[Exercise]) -> None:
    ws = Workspace(tmp_path)
    ws.ensure(catalog)
    ex = catalog[0]
    mine = ws.file(ex, ex.editable[0])
    mine.write_text("// my work\n")
    backup = ws.reset(ex)
    assert backup is not None and (backup / ex.editable[0]).read_text() == "// my work\n"
    assert mine.read_bytes() == ex.starter_file(ex.editable[0]).read_bytes()
    assert ws.status(ex) == NOT_STARTED
    assert ws.reset(ex) is None  # nothing of yours to keep the second time


def test_progress_is_kept_and_a_pass_is_not_taken_back(
    tmp_path: Path, catalog: list[Exercise]
) -> None:
    ws = Workspace(tmp_path)
    ws.ensure(catalog)
    ex = catalog[0]
    ws.set_status(ex, SOLVED)
    ws.set_status(ex, IN_PROGRESS)
    assert Workspace(tmp_path).status(ex) == SOLVED
    data = json.loads(ws.progress_file.read_text())
    assert data["exercises"][ex.id]["status"] == SOLVED
    assert not list(ws.state_dir.glob(".progress.json.*")), "temporary file left behind"


def test_corrupt_progress_file_is_survivable(tmp_path: Path, catalog: list[Exercise]) -> None:
    ws = Workspace(tmp_path)
    ws.ensure(catalog)
    ws.progress_file.write_text("{not json")
    assert ws.status(catalog[0]) == NOT_STARTED
    ws.set_status(catalog[0], SOLVED)
    assert ws.status(catalog[0]) == SOLVED

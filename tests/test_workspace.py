"""The workspace never loses learner work: init copies only what is missing,
reset keeps a backup, progress survives any number of writers at once, an
old progress file is imported, and a read-only workspace is judged as usual."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workshop.engine import paths
from workshop.engine.catalog import Exercise, resolve
from workshop.engine.targets import passfail
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
    assert Workspace(tmp_path).load_progress().exercises[ex.id].status == SOLVED


def test_corrupt_progress_file_is_survivable(tmp_path: Path, catalog: list[Exercise]) -> None:
    ws = Workspace(tmp_path)
    ws.ensure(catalog)
    ws.progress_file.write_text("{not json")
    assert ws.status(catalog[0]) == NOT_STARTED
    ws.set_status(catalog[0], SOLVED)
    assert ws.status(catalog[0]) == SOLVED


DATA = Path(__file__).parent / "data"


def _pinlab(*args: str, **kw: object) -> subprocess.Popen[str]:
    return subprocess.Popen(  # type: ignore[call-overload]
        [sys.executable, "-m", "workshop.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kw,
    )


def test_forty_checks_at_once_are_all_recorded(tmp_path: Path, catalog: list[Exercise]) -> None:
    """Real `pinlab check 1` processes on one workspace, all at once: every
    check is an attempt and counts (the JSON file kept 15 of 40)."""
    ws = Workspace(tmp_path / "ws")
    ws.ensure(catalog)
    procs = [
        _pinlab("check", "1", "--workspace", str(ws.root), "--seconds", "0.1") for _ in range(40)
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [1] * 40, outs[0]  # the starter misses
    assert not [err for _, err in outs if "Traceback" in err]
    ex = resolve(catalog, "01")
    assert len(ws.history(ex)) == 40
    assert ws.load_progress().exercises[ex.id].checks == 40


def test_an_old_progress_file_is_imported_once(tmp_path: Path, catalog: list[Exercise]) -> None:
    """progress.json as the previous version wrote it (tests/data): read as it
    is until the first write, imported then, and kept beside as a backup."""
    ws = Workspace(tmp_path)
    ws.ensure(catalog)
    shutil.copy(DATA / "progress-v1.json", ws.progress_file)
    one, two = resolve(catalog, "01"), resolve(catalog, "02")
    assert ws.status(one) == SOLVED and ws.load_progress().current == two.id
    ws.file(two, two.editable[0]).write_text("// edited\n")
    ws.record(two, False, [], when=1764950300.0)
    assert not ws.progress_file.exists()
    assert (ws.state_dir / "progress.json.imported").exists()
    progress = ws.load_progress()
    first = progress.exercises[one.id]
    assert (first.status, first.checks, first.first_pass) == (SOLVED, 2, 1764950100.0)
    assert first.last is not None and first.last.met == 2
    assert progress.exercises[two.id].checks == 2  # the imported check and this one
    assert [a.when for a in ws.history(two)] == [1764950200.0, 1764950300.0]
    ws.record(two, False, [], when=1764950400.0)  # a second write imports nothing again
    assert ws.load_progress().exercises[one.id].checks == 2


def test_history_lists_every_check_with_its_values(tmp_path: Path, catalog: list[Exercise]) -> None:
    ws = Workspace(tmp_path)
    ws.ensure(catalog)
    ex = resolve(catalog, "01")
    for n, met in enumerate((1, 2, 3)):
        ws.file(ex, "compute.go").write_text(f"// try {n}\n")
        verdicts = [passfail(t, i < met, float(i), "") for i, t in enumerate(ex.targets)]
        ws.record(ex, met == 3, verdicts, when=100.0 + n)
    out = _pinlab("history", "1", "--workspace", str(ws.root), "--format", "json")
    stdout, _ = out.communicate(timeout=60)
    attempts = json.loads(stdout)
    assert [a["when"] for a in attempts] == [100.0, 101.0, 102.0]
    assert [a["met"] for a in attempts] == [1, 2, 3]
    assert attempts[1]["changed"] == ["compute.go"]
    assert (
        attempts[0]["values"]["pin-removed"] == 0.0 and attempts[0]["targets"]["threads"] is False
    )
    text, _ = _pinlab("history", "1", "--workspace", str(ws.root)).communicate(timeout=60)
    assert "3 checks" in text and "3/3" in text and "threads: OS threads" in text


@pytest.mark.skipif(not shutil.which("unshare"), reason="needs unshare for a read-only bind mount")
def test_a_read_only_workspace_is_judged_and_says_progress_was_not_saved(
    tmp_path: Path, catalog: list[Exercise]
) -> None:
    """A grader's read-only mount (a real one: a read-only bind mount in a
    user and mount namespace of the test's own): the verdict's exit status,
    one line about progress, no traceback."""
    ws = Workspace(tmp_path / "ws")
    ws.ensure(catalog)
    ex = resolve(catalog, "01")
    shutil.copy(ex.solution_file("compute.go"), ws.file(ex, "compute.go"))
    root = shlex.quote(str(ws.root))
    script = (
        f"mount --bind {root} {root} && mount -o remount,ro,bind {root} && "
        f"touch {root}/x 2>/dev/null && echo WRITABLE; "
        f"exec {shlex.quote(sys.executable)} -m workshop.cli check 1 --workspace {root}"
    )
    p = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "PYTHONPATH": str(paths.ROOT)},
    )
    if "mount" in p.stderr and p.returncode not in (0, 1):
        pytest.skip(f"no read-only bind mount here: {p.stderr.strip()}")
    assert "WRITABLE" not in p.stdout
    assert p.returncode == 0, p.stdout + p.stderr  # the solution passes, read-only or not
    assert "progress not saved" in p.stderr and "read-only" in p.stderr
    assert "Traceback" not in p.stderr
    assert ws.history(ex) == []

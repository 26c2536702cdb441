"""A learner's broken program gets a one-line verdict with details, exit
status 1, no traceback and no process left behind. Real builds, real runs."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from workshop.engine.build import Source
from workshop.engine.catalog import Exercise, resolve
from workshop.engine.check import ExerciseCheck
from workshop.engine.events import Event, RunStarted
from workshop.engine.toolchain import Toolchain
from workshop.engine.workspace import Workspace

HEADER = (
    'package main\n\nimport (\n\t"os"\n\t"runtime"\n\t"sync"\n)\n\n'
    "var _ = os.Stdout\nvar _ = runtime.NumCPU\nvar _ sync.Mutex\n\n"
)

PROGRAMS = {
    "compile-error": (
        "package main\n\nfunc compute(n int) int {\n\treturn n +\n}\n",
        "does not compile: 01-vestigial-pin/compute.go:5:1",
    ),
    "panic": (HEADER + 'func compute(n int) int {\n\tpanic("boom")\n}\n', "crashed: panic: boom"),
    "deadlock": (
        HEADER
        + "func compute(n int) int {\n\tvar mu sync.Mutex\n"
        + "\tmu.Lock()\n\tmu.Lock()\n\treturn n\n}\n",
        "timeout: still running after 4 s",
    ),
    "infinite-loop": (HEADER + "func compute(n int) int {\n\tfor {\n\t}\n}\n", "timeout"),
    "thread-bomb": (
        HEADER + "func compute(n int) int {\n\tfor i := 0; i < 10000; i++ {\n\t\tgo func() {\n"
        "\t\t\truntime.LockOSThread()\n\t\t\tselect {}\n\t\t}()\n\t}\n\tselect {}\n}\n",
        "thread",
    ),
    "output-flood": (
        HEADER + "var junk = make([]byte, 1<<20)\n\nfunc compute(n int) int {\n"
        "\tos.Stdout.Write(junk)\n\treturn n * (n - 1) / 2\n}\n",
        "output flood",
    ),
}


def leftovers(marker: str) -> list[str]:
    """Processes whose command line mentions marker (our cache dir)."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if marker in cmd:
            found.append(f"{pid}: {cmd}")
    return found


@pytest.mark.parametrize("case", sorted(PROGRAMS))
def test_bad_program_gets_a_clear_verdict(
    case: str, tmp_path: Path, catalog: list[Exercise]
) -> None:
    source, expected = PROGRAMS[case]
    ws = Workspace(tmp_path / "ws")
    ws.ensure(catalog)
    ex = resolve(catalog, "1")
    ws.file(ex, "compute.go").write_text(source)
    cache = os.environ["PINLAB_CACHE"]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "workshop.cli",
            "--workspace",
            str(ws.root),
            "check",
            "1",
            "--format",
            "json",
            "--timeout",
            "4",
            "--seconds",
            "0.5",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    report = json.loads(proc.stdout)
    error = report["exercises"][0]["error"]
    assert error and "\n" not in error
    assert expected in error, error
    assert not any(
        t["met"]
        for t in report["exercises"][0]["targets"]
        if t["kind"] not in ("no-call", "not-inlined")
    )
    assert leftovers(cache) == []


async def test_cancelling_a_check_kills_the_run(
    tmp_path: Path, catalog: list[Exercise], toolchain: Toolchain
) -> None:
    ws = Workspace(tmp_path)
    ws.ensure(catalog)
    ex = resolve(catalog, "1")
    ws.file(ex, "compute.go").write_text(PROGRAMS["infinite-loop"][0])
    started = asyncio.Event()

    def emit(event: Event) -> None:
        if isinstance(event, RunStarted):
            started.set()

    check = ExerciseCheck(ex, Source("workspace", ws.exercise_dir(ex)), toolchain, emit)
    task = asyncio.create_task(check.run())
    await asyncio.wait_for(started.wait(), 60)
    await asyncio.sleep(0.5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert leftovers(os.environ["PINLAB_CACHE"]) == []


def test_a_file_the_learner_adds_is_named_in_the_verdict(
    tmp_path: Path, catalog: list[Exercise]
) -> None:
    """helper.go beside compute.go is not built: the compile error says so,
    instead of a bare 'undefined: sumBelow'."""
    ws = Workspace(tmp_path / "ws")
    ws.ensure(catalog)
    ex = resolve(catalog, "1")
    ws.file(ex, "compute.go").write_text(
        "package main\n\n//go:noinline\nfunc compute(n int) int { return sumBelow(n) }\n"
    )
    ws.file(ex, "helper.go").write_text(
        "package main\n\nfunc sumBelow(n int) int { return n * (n - 1) / 2 }\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "workshop.cli", "--workspace", str(ws.root), "check", "1"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert "undefined: sumBelow" in proc.stdout
    assert "helper.go is not part of this exercise: only compute.go is built" in proc.stdout


def test_a_program_that_grows_past_the_memory_cap_is_stopped_by_the_kernel(
    tmp_path: Path, catalog: list[Exercise]
) -> None:
    """A "warm-up cache" that would grow to 6 GiB: the kernel refuses it
    memory at the cap (RLIMIT_DATA, for the program alone), and the verdict
    names memory and the cap, long before 6 GiB."""
    ws = Workspace(tmp_path / "ws")
    ws.ensure(catalog)
    ex = resolve(catalog, "1")
    ws.file(ex, "compute.go").write_text(
        'package main\n\nimport "sync"\n\nvar (\n\tmu    sync.Mutex\n\tcache [][]byte\n)\n\n'
        "//go:noinline\nfunc compute(n int) int {\n\tmu.Lock()\n"
        "\tif len(cache) < 96 { // 96 x 64 MiB: 6 GiB of warm-up\n"
        "\t\tcache = append(cache, make([]byte, 64<<20))\n\t}\n\tmu.Unlock()\n"
        "\treturn n * (n - 1) / 2\n}\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "workshop.cli", "--workspace", str(ws.root), "check", "1"]
        + ["--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    result = json.loads(proc.stdout)["exercises"][0]
    cap = ex.scenario.memory_mb
    assert result["error"].startswith(f"out of memory: the program passed its {cap} MiB"), result

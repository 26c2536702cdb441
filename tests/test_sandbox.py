"""The sandbox on real processes: a timeout kills the whole tree (even a
grandchild that left the process group), output is capped, and the PID
namespace counts thread creations exactly."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from probes.namespace import NSINIT_SOURCE
from workshop.engine import sandbox
from workshop.engine.sandbox import OUTPUT_KEEP, ProgramRun, run_captured


def alive_with(marker: str) -> list[int]:
    pids = []
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                if marker.encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                    pids.append(int(pid))
            except OSError:
                pass
    return pids


@pytest.fixture(params=["namespace", "plain"])
def mode(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    sandbox.namespace_prefix.cache_clear()
    if request.param == "plain":
        monkeypatch.setenv("PINLAB_NO_NAMESPACE", "1")
    elif sandbox.namespace_prefix() is None:
        pytest.skip("this machine allows no private PID namespace (unshare --pid failed)")
    yield request.param
    sandbox.namespace_prefix.cache_clear()


async def test_timeout_kills_the_whole_tree(mode: str, tmp_path: Path) -> None:
    marker = f"{tmp_path}/escapee"
    script = tmp_path / "escapee"
    script.write_text("#!/bin/sh\nsleep 300\n")
    script.chmod(0o755)
    run = ProgramRun(["sh", "-c", f"setsid {marker} & {marker}"], dict(os.environ), tmp_path, 1.0)
    await run.start()
    res = await run.wait()
    assert res.timed_out and res.killed and res.killed.startswith("timeout")
    assert alive_with(marker) == [], "a process outlived the sandbox"
    assert res.exact_churn == (mode == "namespace")


async def test_output_is_capped_and_a_flood_is_stopped(tmp_path: Path) -> None:
    run = ProgramRun(["sh", "-c", "yes pinlab"], dict(os.environ), tmp_path, 30.0)
    await run.start()
    res = await run.wait()
    assert res.killed and "output flood" in res.killed
    assert res.output_bytes > sandbox.OUTPUT_LIMIT
    assert len(res.stdout) < OUTPUT_KEEP + 200 and "earlier bytes not kept" in res.stdout


async def test_namespace_counts_every_process_created(tmp_path: Path) -> None:
    if sandbox.namespace_prefix() is None:
        pytest.skip("this machine allows no private PID namespace (unshare --pid failed)")
    # 20 short-lived processes, each gone long before a 10 Hz sampler could see it
    run = ProgramRun(
        ["sh", "-c", "for i in $(seq 20); do /bin/true; done"], dict(os.environ), tmp_path, 30.0
    )
    await run.start()
    res = await run.wait()
    assert res.returncode == 0 and res.exact_churn
    # pid 2 is sh itself; seq and the 20 /bin/true each take one more
    assert res.pids[-1][1] - 2 == 21


async def test_run_captured_reports_exit_and_output(tmp_path: Path) -> None:
    res = await run_captured(
        ["sh", "-c", "echo out; echo err >&2; exit 3"], tmp_path, dict(os.environ), 10
    )
    assert res.returncode == 3 and res.stdout.strip() == "out" and res.stderr.strip() == "err"
    slow = await run_captured(["sleep", "30"], tmp_path, dict(os.environ), 0.5)
    assert slow.timed_out


def test_nsinit_compiles_cleanly(tmp_path: Path) -> None:
    src = NSINIT_SOURCE
    res = subprocess.run(
        ["cc", "-Wall", "-Wextra", "-Werror", "-o", str(tmp_path / "n"), str(src)],
        capture_output=True,
        text=True,
    )
    assert res.returncode == 0, res.stderr

"""`pinlab probe` as a user runs it: attach to a PID, or start a command in
the sandbox where churn is exact."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from workshop.engine import sandbox

PROBE = [sys.executable, "-m", "workshop.cli", "probe"]


def test_probe_a_command_counts_its_children_exactly() -> None:
    if sandbox.namespace_prefix() is None:
        pytest.skip("this machine allows no private PID namespace (unshare --pid failed)")
    out = subprocess.run(
        [
            *PROBE,
            "--format",
            "json",
            "--interval",
            "0.05",
            "--",
            "sh",
            "-c",
            "for i in 1 2 3; do /bin/true; done; sleep 0.5; exit 3",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 3, out.stderr  # the command's own exit status
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert records and all(r["created_exact"] for r in records)
    last = records[-1]
    assert last["alive"] is False
    assert last["created_total"] == 4  # three /bin/true and one sleep, however brief
    assert records[0]["per_thread"][0]["nstid"] == 2  # PID 2 in its own namespace


def test_probe_attaches_to_a_pid() -> None:
    target = subprocess.Popen(["sleep", "30"])
    try:
        out = subprocess.run(
            [*PROBE, str(target.pid), "--count", "2", "--interval", "0.1", "--format", "json"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    finally:
        target.kill()
    assert out.returncode == 0, out.stderr
    records = [json.loads(line) for line in out.stdout.splitlines()]
    assert len(records) == 2
    assert records[0]["pid"] == target.pid and records[0]["threads"] == 1
    assert records[0]["created_exact"] is False  # attached: a lower bound, and it says so
    assert records[-1]["per_thread"][0]["name"] == "sleep"


def test_probe_text_table_and_bad_pid() -> None:
    out = subprocess.run(
        [*PROBE, "--count", "1", "--", "sleep", "1"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0 and "TID" in out.stdout and "sleep" in out.stdout
    missing = subprocess.run([*PROBE, "999999999"], capture_output=True, text=True)
    assert missing.returncode == 2 and "no process" in missing.stderr

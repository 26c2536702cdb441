"""`pinlab probe` output built from a real sample: the JSON schema and the
text table."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from probes.programs import PROGRAMS, build_c
from probes.report import LatestDetail, format_text, sample_record
from probes.sampler import Sampler


@pytest.fixture(scope="module")
def threads_binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_c(PROGRAMS / "threads.c", tmp_path_factory.mktemp("threads"))


def test_json_lines_and_text_table(threads_binary: Path) -> None:
    proc = subprocess.Popen(
        [str(threads_binary), "5", "0"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    pinned = int(proc.stdout.readline().split()[1])
    try:
        sampler = Sampler(proc.pid, locked=lambda: {pinned: "device 0 worker"}, nvml=False)
        latest = LatestDetail()
        first = sampler.step()
        second = sampler.step()  # no detail pass this tick: the last one carries over
        assert second.per_thread is None
        assert latest.update(first) == first.per_thread
        per_thread = latest.update(second)
    finally:
        proc.kill()
        proc.wait()

    record = json.loads(json.dumps(sample_record(second, per_thread)))
    assert record["pid"] == proc.pid and record["threads"] == 6
    assert isinstance(record["t"], float)
    assert record["created_total"] == 0 and record["created_exact"] is False
    assert len(record["per_thread"]) == 6
    for entry in record["per_thread"]:
        assert {"tid", "name", "state", "cpu", "affinity", "locked", "role"} <= entry.keys()
        assert isinstance(entry["affinity"], list)
    (locked,) = [e for e in record["per_thread"] if e["locked"]]
    assert locked == {**locked, "tid": pinned, "role": "device 0 worker", "affinity": [0]}
    assert record["gpu"] == []

    text = format_text(second, per_thread, max_rows=4)
    lines = text.splitlines()
    assert lines[0].startswith(f"pid {proc.pid}  threads 6  created 0 (lower bound")
    assert "[locked: device 0 worker]" in lines[2]  # locked threads first
    assert lines[-1] == "  ... 2 more threads"

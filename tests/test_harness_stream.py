"""The Go harness's stream, read from a real driver binary: frame order and
content, HdrHistogram snapshots that decode in Python, and a slow reader that
never slows the workload (frames are dropped and counted instead)."""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import subprocess
import time
from pathlib import Path

import pytest
from hdrh.histogram import HdrHistogram

from workshop.engine.build import Source, build
from workshop.engine.catalog import Exercise, resolve
from workshop.engine.toolchain import Toolchain


@pytest.fixture(scope="module")
def driver(tmp_path_factory: pytest.TempPathFactory, catalog: list[Exercise]) -> Path:
    ex = resolve(catalog, "1")
    res = asyncio.run(build(ex, Source("solution"), _tc(), tmp_path_factory.mktemp("drv")))
    assert res.ok and res.binary, res.log
    return res.binary


def _tc() -> Toolchain:
    from workshop.engine.toolchain import find

    return find()


F_SETPIPE_SZ = 1031  # Linux fcntl


def run_driver(binary: Path, read_delay: float, **env: str) -> list[dict]:
    r, w = os.pipe()
    if read_delay:
        fcntl.fcntl(w, F_SETPIPE_SZ, 4096)  # a page: a slow reader is felt at once
    proc = subprocess.Popen(
        [str(binary)],
        pass_fds=(w,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PINLAB_STREAM_FD": str(w), **env},
    )
    os.close(w)
    time.sleep(read_delay)
    with os.fdopen(r, "rb") as f:
        lines = f.read().splitlines()
    assert proc.wait(timeout=30) == 0, proc.stderr.read() if proc.stderr else ""
    return [json.loads(line) for line in lines]


def test_frames_arrive_in_order_with_decodable_histograms(driver: Path) -> None:
    frames = run_driver(driver, 0.0, PINLAB_SECONDS="0.5")
    kinds = [f["type"] for f in frames]
    assert kinds[0] == "hello" and kinds[-1] == "result"
    hello = frames[0]
    assert hello["exercise"] == "01-vestigial-pin" and hello["gomaxprocs"] >= 1 and hello["pid"] > 0
    phases = [f["name"] for f in frames if f["type"] == "phase"]
    assert phases == ["baseline", "setup", "load", "teardown"]
    baseline = next(f for f in frames if f["type"] == "baseline")
    assert baseline["threads"] >= 2
    done = next(f for f in frames if f["type"] == "load_done")
    assert 0.45 <= done["seconds"] <= 1.0 and done["calls"] > 1000 and done["errors"] == 0
    hist = HdrHistogram.decode(done["hist"])
    assert hist.get_total_count() == done["calls"]
    p50 = hist.get_value_at_percentile(50)
    assert 50 <= p50 <= 1_000_000, p50  # ns: compute(1000) takes ~a quarter of a microsecond
    ticks = [f for f in frames if f["type"] == "tick" and f.get("hist")]
    assert ticks, "no tick carried a histogram"
    assert all("go_threads" in f and "goroutines" in f for f in ticks)
    counts = [HdrHistogram.decode(f["hist"]).get_total_count() for f in ticks]
    assert counts == sorted(counts), "cumulative snapshots must not shrink"


def test_slow_reader_never_stalls_the_workload(driver: Path) -> None:
    # 1 ms ticks fill the pipe long before the reader starts reading
    frames = run_driver(driver, 2.5, PINLAB_SECONDS="1", PINLAB_INTERVAL_MS="1")
    done = next(f for f in frames if f["type"] == "load_done")
    # had the workload waited for the reader, the load would have lasted 2.5 s or more
    assert 0.95 <= done["seconds"] < 2.0, done["seconds"]
    result = frames[-1]
    assert result["type"] == "result" and result["ok"] is True
    assert result["dropped"] > 0, "the reader was slow, yet nothing was dropped"

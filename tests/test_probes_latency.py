"""Latency: histograms encoded by Go's hdrhistogram-go (as the harness does)
decode to Go's own percentiles, per interval and since start."""

from __future__ import annotations

import json
import subprocess
from typing import Any

import pytest

from probes.frames import Tick
from probes.latency import (
    LatencyTracker,
    Percentiles,
    decode_histogram,
    interval_distribution,
    percentiles,
    throughput,
    value_at,
)
from probes.programs import build_go


@pytest.fixture(scope="module")
def go_snapshots(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    binary = build_go("hdrenc", tmp_path_factory.mktemp("hdrenc"))
    out = subprocess.run([str(binary)], capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout))


def go_percentiles(summary: dict[str, int]) -> Percentiles:
    return Percentiles(
        p50=summary["P50"],
        p90=summary["P90"],
        p99=summary["P99"],
        p999=summary["P999"],
        max=summary["Max"],
        count=summary["Count"],
    )


def test_cumulative_snapshots_match_go(go_snapshots: dict[str, Any]) -> None:
    for name in ("first", "second"):
        decoded = percentiles(decode_histogram(go_snapshots[name]))
        assert decoded == go_percentiles(go_snapshots[f"{name}_summary"])


def test_interval_between_snapshots_matches_go(go_snapshots: dict[str, Any]) -> None:
    first = decode_histogram(go_snapshots["first"])
    second = decode_histogram(go_snapshots["second"])
    interval = interval_distribution(first, second)
    assert percentiles(interval) == go_percentiles(go_snapshots["interval_summary"])
    # the slow second interval stands out only in the interval view
    assert percentiles(interval).p50 > 10 * percentiles(second).p50


def test_interval_falls_back_to_the_snapshot_for_a_new_run(go_snapshots: dict[str, Any]) -> None:
    first = decode_histogram(go_snapshots["first"])
    second = decode_histogram(go_snapshots["second"])
    assert interval_distribution(None, first) is first
    assert interval_distribution(second, first) is first  # counts went backwards
    assert percentiles(interval_distribution(first, first)).count == 0


def test_tracker_gives_throughput_and_restarts_with_a_new_run(
    go_snapshots: dict[str, Any],
) -> None:
    tracker = LatencyTracker()
    assert tracker.feed_tick(Tick(0.1, "setup", 0)) is None  # no load yet
    assert tracker.feed_tick(Tick(0.1, "load", 0, hist="not base64!")) is None
    one = tracker.feed_tick(Tick(1.0, "load", 0, calls=20000, hist=go_snapshots["first"]))
    two = tracker.feed_tick(Tick(1.5, "load", 0, calls=25000, hist=go_snapshots["second"]))
    assert one is not None and two is not None
    assert one.calls_per_second is None
    assert two.calls_per_second == pytest.approx(10000.0)
    assert two.interval == go_percentiles(go_snapshots["interval_summary"])
    assert two.since_start == go_percentiles(go_snapshots["second_summary"])
    restarted = tracker.feed(2.0, 20000, go_snapshots["first"])
    assert restarted.calls_per_second is None
    assert restarted.interval == restarted.since_start


def test_empty_distribution_and_rank_edges(go_snapshots: dict[str, Any]) -> None:
    first = decode_histogram(go_snapshots["first"])
    empty = interval_distribution(first, first)
    assert percentiles(empty) == Percentiles(0, 0, 0, 0, 0, 0)
    assert value_at(first, 100.0) == percentiles(first).max
    assert value_at(first, 0.0001) <= percentiles(first).p50
    assert throughput(10, 30, 2.0) == 10.0
    assert throughput(30, 10, 2.0) is None and throughput(1, 2, 0.0) is None
    with pytest.raises(ValueError):
        decode_histogram("HISTFAAAA")

"""Latency distributions from the harness's HdrHistogram snapshots.

Each harness tick carries `hist`: the cumulative histogram of the
current load run (HdrHistogram V2 compressed encoding, base64, values in
nanoseconds), and `calls`, the cumulative call count. A cumulative
distribution dilutes a change, so the per-interval one is the difference of
two snapshots, bucket by bucket.

The `hdrhistogram` package decodes; its own percentile methods walk all
~27,000 buckets in Python, so a `Distribution` keeps only the non-empty
buckets and the percentile walk runs over those. Percentiles follow
HdrHistogram's definition (the highest value equivalent to the bucket where
the cumulative count reaches the rank), so they equal Go's ValueAtQuantile.
All values are integer nanoseconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from hdrh.histogram import HdrHistogram

from probes.frames import Tick

Layout = tuple[int, int, int]  # lowest trackable, highest trackable, significant digits


@dataclass(frozen=True)
class Distribution:
    """The non-empty buckets of a histogram, ascending.

    `tops[i]` is the highest value equivalent to bucket `indexes[i]` (what a
    percentile landing in it reports); `counts[i]` its count.
    """

    layout: Layout
    indexes: tuple[int, ...]
    tops: tuple[int, ...]
    counts: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class Percentiles:
    """Latency percentiles in nanoseconds; all 0 when `count` is 0."""

    p50: int
    p90: int
    p99: int
    p999: int
    max: int
    count: int


EMPTY_PERCENTILES = Percentiles(0, 0, 0, 0, 0, 0)


@lru_cache(maxsize=4)
def _layout_histogram(layout: Layout) -> HdrHistogram:
    """An empty histogram of this layout, used only to map bucket indexes to values."""
    return HdrHistogram(*layout)


@lru_cache(maxsize=4)
def _tops_of(layout: Layout) -> dict[int, int]:
    """Bucket index -> highest equivalent value, filled as buckets show up
    (hdrh's mapping is pure Python and would dominate decoding)."""
    return {}


@lru_cache(maxsize=16)
def decode_histogram(encoded: str) -> Distribution:
    """Decode one snapshot (cached: a frame with no new calls repeats the
    previous string). Raises ValueError for a string that does not decode."""
    try:
        hist = HdrHistogram.decode(encoded)
    except Exception as exc:  # hdrh raises TypeError, zlib.error and its own kinds
        raise ValueError(f"not an HdrHistogram encoding: {exc}") from exc
    layout = (
        int(hist.lowest_trackable_value),
        int(hist.highest_trackable_value),
        int(hist.significant_figures),
    )
    if hist.get_total_count() == 0:
        return Distribution(layout, (), (), ())
    # decoding tracked the lowest and highest non-empty bucket: scan only those
    first = hist.get_counts_array_index(hist.min_value)
    last = min(hist.get_counts_array_index(hist.max_value), hist.counts_len - 1)
    raw = hist.counts[first : last + 1]
    indexes = tuple(first + offset for offset, count in enumerate(raw) if count)
    return _distribution(layout, indexes, tuple(hist.counts[i] for i in indexes))


def _distribution(
    layout: Layout, indexes: tuple[int, ...], counts: tuple[int, ...]
) -> Distribution:
    known = _tops_of(layout)
    mapper = _layout_histogram(layout)
    for i in indexes:
        if i not in known:
            known[i] = int(mapper.get_highest_equivalent_value(mapper.get_value_from_index(i)))
    return Distribution(layout, indexes, tuple(known[i] for i in indexes), counts)


def interval_distribution(prev: Distribution | None, cur: Distribution) -> Distribution:
    """What was recorded between two cumulative snapshots of one run.

    With no previous snapshot, a different layout, or a bucket that went
    backwards (the harness started a new load run), `cur` is the interval.
    """
    if prev is None or prev.layout != cur.layout:
        return cur
    before = dict(zip(prev.indexes, prev.counts, strict=True))
    indexes: list[int] = []
    counts: list[int] = []
    for index, count in zip(cur.indexes, cur.counts, strict=True):
        delta = count - before.pop(index, 0)
        if delta < 0:
            return cur
        if delta:
            indexes.append(index)
            counts.append(delta)
    if before:  # a bucket emptied: not the same run
        return cur
    return _distribution(cur.layout, tuple(indexes), tuple(counts))


def _rank(percentile: float, total: int) -> int:
    """HdrHistogram's count at a percentile, clamped to [1, total] like Go's."""
    rank = min(percentile, 100.0) / 100.0 * total + 0.5
    if rank < 1:
        return 1
    return total if rank >= total else int(rank)


def value_at(dist: Distribution, percentile: float) -> int:
    """The value at `percentile` (0..100], nanoseconds; 0 when empty."""
    total = dist.total
    if total == 0:
        return 0
    target = _rank(percentile, total)
    running = 0
    for top, count in zip(dist.tops, dist.counts, strict=True):
        running += count
        if running >= target:
            return top
    return dist.tops[-1]


def percentiles(dist: Distribution) -> Percentiles:
    """p50, p90, p99, p99.9 and max in nanoseconds, and the count."""
    if not dist.counts:
        return EMPTY_PERCENTILES
    return Percentiles(
        p50=value_at(dist, 50),
        p90=value_at(dist, 90),
        p99=value_at(dist, 99),
        p999=value_at(dist, 99.9),
        max=dist.tops[-1],
        count=dist.total,
    )


def throughput(prev_calls: int, cur_calls: int, dt: float) -> float | None:
    """Calls per second between two cumulative counts; None without elapsed
    time or when the count went backwards (a new run)."""
    if dt <= 0 or cur_calls < prev_calls:
        return None
    return (cur_calls - prev_calls) / dt


# Histogram buckets for drawing: half-decades from 10 ns to 10 s (values in ns).
BIN_EDGES_NS: tuple[float, ...] = tuple(10 ** (1 + i / 2) for i in range(19))


def bin_counts(dist: Distribution, edges: tuple[float, ...] = BIN_EDGES_NS) -> tuple[int, ...]:
    """Counts per [edges[i], edges[i+1]) bucket; values below the first edge
    go to the first bucket, above the last to the last."""
    counts = [0] * (len(edges) - 1)
    lo = math.log10(edges[0])
    step = math.log10(edges[1]) - lo
    for top, count in zip(dist.tops, dist.counts, strict=True):
        i = int((math.log10(max(top, 1)) - lo) / step)
        counts[max(0, min(len(counts) - 1, i))] += count
    return tuple(counts)


@dataclass(frozen=True)
class LatencySample:
    """One harness tick turned into what the latency panel shows.

    `t` is the harness's own clock (seconds since the program started).
    """

    t: float
    calls: int
    calls_per_second: float | None  # over the last interval
    run_calls_per_second: float | None  # since the run's first tick with calls
    interval: Percentiles
    since_start: Percentiles
    interval_bins: tuple[int, ...] = ()
    total_bins: tuple[int, ...] = ()


class LatencyTracker:
    """Feeds on cumulative snapshots; keeps the previous one of the current
    run. The one place a tick's histogram is decoded and differenced."""

    def __init__(self) -> None:
        self._prev: tuple[float, int, Distribution] | None = None
        self._first: tuple[float, int] | None = None

    def feed_tick(self, tick: Tick) -> LatencySample | None:
        """A sample for a tick with a histogram; None for one without (no
        load running) or with a histogram that does not decode."""
        if tick.hist is None:
            return None
        try:
            return self.feed(tick.t, tick.calls or 0, tick.hist)
        except ValueError:
            return None

    def feed(self, t: float, calls: int, encoded: str) -> LatencySample:
        cur = decode_histogram(encoded)
        prev = self._prev
        if prev is not None and (calls < prev[1] or cur.total < prev[2].total):
            prev, self._first = None, None  # a new load run started from zero
        if self._first is None:
            self._first = (t, calls)
        interval = interval_distribution(prev[2] if prev else None, cur)
        first_t, first_calls = self._first
        self._prev = (t, calls, cur)
        return LatencySample(
            t=t,
            calls=calls,
            calls_per_second=throughput(prev[1], calls, t - prev[0]) if prev else None,
            run_calls_per_second=throughput(first_calls, calls, t - first_t),
            interval=percentiles(interval),
            since_start=percentiles(cur),
            interval_bins=bin_counts(interval),
            total_bins=bin_counts(cur),
        )

"""Verdicts from measurements: limits, dead bands, worst-run and median rules."""

from __future__ import annotations

from workshop.engine.build import selected
from workshop.engine.catalog import Target
from workshop.engine.metrics import RunMetrics
from workshop.engine.targets import judge_measured, judge_ratio, round_ratio, settled, verdict
from workshop.engine.verdict import INCONCLUSIVE, MET, MISSED, NOT_MEASURED


def run(**kw: object) -> RunMetrics:
    base: dict[str, object] = dict(
        label="yours",
        ok=True,
        error=None,
        details="",
        baseline_threads=4,
        peak_threads=4,
        created_in_load=0,
        created_exact=True,
        calls=1000,
        errors=0,
        seconds=1.0,
        allocs=0,
        hists=(),
    )
    base.update(kw)
    return RunMetrics(**base)  # type: ignore[arg-type]


def test_max_and_min_limits() -> None:
    at_most = Target("t", "threads-above-baseline", "t", "threads", max=4)
    assert verdict(at_most, 4).status == MET
    assert verdict(at_most, 5).status == MISSED
    assert verdict(at_most, None).status == NOT_MEASURED
    at_least = Target("r", "throughput-ratio", "r", "x", min=2.0)
    assert verdict(at_least, 2.0).status == MET
    assert verdict(at_least, 1.9).status == MISSED


def test_ratio_dead_band_is_inconclusive_not_a_coin_flip() -> None:
    t = Target("r", "throughput-ratio", "r", "x", min=2.0, band=0.1)
    assert verdict(t, 2.25, band=t.band).status == MET
    assert verdict(t, 2.1, band=t.band).status == INCONCLUSIVE
    assert verdict(t, 1.85, band=t.band).status == INCONCLUSIVE
    assert verdict(t, 1.7, band=t.band).status == MISSED


def test_throughput_ratio_is_the_median_of_paired_rounds() -> None:
    t = Target("r", "throughput-ratio", "r", "x", min=2.0, band=0.1)
    mine = [run(calls=3000), run(calls=9000), run(calls=2900)]
    base = [run(calls=1000), run(calls=1000), run(calls=1000)]
    v = judge_ratio(t, [round_ratio(t, a, [b]) for a, b in zip(mine, base, strict=True)])
    assert v.value == 3.0 and v.status == MET  # the 9x outlier does not decide


def test_a_round_against_recent_reference_runs_takes_their_median() -> None:
    t = Target("r", "throughput-ratio", "r", "x", min=2.0, band=0.1)
    refs = [run(calls=900), run(calls=1000), run(calls=5000)]
    assert round_ratio(t, run(calls=3000), refs) == 3.0


def test_the_sequential_rule_stops_only_when_rounds_agree() -> None:
    t = Target("r", "throughput-ratio", "r", "x", min=1.0, band=0.1)
    assert settled(t, [1.5])  # far outside the band: one round decides
    assert not settled(t, [1.15])  # outside the band, but within twice it: one more
    assert settled(t, [1.15, 1.2])
    assert not settled(t, [1.15, 0.8])  # the rounds disagree
    assert not settled(t, [1.05, 1.3])  # one round inside the band
    assert settled(t, [0.5])
    assert not settled(t, [None])


def test_latency_ratio_from_real_histograms() -> None:
    from hdrh.histogram import HdrHistogram

    def hist(ns: int) -> str:
        h = HdrHistogram(1, 60_000_000_000, 3)
        for _ in range(100):
            h.record_value(ns)
        return h.encode().decode()

    t = Target("p99", "latency-ratio", "p99", "x", max=0.5, band=0.1, params={"percentile": 99})
    v = judge_ratio(t, [round_ratio(t, run(hists=(hist(1000),)), [run(hists=(hist(10_000),))])])
    assert v.status == MET and v.value is not None and abs(v.value - 0.1) < 0.01


def test_threads_take_the_worst_run() -> None:
    t = Target("t", "threads-above-baseline", "t", "threads", max=2)
    v = judge_measured(t, [run(peak_threads=5), run(peak_threads=9), run(peak_threads=4)])
    assert v.value == 5 and v.status == MISSED and "peak 9" in v.detail


def test_creations_per_second_and_lower_bound_label() -> None:
    t = Target("c", "thread-creations", "c", "/s", max=5)
    v = judge_measured(t, [run(created_in_load=500, seconds=0.5, created_exact=False)])
    assert v.value == 1000 and v.status == MISSED and "lower bound" in v.detail


def test_allocs_errors_and_info() -> None:
    allocs = Target("a", "allocs-per-call", "a", "objects", max=0.1)
    assert judge_measured(allocs, [run(allocs=50, calls=1000)]).status == MET
    assert judge_measured(allocs, [run(allocs=1000, calls=1000)]).status == MISSED
    errors = Target("e", "errors", "e", "calls", max=0)
    assert judge_measured(errors, [run(errors=0), run(errors=1)]).status == MISSED
    info = Target("i", "info", "i", "", max=4, params={"key": "inits"})
    assert judge_measured(info, [run(infos={"inits": 4.0})]).status == MET
    missing = judge_measured(info, [run()])
    assert missing.status == NOT_MEASURED and "inits" in missing.detail


def test_info_with_a_min_and_a_max_wants_the_value_between() -> None:
    pool = Target("p", "info", "pool size", "workers", max=4, min=4, params={"key": "workers"})
    assert judge_measured(pool, [run(infos={"workers": 4.0})]).status == MET
    one = judge_measured(pool, [run(infos={"workers": 4.0}), run(infos={"workers": 1.0})])
    assert one.status == MISSED and one.value == 1.0
    big = judge_measured(pool, [run(infos={"workers": 9.0})])
    assert big.status == MISSED and big.value == 9.0


def test_a_run_pattern_selects_the_top_level_tests_it_names() -> None:
    tests = {"TestPool", "TestPoolClose", "TestLockcheck", "TestOther"}
    assert selected(tests, "") == tests
    assert selected(tests, "TestLockcheck/cases") == {"TestLockcheck"}
    assert selected(tests, "^TestPool$") == {"TestPool"}
    assert selected(tests, "Pool") == {"TestPool", "TestPoolClose"}
    assert selected(tests, "(TestOther|TestPool$)/x/y") == {"TestOther", "TestPool"}

"""Turning measurements into verdicts. Every verdict carries the measured
value, the limit and the unit; ratio targets compare against the starter
measured side by side and keep a dead band where the answer is
'inconclusive' rather than a coin flip."""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from hdrh.histogram import HdrHistogram

from workshop.engine.build import BuildResult, GoTestResult
from workshop.engine.callgraph import CallGraph
from workshop.engine.catalog import Target
from workshop.engine.metrics import RunMetrics

MET, MISSED, INCONCLUSIVE, NOT_MEASURED = "met", "missed", "inconclusive", "not measured"


@dataclass(frozen=True)
class Verdict:
    id: str
    label: str
    kind: str
    status: str
    value: float | None
    limit: float | None
    unit: str
    detail: str = ""

    @property
    def met(self) -> bool:
        return self.status == MET


def _judge(t: Target, value: float | None, band: float = 0.0) -> str:
    """MET, MISSED or (inside the dead band) INCONCLUSIVE; a target with both
    a max and a min wants the value between them."""
    if value is None:
        return NOT_MEASURED
    found = []
    if t.max is not None:
        hi = t.max
        found.append(
            MET if value <= hi * (1 - band) else MISSED if value > hi * (1 + band) else INCONCLUSIVE
        )
    if t.min is not None:
        lo = t.min
        found.append(
            MET if value >= lo * (1 + band) else MISSED if value < lo * (1 - band) else INCONCLUSIVE
        )
    return MISSED if MISSED in found else INCONCLUSIVE if INCONCLUSIVE in found else MET


def verdict(t: Target, value: float | None, detail: str = "", band: float = 0.0) -> Verdict:
    return Verdict(t.id, t.label, t.kind, _judge(t, value, band), value, t.limit, t.unit, detail)


def not_measured(t: Target, why: str) -> Verdict:
    return Verdict(t.id, t.label, t.kind, NOT_MEASURED, None, t.limit, t.unit, why)


# --- static targets ----------------------------------------------------------


def judge_no_call(t: Target, graph: CallGraph, editable: tuple[str, ...]) -> Verdict:
    """None of `call` is reached from `function` (a name, a list, or "*" for
    every function in the editable files), through helpers, function values
    and interfaces of the package; `except` names functions not examined."""
    fn = t.params.get("function")
    stop = frozenset(t.params.get("except", []))
    banned = t.params.get("call")
    calls = {banned} if isinstance(banned, str) else set(banned or [])
    if fn == "*":
        names = [n for n in graph.functions_in(set(editable)) if n not in stop]
    else:
        names = [fn] if isinstance(fn, str) else [str(n) for n in fn or []]
    missing = [n for n in names if n not in graph.nodes]
    if missing:
        return Verdict(
            t.id,
            t.label,
            t.kind,
            MISSED,
            None,
            0,
            t.unit,
            f"function {', '.join(missing)} not found: keep its name and signature",
        )
    found = [r for n in names for callee, r in graph.reaches(n, stop).items() if callee in calls]
    detail = "; ".join(f"reaches {r}" for r in found[:3])
    if len(found) > 3:
        detail += f"; and {len(found) - 3} more"
    return verdict(t, float(len(found)), detail)


def judge_not_inlined(t: Target, build: BuildResult) -> Verdict:
    fn = str(t.params.get("function"))
    inlined = fn in build.inlined
    detail = f"the compiler inlines {fn} (go build -gcflags=-m)" if inlined else ""
    return Verdict(
        t.id, t.label, t.kind, MISSED if inlined else MET, float(inlined), 0, t.unit, detail
    )


def judge_go_test(t: Target, res: GoTestResult) -> Verdict:
    value = float(len(res.failed_tests) + res.races)
    if not res.passed and value == 0:
        value = 1.0
    return Verdict(
        t.id, t.label, t.kind, MET if res.passed else MISSED, value, 0, t.unit, res.error or ""
    )


# --- measured targets --------------------------------------------------------


def _percentile(hist: str, p: float) -> float | None:
    try:
        h = HdrHistogram.decode(hist)
    except Exception:  # a malformed snapshot is a missing measurement
        return None
    return float(h.get_value_at_percentile(p)) if h.get_total_count() else None


def _max(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def pair_ratio(t: Target, mine: RunMetrics, base: RunMetrics) -> float | None:
    """One round's ratio for a ratio target (yours / starter)."""
    if t.kind == "throughput-ratio":
        a, b = mine.throughput, base.throughput
        return a / b if a and b else None
    p = float(t.params.get("percentile", 99.0))
    if not mine.hists or not base.hists:
        return None
    a, b = _percentile(mine.hists[0], p), _percentile(base.hists[0], p)
    return a / b if a and b else None


def judge_measured(t: Target, runs: list[RunMetrics], starter: list[RunMetrics]) -> Verdict:
    if not runs:
        return not_measured(t, "the program did not run")
    kind = t.kind
    if kind in ("throughput-ratio", "latency-ratio"):
        ratios = [pair_ratio(t, a, b) for a, b in zip(runs, starter, strict=False)]
        value = _median(ratios)
        known = [r for r in ratios if r is not None]
        detail = f"median of {len(known)} rounds: " + ", ".join(f"{r:.2f}" for r in known)
        return verdict(t, value, detail, band=t.band)
    if kind == "threads-above-baseline":
        worst = max(runs, key=lambda r: r.threads_above_baseline or -1)
        v = worst.threads_above_baseline
        detail = (
            ""
            if v is None
            else f"peak {worst.peak_threads}, idle baseline {worst.baseline_threads}"
        )
        return verdict(t, None if v is None else float(v), detail)
    if kind == "thread-creations":
        value = _max([r.creations_per_second for r in runs])
        exact = all(r.created_exact for r in runs)
        total = sum(r.created_in_load or 0 for r in runs)
        detail = f"{total} created during load" + (
            "" if exact else " (lower bound: no PID namespace)"
        )
        return verdict(t, value, detail)
    if kind == "allocs-per-call":
        return verdict(t, _median([r.allocs_per_call for r in runs]))
    if kind == "errors":
        return verdict(
            t, float(sum(r.errors for r in runs)), f"of {sum(r.calls for r in runs)} calls"
        )
    if kind == "info":
        key = str(t.params.get("key"))
        known = [x for r in runs if (x := r.infos.get(key)) is not None]
        if not known:
            return verdict(t, None, f"the driver reported no '{key}'")
        # the worst run: the largest value against a max, the smallest against a min
        if t.max is not None and (t.min is None or max(known) > t.max):
            value = max(known)
        else:
            value = min(known)
        return verdict(t, value)
    raise ValueError(f"not a measured target kind: {kind}")

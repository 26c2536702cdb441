"""Turning measurements into verdicts (workshop/engine/verdict.py). Ratio
targets compare against the starter measured side by side and keep a dead
band where the answer is 'inconclusive' rather than a coin flip; `settled`
is the sequential rule that stops measuring once the rounds agree."""

from __future__ import annotations

import statistics

from probes.latency import decode_histogram, value_at
from workshop.engine.build import BuildResult, GoTestResult
from workshop.engine.callgraph import CallGraph
from workshop.engine.catalog import Target
from workshop.engine.kinds import (
    ALLOCS_PER_CALL,
    ERRORS,
    INFO,
    THREAD_CREATIONS,
    THREADS_ABOVE_BASELINE,
    THROUGHPUT_RATIO,
)
from workshop.engine.metrics import RunMetrics
from workshop.engine.verdict import INCONCLUSIVE, MET, MISSED, NOT_MEASURED, Status, Verdict


def _judge(t: Target, value: float | None, band: float = 0.0) -> Status:
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
    return Verdict(
        t.id, t.label, t.kind, _judge(t, value, band), value, t.unit, t.max, t.min, detail
    )


def not_measured(t: Target, why: str) -> Verdict:
    return Verdict(t.id, t.label, t.kind, NOT_MEASURED, None, t.unit, t.max, t.min, why)


def passfail(t: Target, ok: bool, value: float, detail: str) -> Verdict:
    """A target that holds or not (static checks, Go tests): the value counts
    what went wrong; no limit is shown."""
    return Verdict(t.id, t.label, t.kind, MET if ok else MISSED, value, t.unit, None, None, detail)


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
    own = [c for c in calls if "." not in c or c.startswith("var ")]
    if unknown := [c for c in own if c not in graph.nodes]:  # an authoring slip, not a pass
        return not_measured(t, f"'call' names no function of the exercise: {', '.join(unknown)}")
    missing = [n for n in names if n not in graph.nodes]
    if missing:
        why = f"function {', '.join(missing)} not found: keep its name and signature"
        return passfail(t, False, float(len(missing)), why)
    found = [r for n in names for callee, r in graph.reaches(n, stop).items() if callee in calls]
    detail = "; ".join(f"reaches {r}" for r in found[:3])
    if len(found) > 3:
        detail += f"; and {len(found) - 3} more"
    return verdict(t, float(len(found)), detail)


def judge_no_import(t: Target, graph: CallGraph, editable: tuple[str, ...]) -> Verdict:
    """The editable files import none of `import` (a path or a list; "C" is
    cgo)."""
    banned = t.params.get("import")
    paths = {banned} if isinstance(banned, str) else set(banned or [])
    found = [f'{f} imports "{p}"' for f in editable for p in graph.imports.get(f, ()) if p in paths]
    return verdict(t, float(len(found)), "; ".join(found))


def judge_not_inlined(t: Target, build: BuildResult) -> Verdict:
    fn = str(t.params.get("function"))
    inlined = fn in build.inlined
    detail = f"the compiler inlines {fn} (go build -gcflags=-m)" if inlined else ""
    return passfail(t, not inlined, float(inlined), detail)


def judge_go_test(t: Target, res: GoTestResult) -> Verdict:
    """Its detail: why it failed, then each failed test's own lines (the
    t.Errorf messages with their _test.go:LINE), as `go test` shows them."""
    value = float(len(res.failed_tests) + res.races)
    if not res.passed and value == 0:
        value = 1.0
    lines = [f"{name}: {line}" for name, said in res.failures for line in said.splitlines()]
    if len(lines) > GO_TEST_LINES:
        lines = lines[:GO_TEST_LINES] + [f"… {len(lines) - GO_TEST_LINES} more lines"]
    detail = "\n".join([res.error or "", *lines]).strip()
    return passfail(t, res.passed, value, detail)


GO_TEST_LINES = 12  # of the failed tests' output, in a verdict's detail


# --- measured targets --------------------------------------------------------


def _max(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return max(known) if known else None


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def ratio_metric(t: Target, m: RunMetrics) -> float | None:
    """What a ratio target compares in one run: calls per second, or the
    latency percentile (ns) of the load."""
    if t.kind == THROUGHPUT_RATIO:
        return m.throughput
    if not m.hists:
        return None
    try:
        return (
            float(value_at(decode_histogram(m.hists[0]), float(t.params.get("percentile", 99.0))))
            or None
        )
    except ValueError:  # a malformed snapshot is a missing measurement
        return None


def round_ratio(t: Target, mine: RunMetrics, references: list[RunMetrics]) -> float | None:
    """One round's ratio, yours / the reference: the run beside it, or the
    median of recent reference runs."""
    a = ratio_metric(t, mine)
    b = _median([ratio_metric(t, r) for r in references])
    return a / b if a and b else None


def judge_ratio(t: Target, ratios: list[float | None]) -> Verdict:
    value = _median(ratios)
    known = [r for r in ratios if r is not None]
    detail = f"median of {len(known)} rounds: " + ", ".join(f"{r:.2f}" for r in known)
    return verdict(t, value, detail, band=t.band)


def settled(t: Target, ratios: list[float | None]) -> bool:
    """The sequential rule: no more rounds are needed once two rounds agree
    outside the dead band on the same side, or one lies beyond twice the band."""
    known = [r for r in ratios if r is not None]
    if not known:
        return False
    sides = {_judge(t, r, t.band) for r in known}
    if len(sides) != 1 or INCONCLUSIVE in sides:
        return False
    return len(known) >= 2 or _judge(t, known[0], 2 * t.band) != INCONCLUSIVE


def judge_measured(t: Target, runs: list[RunMetrics]) -> Verdict:
    """A target judged from the runs of the learner's code (not a ratio)."""
    if not runs:
        return not_measured(t, "the program did not run")
    kind = t.kind
    if kind == THREADS_ABOVE_BASELINE:
        worst = max(runs, key=lambda r: r.threads_above_baseline or -1)
        v = worst.threads_above_baseline
        detail = (
            ""
            if v is None
            else f"peak {worst.peak_threads}, idle baseline {worst.baseline_threads}"
        )
        return verdict(t, None if v is None else float(v), detail)
    if kind == THREAD_CREATIONS:
        value = _max([r.creations_per_second for r in runs])
        exact = all(r.created_exact for r in runs)
        total = sum(r.created_in_load or 0 for r in runs)
        detail = f"{total} created during load" + (
            "" if exact else " (lower bound: no PID namespace)"
        )
        return verdict(t, value, detail)
    if kind == ALLOCS_PER_CALL:
        return verdict(t, _median([r.allocs_per_call for r in runs]))
    if kind == ERRORS:
        return verdict(
            t, float(sum(r.errors for r in runs)), f"of {sum(r.calls for r in runs)} calls"
        )
    if kind == INFO:
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

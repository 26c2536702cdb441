"""Check results as text (a readable table), JSON or JUnit XML."""

from __future__ import annotations

import json
import time
from xml.etree import ElementTree as ET

from workshop.engine.catalog import Exercise
from workshop.engine.kinds import kind
from workshop.engine.progress import Attempt
from workshop.engine.results import ExerciseResult
from workshop.engine.targets import not_measured
from workshop.engine.verdict import MET


def to_text(results: list[ExerciseResult], color: bool = False) -> str:
    lines = []
    for r in results:
        head = "PASS" if r.passed else "FAIL"
        lines.append(
            f"{head}  {r.exercise.id}  ({r.source.label})  "
            f"{r.met_count}/{len(r.verdicts)} targets met  [{r.seconds:.1f}s]"
        )
        if r.error:
            lines.append(f"      {r.error}")
            lines += [f"        {line}" for line in r.details.strip().splitlines()[:20]]
        lines += [f"      vet: {d}" for d in r.vet]
        for v in r.verdicts:
            row = f"  {v.mark} {v.label:<44} {v.value_text():>12}  {v.limit_text():<12}"
            first, *more = v.detail.splitlines() or [""]
            shown = first and v.detail != r.error
            if shown and (v.status != MET or kind(v.kind).detail_when_met):
                row += f"  {first}"
                more_lines = [f"      {line}" for line in more]  # a failed test's own lines
            else:
                more_lines = []
            lines.append(row.rstrip())
            lines += more_lines
        lines.append("")
    passed = sum(r.passed for r in results)
    lines.append(f"{passed} passed, {len(results) - passed} failed")
    return "\n".join(lines)


def to_dict(results: list[ExerciseResult]) -> dict:
    return {
        "passed": all(r.passed for r in results),
        "exercises": [
            {
                "id": r.exercise.id,
                "source": r.source.label,
                "passed": r.passed,
                "error": r.error,
                "details": r.details or None,
                "vet": [str(d) for d in r.vet],
                "seconds": round(r.seconds, 3),
                "targets": [
                    {
                        "id": v.id,
                        "label": v.label,
                        "kind": v.kind,
                        "met": v.met,
                        "status": v.status,
                        "value": v.value,
                        "limit": v.limit,
                        "comparison": v.comparison or None,
                        "max": v.max,
                        "min": v.min,
                        "unit": v.unit,
                        "detail": v.detail or None,
                    }
                    for v in r.verdicts
                ],
                # what each run of the code reported, judged or not (the seed and
                # the scenario's varied parameters, vary_*, reproduce a run)
                "runs": [
                    {
                        "ok": m.ok,
                        "seed": m.seed,
                        "calls": m.calls,
                        "info": m.infos,
                        "peak_rss_mb": _mb(m.peak_rss_mb),
                        "peak_data_mb": _mb(m.peak_data_mb),
                    }
                    for m in r.runs
                ],
            }
            for r in results
        ],
    }


def to_json(results: list[ExerciseResult]) -> str:
    return json.dumps(to_dict(results), indent=2)


def to_junit(results: list[ExerciseResult]) -> str:
    suites = ET.Element("testsuites", name="pinlab")
    for r in results:
        failures = sum(not v.met for v in r.verdicts)
        suite = ET.SubElement(
            suites,
            "testsuite",
            name=r.exercise.id,
            tests=str(len(r.verdicts)),
            failures=str(failures),
            time=f"{r.seconds:.3f}",
        )
        for v in r.verdicts:
            # named as on screen; the id, the value and the limit as properties
            case = ET.SubElement(suite, "testcase", classname=r.exercise.id, name=v.label)
            props = ET.SubElement(case, "properties")
            measured = {"id": v.id, "value": v.value_text(), "limit": v.limit_text()}
            for key, value in measured.items():
                if value:
                    ET.SubElement(props, "property", name=key, value=value)
            limit = f" (limit {v.limit_text()})" if v.comparison else ""
            said = f"{v.label}: {v.status}, {v.value_text()}{limit}".rstrip(", ")
            if v.met:
                ET.SubElement(case, "system-out").text = said
            else:
                fail = ET.SubElement(case, "failure", message=said)
                fail.text = "\n".join(x for x in (r.error, v.detail, r.details) if x)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)


def _mb(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def history_text(ex: Exercise, attempts: list[Attempt]) -> str:
    """`pinlab history EX`: one row per check, oldest first, each target's
    value with ✓ where it was met; the targets' labels below."""
    if not attempts:
        return f"{ex.id}: no checks of your code yet (save a file in the workshop, or pinlab check)"
    ids = [t.id for t in ex.targets]
    head = ["#", "when", "met", *ids, "changed"]
    rows = []
    for n, a in enumerate(attempts, 1):
        by_id = {t.id: t for t in a.targets}
        cells = [
            "" if (t := by_id.get(i)) is None else f"{'✓' if t.met else '✗'} {_short(t.value)}"
            for i in ids
        ]
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(a.when))
        changed = ", ".join(a.changed) or ("—" if n > 1 else "")
        rows.append([str(n), when, f"{a.met}/{len(a.targets)}", *cells, changed])
    widths = [max(len(r[i]) for r in [head, *rows]) for i in range(len(head))]
    lines = [f"{ex.id}: {len(attempts)} checks, oldest first"]
    lines += [
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in [head, *rows]
    ]
    limits = {t.id: not_measured(t, "").limit_text() for t in ex.targets}
    lines += [""] + [
        f"{t.id}: {t.label}" + (f" ({limits[t.id]})" if limits[t.id] else "") for t in ex.targets
    ]
    return "\n".join(lines)


def _short(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3g}" if value != int(value) else str(int(value))

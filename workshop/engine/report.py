"""Check results as text (a readable table), JSON or JUnit XML."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from workshop.engine.check import ExerciseResult
from workshop.engine.targets import MET, Verdict

_MARK = {MET: "✓", "missed": "✗", "inconclusive": "?", "not measured": "·"}


def fmt_value(v: float | None, unit: str = "") -> str:
    if v is None:
        return "—"
    if v == int(v) and abs(v) < 1e6:
        s = str(int(v))
    elif abs(v) >= 100:
        s = f"{v:.0f}"
    elif abs(v) >= 10:
        s = f"{v:.1f}"
    else:
        s = f"{v:.3g}"
    return f"{s}{unit if unit in ('x', '%') else (' ' + unit if unit else '')}"


def limit_text(v: Verdict, lo: float | None, hi: float | None) -> str:
    if hi is not None and lo is not None:
        return (
            "= " + fmt_value(hi, v.unit) if hi == lo else f"{fmt_value(lo)}–{fmt_value(hi, v.unit)}"
        )
    if hi is not None:
        return "≤ " + fmt_value(hi, v.unit)
    if lo is not None:
        return "≥ " + fmt_value(lo, v.unit)
    return ""


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
        by_id = {t.id: t for t in r.exercise.targets}
        for v in r.verdicts:
            t = by_id[v.id]
            limit = limit_text(v, t.min, t.max)
            mark = _MARK.get(v.status, "?")
            row = f"  {mark} {v.label:<44} {fmt_value(v.value, v.unit):>12}  {limit:<12}"
            shown = v.detail and v.detail != r.error
            if shown and (v.status != MET or v.kind.endswith("ratio")):
                row += f"  {v.detail}"
            lines.append(row.rstrip())
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
                        "unit": v.unit,
                        "detail": v.detail or None,
                    }
                    for v in r.verdicts
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
            case = ET.SubElement(suite, "testcase", classname=r.exercise.id, name=v.id)
            if not v.met:
                msg = (
                    f"{v.status}: {fmt_value(v.value, v.unit)} (limit {fmt_value(v.limit, v.unit)})"
                )
                fail = ET.SubElement(case, "failure", message=msg)
                fail.text = "\n".join(x for x in (r.error, v.detail, r.details) if x)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)

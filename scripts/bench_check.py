#!/usr/bin/env python3
"""Benchmarks for the closing notes of the engine (not a timed test).

.venv/bin/python scripts/bench_check.py overhead [--repeat 5]
    `pinlab check 01 --against solution` against doing the same work by hand:
    `go build` of the solution and the starter, then the same interleaved runs
    of the same scenario (3 rounds of each), side by side, median of repeats.
.venv/bin/python scripts/bench_check.py suite [EX ...]
    wall time of `pinlab check EX... --against solution` (default 1 2 3 4 5).
.venv/bin/python scripts/bench_check.py verdict [--repeat 3] [--at-issue REV] [EX ...]
    save -> full verdict (the last target judged; go vet's warnings follow),
    as the workshop judges a save, for each exercise (default 01-12), side
    by side on one machine state: "before", 3 interleaved fixed rounds of
    yours and the starter for ratio targets (the engine before the redesign);
    "after", the starter's recent runs measured while the learner reads (not
    timed) and a sequential stopping rule; with --at-issue REV, also the
    workshop of commit REV (the engine and exercises when issue 9 was filed:
    31de2b8) judging the same save, run from a git worktree of it. Each save
    appends a comment to the solution so that go build really compiles.
    Prints the median seconds, the ratios, and how many verdicts were wrong
    (the solution must pass every target).
.venv/bin/python scripts/bench_check.py matrix [--runs 5] [EX ...]
    the validity matrix: each exercise's starter, solution and learner variants
    checked N times, a markdown table per exercise: whether each case came out
    as expected, and every target's values (min-max, '!' where a run missed).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from workshop.engine.catalog import Exercise

ROOT = Path(__file__).resolve().parent.parent
PINLAB = [sys.executable, "-m", "workshop.cli"]


def timed(argv: list[str], **kw: object) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, **kw)  # type: ignore[call-overload]
    return time.perf_counter() - t0


def raw_build_and_run(go: str, rounds: int) -> float:
    """What a person would do by hand for exercise 01's check: build the solution
    and the starter (copies of the package; no pinlab), run each `rounds` times."""
    ex = ROOT / "exercises" / "01-vestigial-pin"
    env = {**os.environ, "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=readonly", "PINLAB_SECONDS": "1"}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(dir=ROOT / "exercises", prefix="_bench") as tmp:
        bins = []
        for side in ("solution", "starter"):
            pkg = Path(tmp) / side
            pkg.mkdir()
            for f in ex.glob("*.go"):
                if not f.name.endswith("_test.go"):
                    shutil.copy(f, pkg / f.name)
            if side == "solution":
                shutil.copy(ex / "_solution" / "compute.go", pkg / "compute.go")
            subprocess.run(
                [go, "build", "-o", str(pkg / "prog"), f"./{Path(tmp).name}/{side}"],
                cwd=ROOT / "exercises",
                env=env,
                check=True,
            )
            bins.append(pkg / "prog")
        for _ in range(rounds):
            for b in bins:
                subprocess.run([str(b)], env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def overhead(repeat: int) -> None:
    from workshop.engine.toolchain import find

    go = find().go
    a, b = [], []
    for i in range(repeat):
        a.append(timed([*PINLAB, "check", "1", "--against", "solution"], cwd=ROOT))
        b.append(raw_build_and_run(go, 3))
        print(
            f"round {i + 1}: pinlab check 01 {a[-1]:.2f} s, raw build+runs {b[-1]:.2f} s",
            flush=True,
        )
    ma, mb = statistics.median(a), statistics.median(b)
    print(f"median: pinlab {ma:.2f} s, raw {mb:.2f} s, overhead {100 * (ma / mb - 1):+.1f}%")


def suite(ids: list[str]) -> None:
    t = timed([*PINLAB, "check", *ids, "--against", "solution"], cwd=ROOT)
    print(f"pinlab check {' '.join(ids)} --against solution: {t:.1f} s")


def before_engine(ex: Exercise) -> Exercise:
    """The exercise as the engine before the redesign ran it: every ratio
    target measured in 3 interleaved rounds (the old default), whatever the
    manifest asks of the sequential rule now."""
    from dataclasses import replace

    from workshop.engine.kinds import kind

    if not any(kind(t.kind).ratio for t in ex.targets):
        return ex
    return replace(ex, scenario=replace(ex.scenario, rounds=max(3, ex.scenario.rounds)))


# One save judged by the engine of an older commit, in its own process (two
# versions of the `workshop` package cannot share one): the solution saved
# as the learner's file, then the check the workshop of that commit ran.
OLD_SAVE = """
import asyncio, json, sys, time
from pathlib import Path
root, ex_id, ws, mark = sys.argv[1:5]
sys.path.insert(0, root)
from workshop.build import Source
from workshop.catalog import load_catalog, resolve
from workshop.session import ExerciseCheck
from workshop.toolchain import find
ex = resolve(load_catalog(), ex_id)
for name in ex.editable:
    c = "//" if name.endswith(".go") else "#"
    text = ex.solution_file(name).read_text()
    (Path(ws) / name).write_text(text + f"\\n{c} save {mark} {time.time_ns()}\\n")
r = asyncio.run(ExerciseCheck(ex, Source("workspace", Path(ws)), find()).run())
print(json.dumps({"seconds": r.seconds, "passed": r.passed, "rounds": len(r.runs),
                  "missed": [v.id for v in r.verdicts if not v.met]}))
"""


def old_save(tree: Path, ex_id: str, ws: Path, mark: str) -> tuple[float, bool, int, str]:
    out = subprocess.run(
        [sys.executable, "-c", OLD_SAVE, str(tree), ex_id, str(ws), mark],
        cwd=tree,
        capture_output=True,
        text=True,
        check=True,
    )
    r = json.loads(out.stdout.strip().splitlines()[-1])
    return r["seconds"], r["passed"], r["rounds"], str(r["missed"])


def verdict(repeat: int, ids: list[str], at_issue: str | None) -> None:
    from workshop.engine.build import Source
    from workshop.engine.catalog import load_catalog, resolve
    from workshop.engine.check import ExerciseCheck
    from workshop.engine.reference import References, measure_references
    from workshop.engine.toolchain import find

    catalog = load_catalog()
    chosen = [resolve(catalog, i) for i in ids] if ids else [e for e in catalog if e.number <= 12]
    tc = find()
    modes = (["issue"] if at_issue else []) + ["before", "after"]
    totals = dict.fromkeys(modes, 0.0)
    wrong = dict.fromkeys(modes, 0)
    heads = {"issue": f"at {at_issue} (s)", "before": "before (s)", "after": "after (s)"}
    cols = [heads[m] for m in modes] + [f"after / {m}" for m in modes if m != "after"]
    print("| exercise | " + " | ".join(cols) + " | rounds " + " → ".join(modes) + " |")
    print("|---" * (len(cols) + 2) + "|")
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pinlab-bench-")))
        tree = tmp / "issue-tree"
        if at_issue:
            subprocess.run(
                ["git", "worktree", "add", "-q", "--detach", str(tree), at_issue],
                cwd=ROOT,
                check=True,
            )
            stack.callback(
                subprocess.run,
                ["git", "worktree", "remove", "--force", str(tree)],
                cwd=ROOT,
                check=False,
            )
        for ex in chosen:
            times: dict[str, list[float]] = {m: [] for m in modes}
            rounds: dict[str, list[int]] = {m: [] for m in modes}
            references = References()
            for i in range(repeat):
                for mode in modes:
                    ws = tmp / ex.id / mode
                    ws.mkdir(parents=True, exist_ok=True)
                    if mode == "issue":
                        secs, passed, n, missed = old_save(tree, ex.id, ws, f"{i} issue")
                    else:
                        if mode == "after":  # what the workshop does while the learner reads
                            asyncio.run(measure_references(ex, tc, references))
                        for name in ex.editable:  # a save: the solution, edited
                            text = ex.solution_file(name).read_text()
                            mark = "//" if name.endswith(".go") else "#"  # rules files are YAML
                            (ws / name).write_text(
                                text + f"\n{mark} save {i} {mode} {time.time_ns()}\n"
                            )
                        check = ExerciseCheck(
                            ex if mode == "after" else before_engine(ex),
                            Source("workspace", ws),
                            tc,
                            references=references if mode == "after" else None,
                            sequential=mode == "after",
                        )
                        r = asyncio.run(check.run())
                        secs, passed, n = r.verdict_seconds, r.passed, len(r.runs)
                        missed = str([v.id for v in r.verdicts if not v.met]) + (r.error or "")
                    times[mode].append(secs)
                    rounds[mode].append(n)
                    wrong[mode] += not passed
                    if not passed:
                        print(f"  ({ex.id}, {mode}: the solution missed {missed})")
            med = {m: statistics.median(v) for m, v in times.items()}
            for m in med:
                totals[m] += med[m]
            cells = [f"{med[m]:.2f}" for m in modes]
            cells += [f"{med['after'] / med[m]:.2f}" for m in modes if m != "after"]
            cells.append(" → ".join(f"{statistics.median(rounds[m]):g}" for m in modes))
            print(f"| {ex.id} | " + " | ".join(cells) + " |", flush=True)
    cells = [f"{totals[m]:.1f}" for m in modes]
    cells += [f"{totals['after'] / totals[m]:.2f}" for m in modes if m != "after"]
    print("| total | " + " | ".join(cells) + " | |")
    print("solution checks that did not pass: " + ", ".join(f"{m} {wrong[m]}" for m in modes))


def matrix(runs: int, ids: list[str]) -> None:
    """Every case of the validity matrix N times: as expected or not, and each
    target's value range over the runs (min-max; '!' where a run missed it)."""
    from workshop.engine.catalog import load_catalog, resolve
    from workshop.engine.check import ExerciseCheck
    from workshop.engine.toolchain import find
    from workshop.engine.validity import cases, problems

    catalog = load_catalog()
    chosen = [resolve(catalog, i) for i in ids] if ids else catalog
    tc = find()
    bad = total = 0
    for ex in chosen:
        print(
            f"\n## {ex.id}\n\n| case | as expected | " + " | ".join(t.id for t in ex.targets) + " |"
        )
        print("|---" * (len(ex.targets) + 2) + "|")
        for source in cases(ex):
            ok = 0
            values: dict[str, list[float]] = {t.id: [] for t in ex.targets}
            missed: dict[str, int] = {t.id: 0 for t in ex.targets}
            errors: list[str] = []
            for _ in range(runs):
                r = asyncio.run(ExerciseCheck(ex, source, tc).run())
                found = problems(r)
                ok += not found
                errors += found
                for v in r.verdicts:
                    if v.value is not None:
                        values[v.id].append(v.value)
                    missed[v.id] += not v.met
            total += runs
            bad += runs - ok
            cells = []
            for t in ex.targets:
                vs = values[t.id]
                rng = (
                    "—"
                    if not vs
                    else f"{min(vs):.3g}"
                    if min(vs) == max(vs)
                    else f"{min(vs):.3g}–{max(vs):.3g}"
                )
                cells.append(rng + ("!" * bool(missed[t.id])))
            print(f"| {source.label} | {ok}/{runs} | " + " | ".join(cells) + " |", flush=True)
            for e in sorted(set(errors)):
                print(f"<!-- {source.label}: {e} -->")
    print(f"\n{bad} unexpected verdicts of {total}")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("what", choices=["overhead", "suite", "matrix", "verdict"])
    p.add_argument("ids", nargs="*")
    p.add_argument("--repeat", type=int, default=None)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--at-issue", default=None, metavar="REV")
    a = p.parse_intermixed_args()
    if a.what == "overhead":
        overhead(a.repeat or 5)
    elif a.what == "verdict":
        verdict(a.repeat or 3, a.ids, a.at_issue)
    elif a.what == "suite":
        suite(a.ids or ["1", "2", "3", "4", "5"])
    else:
        matrix(a.runs, a.ids)


if __name__ == "__main__":
    main()

"""The static no-call target reads type information, not text: the real
pincalls tool over exercise 01 with the dodges a learner might try."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_app_support import copy_exercise_01

from workshop.engine.build import Source, call_graph
from workshop.engine.callgraph import CallGraph, Node, Ref
from workshop.engine.catalog import Exercise, Target, load_exercise, resolve
from workshop.engine.targets import judge_no_call, judge_no_import
from workshop.engine.toolchain import Toolchain
from workshop.engine.verdict import MET, MISSED, NOT_MEASURED

NO_PIN = Target(
    "pin-removed",
    "no-call",
    "compute no longer pins",
    "calls",
    max=0,
    params={"function": "compute", "call": ["runtime.LockOSThread", "runtime.UnlockOSThread"]},
)

HEAD = "package main\n\n"
LOOP = "\ts := 0\n\tfor i := 0; i < n; i++ {\n\t\ts += i * i\n\t}\n\treturn s\n}\n"

DODGES = {
    "aliased import": 'import rt "runtime"\n\nfunc compute(n int) int {\n\trt.LockOSThread()\n'
    + LOOP,
    "dot import": 'import . "runtime"\n\nfunc compute(n int) int {\n\tLockOSThread()\n' + LOOP,
    "helper": 'import "runtime"\n\nfunc pin() { runtime.LockOSThread() }\n\n'
    "func compute(n int) int {\n\tpin()\n" + LOOP,
    "function variable": 'import "runtime"\n\nvar hold = runtime.LockOSThread\n\n'
    "func compute(n int) int {\n\thold()\n" + LOOP,
    "variable set in init": 'import "runtime"\n\nvar hold func()\n\n'
    "func init() { hold = runtime.LockOSThread }\n\n"
    "func compute(n int) int {\n\thold()\n" + LOOP,
    "interface method": 'import "runtime"\n\ntype pinner interface{ pin() }\n\n'
    "type p struct{}\n\nfunc (p) pin() { runtime.LockOSThread() }\n\n"
    "func compute(n int) int {\n\tvar x pinner = p{}\n\tx.pin()\n" + LOOP,
    "deferred closure": 'import "runtime"\n\nfunc compute(n int) int {\n'
    "\tdefer func() { runtime.UnlockOSThread() }()\n" + LOOP,
}

CLEAN = {
    "no pin": "//go:noinline\nfunc compute(n int) int {\n" + LOOP,
    "an unused pinning helper": 'import "runtime"\n\nfunc unused() { runtime.LockOSThread() }\n\n'
    "func compute(n int) int {\n" + LOOP,
}


async def _judge(tmp_path: Path, ex: Exercise, tc: Toolchain, code: str) -> tuple[str, str]:
    ws = tmp_path / "ws"
    ws.mkdir(exist_ok=True)
    (ws / "compute.go").write_text(HEAD + code)
    graph = await call_graph(ex, Source("workspace", ws), tc, tmp_path / "out")
    v = judge_no_call(NO_PIN, graph, ex.editable)
    return v.status, v.detail


@pytest.mark.parametrize("dodge", sorted(DODGES))
async def test_a_pin_is_found_however_it_is_written(
    dodge: str, tmp_path: Path, catalog: list[Exercise], toolchain: Toolchain
) -> None:
    ex = resolve(catalog, "01")
    status, detail = await _judge(tmp_path, ex, toolchain, DODGES[dodge])
    assert status == MISSED, f"{dodge}: {detail}"
    assert "runtime." in detail and "compute.go:" in detail


@pytest.mark.parametrize("case", sorted(CLEAN))
async def test_code_without_a_reachable_pin_passes(
    case: str, tmp_path: Path, catalog: list[Exercise], toolchain: Toolchain
) -> None:
    ex = resolve(catalog, "01")
    status, detail = await _judge(tmp_path, ex, toolchain, CLEAN[case])
    assert status == MET, f"{case}: {detail}"


def test_a_function_that_is_gone_is_named() -> None:
    graph = CallGraph({"compute2": Node("compute2", "compute.go", 3, ())})
    gone = judge_no_call(NO_PIN, graph, ("compute.go",))
    assert gone.status == MISSED and "compute not found" in gone.detail


def test_except_stops_the_walk() -> None:
    lock = Ref("runtime.LockOSThread", False, "pool.go", 9)
    graph = CallGraph(
        {
            "Pool.worker": Node("Pool.worker", "pool.go", 8, (lock,)),
            "handle": Node("handle", "api.go", 3, (Ref("Pool.worker", True, "api.go", 4),)),
            "other": Node("other", "api.go", 7, (lock,)),
        }
    )
    anywhere = Target(
        "pins",
        "no-call",
        "pins",
        "calls",
        max=0,
        params={"function": "*", "except": ["Pool.worker"], "call": "runtime.LockOSThread"},
    )
    v = judge_no_call(anywhere, graph, ("api.go", "pool.go"))
    assert v.value == 1 and "other → runtime.LockOSThread" in v.detail


async def test_no_import_sees_cgo(
    tmp_path: Path, catalog: list[Exercise], toolchain: Toolchain
) -> None:
    """`import "C"` is hidden behind cgo's generated files; the check still sees it."""
    ex = resolve(catalog, "07")  # a cgo exercise: its driver imports "C" already
    ws = tmp_path / "ws"
    ws.mkdir()
    lookup = ex.solution_file("lookup.go").read_text()
    (ws / "lookup.go").write_text(
        lookup.replace("package main\n", 'package main\n\nimport "C"\n', 1)
    )
    graph = await call_graph(ex, Source("workspace", ws), toolchain, tmp_path / "out")
    t = Target("no-cgo", "no-import", "no cgo", "imports", max=0, params={"import": ["C"]})
    v = judge_no_import(t, graph, ex.editable)
    assert v.status == MISSED and 'lookup.go imports "C"' in v.detail
    clean = await call_graph(ex, Source("solution"), toolchain, tmp_path / "out2")
    assert judge_no_import(t, clean, ex.editable).status == MET


def test_a_call_may_name_one_of_the_exercises_own_functions() -> None:
    graph = CallGraph(
        {
            "compute": Node("compute", "compute.go", 3, (Ref("refOpen", True, "compute.go", 4),)),
            "refOpen": Node("refOpen", "main.go", 9, ()),
        }
    )
    own = Target(
        "x", "no-call", "x", "calls", max=0, params={"function": "compute", "call": "refOpen"}
    )
    v = judge_no_call(own, graph, ("compute.go",))
    assert v.status == MISSED and "compute → refOpen (compute.go:4)" in v.detail
    typo = Target(
        "y", "no-call", "y", "calls", max=0, params={"function": "compute", "call": "refOpn"}
    )
    assert judge_no_call(typo, graph, ("compute.go",)).status == NOT_MEASURED


@pytest.mark.parametrize("kind", ["no-call", "no-import"])
async def test_a_static_target_without_max_still_catches(
    kind: str, tmp_path: Path, catalog: list[Exercise], toolchain: Toolchain
) -> None:
    """no-call and no-import imply `max = 0`: a manifest that leaves it out
    must not pass every answer (the kind table gives the limit)."""
    ex_dir = copy_exercise_01(tmp_path)
    manifest = ex_dir / "manifest.toml"
    target = f'[[target]]\nid = "forbidden"\nkind = "{kind}"\nlabel = "x"\n'
    target += 'function = "*"\ncall = "runtime.LockOSThread"\n' if kind == "no-call" else ""
    target += 'import = "runtime"\n' if kind == "no-import" else ""
    manifest.write_text(manifest.read_text() + "\n" + target)
    rules = ex_dir / "rules.toml"
    rules.write_text(rules.read_text().replace('["threads"]', '["threads", "forbidden"]'))
    t = next(t for t in load_exercise(ex_dir).targets if t.id == "forbidden")
    assert t.max == 0
    ex = resolve(catalog, "01")
    graph = await call_graph(ex, Source("starter"), toolchain, tmp_path / "out")
    judge = judge_no_call if kind == "no-call" else judge_no_import
    v = judge(t, graph, ex.editable)
    assert v.status == MISSED, v

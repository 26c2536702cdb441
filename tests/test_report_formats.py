"""`pinlab check` report formats from a real (failing, fast) check: JUnit has
one test case per target, JSON carries the documented fields, --output writes
the file, and text is a readable table."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from workshop import cli
from workshop.engine import paths, report
from workshop.engine.build import Source
from workshop.engine.catalog import Exercise, resolve
from workshop.engine.metrics import RunMetrics
from workshop.engine.results import ExerciseResult
from workshop.engine.workspace import Workspace

BROKEN = "package main\n\nfunc compute(n int) int {\n\treturn n +\n}\n"


def check(ws: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "workshop.cli", "--workspace", str(ws), "--check", "01", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def broken_workspace(tmp_path: Path, catalog: list[Exercise]) -> tuple[Path, Exercise]:
    ws = Workspace(tmp_path / "ws")
    ws.ensure(catalog)
    ex = resolve(catalog, "01")
    ws.file(ex, "compute.go").write_text(BROKEN)
    return ws.root, ex


def test_junit_has_one_case_per_target(tmp_path: Path, catalog: list[Exercise]) -> None:
    ws, ex = broken_workspace(tmp_path, catalog)
    out = tmp_path / "report.xml"
    res = check(ws, "--format", "junit", "--output", str(out))
    assert res.returncode == 1 and res.stdout == ""
    suite = ET.parse(out).getroot().find("testsuite")
    assert suite is not None and suite.get("name") == ex.id
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [t.label for t in ex.targets]  # as on screen
    ids = [c.find("properties/property[@name='id']") for c in cases]
    assert [p.get("value") if p is not None else None for p in ids] == [t.id for t in ex.targets]
    assert int(suite.get("failures", "0")) == len(ex.targets)
    failure = cases[0].find("failure")
    assert failure is not None and "does not compile" in (failure.text or "")
    assert (failure.get("message") or "").startswith(ex.targets[0].label)


def test_json_fields_and_text_table(tmp_path: Path, catalog: list[Exercise]) -> None:
    ws, ex = broken_workspace(tmp_path, catalog)
    data = json.loads(check(ws, "--format", "json").stdout)
    assert data["passed"] is False
    entry = data["exercises"][0]
    assert entry["id"] == ex.id and entry["passed"] is False and entry["error"]
    for t in entry["targets"]:
        assert set(t) >= {"id", "met", "value", "limit", "unit"}
    text = check(ws).stdout
    assert text.startswith(f"FAIL  {ex.id}") and "0 passed, 1 failed" in text


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    res = subprocess.run(
        [sys.executable, "-m", "workshop.cli", "--workspace", str(tmp_path), "check", "99"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 2 and "no exercise '99'" in res.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["--workspace", "W", "check", "1"],
        ["check", "1", "--workspace", "W"],
        ["check", "--workspace", "W", "1"],
        ["--check", "1", "--workspace", "W"],
    ],
)
def test_global_options_go_before_or_after_the_command(argv: list[str]) -> None:
    args = cli._parser().parse_args(cli._normalise(argv))
    assert args.command == "check" and args.exercises == ["1"] and args.workspace == Path("W")


def test_the_workspace_defaults_when_not_named() -> None:
    args = cli._parser().parse_args(["list"])
    assert args.workspace == paths.default_workspace()


def test_json_keeps_every_runs_reported_values(catalog: list[Exercise]) -> None:
    """Values no target judges (the seed, vary_* parameters) are in the report,
    so that an author can reproduce the run that missed."""
    run = RunMetrics(
        "yours", True, None, "", 5, 7, 2, True, 100, 0, 1.0, 0, (),
        infos={"vary_init_ms": 42.0, "device_inits": 2.0}, seed=1234,
    )  # fmt: skip
    result = ExerciseResult(catalog[0], Source("solution"), [], runs=[run, run])
    entry = report.to_dict([result])["exercises"][0]
    assert (
        entry["runs"]
        == [
            {
                "ok": True,
                "seed": 1234,
                "calls": 100,
                "info": {"vary_init_ms": 42.0, "device_inits": 2.0},
                "peak_rss_mb": None,
                "peak_data_mb": None,
            }
        ]
        * 2
    )


def test_a_failed_go_test_says_why_in_json_text_and_junit(tmp_path: Path) -> None:
    """Exercise 04's starter fails its tests: the target's detail holds the
    failing test's own line (worker_test.go:LINE: message), as go test shows
    it, in every format; a met target's case carries its value."""

    def run(*fmt: str) -> str:
        argv = [sys.executable, "-m", "workshop.cli", "check", "04", "--against", "starter"]
        res = subprocess.run([*argv, *fmt], capture_output=True, text=True, timeout=180)
        assert res.returncode == 1, res.stderr
        return res.stdout

    entry = json.loads(run("--format", "json"))["exercises"][0]
    tests = next(t for t in entry["targets"] if t["kind"] == "go-test")
    assert not tests["met"]
    assert re.search(r"^Test\w+: worker_test\.go:\d+: ", tests["detail"], re.M), tests["detail"]
    assert re.search(r"^ {6}Test\w+: worker_test\.go:\d+: ", run(), re.M)
    suite = ET.fromstring(run("--format", "junit")).find("testsuite")
    assert suite is not None
    cases = {c.get("name"): c for c in suite.findall("testcase")}
    failure = cases[tests["label"]].find("failure")
    assert failure is not None and re.search(r"worker_test\.go:\d+: ", failure.text or "")
    met = next(t for t in entry["targets"] if t["met"] and t["value"] is not None)
    value = cases[met["label"]].find("properties/property[@name='value']")
    assert value is not None and value.get("value")

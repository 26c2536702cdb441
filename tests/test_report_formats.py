"""`pinlab check` report formats from a real (failing, fast) check: JUnit has
one test case per target, JSON carries the documented fields, --output writes
the file, and text is a readable table."""

from __future__ import annotations

import json
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
    assert [c.get("name") for c in cases] == [t.id for t in ex.targets]
    assert int(suite.get("failures", "0")) == len(ex.targets)
    failure = cases[0].find("failure")
    assert failure is not None and "does not compile" in (failure.text or "")


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
            }
        ]
        * 2
    )

"""The CI grading workflows in docs/ci pass actionlint (the Go module
github.com/rhysd/actionlint, built by `python3 dev.py test`, or here when it
is missing), and every pinlab command they run parses with pinlab's own
parser, with the options they rely on."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from workshop import cli

ROOT = Path(__file__).resolve().parents[1]
WORKFLOWS = sorted((ROOT / "docs" / "ci").glob("*.yml"))
ACTIONLINT = "github.com/rhysd/actionlint/cmd/actionlint@v1.7.12"


def actionlint() -> str:
    """The binary: on PATH, in .venv/bin, or built now from the module proxy."""
    found = shutil.which("actionlint") or shutil.which(
        "actionlint", path=str(Path(sys.executable).parent)
    )
    if found:
        return found
    go = os.environ.get("PINLAB_GO") or shutil.which("go")
    if go is None:
        pytest.skip("actionlint is not built and there is no Go toolchain to build it")
    gobin = ROOT / ".venv" / "bin"
    env = {**os.environ, "GOBIN": str(gobin), "GOTOOLCHAIN": "local", "GOFLAGS": "-mod=mod"}
    res = subprocess.run([go, "install", ACTIONLINT], env=env, capture_output=True, text=True)
    if res.returncode != 0:
        pytest.skip(
            f"actionlint cannot be built here (go install {ACTIONLINT}): {res.stderr[-400:]}"
        )
    return str(gobin / "actionlint")


def pinlab_commands(text: str) -> list[list[str]]:
    """The pinlab command lines of a workflow: `command:` values and folded
    `run: >-` blocks that start pinlab."""
    out = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"\s*(?:command|run):\s*(.*)$", line)
        if not m:
            continue
        value = m.group(1)
        if value in (">-", ">", "|"):
            indent = len(lines[i + 1]) - len(lines[i + 1].lstrip())
            block = []
            for nxt in lines[i + 1 :]:
                if nxt.strip() and len(nxt) - len(nxt.lstrip()) < indent:
                    break
                block.append(nxt.strip())
            value = " ".join(block)
        if "bin/pinlab" in value:
            words = shlex.split(value.split("||")[0])
            out.append(words[words.index(next(w for w in words if w.endswith("bin/pinlab"))) + 1 :])
    return out


def test_there_are_workflows_to_check() -> None:
    assert {p.name for p in WORKFLOWS} >= {"grade.yml", "classroom.yml"}


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_actionlint_passes(workflow: Path) -> None:
    res = subprocess.run(
        [actionlint(), "-no-color", str(workflow)], capture_output=True, text=True, cwd=ROOT
    )
    assert res.returncode == 0, res.stdout + res.stderr


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    broken = WORKFLOWS[0].read_text().replace("runs-on: ubuntu-24.04", "runs-on: [")
    (tmp_path / "broken.yml").write_text(broken)
    res = subprocess.run(
        [actionlint(), "-no-color", str(tmp_path / "broken.yml")], capture_output=True
    )
    assert res.returncode != 0


@pytest.mark.parametrize("workflow", WORKFLOWS, ids=lambda p: p.name)
def test_the_pinlab_commands_parse(workflow: Path) -> None:
    commands = pinlab_commands(workflow.read_text())
    assert commands, "no pinlab command found"
    for words in commands:
        args = cli._parser().parse_args(cli._normalise(words))
        assert args.command == "check" and args.workspace == Path("work"), words
    junit = [w for w in commands if "--format" in w]
    assert junit and all(w[w.index("--format") + 1] == "junit" for w in junit)

"""The real thing in a real terminal: `pinlab --workspace TMP` inside tmux,
open exercise 01, save the correct solution, see its targets turn green."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from workshop.engine.catalog import load_catalog

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
PINLAB = Path(sys.executable).with_name("pinlab")


class Tmux:
    def __init__(self, socket: str) -> None:
        self.socket = socket

    def __call__(self, *args: str) -> str:
        res = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20
        )
        return res.stdout

    def screen(self) -> str:
        return self("capture-pane", "-p", "-t", "pinlab")

    def wait_for(self, text: str, timeout: float) -> str:
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            shown = self.screen()
            if text in shown:
                return shown
            time.sleep(0.2)
        raise AssertionError(f"{text!r} not on screen after {timeout:.0f} s:\n{self.screen()}")


@pytest.fixture
def tmux() -> Iterator[Tmux]:
    t = Tmux(f"pinlab-test-{os.getpid()}")
    yield t
    t("kill-server")


def test_solution_saved_in_a_real_terminal_turns_targets_green(tmux: Tmux, tmp_path: Path) -> None:
    ex = load_catalog()[0]
    ws = tmp_path / "ws"
    env = f"PINLAB_CACHE={shlex.quote(os.environ.get('PINLAB_CACHE', str(tmp_path / 'cache')))}"
    command = f"env {env} {shlex.quote(str(PINLAB))} --workspace {shlex.quote(str(ws))}"
    tmux("new-session", "-d", "-s", "pinlab", "-x", "160", "-y", "50", command)
    tmux.wait_for(ex.title, 30)
    tmux("send-keys", "-t", "pinlab", "Enter")
    n = len(ex.targets)
    first = tmux.wait_for("checked in", 90)
    assert f"{n}/{n} targets met" not in first  # the starter does not pass
    shutil.copyfile(ex.solution_file("compute.go"), ws / ex.id / "compute.go")
    shown = tmux.wait_for("solved", 90)  # verdicts arrive one by one; then the check ends
    assert f"{n}/{n} targets met" in shown
    tmux("send-keys", "-t", "pinlab", "q")
    t0 = time.monotonic()
    while "pinlab" in tmux("list-sessions") and time.monotonic() - t0 < 10:
        time.sleep(0.2)
    assert "pinlab" not in tmux("list-sessions"), "q did not quit"

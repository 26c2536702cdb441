"""Shared by the tests (pytest collects no test here): a fresh workspace and
an app on it, a helper that waits for a condition while the app runs, a
copy of exercise 01 to edit, and the recorded run of exercise 01's starter."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from workshop.app.app import PinlabApp
from workshop.engine import paths, toolchain
from workshop.engine.catalog import Exercise, load_catalog
from workshop.engine.workspace import Workspace

SNAPSHOTS = Path(__file__).with_name("snapshots")
# samples of a real run of exercise 01's starter, for the panel and snapshot tests
RECORDED: dict[str, Any] = json.loads((SNAPSHOTS / "recorded_run.json").read_text())

EXERCISE_01 = "01-vestigial-pin"


def copy_exercise_01(dest: Path) -> Path:
    """A copy of exercise 01's folder made in `dest` (a test's tmp_path), to
    edit; returns the copy, `dest / EXERCISE_01`."""
    folder = dest / EXERCISE_01
    shutil.copytree(paths.EXERCISES / EXERCISE_01, folder)
    return folder


def make_app(tmp_path: Path, **kwargs: object) -> tuple[PinlabApp, Workspace, list[Exercise]]:
    catalog = load_catalog()
    ws = Workspace(tmp_path / "ws")
    ws.ensure(catalog)
    app = PinlabApp(catalog, ws, toolchain.find(), **kwargs)  # type: ignore[arg-type]
    return app, ws, catalog


async def wait_for(
    pilot: Pilot, condition: Callable[[], bool], timeout: float = 60.0, what: str = ""
) -> float:
    """Seconds until `condition()` holds; fails the test after `timeout`."""
    t0 = time.monotonic()
    while not condition():
        if time.monotonic() - t0 > timeout:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        await asyncio.sleep(0.05)
    await pilot.pause()
    return time.monotonic() - t0

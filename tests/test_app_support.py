"""Shared by the app tests (pytest collects no test here): a fresh workspace
and an app on it, and a helper that waits for a condition while the app runs."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

from textual.pilot import Pilot

from workshop.app.app import PinlabApp
from workshop.engine import toolchain
from workshop.engine.catalog import Exercise, load_catalog
from workshop.engine.workspace import Workspace


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

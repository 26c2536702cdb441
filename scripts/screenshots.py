"""SVG screenshots of the workshop for the README, taken from the app itself
(App.save_screenshot) while it builds and runs exercise 01 for real.

    .venv/bin/python scripts/screenshots.py            # writes docs/*.svg
"""

from __future__ import annotations

import asyncio
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from textual.pilot import Pilot  # noqa: E402

from workshop.app.app import PinlabApp  # noqa: E402
from workshop.app.screens.compare import CompareScreen  # noqa: E402
from workshop.app.screens.exercise import ExerciseScreen  # noqa: E402
from workshop.engine import toolchain  # noqa: E402
from workshop.engine.catalog import load_catalog  # noqa: E402
from workshop.engine.workspace import Workspace  # noqa: E402

DOCS = ROOT / "docs"
SIZE = (160, 48)


async def until(pilot: Pilot, condition: Callable[[], bool], timeout: float = 120) -> None:
    t0 = time.monotonic()
    while not condition():
        if time.monotonic() - t0 > timeout:
            raise TimeoutError("the app did not get there in time")
        await asyncio.sleep(0.1)
    await pilot.pause(0.6)  # let the panels redraw


async def main() -> None:
    catalog = load_catalog()
    ex = catalog[0]
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "workspace")
        ws.ensure(catalog)
        app = PinlabApp(catalog, ws, toolchain.find())
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause(0.5)
            app.save_screenshot("exercise-list.svg", str(DOCS))
            await pilot.press("enter")
            screen = app.screen
            assert isinstance(screen, ExerciseScreen)
            await until(pilot, lambda: screen.checks_finished >= 1)
            app.save_screenshot("exercise-starter.svg", str(DOCS))
            shutil.copyfile(ex.solution_file("compute.go"), ws.file(ex, "compute.go"))
            await until(pilot, lambda: screen.checks_finished >= 2)
            app.save_screenshot("exercise-solved.svg", str(DOCS))
            await pilot.press("p")
            await pilot.pause(0.6)
            app.save_screenshot("projection.svg", str(DOCS))
            await pilot.press("p", "m")
            compare = app.screen
            assert isinstance(compare, CompareScreen)
            await until(pilot, lambda: compare.result is not None)
            app.save_screenshot("compare.svg", str(DOCS))
    for svg in sorted(DOCS.glob("*.svg")):
        print(svg.relative_to(ROOT))


if __name__ == "__main__":
    asyncio.run(main())

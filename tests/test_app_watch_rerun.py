"""Watch and rerun with real builds of exercise 01: a save in the workspace
rebuilds and reruns it and the checklist changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import psutil
from test_app_support import make_app, wait_for

from widgets.build_log import BuildLog
from widgets.thread_graph import ThreadGraph
from workshop.app.screens.exercise import ExerciseScreen
from workshop.engine.workspace import SOLVED


def exercise_screen(app: object) -> ExerciseScreen:
    screen = app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, ExerciseScreen)
    return screen


def log_text(screen: ExerciseScreen) -> str:
    return "\n".join(strip.text for strip in screen.query_one(BuildLog).lines)


async def test_saving_the_solution_turns_every_target_green(tmp_path: Path) -> None:
    app, ws, catalog = make_app(tmp_path)
    ex = catalog[0]
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter")
        screen = exercise_screen(app)
        await wait_for(pilot, lambda: screen.checks_finished >= 1, 90, "the first check")
        first = screen.checklist.heading
        assert first != f"{len(ex.targets)}/{len(ex.targets)} targets met", (
            first,
            screen.checklist.verdicts,
            screen.result,
        )
        assert screen.watch_mode == "events"
        shutil.copyfile(ex.solution_file("compute.go"), ws.file(ex, "compute.go"))
        await wait_for(pilot, lambda: screen.checks_finished >= 2, 90, "the check after the save")
        assert screen.checklist.heading == f"{len(ex.targets)}/{len(ex.targets)} targets met"
        assert screen.last_save is not None and screen.last_save.via == "events"
        assert ws.status(ex) == SOLVED
        status = str(screen.query_one("#status-line").render())
        assert "solved" in status and "s: see the reference solution" in status


async def test_a_compile_error_is_shown_and_previous_results_stay(tmp_path: Path) -> None:
    app, ws, catalog = make_app(tmp_path)
    ex = catalog[0]
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter")
        screen = exercise_screen(app)
        await wait_for(pilot, lambda: screen.checks_finished >= 1, 90, "the first check")
        before = screen.checklist.verdicts
        path = ws.file(ex, "compute.go")
        path.write_text(path.read_text().replace("sum := 0", "sum := 0\n\tbroken("))
        await wait_for(pilot, lambda: screen.checks_finished >= 2, 90, "the failed build")
        where = [
            ln.split(": ")[0]
            for ln in log_text(screen).splitlines()
            if ln.startswith(f"{ex.id}/compute.go:")
        ]
        assert where, log_text(screen)
        _, line, col = where[0].split(":")
        assert line.isdigit() and col.isdigit()
        # the new build failed: the previous results are still the ones shown
        assert screen.checklist.verdicts == before
        assert "does not build: previous results shown" in screen.checklist._note


async def test_a_save_during_a_run_cancels_it_and_leaves_no_process(tmp_path: Path) -> None:
    app, ws, catalog = make_app(tmp_path)
    ex = catalog[0]
    me = psutil.Process()
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter")
        screen = exercise_screen(app)
        graph = screen.query_one(ThreadGraph)
        await wait_for(pilot, lambda: graph.latest is not None, 60, "the first run to start")
        assert screen.checks_finished == 0
        shutil.copyfile(ex.solution_file("compute.go"), ws.file(ex, "compute.go"))
        await wait_for(pilot, lambda: screen.checks_finished >= 1, 90, "the check after the save")
        assert screen.checks_started == 2
        assert screen.checks_finished == 1  # the cancelled check never reported
        assert screen.checklist.heading == f"{len(ex.targets)}/{len(ex.targets)} targets met"
        # between checks the screen measures the starter again (the reference for the
        # ratio, so the next save need not run it): wait until it has what it wants
        await wait_for(pilot, lambda: not screen.measuring_reference, 60, "the reference runs")
        left = [p for p in me.children(recursive=True) if p.is_running()]
        assert [p.name() for p in left if p.status() != psutil.STATUS_ZOMBIE] == []

"""Compare mode with real builds and runs of exercise 01: yours beside the
starter (and the solution), alternating rounds, a measured ratio."""

from __future__ import annotations

import shutil
from pathlib import Path

from test_app_support import make_app, wait_for

from widgets.big_figure import BigFigure
from widgets.latency_panel import LatencyPanel
from widgets.thread_graph import ThreadGraph
from workshop.app.screens.compare import CompareScreen
from workshop.app.screens.exercise import ExerciseScreen
from workshop.engine.compare import THROUGHPUT


async def test_compare_runs_both_side_by_side_and_shows_the_ratio(tmp_path: Path) -> None:
    app, ws, catalog = make_app(tmp_path, check_on_open=False, seconds=0.4)
    ex = catalog[0]
    shutil.copyfile(ex.solution_file("compute.go"), ws.file(ex, "compute.go"))
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter", "m")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.other == "starter"
        await wait_for(pilot, lambda: screen.result is not None, 120, "the comparison")
        result = screen.result
        assert result is not None and result.error is None
        assert len(result.rounds) == screen.rounds
        assert [(a.label, b.label) for a, b in result.rounds] == [("yours", "starter")] * 3
        ratio = result.ratio(THROUGHPUT)
        assert ratio is not None and ratio > 0
        assert screen.query_one("#fig-ratio", BigFigure).value == f"{ratio:.2f}"
        graphs = [screen.query_one(f"#threads-{side}", ThreadGraph) for side in ("yours", "other")]
        for side, graph in zip(("yours", "other"), graphs, strict=True):
            assert graph.peak is not None
            assert screen.query_one(f"#latency-{side}", LatencyPanel).latest is not None
        # one y-axis for both: the higher peak of the last round sets it
        assert graphs[0].shared_top == graphs[1].shared_top == max(g.peak or 0 for g in graphs)
        status = str(screen.query_one("#status-line").render())
        assert "alternating rounds" in status and "starter" in status

        await pilot.press("s")  # against the reference solution instead
        await pilot.pause()
        assert screen.other == "solution" and screen.result is None
        await wait_for(pilot, lambda: screen.result is not None, 120, "the second comparison")
        assert screen.result is not None and screen.result.error is None
        assert {b.label for _, b in screen.result.rounds} == {"solution"}
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ExerciseScreen)


async def test_compare_on_untouched_code_is_against_the_solution(tmp_path: Path) -> None:
    """The starter beside itself says nothing: an untouched exercise compares
    with the reference solution until `s`."""
    app, _, _ = make_app(tmp_path, check_on_open=False, watch=False, seconds=0.2)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter", "m")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.other == "solution"
        await pilot.press("escape")

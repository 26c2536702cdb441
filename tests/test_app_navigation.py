"""Pilot tests of the exercise list and the keys (no builds: check_on_open=False)."""

from __future__ import annotations

from pathlib import Path

from test_app_support import make_app, wait_for
from textual.command import CommandPalette
from textual.widgets import DataTable, Input, Static

from workshop.app.screens.confirm import ConfirmScreen
from workshop.app.screens.exercise import ExerciseScreen
from workshop.app.screens.exercise_list import ExerciseListScreen
from workshop.app.screens.solution import SolutionScreen
from workshop.engine.workspace import IN_PROGRESS, NOT_STARTED, SOLVED


async def test_list_shows_every_exercise_with_status_and_progress(tmp_path: Path) -> None:
    app, ws, catalog = make_app(tmp_path, check_on_open=False, watch=False)
    ws.set_status(catalog[0], SOLVED)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.row_count == len(catalog)
        first = table.get_row_at(0)
        assert first[0] == "01" and first[1] == catalog[0].title and first[3] == SOLVED
        label = str(app.screen.query_one("#progress-label").render())
        assert label == f"1 of {len(catalog)} solved"


async def test_filter_narrows_the_list(tmp_path: Path) -> None:
    app, ws, catalog = make_app(tmp_path, check_on_open=False, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("slash")
        assert isinstance(app.focused, Input)
        await pilot.press(*"vestigial")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        assert table.get_row_at(0)[0] == "01"
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == len(catalog)


async def test_enter_opens_the_exercise_and_l_goes_back(tmp_path: Path) -> None:
    app, ws, catalog = make_app(tmp_path, check_on_open=False, watch=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExerciseScreen) and screen.ex.id == catalog[0].id
        heading = screen.checklist.heading
        assert heading == f"0/{len(catalog[0].targets)} targets met"
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, ExerciseListScreen)


async def test_hint_key_shows_the_hints_in_turn_on_a_line_of_their_own(tmp_path: Path) -> None:
    """Each h shows the next hint on the hint line (no notification over the
    panels); h after the last one puts it away."""
    app, ws, catalog = make_app(tmp_path, check_on_open=False, watch=False)
    hints = catalog[0].hints
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter")
        line = app.screen.query_one("#hint-line", Static)
        for i, hint in enumerate(hints, 1):
            await pilot.press("h")
            await pilot.pause()
            shown = str(line.render())
            assert line.display and f"hint {i}/{len(hints)}" in shown, shown
            assert hint[:40] in shown
        assert not app._notifications
        await pilot.press("h")
        await pilot.pause()
        assert not line.display


async def test_n_opens_the_next_unsolved_exercise(tmp_path: Path) -> None:
    app, ws, catalog = make_app(tmp_path, check_on_open=False, watch=False)
    if len(catalog) < 2:
        ws.set_status(catalog[0], NOT_STARTED)
    async with app.run_test(size=(160, 50)) as pilot:
        ws.set_status(catalog[0], SOLVED)
        await pilot.press("n")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExerciseScreen)
        expected = catalog[1] if len(catalog) > 1 else None
        if expected is not None:
            assert screen.ex.id == expected.id


async def test_reset_asks_first_and_keeps_a_backup(tmp_path: Path) -> None:
    app, ws, catalog = make_app(tmp_path, check_on_open=False, watch=False)
    ex = catalog[0]
    edited = ws.file(ex, ex.editable[0])
    edited.write_text("package main // my attempt\n")
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # no: nothing changes
        await pilot.pause()
        assert edited.read_text() == "package main // my attempt\n"
        assert ws.status(ex) == IN_PROGRESS
        await pilot.press("x", "y")
        await pilot.pause()
        assert edited.read_bytes() == ex.starter_file(ex.editable[0]).read_bytes()
        backups = list((ws.state_dir / "backup").glob(f"{ex.id}-*/{ex.editable[0]}"))
        assert [b.read_text() for b in backups] == ["package main // my attempt\n"]


async def test_solution_is_not_shown_before_a_pass_without_asking(tmp_path: Path) -> None:
    app, ws, catalog = make_app(tmp_path, check_on_open=False, watch=False)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter", "s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ExerciseScreen)
        await pilot.press("s", "y")
        await pilot.pause()
        assert isinstance(app.screen, SolutionScreen) and not app.screen.passed


async def test_solution_after_a_pass_opens_directly(tmp_path: Path) -> None:
    app, ws, catalog = make_app(tmp_path, check_on_open=False, watch=False)
    ws.set_status(catalog[0], SOLVED)
    async with app.run_test(size=(160, 50)) as pilot:
        await pilot.press("enter", "s")
        await pilot.pause()
        assert isinstance(app.screen, SolutionScreen) and app.screen.passed


async def test_projection_key_switches_layout_and_theme(tmp_path: Path) -> None:
    app, ws, catalog = make_app(tmp_path, check_on_open=False, watch=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "p")
        await pilot.pause()
        screen = app.screen
        assert screen.has_class("-projection") and app.theme == "pinlab-projection"
        assert screen.query_one("#big-figures").display
        assert not screen.query_one("#text-box").display
        await pilot.press("p")
        await pilot.pause()
        assert not screen.has_class("-projection") and app.theme == "pinlab"


async def test_command_palette_opens_an_exercise(tmp_path: Path) -> None:
    app, ws, catalog = make_app(tmp_path, check_on_open=False, watch=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+p")
        await wait_for(pilot, lambda: isinstance(app.screen, CommandPalette), 5, "the palette")
        await pilot.press(*f"open {catalog[0].id}")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ExerciseScreen), 5, "the exercise")

"""The cost card screen: k opens it from anywhere; without a card for this
machine it says so, and c measures one for real (the same benchmarks as
`pinlab calibrate`)."""

from __future__ import annotations

from pathlib import Path

from test_app_support import copy_exercise_01, make_app, wait_for
from textual.widgets import Markdown, Static

from widgets.cost_card import CostCardView
from workshop.app.screens.cost_card import CostCardScreen
from workshop.app.screens.exercise import ExerciseScreen
from workshop.engine import costcard
from workshop.engine.catalog import load_exercise


def plain(view: CostCardView) -> str:
    rendered = view.render()
    return getattr(rendered, "plain", str(rendered))


async def test_the_card_is_measured_from_the_screen_and_kept(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path, watch=False, check_on_open=False)
    app.cost_card = None  # as on a machine never measured
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("k")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CostCardScreen)
        view = screen.query_one(CostCardView)
        assert "No card for this machine yet" in plain(view)
        await pilot.press("c")
        await wait_for(pilot, lambda: view.card is not None, 120, "the calibration")
        text = plain(view)
        for cost in costcard.COSTS:
            assert cost.label in text
        assert "channel round trip to a locked goroutine" in text and "µs" in text
        assert costcard.load_card(app.toolchain) == view.card  # kept for next time
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CostCardScreen)


async def test_an_exercise_text_quotes_this_machines_card(tmp_path: Path) -> None:
    app, _, _ = make_app(tmp_path, watch=False, check_on_open=False)
    key = "chan_roundtrip_locked"
    entry = costcard.Entry(key, 4.2e-6, 4.0e-6, 4.4e-6, (4.2e-6,) * 5)
    machine = costcard.Machine("test cpu", 2, "test kernel", "go-test")
    app.cost_card = costcard.Card(machine, {key: entry}, 0.0, 1.0)
    text = f"A hand-off costs [31 µs]({'cost:' + key}) here; [9 ns](cost:call) too."
    folder = copy_exercise_01(tmp_path)
    (folder / "README.md").write_text(text)
    manifest = folder / "manifest.toml"
    assert "hints = [\n" in manifest.read_text()
    hint = f"A hand-off costs [31 µs](cost:{key})."
    manifest.write_text(manifest.read_text().replace("hints = [\n", f'hints = [\n  "{hint}",\n', 1))
    ex = load_exercise(folder)
    assert ex.hints[0] == hint
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(ExerciseScreen(ex))
        await pilot.pause()
        shown = " ".join(app.screen.query_one("#text", Markdown).source.split())
        assert "4.2 µs on this machine" in shown and "31 µs where written" in shown
        # an entry this machine's card lacks keeps the written figure, and says so
        assert "9 ns (where this text was written; `pinlab calibrate` measures yours)" in shown
        # a hint (h) is plain text on the hint line: the same figure, no Markdown
        await pilot.press("h")
        await pilot.pause()
        message = str(app.screen.query_one("#hint-line", Static).render())
        assert f"hint 1/{len(ex.hints)}" in message
        assert "4.2 µs on this machine (31 µs where written)" in message, message
        assert "**" not in message and "cost:" not in message, message

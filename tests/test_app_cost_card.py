"""The cost card screen: k opens it from anywhere; without a card for this
machine it says so, and c measures one for real (the same benchmarks as
`pinlab calibrate`)."""

from __future__ import annotations

from pathlib import Path

from test_app_support import make_app, wait_for

from widgets.cost_card import CostCardView
from workshop.app.screens.cost_card import CostCardScreen
from workshop.engine import costcard


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

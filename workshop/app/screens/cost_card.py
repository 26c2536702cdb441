"""The cost card screen: what pinning costs on this machine, measured by the
same benchmarks as `pinlab calibrate`, kept per machine and Go version."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header

from widgets.cost_card import CostCardView
from workshop.app.screens._app import pinlab
from workshop.engine import costcard


class CostCardScreen(Screen[None]):
    BINDINGS = [
        Binding("c", "calibrate", "measure again"),
        Binding("escape,l,k", "back", "back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="cost-card-box"):
            yield CostCardView(id="cost-card")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "cost card"
        pinlab(self).apply_projection(self)
        self.query_one(CostCardView).show(pinlab(self).cost_card)

    def action_calibrate(self) -> None:
        view = self.query_one(CostCardView)
        view.show(view.card, "measuring… (about 20 s; the figures are this machine's own)")
        self.run_worker(self._calibrate(), group="calibrate", exclusive=True, exit_on_error=False)

    async def _calibrate(self) -> None:
        app = pinlab(self)
        view = self.query_one(CostCardView)
        try:
            app.cost_card = await costcard.calibrate(app.toolchain)
        except costcard.CalibrationError as exc:
            view.show(app.cost_card, f"measuring failed: {exc}")
            return
        view.show(app.cost_card)

    def action_back(self) -> None:
        self.app.pop_screen()

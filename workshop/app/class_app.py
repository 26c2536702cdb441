"""`pinlab class --prometheus URL`: the instructor's class view as its own
app (the instructor needs no workspace or Go toolchain for it)."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence

from textual.app import App
from textual.binding import Binding

from workshop.app.screens.class_view import ClassViewScreen
from workshop.app.themes import PROJECTION, THEMES, WORKSHOP
from workshop.engine import paths
from workshop.engine.catalog import CatalogError, load_catalog
from workshop.engine.class_query import PromClient


class ClassApp(App[None]):
    TITLE = "pinlab"
    CSS_PATH = [paths.STYLES / "class_view.tcss"]
    BINDINGS = [Binding("q", "quit", "quit")]

    def __init__(
        self,
        client: PromClient,
        stuck_minutes: float = 10.0,
        refresh_seconds: float = 5.0,
        hide_names: bool = False,
        order: Sequence[str] = (),
        target_labels: Mapping[tuple[str, str], str] | None = None,
    ) -> None:
        super().__init__()
        self.client = client
        self.stuck_minutes = stuck_minutes
        self.refresh_seconds = refresh_seconds
        self.hide_names = hide_names
        self.order = tuple(order)
        self.target_labels = dict(target_labels or {})

    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = PROJECTION.name if self.hide_names else WORKSHOP.name
        self.push_screen(ClassViewScreen())


def catalog_words() -> tuple[list[str], dict[tuple[str, str], str]]:
    """The exercises in catalog order and each target's label, where this
    checkout has the catalog (the view works without it)."""
    try:
        catalog = load_catalog()
    except CatalogError:
        return [], {}
    labels = {(ex.id, t.id): t.label for ex in catalog for t in ex.targets}
    return [ex.id for ex in catalog], labels


def run_class_view(args: argparse.Namespace) -> int:
    order, labels = catalog_words()
    app = ClassApp(
        PromClient(args.prometheus),
        stuck_minutes=args.stuck_minutes,
        refresh_seconds=args.refresh,
        hide_names=args.present,
        order=order,
        target_labels=labels,
    )
    app.run()
    return 0

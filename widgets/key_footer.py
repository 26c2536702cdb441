"""Textual's Footer, on two rows where one row is too narrow to show every
key (at 80 columns a screen with a dozen keys would otherwise lose the last
ones off its right edge)."""

from __future__ import annotations

import math
from collections.abc import Iterable

from textual import events
from textual.app import ComposeResult
from textual.compose import compose
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey, FooterLabel, KeyGroup

PALETTE = "-command-palette"


def one_row_width(items: Iterable[Widget]) -> int:
    """Columns the items of a compact footer take on one row (each key and
    label is followed by one blank)."""
    total = 0
    for item in items:
        if isinstance(item, FooterKey) and not item.has_class(PALETTE):
            text = (
                f"{item.key_display} {item.description}" if item.description else item.key_display
            )
            total += len(text) + 1
        elif isinstance(item, KeyGroup):
            total += one_row_width(item._pending_children)
        elif isinstance(item, FooterLabel):
            total += len(str(item.content)) + 1
    return total


class KeyFooter(Footer):
    DEFAULT_CSS = """
    KeyFooter FooterKey.-grouped { margin: 0 1 0 0; }
    KeyFooter.-compact FooterLabel { margin: 0 1 0 0; }
    KeyFooter.-two-rows {
        layout: grid;
        height: 2;
        grid-columns: auto;
        grid-rows: 1;
        grid-gutter: 0 1;
        FooterKey { margin: 0; }
        KeyGroup { margin: 0; padding: 0; }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, compact=True)
        self._needs = 0  # columns one row of keys needs
        self._items = 0

    def compose(self) -> ComposeResult:
        items = compose(self, super().compose())  # keeps the key groups whole
        keys = [i for i in items if not i.has_class(PALETTE)]
        self._needs = one_row_width(keys) + 12  # and the palette key, docked right
        self._items = len(keys)
        self._fit(self.size.width or self.app.size.width)
        yield from items

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width)

    def _fit(self, width: int) -> None:
        two = self._items > 1 and width < self._needs
        self.set_class(two, "-two-rows")
        self.styles.grid_size_columns = math.ceil(self._items / 2) if two else max(1, self._items)

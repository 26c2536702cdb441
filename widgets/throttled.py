"""The redraw throttle the live panels share: a sample only marks the widget
dirty; a timer refreshes it at most `redraw_hz` times a second, however fast
samples arrive. A panel whose height is `auto` says what its height depends
on (`shape`): the screen is laid out again only when that changes."""

from __future__ import annotations

from typing import ClassVar

from textual.widget import Widget


class ThrottledWidget(Widget):
    redraw_hz: ClassVar[float] = 2.0
    _dirty = False
    _drawn_shape: object = None

    def on_mount(self) -> None:
        self.set_interval(1 / self.redraw_hz, self._redraw_if_dirty)

    def shape(self) -> object:
        """What the number of lines drawn depends on; None where it does not
        matter (a fixed or `1fr` height)."""
        return None

    def _redraw_if_dirty(self) -> None:
        if self._dirty:
            self._dirty = False
            shape = self.shape()
            self.refresh(layout=shape != self._drawn_shape)
            self._drawn_shape = shape

"""The redraw throttle the live panels share: a sample only marks the widget
dirty; a timer refreshes it at most `redraw_hz` times a second, however fast
samples arrive."""

from __future__ import annotations

from typing import ClassVar

from textual.widget import Widget


class ThrottledWidget(Widget):
    redraw_hz: ClassVar[float] = 2.0
    _dirty = False

    def on_mount(self) -> None:
        self.set_interval(1 / self.redraw_hz, self._redraw_if_dirty)

    def _redraw_if_dirty(self) -> None:
        if self._dirty:
            self._dirty = False
            self.refresh()

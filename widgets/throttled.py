"""The redraw throttle the live panels share: a sample only marks the widget
dirty; a timer refreshes it at most `redraw_hz` times a second, however fast
samples arrive. A panel that can tell when a redraw would draw the same
picture (`drawn`) is not redrawn; one whose height is `auto` says what its
height depends on (`shape`): the screen is laid out again only when that
changes.

`ThrottledLines` panels draw their lines themselves (Textual's line API):
once a redraw, straight into Strips, instead of building a styled Text that
Textual converts again (a 70x11 thread graph: 0.95 ms a redraw, not 2.4)."""

from __future__ import annotations

import time
from typing import ClassVar

from textual.strip import Strip
from textual.widget import Widget


class ThrottledWidget(Widget):
    redraw_hz: ClassVar[float] = 2.0
    _dirty = False
    _drawn_shape: object = None
    _drawn: object = None
    _redraws = 0  # refreshes asked for so far

    def on_mount(self) -> None:
        # on the clock's beat: every panel of a screen redraws in the same
        # frame, so Textual composes the screen once a beat, not once a panel
        period = 1 / self.redraw_hz
        beat = -time.monotonic() % period
        self.set_timer(beat, lambda: self.set_interval(period, self._redraw_if_dirty))

    def drawn(self) -> object:
        """Everything the picture depends on, where that is cheap to tell
        (equal: the same picture); None to redraw whenever marked dirty."""
        return None

    def shape(self) -> object:
        """What the number of lines drawn depends on; None where it does not
        matter (a fixed or `1fr` height)."""
        return None

    def _redraw_if_dirty(self) -> None:
        if self._dirty:
            self._dirty = False
            drawn = self.drawn()
            if drawn is not None and drawn == self._drawn:
                return
            self._drawn = drawn
            self._redraws += 1
            shape = self.shape()
            self.refresh(layout=shape != self._drawn_shape)
            self._drawn_shape = shape

    def on_resize(self) -> None:
        self._drawn = None  # Textual redraws it at the new size


class ThrottledLines(ThrottledWidget):
    """A throttled panel that draws all its lines at once, as Strips."""

    _strips: list[Strip]
    _strips_key: object = None

    def draw(self, width: int, height: int) -> list[Strip]:
        """The panel's lines at this size (`height` of them at most)."""
        raise NotImplementedError

    def render_line(self, y: int) -> Strip:
        key = (self.size, self._redraws)
        if key != self._strips_key:
            self._strips = self.draw(self.size.width, self.size.height)
            self._strips_key = key
        if y < len(self._strips):
            return self._strips[y]
        return Strip.blank(self.size.width, self.rich_style)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips_key = None  # a new theme: draw again in its colours

    def lines(self) -> list[Strip]:
        """What it draws now."""
        return self.draw(self.size.width, self.size.height)

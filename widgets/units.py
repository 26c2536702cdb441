"""Number formatting shared by the panels (no widget here)."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.strip import Strip


def duration_ns(ns: float | None) -> str:
    """264 -> '264 ns', 3641 -> '3.64 µs', 7311359 -> '7.31 ms'."""
    if ns is None:
        return "—"
    for scale, unit in ((1e9, "s"), (1e6, "ms"), (1e3, "µs")):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.0f} ns"


def rate(per_second: float | None) -> str:
    """3905280 -> '3.91 M', 12.5 -> '12.5'."""
    if per_second is None:
        return "—"
    for scale, unit in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if per_second >= scale:
            return f"{per_second / scale:.3g}{unit}"
    return f"{per_second:.3g}"


def ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}x"


def bar(fraction: float, width: int) -> str:
    """A horizontal bar of `width` cells with eighth-cell resolution."""
    eighths = round(max(0.0, min(1.0, fraction)) * width * 8)
    full, part = divmod(eighths, 8)
    text = "█" * full + (" ▏▎▍▌▋▊▉"[part] if part else "")
    return text.ljust(width)


class Rows:
    """A chart's lines as Strips (Textual's line API: the widget hands over
    each line ready to draw, skipping the conversion of a styled Text, which
    cost a 70x11 thread graph ~2.4 ms a redraw). Pieces of one style merge,
    and blanks join the run before them whatever their style: the charts'
    styles are colours, which a blank does not show, and a bar chart is
    mostly bars and blanks."""

    def __init__(self, base: Style) -> None:
        self.base = base  # the widget's own style (its background), for padding
        self._lines: list[list[Segment]] = [[]]
        self._chars: list[str] = []
        self._style: Style | None = None

    def add(self, chars: str, style: Style | None = None) -> None:
        if self._chars and chars.isspace():
            self._chars.append(chars)
            return
        style = style or self.base
        if style != self._style:
            self._flush()
            self._style = style
        self._chars.append(chars)

    def end_line(self) -> None:
        self._flush()
        self._lines.append([])

    def _flush(self) -> None:
        if self._chars:
            self._lines[-1].append(Segment("".join(self._chars), self._style))
            self._chars = []

    def strips(self, width: int) -> list[Strip]:
        """Every line cropped or padded to `width` cells."""
        self._flush()
        lines = self._lines[:-1] if not self._lines[-1] else self._lines
        return [Strip(segments).crop_extend(0, width, self.base) for segments in lines]

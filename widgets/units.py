"""Number formatting shared by the panels (no widget here)."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text


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


class Runs:
    """Builds a Text from (characters, style) pieces, merging neighbours of
    one style: a chart drawn cell by cell keeps a handful of spans per row,
    which is what makes it cheap for Textual to draw."""

    def __init__(self) -> None:
        self.text = Text(no_wrap=True, overflow="crop")
        self._chars: list[str] = []
        self._style: Style | str = ""

    def add(self, chars: str, style: Style | str = "") -> None:
        if style != self._style:
            self.flush()
            self._style = style
        self._chars.append(chars)

    def flush(self) -> None:
        if self._chars:
            self.text.append("".join(self._chars), style=self._style)
            self._chars = []

    def done(self) -> Text:
        self.flush()
        return self.text

"""The size classes the screens lay themselves out by (styles/*.tcss say what
each looks like): compact is most terminals' default 80x24, wide is 200x60."""

from __future__ import annotations

from textual.geometry import Size

SIZES = ("-compact", "-medium", "-large", "-wide")


def size_class(size: Size) -> str:
    """The layout for a terminal of `size` (columns x rows)."""
    w, h = size.width, size.height
    if w >= 180 and h >= 50:
        return "-wide"
    if w >= 140 and h >= 40:
        return "-large"
    if w >= 110 and h >= 30:
        return "-medium"
    return "-compact"

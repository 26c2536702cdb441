"""The size classes the screens lay themselves out by (styles/*.tcss say what
each looks like): compact is most terminals' default 80x24, wide is 200x60."""

from __future__ import annotations

from textual.dom import DOMNode
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


def apply_size_class(screen: DOMNode, size: Size | None) -> str:
    """Give `screen` the size class for a terminal of `size` (and none of the
    others); return it. Where `size` is None or empty, the class it has stays
    (compact where it has none yet)."""
    if size is not None and size.width and size.height:
        cls = size_class(size)
    else:
        cls = next((name for name in SIZES if screen.has_class(name)), "-compact")
    for name in SIZES:
        screen.set_class(name == cls, name)
    return cls

"""Number formatting shared by the panels (no widget here)."""

from __future__ import annotations


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

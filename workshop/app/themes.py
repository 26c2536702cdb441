"""The two themes: the everyday one and a high-contrast one for a projector.
Colours live here and only here; styles/*.tcss use the theme's variables."""

from __future__ import annotations

from textual.theme import Theme

WORKSHOP = Theme(
    name="pinlab",
    primary="#4F9DDE",
    secondary="#7E8AA2",
    accent="#F2A93B",
    warning="#E8C547",
    error="#E5534B",
    success="#57AB5A",
    foreground="#D8DEE9",
    background="#16191F",
    surface="#1E222A",
    panel="#262B35",
    dark=True,
)

PROJECTION = Theme(
    name="pinlab-projection",
    primary="#FFFFFF",
    secondary="#BBBBBB",
    accent="#FFD400",
    warning="#FFD400",
    error="#FF3B30",
    success="#30D158",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#111111",
    dark=True,
    luminosity_spread=0.05,
    text_alpha=1.0,
)

THEMES = (WORKSHOP, PROJECTION)

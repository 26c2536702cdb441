"""Typed access to the running PinlabApp from a screen."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from workshop.app.app import PinlabApp


def pinlab(screen: Screen) -> PinlabApp:
    return cast("PinlabApp", screen.app)

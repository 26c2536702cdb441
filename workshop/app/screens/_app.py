"""What the screens ask of the running workshop app, as a protocol: the
screens are typed against it, not against PinlabApp, so that the app module
(which opens the screens) and the screens do not import each other."""

from __future__ import annotations

from typing import Protocol, cast

from textual.screen import Screen

from workshop.engine.catalog import Exercise
from workshop.engine.costcard import Card
from workshop.engine.toolchain import Toolchain
from workshop.engine.workspace import Workspace


class Workshop(Protocol):
    catalog: list[Exercise]
    workspace: Workspace
    toolchain: Toolchain
    seconds: float | None  # load duration override
    nvml: bool
    watch_saves: bool
    check_on_open: bool
    cost_card: Card | None

    def open_exercise(self, ex: Exercise, replace: bool = False) -> None: ...
    def next_exercise(self, after: Exercise | None) -> Exercise | None: ...
    def apply_projection(self, screen: Screen | None = None) -> None: ...
    def check_all(self) -> None: ...


def pinlab(screen: Screen) -> Workshop:
    return cast("Workshop", screen.app)

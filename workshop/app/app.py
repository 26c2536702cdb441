"""The pinlab workshop app: the exercise list, the exercise screen with its
live panels, compare mode, projection; shared state lives here."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from workshop.app.screens.projection import PROJECTION_CLASS
from workshop.app.themes import PROJECTION, THEMES, WORKSHOP
from workshop.engine import costcard, paths
from workshop.engine.catalog import Exercise
from workshop.engine.toolchain import Toolchain
from workshop.engine.workspace import SOLVED, Workspace


class PinlabApp(App[None]):
    TITLE = "pinlab"
    SUB_TITLE = "runtime.LockOSThread, measured"
    CSS_PATH = [paths.STYLES / "pinlab.tcss", paths.STYLES / "projection.tcss"]
    BINDINGS = [
        Binding("q", "quit", "quit"),
        Binding("p", "toggle_projection", "projection"),
        Binding("k", "cost_card", "cost card"),
    ]

    def __init__(
        self,
        catalog: list[Exercise],
        workspace: Workspace,
        toolchain: Toolchain,
        projection: bool = False,
        seconds: float | None = None,
        open_exercise: str | None = None,
        nvml: bool = True,
        watch: bool = True,
        check_on_open: bool = True,
    ) -> None:
        super().__init__()
        self.catalog = catalog
        self.workspace = workspace
        self.toolchain = toolchain
        self.projection = projection
        self.seconds = seconds  # load duration override (benchmarks, demos)
        self.nvml = nvml
        self.watch_saves = watch
        self.check_on_open = check_on_open
        self._open_exercise = open_exercise
        self.cost_card = costcard.load_card(toolchain)  # None until measured here

    @property
    def workspace_root(self) -> Path:
        return self.workspace.root

    def on_mount(self) -> None:
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = PROJECTION.name if self.projection else WORKSHOP.name
        from workshop.app.screens.exercise_list import ExerciseListScreen

        self.push_screen(ExerciseListScreen())
        if self._open_exercise:
            ex = next((e for e in self.catalog if e.id == self._open_exercise), None)
            if ex is not None:
                self.open_exercise(ex)

    # navigation shared by the screens

    def open_exercise(self, ex: Exercise, replace: bool = False) -> None:
        from workshop.app.screens.exercise import ExerciseScreen

        screen = ExerciseScreen(ex)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def next_exercise(self, after: Exercise | None) -> Exercise | None:
        """The first unsolved exercise after `after` (wrapping), or None."""
        order = self.catalog
        start = order.index(after) + 1 if after in order else 0
        for ex in order[start:] + order[:start]:
            if ex is not after and self.workspace.status(ex) != SOLVED:
                return ex
        return None

    def apply_projection(self, screen: Screen | None = None) -> None:
        target = screen or self.screen
        if target.has_class(PROJECTION_CLASS) != self.projection:
            target.set_class(self.projection, PROJECTION_CLASS)
            hook = getattr(target, "on_projection_changed", None)
            if callable(hook):
                hook()

    def action_toggle_projection(self) -> None:
        self.projection = not self.projection
        self.theme = PROJECTION.name if self.projection else WORKSHOP.name
        for screen in self.screen_stack:
            self.apply_projection(screen)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Projection layout",
            "High contrast, big figures, fewer panels (p)",
            self.action_toggle_projection,
        )
        yield SystemCommand("Check all exercises", "Run every exercise's check (c)", self.check_all)
        yield SystemCommand(
            "Cost card", "What pinning costs on this machine (k)", self.action_cost_card
        )
        for ex in self.catalog:
            yield SystemCommand(
                f"Open {ex.id}",
                f"{ex.title} ({ex.difficulty}, {self.workspace.status(ex)})",
                partial(self.open_exercise, ex),
            )

    def action_cost_card(self) -> None:
        from workshop.app.screens.cost_card import CostCardScreen

        if not isinstance(self.screen, CostCardScreen):
            self.push_screen(CostCardScreen())

    def check_all(self) -> None:
        from workshop.app.screens.check_all import CheckAllScreen

        self.push_screen(CheckAllScreen())

"""The pinlab workshop app: the exercise list, the exercise screen with its
live panels, compare mode, projection; shared state lives here."""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from pathlib import Path
from typing import Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from workshop.app.screens.projection import PROJECTION_CLASS
from workshop.app.themes import PROJECTION, THEMES, WORKSHOP
from workshop.engine import costcard, paths
from workshop.engine.catalog import Exercise
from workshop.engine.classroom import ClassSettings, Pusher
from workshop.engine.toolchain import Toolchain
from workshop.engine.workspace import SOLVED, Workspace

# actions that change the workspace, run code or show a solution: refused in
# the read-only view (`pinlab serve --read-only`), whichever screen binds them
READ_ONLY = frozenset({"check_all", "reset", "rerun", "solution", "compare", "swap", "calibrate"})


class PinlabApp(App[None]):
    TITLE = "pinlab"
    SUB_TITLE = "runtime.LockOSThread, measured"
    CSS_PATH = [paths.STYLES / "pinlab.tcss", paths.STYLES / "projection.tcss"]
    BINDINGS = [
        Binding("q", "quit", "quit"),
        Binding("p", "toggle_projection", "projection"),
        # shown in the list's footer; an exercise screen's footer has no room left at 80 columns
        Binding("k", "cost_card", "cost card", show=False),
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
        classroom: ClassSettings | None = None,
        read_only: bool = False,
        read_only_why: str | None = None,  # where the workspace itself is read-only
    ) -> None:
        super().__init__()
        self.read_only = read_only  # a room's view: nothing that changes or runs (READ_ONLY)
        self.read_only_why = read_only_why
        if read_only:
            workspace.read_only = True
            watch = check_on_open = False
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
        self.classroom = classroom
        self.pusher: Pusher | None = None
        self.class_status: str | None = None  # the last push problem, shown once

    # the classroom: a push after each recorded check, off the UI thread

    def _start_classroom(self) -> None:
        if self.classroom is None or self.read_only:
            return
        self.pusher = Pusher(self.classroom, self.workspace.load_progress, self._class_status)
        self.workspace.on_record.append(self.pusher.request)
        self.pusher.request()  # say who is here, and where

    def _class_status(self, text: str, ok: bool) -> None:  # on the pusher's thread
        self.call_from_thread(self._show_class_status, text, ok)

    def _show_class_status(self, text: str, ok: bool) -> None:
        self.class_status = None if ok else text
        set_status = getattr(self.screen, "set_status", None)
        if callable(set_status):
            set_status(text)
        self.notify(text, title="classroom", severity="information" if ok else "warning")

    def on_unmount(self) -> None:
        if self.pusher is not None:
            self.pusher.close(flush=self.classroom.timeout if self.classroom else 0.0)

    # the read-only view: enforced where every key and command ends up

    async def run_action(
        self, action: Any, default_namespace: Any = None, namespaces: Any = None
    ) -> bool:
        if self.read_only and self._blocked(action, default_namespace):
            self.notify("This view is read-only.", title="read-only", severity="warning")
            return False
        return await super().run_action(action, default_namespace, namespaces)

    def _check_action_state(self, action: str, default_namespace: Any) -> bool | None:
        if self.read_only and self._blocked(action, default_namespace):
            return False  # hidden from the footer too
        return super()._check_action_state(action, default_namespace)

    def _blocked(self, action: Any, default_namespace: Any) -> bool:
        _, name, _ = self._parse_action(action, default_namespace or self)
        return name in READ_ONLY

    @property
    def workspace_root(self) -> Path:
        return self.workspace.root

    def on_mount(self) -> None:
        self._start_classroom()
        for theme in THEMES:
            self.register_theme(theme)
        self.theme = PROJECTION.name if self.projection else WORKSHOP.name
        from workshop.app.screens.exercise_list import ExerciseListScreen

        self.push_screen(ExerciseListScreen())
        if self.read_only_why:
            self.notify(self.read_only_why, title="read-only workspace", timeout=15)
        if self._open_exercise:
            ex = next((e for e in self.catalog if e.id == self._open_exercise), None)
            if ex is not None:
                self.open_exercise(ex)

    # navigation shared by the screens

    def open_exercise(self, ex: Exercise, replace: bool = False) -> None:
        from workshop.app.screens.exercise import ExerciseScreen

        self.workspace.set_current(ex)
        if self.pusher is not None:
            self.pusher.request()
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
        if not self.read_only:
            yield SystemCommand(
                "Check all exercises", "Run every exercise's check (c)", self.check_all
            )
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

        if self.read_only:
            self.notify("This view is read-only.", title="read-only", severity="warning")
            return
        self.push_screen(CheckAllScreen())

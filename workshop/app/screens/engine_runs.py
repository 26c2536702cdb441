"""The wiring a screen needs to run the engine, shared by the exercise and
compare screens: a generation that tells a cancelled run's events from the
current one's, the worker of the run in flight (a new start cancels it), the
live probes around it, and the watcher of the exercise's folder."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from textual.screen import Screen
from textual.worker import Worker

from workshop.app.messages import CheckBroke, EngineEvent, SaveSeen, WatcherNote
from workshop.app.screens._app import pinlab
from workshop.engine.catalog import Exercise
from workshop.engine.events import Emit, Event
from workshop.engine.live import LiveDetail
from workshop.engine.watch import SaveWatcher, WatcherNotice

# what one engine run does, given where its events go and the live probes
Run = Callable[[Emit, LiveDetail], Awaitable[object]]


class EngineRuns:
    def __init__(self, screen: Screen, group: str) -> None:
        self.screen = screen
        self.group = group
        self.generation = 0
        self._worker: Worker[None] | None = None

    def start(self, run: Run) -> None:
        """Cancel the run in flight (the engine kills its processes) and start
        `run`; its events reach the screen as EngineEvent, a failure of the
        engine itself as CheckBroke, both with this generation."""
        self.generation += 1
        self.cancel()
        self._worker = self.screen.run_worker(
            self._run(self.generation, run), group=self.group, exit_on_error=False
        )

    def current(self, message: EngineEvent | CheckBroke) -> bool:
        """The message is about the run in flight, not a cancelled one."""
        return message.generation == self.generation

    def cancel(self) -> None:
        if self._worker is not None:
            self._worker.cancel()

    async def _run(self, generation: int, run: Run) -> None:
        screen = self.screen

        def emit(event: Event) -> None:  # from the event loop and probe threads alike
            screen.post_message(EngineEvent(generation, event))

        live = LiveDetail(emit, pinlab(screen).nvml)
        try:
            await run(emit, live)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the engine broke, not the learner's code
            screen.post_message(CheckBroke(generation, f"{type(exc).__name__}: {exc}"))
        finally:
            live.close()


async def watch_saves(screen: Screen, ex: Exercise, on_notice: Callable[[], None]) -> None:
    """Post SaveSeen for every save of an editable file of `ex` in the
    workspace, WatcherNote when the watcher falls back to polling (after
    calling `on_notice`); run it as the screen's worker."""
    folder = pinlab(screen).workspace.exercise_dir(ex)
    async for item in SaveWatcher(folder, ex.editable).run():
        if isinstance(item, WatcherNotice):
            on_notice()
            screen.post_message(WatcherNote(item))
        else:
            screen.post_message(SaveSeen(item))

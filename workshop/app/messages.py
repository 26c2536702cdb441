"""Textual messages that carry the engine's events and the watcher's saves
to a screen. Samples whose newer copy is already queued are dropped
(`can_replace`), so a busy screen draws the newest state, not a backlog."""

from __future__ import annotations

from textual.message import Message

from workshop.engine.check import ExerciseResult
from workshop.engine.live import LatencyMeasured, LiveEvent, ProcessSampled
from workshop.engine.watch import Save, WatcherNotice

_LATEST_ONLY = (ProcessSampled, LatencyMeasured)


class Live(Message):
    """One engine event (see workshop.live)."""

    def __init__(self, event: LiveEvent) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        ev = self.event
        if not isinstance(ev, _LATEST_ONLY) or not isinstance(message, Live):
            return False
        other = message.event
        return (
            type(other) is type(ev)
            and other.label == ev.label
            and other.generation == ev.generation
        )


class CheckFinished(Message):
    def __init__(self, generation: int, result: ExerciseResult) -> None:
        super().__init__()
        self.generation = generation
        self.result = result


class CheckFailed(Message):
    """The check itself broke (not the learner's code): shown, never raised."""

    def __init__(self, generation: int, error: str) -> None:
        super().__init__()
        self.generation = generation
        self.error = error


class SaveSeen(Message):
    def __init__(self, save: Save) -> None:
        super().__init__()
        self.save = save


class WatcherNote(Message):
    def __init__(self, notice: WatcherNotice) -> None:
        super().__init__()
        self.notice = notice

"""The Textual messages of the app: one for every engine event, and the
watcher's saves and notices. An event whose newer copy is already queued is
dropped (`can_replace`), so a busy screen draws the newest state, not a
backlog."""

from __future__ import annotations

from textual.message import Message

from workshop.engine.events import LATEST_ONLY, Event
from workshop.engine.watch import Save, WatcherNotice


class EngineEvent(Message):
    """One engine event of one check or compare run (its generation: events
    of a cancelled run are ignored)."""

    def __init__(self, generation: int, event: Event) -> None:
        super().__init__()
        self.generation = generation
        self.event = event

    def can_replace(self, message: Message) -> bool:
        ev = self.event
        if not isinstance(ev, LATEST_ONLY) or not isinstance(message, EngineEvent):
            return False
        other = message.event
        return (
            type(other) is type(ev)
            and other.label == ev.label
            and message.generation == self.generation
        )


class CheckBroke(Message):
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

"""Seeing the learner's saves in one exercise folder.

Editors save in many ways: in place, write-and-rename (atomic saves, `sed -i`),
vim's backup/swap dance, JetBrains' safe-write (write a temp file, rename the
original away, rename the temp in, delete the old). Each produces a burst of
events on several names; only events on the exercise's editable files count,
and a burst settles into one `Save` after `debounce` seconds of quiet, so
the build sees the newest content once.

Some file systems (network mounts, WSL's /mnt) send no events at all. A cheap
mtime poll runs beside the native watcher; when it sees a file change that
the watcher never reported, the watcher is declared silent and polling takes
over (a `WatcherNotice` says so)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from watchfiles import Change, awatch

DEBOUNCE = 0.2  # seconds of quiet that end a burst
POLL_INTERVAL = 1.0  # mtime poll while the native watcher is trusted
FALLBACK_POLL_INTERVAL = 0.25  # mtime poll once polling has taken over
SILENT_GRACE = 1.5  # a change the watcher has not reported for this long: silent

Fingerprint = tuple[tuple[str, int, int, int], ...]
EventSource = Callable[[Path, Callable[[Change, str], bool], asyncio.Event], AsyncIterator[object]]


@dataclass(frozen=True)
class Save:
    """One settled burst of changes to the editable files."""

    first_event_at: float  # time.monotonic() of the burst's first event
    settled_at: float
    events: int
    via: str  # "events" or "polling"


@dataclass(frozen=True)
class WatcherNotice:
    """Something the learner should know about how saves are seen."""

    text: str


def not_built(strays: Iterable[str], editable: Iterable[str]) -> str:
    """What to say of Go files the learner added beside the exercise's."""
    names, built = sorted(strays), sorted(editable)
    return (
        f"{', '.join(names)} {'is' if len(names) == 1 else 'are'} not part of this exercise: "
        f"only {', '.join(built)} {'is' if len(built) == 1 else 'are'} built, "
        "so move that code there"
    )


def stray_go_files(folder: Path, editable: Iterable[str]) -> list[str]:
    """Go files in the exercise's workspace folder that pinlab does not build."""
    names = set(editable)
    return sorted(
        rel
        for f in folder.rglob("*.go")
        if (rel := f.relative_to(folder).as_posix()) not in names and not f.name.startswith(".")
    )


def fingerprint(folder: Path, names: Iterable[str]) -> Fingerprint:
    """(name, inode, size, mtime_ns) of each file; a missing file reads (name, 0, -1, 0)."""
    out = []
    for name in sorted(names):
        try:
            st = os.stat(folder / name)
            out.append((name, st.st_ino, st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((name, 0, -1, 0))
    return tuple(out)


def native_events(
    folder: Path, relevant: Callable[[Change, str], bool], stop: asyncio.Event
) -> AsyncIterator[object]:
    """watchfiles' native watcher on the folder and its subfolders (an
    exercise may keep editable files in a package below its own)."""
    return awatch(folder, watch_filter=relevant, recursive=True, step=20, stop_event=stop)


class SaveWatcher:
    """`async for item in SaveWatcher(folder, names).run():` yields `Save` and
    `WatcherNotice` items until the iterator is closed."""

    def __init__(
        self,
        folder: Path,
        names: Iterable[str],
        debounce: float = DEBOUNCE,
        poll_interval: float = POLL_INTERVAL,
        fallback_poll_interval: float = FALLBACK_POLL_INTERVAL,
        silent_grace: float = SILENT_GRACE,
        force_polling: bool = False,
        event_source: EventSource = native_events,
    ) -> None:
        self.folder = folder
        self.names = frozenset(names)
        self.debounce = debounce
        self.poll_interval = poll_interval
        self.fallback_poll_interval = fallback_poll_interval
        self.silent_grace = silent_grace
        self.polling = force_polling
        self._event_source = event_source
        self._events: asyncio.Queue[tuple[str, float] | WatcherNotice] = asyncio.Queue()
        self._known = fingerprint(folder, self.names)
        self._unreported_since: float | None = None
        self._stop = asyncio.Event()
        self._strays: set[str] = set()  # Go files that are not the exercise's, said once

    def relevant(self, change: Change, path: str) -> bool:
        """An event on an editable file, named relative to the folder. A Go
        file the learner added is said once: it is not built."""
        name = os.path.relpath(path, self.folder).replace(os.sep, "/")
        if name in self.names:
            return True
        if name.endswith(".go") and change != Change.deleted and name not in self._strays:
            self._strays.add(name)
            self._events.put_nowait(WatcherNotice(not_built([name], self.names)))
        return False

    async def _native(self) -> None:
        async for _changes in self._event_source(self.folder, self.relevant, self._stop):
            if self.polling:
                return
            self._known = fingerprint(self.folder, self.names)
            self._unreported_since = None
            self._events.put_nowait(("events", time.monotonic()))

    async def _poll(self, native: asyncio.Task[None] | None) -> None:
        while True:
            await asyncio.sleep(self.fallback_poll_interval if self.polling else self.poll_interval)
            now = time.monotonic()
            current = fingerprint(self.folder, self.names)
            if current == self._known:
                self._unreported_since = None
                continue
            if self.polling:
                self._known = current
                self._events.put_nowait(("polling", now))
                continue
            if self._unreported_since is None:
                self._unreported_since = now
            elif now - self._unreported_since >= self.silent_grace:
                self.polling = True
                if native is not None:
                    native.cancel()
                self._known = current
                self._events.put_nowait(
                    WatcherNotice(
                        "this folder sends no file events (a network or WSL mount?): "
                        f"checking for saves every {self.fallback_poll_interval:g} s instead"
                    )
                )
                self._events.put_nowait(("polling", now))

    async def run(self) -> AsyncIterator[Save | WatcherNotice]:
        native = None if self.polling else asyncio.create_task(self._native())
        poller = asyncio.create_task(self._poll(native))
        if self.polling:
            yield WatcherNotice(f"polling for saves every {self.fallback_poll_interval:g} s")
        try:
            while True:
                item = await self._events.get()
                if isinstance(item, WatcherNotice):
                    yield item
                    continue
                via, first = item
                count = 1
                while True:  # settle: wait for `debounce` seconds without an event
                    try:
                        more = await asyncio.wait_for(self._events.get(), self.debounce)
                    except TimeoutError:
                        break
                    if isinstance(more, WatcherNotice):
                        yield more
                    else:
                        count += 1
                        via = more[0]
                yield Save(first, time.monotonic(), count, via)
        finally:
            self._stop.set()
            for task in (native, poller):
                if task is not None:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, Exception):
                        await task

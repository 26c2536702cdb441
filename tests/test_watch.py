"""SaveWatcher against real saves on this machine's file system (inotify),
in the ways editors and tools save."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from workshop.engine.watch import Save, SaveWatcher, WatcherNotice, fingerprint

NAME = "compute.go"


async def collect(
    watcher: SaveWatcher, action: object, quiet: float = 0.8, limit: float = 8.0
) -> list[Save | WatcherNotice]:
    """Run `action` (a callable, maybe async) once the watcher is up; gather what
    it yields until nothing comes for `quiet` seconds."""
    items: list[Save | WatcherNotice] = []
    gen = watcher.run()

    async def reader() -> None:
        async for item in gen:
            items.append(item)

    task = asyncio.create_task(reader())
    await asyncio.sleep(0.3)  # let the native watcher start
    result = action() if callable(action) else None
    if asyncio.iscoroutine(result):
        await result
    deadline = time.monotonic() + limit
    seen = -1
    while time.monotonic() < deadline:
        await asyncio.sleep(quiet)
        if len(items) == seen and items:
            break
        seen = len(items)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    await gen.aclose()
    return items


def saves(items: list[Save | WatcherNotice]) -> list[Save]:
    return [i for i in items if isinstance(i, Save)]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / NAME).write_text("package main\n")
    return tmp_path


async def test_in_place_write_is_one_save(folder: Path) -> None:
    items = await collect(SaveWatcher(folder, [NAME]), lambda: (folder / NAME).write_text("a\n"))
    assert len(saves(items)) == 1
    assert saves(items)[0].via == "events"


async def test_atomic_rename_save_is_one_save(folder: Path) -> None:
    def save() -> None:
        tmp = folder / f".{NAME}.tmp123"
        tmp.write_text("package main // atomic\n")
        os.replace(tmp, folder / NAME)

    assert len(saves(await collect(SaveWatcher(folder, [NAME]), save))) == 1


async def test_vim_save_with_swap_and_backup_is_one_save(folder: Path) -> None:
    def save() -> None:
        (folder / f".{NAME}.swp").write_bytes(b"swap")
        probe = folder / "4913"  # vim checks it may create files here
        probe.write_text("")
        probe.unlink()
        os.rename(folder / NAME, folder / f"{NAME}~")  # backupcopy=no
        (folder / NAME).write_text("package main // vim\n")
        (folder / f"{NAME}~").unlink()
        (folder / f".{NAME}.swp").unlink()

    assert len(saves(await collect(SaveWatcher(folder, [NAME]), save))) == 1


async def test_jetbrains_safe_write_is_one_save(folder: Path) -> None:
    def save() -> None:
        tmp = folder / f"{NAME}___jb_tmp___"
        old = folder / f"{NAME}___jb_old___"
        tmp.write_text("package main // idea\n")
        os.rename(folder / NAME, old)
        os.rename(tmp, folder / NAME)
        old.unlink()

    assert len(saves(await collect(SaveWatcher(folder, [NAME]), save))) == 1


async def test_sed_in_place_is_one_save(folder: Path) -> None:
    def save() -> None:
        subprocess.run(["sed", "-i", "s/main/main \\/\\/ sed/", str(folder / NAME)], check=True)

    items = await collect(SaveWatcher(folder, [NAME]), save)
    assert len(saves(items)) == 1
    assert "sed" in (folder / NAME).read_text()


async def test_a_burst_of_saves_settles_into_one(folder: Path) -> None:
    async def burst() -> None:
        for i in range(5):
            (folder / NAME).write_text(f"package main // {i}\n")
            await asyncio.sleep(0.05)  # closer together than the debounce

    items = await collect(SaveWatcher(folder, [NAME]), burst)
    assert len(saves(items)) == 1
    assert saves(items)[0].events >= 2


async def test_other_files_do_not_count(folder: Path) -> None:
    def touch_others() -> None:
        (folder / "notes.txt").write_text("x")
        (folder / f".{NAME}.swp").write_text("x")

    items = await collect(SaveWatcher(folder, [NAME]), touch_others, quiet=0.6, limit=1.5)
    assert saves(items) == []


def silent_source(folder: Path, relevant: object, stop: asyncio.Event) -> AsyncIterator[object]:
    """A watcher that never reports anything, as on a network or WSL mount. No
    such file system exists on the test machine, so this stands in for it."""

    async def never() -> AsyncIterator[object]:
        await stop.wait()
        return
        yield  # an async generator that yields nothing

    return never()


async def test_a_silent_watcher_falls_back_to_polling_and_says_so(folder: Path) -> None:
    watcher = SaveWatcher(
        folder,
        [NAME],
        poll_interval=0.1,
        fallback_poll_interval=0.1,
        silent_grace=0.3,
        event_source=silent_source,
    )

    async def two_saves() -> None:
        (folder / NAME).write_text("package main // first\n")
        await asyncio.sleep(1.2)  # the silence is noticed and polling takes over
        (folder / NAME).write_text("package main // second, longer\n")

    items = await collect(watcher, two_saves, quiet=0.8)
    notices = [i for i in items if isinstance(i, WatcherNotice)]
    assert notices and "no file events" in notices[0].text
    assert watcher.polling
    assert len(saves(items)) == 2
    assert all(s.via == "polling" for s in saves(items))


async def test_forced_polling_sees_saves(folder: Path) -> None:
    watcher = SaveWatcher(folder, [NAME], force_polling=True, fallback_poll_interval=0.1)
    items = await collect(watcher, lambda: (folder / NAME).write_text("package main // p\n"))
    assert len(saves(items)) == 1
    assert isinstance(items[0], WatcherNotice)


def test_fingerprint_notices_missing_files(tmp_path: Path) -> None:
    assert fingerprint(tmp_path, ["gone.go"]) == (("gone.go", 0, -1, 0),)


async def test_a_go_file_the_learner_adds_is_said_once(folder: Path) -> None:
    """A save of helper.go starts no check (it is not built); the learner is
    told so once, however often it is saved."""

    async def add_helper() -> None:
        for _ in range(3):
            (folder / "helper.go").write_text("package main\n")
            await asyncio.sleep(0.3)

    items = await collect(SaveWatcher(folder, [NAME]), add_helper, quiet=0.6, limit=3)
    notices = [i.text for i in items if isinstance(i, WatcherNotice)]
    assert saves(items) == []
    assert notices == [
        "helper.go is not part of this exercise: only compute.go is built, so move that code there"
    ]

"""Small, allocation-light readers and parsers for /proc files.

These run thousands of times a second on a big process, so they avoid
building dicts of every line and never raise when a process or thread is
gone: a vanished file reads as None.
"""

from __future__ import annotations

import os

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_READ_SIZE = 4096  # stat, status and sched of one task all fit


def read_small(path: str) -> bytes | None:
    """One proc file's content, or None when it (or its process) is gone."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        return os.read(fd, _READ_SIZE)
    except OSError:
        return None
    finally:
        os.close(fd)


def split_stat(raw: bytes) -> tuple[bytes, list[bytes]] | None:
    """(comm, fields after comm) of a stat line, or None if malformed.

    comm may hold spaces and parens, so split at the last ')'. In the list,
    stat field N (1-based, as in proc(5)) is at index N - 3: the state
    (field 3) is [0], utime/stime (14/15) are [11]/[12], starttime (22) is
    [19] and the last CPU (39) is [36]. Only the first 38 are split apart.
    """
    open_paren = raw.find(b"(")
    close_paren = raw.rfind(b")")
    if open_paren < 0 or close_paren < open_paren:
        return None
    rest = raw[close_paren + 2 :].split(b" ", 37)
    if len(rest) < 38:
        return None
    return raw[open_paren + 1 : close_paren], rest


def find_int(raw: bytes, key: bytes) -> int | None:
    """The integer that follows `key` on its line, e.g. b"Threads:" in
    status or b"se.nr_migrations" (then spaces, ':' and the number) in sched."""
    at = raw.find(key)
    if at < 0:
        return None
    start = at + len(key)
    end = raw.find(b"\n", start)
    value = raw[start : end if end >= 0 else len(raw)].replace(b":", b" ")
    try:
        return int(value)
    except ValueError:
        return None


def find_line(raw: bytes, key: bytes) -> bytes | None:
    """The rest of the line after `key`, stripped (None when absent)."""
    at = raw.find(key)
    if at < 0:
        return None
    start = at + len(key)
    end = raw.find(b"\n", start)
    return raw[start : end if end >= 0 else len(raw)].strip()


def innermost_id(nspid: bytes | None) -> int | None:
    """The last number of an `NSpid:` value: the id in the innermost PID
    namespace (the only number when not namespaced)."""
    if not nspid:
        return None
    try:
        return int(nspid.split()[-1])
    except ValueError:
        return None


def list_tids(pid: int) -> list[int]:
    """The process's current TIDs (empty when it is gone)."""
    try:
        return [int(name) for name in os.listdir(f"/proc/{pid}/task")]
    except (OSError, ValueError):
        return []


def read_affinity(tid: int) -> tuple[int, ...]:
    """CPUs the thread may run on, sorted (empty when it is gone)."""
    try:
        return tuple(sorted(os.sched_getaffinity(tid)))
    except OSError:
        return ()


def child_pids(pid: int) -> list[int]:
    """Direct children of `pid`, from every thread's `children` file (the
    engine uses it to find the program below `unshare` and nsinit)."""
    found: list[int] = []
    for tid in list_tids(pid):
        raw = read_small(f"/proc/{pid}/task/{tid}/children")
        if raw:
            found.extend(int(p) for p in raw.split())
    return found

"""Per-thread facts of a running process, read from /proc.

Two speeds: `thread_count` is one small read of /proc/PID/status (the 10 Hz
path). `ThreadReader.read` walks /proc/PID/task: its placement pass reads
each thread's stat (from a kept descriptor) and affinity, about 5 µs a
thread with cold caches, Python included; its counters pass adds each
thread's sched file (context switches, migrations), about 15 µs a thread,
so the sampler runs that one less often. Every read tolerates the process
or a thread vanishing halfway: it returns what it has and never raises.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

from probes.kept_files import close_kept, open_kept, pread_kept
from probes.procfs import (
    CLOCK_TICKS,
    find_int,
    find_line,
    innermost_id,
    list_tids,
    read_small,
    split_stat,
)


@dataclass(frozen=True)
class ThreadInfo:
    """One OS thread of the watched process.

    `cpu` is the CPU the thread last ran on: stale while it sleeps, so show
    `state` beside it. `nstid` is the TID inside the process's own PID
    namespace (what gettid() returns there, so what the harness reports for
    a locked thread; equals `tid` when not namespaced). The counters are
    None until a counters pass has read them; placement-only passes carry the
    last values forward. `locked` and `role` come from the harness (a
    goroutine reported it is locked to this thread); the sampler sets them.
    """

    tid: int
    nstid: int
    name: str
    state: str
    cpu: int | None
    affinity: tuple[int, ...]
    cpu_time: float  # utime + stime, seconds
    voluntary_switches: int | None = None
    involuntary_switches: int | None = None
    migrations: int | None = None
    locked: bool = False
    role: str | None = None


@dataclass(frozen=True)
class Counters:
    """A thread's counters from task status and sched."""

    voluntary: int | None
    involuntary: int | None
    migrations: int | None


@dataclass(frozen=True)
class ProcessStatus:
    """One read of /proc/PID/status: the thread count and memory."""

    threads: int
    rss_peak_kib: int | None  # VmHWM: the most resident memory so far
    data_kib: int | None  # VmData: private writable memory, what RLIMIT_DATA limits


def process_status(pid: int) -> ProcessStatus | None:
    """The kernel's thread count and memory for `pid`; None when the process
    is gone.

    A zombie whose last thread has exited counts as gone (a leader that
    called pthread_exit while other threads run is a zombie too, but with
    Threads > 1, and still counts).
    """
    raw = read_small(f"/proc/{pid}/status")
    if raw is None:
        return None
    threads = find_int(raw, b"\nThreads:")
    if threads is None:
        return None
    state = find_line(raw, b"\nState:") or b""
    if state[:1] in (b"Z", b"X") and threads <= 1:
        return None
    return ProcessStatus(threads, _kib(raw, b"\nVmHWM:"), _kib(raw, b"\nVmData:"))


def _kib(raw: bytes, key: bytes) -> int | None:
    """A status line such as b"VmHWM:\t  5120 kB" as 5120."""
    line = find_line(raw, key)
    try:
        return int(line.split()[0]) if line else None
    except ValueError:
        return None


def thread_count(pid: int) -> int | None:
    """The kernel's thread count for `pid`; None when the process is gone."""
    status = process_status(pid)
    return None if status is None else status.threads


def read_nstid(task_dir: str) -> int | None:
    """The thread's TID in its innermost PID namespace (None when gone)."""
    status = read_small(f"{task_dir}/status")
    return innermost_id(find_line(status, b"\nNSpid:")) if status is not None else None


def read_counters(task_dir: str) -> Counters | None:
    """A thread's switches and migrations (None when it is gone).

    The sched file has all three; without it (kernels built without
    CONFIG_SCHED_DEBUG) the switches come from status and migrations are None.
    """
    sched = read_small(f"{task_dir}/sched")
    if sched is not None and b"\nnr_voluntary_switches" in sched:
        return Counters(
            voluntary=find_int(sched, b"\nnr_voluntary_switches"),
            involuntary=find_int(sched, b"\nnr_involuntary_switches"),
            migrations=find_int(sched, b"\nse.nr_migrations"),
        )
    status = read_small(f"{task_dir}/status")
    if status is None:
        return None
    return Counters(
        voluntary=find_int(status, b"\nvoluntary_ctxt_switches:"),
        involuntary=find_int(status, b"\nnonvoluntary_ctxt_switches:"),
        migrations=None,
    )


class _Known:
    """What a ThreadReader remembers about one thread between passes."""

    __slots__ = ("start", "stat_fd", "raw", "nstid", "counters", "cpus", "info")

    def __init__(self, start: bytes, nstid: int, stat_fd: int | None) -> None:
        self.start = start  # stat field 22: with the TID, tells a reused TID apart
        self.stat_fd = stat_fd  # kept open stat file, or None: read by path
        self.raw = b""  # the stat line `info` was built from
        self.nstid = nstid
        self.counters: Counters | None = None
        self.cpus: set[int] = set()  # affinity as the kernel gave it
        self.info: ThreadInfo | None = None

    def close(self) -> None:
        if self.stat_fd is not None:
            close_kept(self.stat_fd)
            self.stat_fd = None


class ThreadReader:
    """Reads one process's threads, remembering what does not change.

    Each thread's stat file stays open between passes where the descriptor
    limit allows (see kept_files). A thread's namespace TID never changes,
    so it is read once. Counters are carried forward on placement-only
    passes, and a thread whose stat line and affinity are unchanged keeps
    its previous ThreadInfo object: most threads of a big process sleep,
    and parsing and building objects cost as much as the reads. Call
    close() when done (the sampler does), or the kept files wait for the
    garbage collector.
    """

    def __init__(self, pid: int, keep_files: bool = True) -> None:
        self.pid = pid
        self.keep_files = keep_files
        self._task_dir = f"/proc/{pid}/task"
        self._known: dict[int, _Known] = {}
        self._namespaced: bool | None = None  # None: not known yet

    def read(self, counters: bool = True) -> list[ThreadInfo]:
        """All threads now. With counters=False, skip the sched reads."""
        out: list[ThreadInfo] = []
        previous = self._known
        self._known = {}
        for tid in list_tids(self.pid):
            info = self._read_one(tid, counters, previous.pop(tid, None))
            if info is not None:
                out.append(info)
        for gone in previous.values():
            gone.close()
        return out

    def close(self) -> None:
        for known in self._known.values():
            known.close()
        self._known = {}

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # at interpreter exit, modules may be gone
            self.close()

    def _is_namespaced(self) -> bool:
        """True when the process lives in a PID namespace below ours (its
        NSpid has more than one number); its threads all do, so one read
        answers for all of them."""
        if self._namespaced is None:
            raw = read_small(f"/proc/{self.pid}/status")
            if raw is None:
                return True  # unknown: read each thread's NSpid
            self._namespaced = len((find_line(raw, b"\nNSpid:") or b"").split()) > 1
        return self._namespaced

    def _read_stat(self, tid: int, known: _Known | None) -> tuple[bytes | None, int | None]:
        """(stat line, kept descriptor) of a thread; a kept descriptor that
        fails belongs to a thread that has exited, perhaps replaced by a new
        one with the same TID: then read afresh."""
        if known is not None and known.stat_fd is not None:
            raw = pread_kept(known.stat_fd)
            if raw is not None:
                return raw, known.stat_fd
            known.close()
        path = f"{self._task_dir}/{tid}/stat"
        fd = open_kept(path) if self.keep_files else None
        if fd is None:
            return read_small(path), None
        raw = pread_kept(fd)
        if raw is None:
            close_kept(fd)
            return None, None
        return raw, fd

    def _read_one(self, tid: int, counters: bool, known: _Known | None) -> ThreadInfo | None:
        raw, fd = self._read_stat(tid, known)
        if raw is None:
            return None  # exited between listing and reading
        if known is not None and fd != known.stat_fd:
            known = None  # its kept file failed, and a new one was opened
        try:
            cpus = os.sched_getaffinity(tid)
        except OSError:
            cpus = set()
        found: Counters | None = None
        if counters:
            found = read_counters(f"{self._task_dir}/{tid}")
        unchanged = known is not None and raw == known.raw and cpus == known.cpus
        if known is not None and unchanged and (found is None or found == known.counters):
            self._known[tid] = known  # nothing changed: the common case
            return known.info
        fresh = self._refresh(tid, counters, found, known, raw, fd, cpus)
        if fresh is None:  # gone: close its file, whichever record held it
            if known is not None:
                known.stat_fd = None
            if fd is not None:
                close_kept(fd)
            return None
        self._known[tid] = fresh
        return fresh.info

    def _refresh(
        self,
        tid: int,
        counters: bool,
        found: Counters | None,
        known: _Known | None,
        raw: bytes,
        fd: int | None,
        cpus: set[int],
    ) -> _Known | None:
        """Parse a changed stat line into `known`, or a new record for a new
        thread; None when the thread is gone (the caller closes `fd`)."""
        parsed = split_stat(raw)
        if parsed is None:
            return None
        name, rest = parsed
        task_dir = f"{self._task_dir}/{tid}"
        if known is None or known.start != rest[19]:
            nstid = read_nstid(task_dir) if self._is_namespaced() else tid
            if nstid is None:
                return None
            if known is not None:  # same TID, new thread, read by path
                known.close()
            known = _Known(rest[19], nstid, fd)
        if counters:
            if found is None:
                return None  # its sched file is gone: so is the thread
            known.counters = found
        info = _build(tid, known, name, rest, tuple(sorted(cpus)))
        if info is None:
            return None
        known.raw, known.cpus, known.info = raw, cpus, info
        return known


def _build(
    tid: int, known: _Known, name: bytes, rest: list[bytes], affinity: tuple[int, ...]
) -> ThreadInfo | None:
    try:
        cpu_time = (int(rest[11]) + int(rest[12])) / CLOCK_TICKS
        cpu = int(rest[36])
    except ValueError:
        return None
    found = known.counters
    return ThreadInfo(
        tid=tid,
        nstid=known.nstid,
        name=name.decode("utf-8", "replace"),
        state=rest[0].decode("ascii", "replace"),
        cpu=cpu,
        affinity=affinity,
        cpu_time=cpu_time,
        voluntary_switches=found.voluntary if found else None,
        involuntary_switches=found.involuntary if found else None,
        migrations=found.migrations if found else None,
    )


def read_threads(pid: int, detail: bool = True) -> list[ThreadInfo]:
    """Every thread of `pid` now; detail=False skips the counters (cheaper)."""
    reader = ThreadReader(pid, keep_files=False)  # one pass: nothing to keep
    return reader.read(counters=detail)

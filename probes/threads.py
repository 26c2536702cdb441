"""Per-thread facts of a running process, read from /proc.

Two speeds: `thread_count` is one small read of /proc/PID/status (the 10 Hz
path). `ThreadReader.read` walks /proc/PID/task: its placement pass reads
each thread's stat and affinity (about 6 µs a thread here, Python included);
its counters pass adds each thread's sched file (context switches and
migrations, about twice the cost), so the sampler runs that one less often. Every read
tolerates the process or a thread vanishing halfway: it returns what it has
and never raises.
"""

from __future__ import annotations

from dataclasses import dataclass

from probes.procfs import (
    CLOCK_TICKS,
    find_int,
    find_line,
    innermost_id,
    list_tids,
    read_affinity,
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


def thread_count(pid: int) -> int | None:
    """The kernel's thread count for `pid`; None when the process is gone.

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
    return threads


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

    __slots__ = ("nstid", "counters", "stat_key", "info")

    def __init__(self, nstid: int, counters: Counters | None) -> None:
        self.nstid = nstid
        self.counters = counters
        self.stat_key: tuple[bytes, ...] = ()
        self.info: ThreadInfo | None = None


class ThreadReader:
    """Reads one process's threads, remembering what does not change.

    A thread's namespace TID never changes, so it is read once per thread
    (keyed by TID and start time, which tells a reused TID apart). Counters
    are carried forward on placement-only passes, and a thread whose stat
    fields and affinity did not change keeps its previous ThreadInfo object:
    most threads of a big process sleep, and building objects is the
    costliest part of a pass after the reads themselves.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._task_dir = f"/proc/{pid}/task"
        self._known: dict[tuple[int, bytes], _Known] = {}
        self._namespaced: bool | None = None  # None: not known yet

    def read(self, counters: bool = True) -> list[ThreadInfo]:
        """All threads now. With counters=False, skip status and sched reads."""
        out: list[ThreadInfo] = []
        previous = self._known
        self._known = {}  # rebuilt each pass, so threads that are gone drop out
        for tid in list_tids(self.pid):
            info = self._read_one(tid, counters, previous)
            if info is not None:
                out.append(info)
        return out

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

    def _read_one(
        self, tid: int, counters: bool, previous: dict[tuple[int, bytes], _Known]
    ) -> ThreadInfo | None:
        task_dir = f"{self._task_dir}/{tid}"
        raw = read_small(f"{task_dir}/stat")
        parsed = split_stat(raw) if raw is not None else None
        if parsed is None:
            return None  # exited between listing and reading
        name, rest = parsed
        key = (tid, rest[19])
        known = previous.get(key)
        if known is None:
            nstid = read_nstid(task_dir) if self._is_namespaced() else tid
            found = read_counters(task_dir) if counters else None
            if nstid is None or (counters and found is None):
                return None
            known = _Known(nstid, found)
        elif counters:
            found = read_counters(task_dir)
            if found is None:
                return None
            if found != known.counters:
                known.counters, known.info = found, None
        self._known[key] = known
        affinity = read_affinity(tid)
        stat_key = (name, rest[0], rest[11], rest[12], rest[36])
        previous_info = known.info
        if previous_info and known.stat_key == stat_key and previous_info.affinity == affinity:
            return previous_info
        known.stat_key = stat_key
        known.info = _build(tid, known, name, rest, affinity)
        return known.info


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
    return ThreadReader(pid).read(counters=detail)

"""Thread churn: creations and exits, exact where a PID namespace allows it.

Exact: the engine runs the program as `unshare --pid --fork nsinit FD -- CMD`.
In that private namespace every thread and process gets the next PID, and
nsinit (workshop/nsinit.c) reports the namespace's last PID on FD as lines:
`child N` (CMD's PID, right after fork), `pids N` (whenever the last PID
moves, polled every 10 ms) and finally `exit N` or `signal N`. Threads
created by CMD = last `pids` value - CMD's own PID. `NsinitReport` parses
those lines; the engine owns the pipe.

Elsewhere: `TidChurn` diffs successive TID sets. A thread that lives and dies
between two samples is never seen, so its counts are a lower bound.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Churn:
    """Thread creations (and exits) of the watched program.

    `exact` False means the totals come from TID-set differences and are a
    lower bound (label them so). Rates are per second over the sampler's
    recent window; None until two points exist.
    """

    created_total: int | None
    exact: bool
    per_second: float | None
    exited_total: int | None = None
    exits_per_second: float | None = None


class NsinitReport:
    """Parses nsinit's report lines, fed in chunks of any size."""

    def __init__(self) -> None:
        self.child_pid: int | None = None  # CMD's PID inside the namespace
        self.last_pid: int | None = None
        self.exit_code: int | None = None
        self.signal: int | None = None
        self._partial = ""

    def feed(self, chunk: str | bytes) -> None:
        """Take more of the stream; a line split across chunks is kept whole."""
        text = chunk.decode("ascii", "replace") if isinstance(chunk, bytes) else chunk
        lines = (self._partial + text).split("\n")
        self._partial = lines.pop()
        for line in lines:
            self.feed_line(line)

    def feed_line(self, line: str) -> None:
        word, _, value = line.strip().partition(" ")
        try:
            number = int(value)
        except ValueError:
            return  # not ours (or garbled): ignore rather than raise
        if word == "child":
            self.child_pid = number
        elif word == "pids":
            self.last_pid = number
        elif word == "exit":
            self.exit_code = number
        elif word == "signal":
            self.signal = number

    @property
    def created_total(self) -> int | None:
        """Threads and processes CMD has created so far (its own main thread
        excluded), or None before nsinit has reported both numbers."""
        if self.child_pid is None:
            return None
        if self.last_pid is None or self.last_pid < self.child_pid:
            return 0
        return self.last_pid - self.child_pid

    @property
    def finished(self) -> bool:
        return self.exit_code is not None or self.signal is not None


class TidChurn:
    """Counts creations and exits from successive TID sets (a lower bound).

    The first set is the baseline: threads already there are not counted as
    created.
    """

    def __init__(self) -> None:
        self.created = 0
        self.exited = 0
        self._seen: set[int] | None = None

    def update(self, tids: Iterable[int]) -> None:
        current = set(tids)
        if self._seen is not None:
            self.created += len(current - self._seen)
            self.exited += len(self._seen - current)
        self._seen = current


class RateWindow:
    """Per-second rate of a growing total over the last `window` seconds."""

    def __init__(self, window: float = 1.0) -> None:
        self.window = window
        self._points: deque[tuple[float, int]] = deque()

    def add(self, t: float, total: int) -> float | None:
        """Record (t, total) and return the rate over the window, if known."""
        points = self._points
        points.append((t, total))
        # keep one point at or before the window start, so the span covers it
        while len(points) > 2 and points[1][0] <= t - self.window:
            points.popleft()
        return rate_between(points[0], points[-1])


def rate_between(first: tuple[float, int], last: tuple[float, int]) -> float | None:
    """(last total - first total) / elapsed seconds; None for no elapsed time."""
    elapsed = last[0] - first[0]
    if elapsed <= 0:
        return None
    return (last[1] - first[1]) / elapsed


def exits_from_created(created_total: int, live_threads: int) -> int:
    """Exits implied by an exact creation count: everything created, plus
    the main thread, minus what is alive now (for a single-process program)."""
    return max(0, created_total + 1 - live_threads)

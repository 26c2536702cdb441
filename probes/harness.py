"""What the harness stream tells the probes (exercises/harness/*.go).

The engine reads the stream; it feeds frames to a `HarnessView`, which the
sampler asks for the locked threads and the Go runtime's own counts. Frames
arrive on the engine's thread and are read on the sampler's: a lock guards
the shared state, and readers get copies.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from probes.frames import Frame, Locked, Tick, Unlocked
from probes.latency import LatencySample, LatencyTracker


@dataclass(frozen=True)
class GoRuntime:
    """Go runtime metrics from the latest tick (None where this Go lacks one).

    `go_threads` is /sched/threads/total (threads the Go runtime owns): the
    kernel's count minus it is threads C code started. `not_in_go` is
    goroutines in syscalls or cgo.
    """

    t: float  # harness clock, seconds since the program started
    go_threads: int | None
    goroutines: int | None
    not_in_go: int | None
    cgo_calls: int | None

    @staticmethod
    def from_tick(tick: Tick) -> GoRuntime:
        return GoRuntime(tick.t, tick.go_threads, tick.goroutines, tick.not_in_go, tick.cgo_calls)


class HarnessView:
    """Locked threads, runtime metrics and latency, as the frames tell them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._locked: dict[int, str] = {}  # TID inside the PID namespace -> role
        self._go: GoRuntime | None = None
        self._latency = LatencyTracker()

    def feed(self, frame: Frame) -> LatencySample | None:
        """Take one frame; returns the latency sample a tick with a histogram gives."""
        with self._lock:
            match frame:
                case Locked():
                    self._locked[frame.tid] = frame.role or "locked"
                case Unlocked():
                    self._locked.pop(frame.tid, None)
                case Tick():
                    self._go = GoRuntime.from_tick(frame)
                    return self._latency.feed_tick(frame)
        return None

    def locked(self) -> dict[int, str]:
        """Namespace TID -> role of every thread reported locked now."""
        with self._lock:
            return dict(self._locked)

    def go_runtime(self) -> GoRuntime | None:
        with self._lock:
            return self._go

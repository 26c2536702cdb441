"""What the harness stream tells the probes (exercises/harness/*.go).

The engine reads the stream; it feeds frames to a `HarnessView`, which the
sampler asks for the locked threads and the Go runtime's own counts. Frames
arrive on the engine's thread and are read on the sampler's: a lock guards
the shared state, and readers get copies.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

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
    def from_tick(frame: Mapping[str, Any]) -> GoRuntime:
        def number(key: str) -> int | None:
            value = frame.get(key)
            return int(value) if isinstance(value, int | float) else None

        t = frame.get("t", 0.0)
        return GoRuntime(
            t=float(t) if isinstance(t, int | float) else 0.0,
            go_threads=number("go_threads"),
            goroutines=number("goroutines"),
            not_in_go=number("not_in_go"),
            cgo_calls=number("cgo_calls"),
        )


class HarnessView:
    """Locked threads, runtime metrics and latency, as the frames tell them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._locked: dict[int, str] = {}  # TID inside the PID namespace -> role
        self._go: GoRuntime | None = None
        self._latency = LatencyTracker()

    def feed(self, frame: Mapping[str, Any]) -> LatencySample | None:
        """Take one frame; returns the latency sample a tick with a histogram gives."""
        kind = frame.get("type")
        tid = frame.get("tid")
        with self._lock:
            if kind == "locked" and isinstance(tid, int):
                self._locked[tid] = str(frame.get("role") or "locked")
            elif kind == "unlocked" and isinstance(tid, int):
                self._locked.pop(tid, None)
            elif kind == "tick":
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

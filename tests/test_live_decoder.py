"""The live detail's tick decoder (workshop/engine/live.py): each run's
latency histograms decoded at most `decode_hz` times a second, the newest
tick each time, the last one as soon as the run ends; the ticks in between
still hand over their Go runtime counts."""

from __future__ import annotations

import threading
import time
from typing import cast

from probes.frames import Tick
from workshop.engine.live import RunProbe, TickDecoder


class FakeProbe:
    def __init__(self) -> None:
        self.decoded: list[float] = []
        self.skipped: list[float] = []
        self.lock = threading.Lock()

    def decode(self, tick: Tick) -> None:
        with self.lock:
            self.decoded.append(tick.t)

    def skip(self, tick: Tick) -> None:
        with self.lock:
            self.skipped.append(tick.t)


def until(condition: object, timeout: float = 5.0) -> None:
    t0 = time.monotonic()
    while not condition():  # type: ignore[operator]
        assert time.monotonic() - t0 < timeout, "timed out"
        time.sleep(0.005)


def test_decodes_the_newest_tick_at_most_decode_hz() -> None:
    decoder = TickDecoder(decode_hz=4.0)  # every 0.25 s
    probe = FakeProbe()
    run = cast(RunProbe, probe)
    try:
        decoder.put(run, Tick(0.0, "load", 0))
        until(lambda: probe.decoded == [0.0])  # the first at once
        for i in range(1, 6):  # five more within a period
            decoder.put(run, Tick(i / 100, "load", 0))
        time.sleep(0.1)
        assert probe.decoded == [0.0]  # not yet due
        until(lambda: len(probe.decoded) == 2, 1.0)
        assert probe.decoded == [0.0, 0.05]  # the newest, once due
        assert probe.skipped == [0.01, 0.02, 0.03, 0.04]  # the others: runtime counts only
    finally:
        decoder.close()


def test_the_last_tick_of_a_run_is_decoded_when_it_ends() -> None:
    decoder = TickDecoder(decode_hz=0.5)  # every 2 s: the flush must not wait for it
    probe = FakeProbe()
    run = cast(RunProbe, probe)
    try:
        decoder.put(run, Tick(0.0, "load", 0))
        until(lambda: probe.decoded == [0.0])
        decoder.put(run, Tick(0.1, "load", 0))
        time.sleep(0.1)
        assert probe.decoded == [0.0]  # not due for 2 s
        decoder.flush(run)  # a put on the decoder's queue: until() times from here
        until(lambda: probe.decoded == [0.0, 0.1], 1.0)
    finally:
        decoder.close()


def test_close_decodes_what_is_pending() -> None:
    decoder = TickDecoder(decode_hz=0.5)
    probe = FakeProbe()
    run = cast(RunProbe, probe)
    decoder.put(run, Tick(0.0, "load", 0))
    until(lambda: probe.decoded == [0.0])
    decoder.put(run, Tick(0.1, "load", 0))
    decoder.close()
    until(lambda: probe.decoded == [0.0, 0.1], 1.0)

"""Live detail for a watched check: while each program runs, a `RunProbe`
thread samples /proc, the topology's CPUs and the GPUs through
probes.Sampler, and one `TickDecoder` thread decodes the harness's latency
histograms, skipping to the newest tick of a run when it falls behind. Both
emit typed events (workshop/engine/events.py); the event loop only hands
frames over. `pinlab check` runs without any of this."""

from __future__ import annotations

import contextlib
import dataclasses
import queue
import threading
import time

from probes.frames import Frame, Tick
from probes.harness import HarnessView
from probes.sampler import Sampler, SamplerRates
from workshop.engine.events import Emit, LatencyMeasured, ProcessSampled
from workshop.engine.sandbox import ProgramRun

# The thread count comes from the sandbox (10 Hz); the sampler adds the
# per-thread detail, churn and GPUs at its own, slower pace.
SAMPLER_RATES = SamplerRates(count_hz=2.0, detail_hz=2.0, counters_every=4, gpu_hz=1.0)


# Latency histograms are decoded at most this often per run (the newest tick
# each time; a cumulative snapshot loses nothing): the latency panel redraws
# at 2 Hz, so decoding all ten ticks a second drew nothing more and cost the
# app ~3.6% of a core. The ticks in between still update the Go runtime's
# counts (cheap), which the sampler reads.
DECODE_HZ = 2.0


class TickDecoder:
    """Decodes ticks on its own thread, each run's at most `DECODE_HZ` times
    a second: the first tick of a run at once, then the newest one when the
    next decode is due, and the last one as soon as the run ends."""

    def __init__(self, decode_hz: float = DECODE_HZ) -> None:
        self._period = 1.0 / decode_hz
        self._queue: queue.SimpleQueue[tuple[RunProbe, Tick | None] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="pinlab-decoder", daemon=True)
        self._thread.start()

    def put(self, probe: RunProbe, tick: Tick) -> None:
        self._queue.put((probe, tick))

    def flush(self, probe: RunProbe) -> None:
        """The run ended: decode its newest tick now."""
        self._queue.put((probe, None))

    def close(self) -> None:
        self._queue.put(None)

    def _loop(self) -> None:
        pending: dict[int, tuple[RunProbe, Tick]] = {}  # newest undecoded tick per run
        due: dict[int, float] = {}  # when each run's next decode is due
        while True:
            timeout = (
                max(0.0, min(due.get(k, 0.0) for k in pending) - time.monotonic())
                if pending
                else None
            )
            batch: list[tuple[RunProbe, Tick | None] | None] = []
            with contextlib.suppress(queue.Empty):
                batch.append(self._queue.get(timeout=timeout))
                while True:
                    batch.append(self._queue.get_nowait())
            flushed: set[int] = set()
            for entry in batch:
                if entry is None:
                    flushed.update(pending)
                    continue
                probe, tick = entry
                key = id(probe)
                if tick is None:
                    flushed.add(key)
                    continue
                if key in pending:  # skipped: its Go runtime counts still count
                    probe.skip(pending[key][1])
                pending[key] = (probe, tick)
            now = time.monotonic()
            for key, (probe, tick) in list(pending.items()):
                if key in flushed or now >= due.get(key, 0.0):
                    del pending[key]
                    probe.decode(tick)
                    due[key] = now + self._period
            for key in flushed:
                due.pop(key, None)
            if None in batch:
                return


class RunProbe:
    """Everything sampled about one program run, off the event loop."""

    def __init__(self, run: ProgramRun, label: str, emit: Emit, decoder: TickDecoder, nvml: bool):
        self.run, self.label = run, label
        self._emit = emit
        self._decoder = decoder
        self.view = HarnessView()
        self._nvml = nvml
        self._stop = threading.Event()
        self._sampler: Sampler | None = None
        self._thread = threading.Thread(target=self._body, name="pinlab-probe", daemon=True)
        self._thread.start()

    def frame(self, frame: Frame) -> None:
        """Called on the event loop for each frame of this run."""
        if isinstance(frame, Tick):
            self._decoder.put(self, frame)
        else:
            self.view.feed(frame)  # locked threads, for the CPU map

    def decode(self, tick: Tick) -> None:
        sample = self.view.feed(tick)  # also the Go runtime's counts, for the sampler
        if sample is not None:
            self._emit(LatencyMeasured(self.label, sample))

    def skip(self, tick: Tick) -> None:
        """A tick whose histogram is not decoded: only its Go runtime counts."""
        self.view.feed(dataclasses.replace(tick, hist=None))

    def _exact_created(self) -> int | None:
        return self.run.report.created_total

    def _body(self) -> None:
        deadline = time.monotonic() + 5.0
        while self.run.pid is None and not self._stop.is_set():
            if time.monotonic() > deadline:
                return
            self._stop.wait(0.01)
        if self._stop.is_set() or self.run.pid is None:
            return
        self._sampler = Sampler(
            self.run.pid,
            rates=SAMPLER_RATES,
            locked=self.view.locked,
            go_runtime=self.view.go_runtime,
            exact_created=self._exact_created if self.run.exact else None,
            device_stats=self.run.env.get("PINLAB_DEVICE_STATS"),
            nvml=self._nvml,
        )
        if not self._stop.is_set():
            self._sampler.run(lambda s: self._emit(ProcessSampled(self.label, s)))

    def stop(self) -> None:
        self._decoder.flush(self)
        self._stop.set()
        if self._sampler is not None:
            self._sampler.stop(wait=False)


class LiveDetail:
    """The probes of one watched check: one RunProbe per running program."""

    def __init__(self, emit: Emit, nvml: bool = True) -> None:
        self._emit = emit
        self._nvml = nvml
        self._decoder = TickDecoder()
        self._probes: dict[str, RunProbe] = {}

    def started(self, label: str, run: ProgramRun) -> None:
        self.ended(label)
        self._probes[label] = RunProbe(run, label, self._emit, self._decoder, self._nvml)

    def frame(self, label: str, frame: Frame) -> None:
        if (probe := self._probes.get(label)) is not None:
            probe.frame(frame)

    def ended(self, label: str) -> None:
        if (probe := self._probes.pop(label, None)) is not None:
            probe.stop()

    def close(self) -> None:
        for label in list(self._probes):
            self.ended(label)
        self._decoder.close()

"""Live detail for a watched check: while each program runs, a `RunProbe`
thread samples /proc, the topology's CPUs and the GPUs through
probes.Sampler, and one `TickDecoder` thread decodes the harness's latency
histograms, skipping to the newest tick of a run when it falls behind. Both
emit typed events (workshop/engine/events.py); the event loop only hands
frames over. `pinlab check` runs without any of this."""

from __future__ import annotations

import contextlib
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


class TickDecoder:
    """Decodes ticks on its own thread; when ticks pile up for a run, only
    the newest is decoded (a cumulative snapshot loses nothing)."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[RunProbe, Tick] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="pinlab-decoder", daemon=True)
        self._thread.start()

    def put(self, probe: RunProbe, tick: Tick) -> None:
        self._queue.put((probe, tick))

    def close(self) -> None:
        self._queue.put(None)

    def _loop(self) -> None:
        while True:
            batch = [self._queue.get()]
            with contextlib.suppress(queue.Empty):
                while True:
                    batch.append(self._queue.get_nowait())
            latest: dict[int, tuple[RunProbe, Tick]] = {}
            for entry in batch:
                if entry is not None:
                    latest[id(entry[0])] = entry
            for probe, tick in latest.values():
                probe.decode(tick)
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

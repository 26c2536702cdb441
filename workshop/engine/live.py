"""The bridge from the engine to the live panels, with no Textual in it.

`LiveBridge` is the engine's Listener: it turns each callback into a small
frozen event and hands it to `emit`, which the app wraps in a message. The
work that costs CPU runs off the event loop: a `RunProbe` thread per program
run samples /proc, the topology's CPUs and the GPUs through probes.Sampler,
and one `FrameDecoder` thread decodes the harness's latency histograms,
skipping to the newest tick when it falls behind. The engine's own callbacks
stay cheap: they append or forward."""

from __future__ import annotations

import contextlib
import math
import queue
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from probes.harness import HarnessView
from probes.latency import (
    Distribution,
    Percentiles,
    decode_histogram,
    interval_distribution,
    percentiles,
    throughput,
)
from probes.sampler import ProcessSample, Sampler, SamplerRates
from workshop.engine.build import BuildResult, Source
from workshop.engine.catalog import Exercise
from workshop.engine.check import Listener
from workshop.engine.metrics import RunMetrics
from workshop.engine.sandbox import ProgramRun, ThreadSample
from workshop.engine.targets import Verdict
from workshop.engine.toolchain import Toolchain

# Latency histogram buckets: half-decades from 10 ns to 10 s (values in ns).
BIN_EDGES_NS: tuple[float, ...] = tuple(10 ** (1 + i / 2) for i in range(19))
SAMPLER_RATES = SamplerRates(count_hz=5.0, detail_hz=2.0, counters_every=4, gpu_hz=1.0)


@dataclass(frozen=True)
class LatencyFigures:
    """What the latency panel draws for one harness tick."""

    t: float  # harness clock
    calls: int
    calls_per_second: float | None  # over the last interval
    run_calls_per_second: float | None  # since the first tick with calls
    interval: Percentiles
    since_start: Percentiles
    interval_bins: tuple[int, ...]
    total_bins: tuple[int, ...]


def bin_counts(dist: Distribution, edges: tuple[float, ...] = BIN_EDGES_NS) -> tuple[int, ...]:
    """Counts per [edges[i], edges[i+1]) bucket; values below the first edge
    go to the first bucket, above the last to the last."""
    counts = [0] * (len(edges) - 1)
    lo = math.log10(edges[0])
    step = math.log10(edges[1]) - lo
    for top, count in zip(dist.tops, dist.counts, strict=True):
        i = int((math.log10(max(top, 1)) - lo) / step)
        counts[max(0, min(len(counts) - 1, i))] += count
    return tuple(counts)


class LatencyFeed:
    """Cumulative snapshots in, per-interval and whole-run figures out (an
    adapter over probes.latency that also keeps the buckets for a histogram)."""

    def __init__(self) -> None:
        self._prev: tuple[float, int, Distribution] | None = None
        self._first: tuple[float, int] | None = None

    def feed(self, t: float, calls: int, encoded: str) -> LatencyFigures:
        cur = decode_histogram(encoded)
        prev = self._prev
        if prev is not None and (calls < prev[1] or cur.total < prev[2].total):
            prev, self._first = None, None  # a new load run
        if self._first is None:
            self._first = (t, calls)
        interval = interval_distribution(prev[2] if prev else None, cur)
        first_t, first_calls = self._first
        self._prev = (t, calls, cur)
        return LatencyFigures(
            t=t,
            calls=calls,
            calls_per_second=throughput(prev[1], calls, t - prev[0]) if prev else None,
            run_calls_per_second=throughput(first_calls, calls, t - first_t),
            interval=percentiles(interval),
            since_start=percentiles(cur),
            interval_bins=bin_counts(interval),
            total_bins=bin_counts(cur),
        )


# --- events handed to the app ---------------------------------------------


@dataclass(frozen=True)
class LiveEvent:
    generation: int
    label: str


@dataclass(frozen=True)
class StatusChanged(LiveEvent):
    text: str


@dataclass(frozen=True)
class BuildDone(LiveEvent):
    result: BuildResult


@dataclass(frozen=True)
class EarlyVerdicts(LiveEvent):
    """Verdicts known before the run ends (static targets)."""

    verdicts: tuple[Verdict, ...]


@dataclass(frozen=True)
class RunStarted(LiveEvent):
    round: int  # 1, 2, ... for this label within one check


@dataclass(frozen=True)
class ThreadCount(LiveEvent):
    sample: ThreadSample


@dataclass(frozen=True)
class FrameSeen(LiveEvent):
    """A harness frame other than a tick (baseline, phase, info, ...)."""

    frame: Mapping[str, Any]


@dataclass(frozen=True)
class ProcessSampled(LiveEvent):
    sample: ProcessSample


@dataclass(frozen=True)
class LatencyMeasured(LiveEvent):
    figures: LatencyFigures


@dataclass(frozen=True)
class RunDone(LiveEvent):
    metrics: RunMetrics


Emit = Callable[[LiveEvent], None]


class FrameDecoder:
    """Decodes tick frames on its own thread; when ticks pile up for a run,
    only the newest is decoded (a cumulative snapshot loses nothing)."""

    def __init__(self, emit: Emit) -> None:
        self._emit = emit
        self._queue: queue.SimpleQueue[tuple[RunProbe, dict[str, Any]] | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._loop, name="pinlab-decoder", daemon=True)
        self._thread.start()

    def put(self, probe: RunProbe, frame: dict[str, Any]) -> None:
        self._queue.put((probe, frame))

    def close(self) -> None:
        self._queue.put(None)

    def _loop(self) -> None:
        while True:
            item = self._queue.get()
            batch = [item]
            with contextlib.suppress(queue.Empty):
                while True:
                    batch.append(self._queue.get_nowait())
            latest: dict[int, tuple[RunProbe, dict[str, Any]]] = {}
            stop = False
            for entry in batch:
                if entry is None:
                    stop = True
                else:
                    latest[id(entry[0])] = entry
            for probe, frame in latest.values():
                with contextlib.suppress(Exception):  # a bad frame is a missing figure
                    probe.decode_tick(frame)
            if stop:
                return


class RunProbe:
    """Everything sampled about one program run, off the event loop."""

    def __init__(
        self, run: ProgramRun, generation: int, label: str, emit: Emit, nvml: bool = True
    ) -> None:
        self.run, self.generation, self.label = run, generation, label
        self._emit = emit
        self.view = HarnessView()
        self.latency = LatencyFeed()
        self._nvml = nvml
        self._stop = threading.Event()
        self._sampler: Sampler | None = None
        self._thread = threading.Thread(target=self._body, name="pinlab-probe", daemon=True)
        self._thread.start()

    def exact_created(self) -> int | None:
        return self.run.report.created_total

    def decode_tick(self, frame: dict[str, Any]) -> None:
        self.view.feed(frame)  # Go runtime counts for the sampler
        hist = frame.get("hist")
        if isinstance(hist, str):
            figures = self.latency.feed(
                float(frame.get("t", 0.0)), int(frame.get("calls", 0)), hist
            )
            self._emit(LatencyMeasured(self.generation, self.label, figures))

    def _body(self) -> None:
        deadline = time.monotonic() + 5.0
        while self.run.pid is None and not self._stop.is_set():
            if time.monotonic() > deadline:
                return
            self._stop.wait(0.01)
        if self._stop.is_set() or self.run.pid is None:
            return
        sampler = Sampler(
            self.run.pid,
            rates=SAMPLER_RATES,
            locked=self.view.locked,
            go_runtime=self.view.go_runtime,
            exact_created=self.exact_created if self.run.exact else None,
            device_stats=self.run.env.get("PINLAB_DEVICE_STATS"),
            nvml=self._nvml,
        )
        self._sampler = sampler
        if self._stop.is_set():
            return
        sampler.run(lambda s: self._emit(ProcessSampled(self.generation, self.label, s)))

    def stop(self) -> None:
        self._stop.set()
        if self._sampler is not None:
            self._sampler.stop(wait=False)


class LiveBridge(Listener):
    """The engine's listener for one check (one generation)."""

    def __init__(
        self,
        ex: Exercise,
        source: Source,
        tc: Toolchain,
        generation: int,
        emit: Emit,
        decoder: FrameDecoder,
        nvml: bool = True,
    ) -> None:
        self.ex, self.source, self.tc = ex, source, tc
        self.generation = generation
        self._emit = emit
        self._decoder = decoder
        self._nvml = nvml
        self._probes: dict[str, RunProbe] = {}
        self._rounds: dict[str, int] = {}

    def close(self) -> None:
        for probe in self._probes.values():
            probe.stop()
        self._probes.clear()

    def on_status(self, text: str) -> None:
        self._emit(StatusChanged(self.generation, "", text))

    def on_build(self, label: str, result: BuildResult) -> None:
        self._emit(BuildDone(self.generation, label, result))

    def on_verdict(self, label: str, verdict: Verdict) -> None:
        """Static targets arrive as soon as they are judged, not at the end."""
        self._emit(EarlyVerdicts(self.generation, label, (verdict,)))

    def on_run_started(self, label: str, run: ProgramRun) -> None:
        old = self._probes.pop(label, None)
        if old is not None:
            old.stop()
        self._rounds[label] = self._rounds.get(label, 0) + 1
        self._probes[label] = RunProbe(run, self.generation, label, self._emit, self._nvml)
        self._emit(RunStarted(self.generation, label, self._rounds[label]))

    def on_frame(self, label: str, t: float, frame: dict) -> None:
        probe = self._probes.get(label)
        kind = frame.get("type")
        if kind == "tick":
            if probe is not None:
                self._decoder.put(probe, frame)
            return
        if probe is not None and kind in ("locked", "unlocked"):
            probe.view.feed(frame)
        self._emit(FrameSeen(self.generation, label, frame))

    def on_threads(self, label: str, sample: ThreadSample) -> None:
        self._emit(ThreadCount(self.generation, label, sample))

    def on_run(self, label: str, metrics: RunMetrics) -> None:
        probe = self._probes.pop(label, None)
        if probe is not None:
            probe.stop()
        self._emit(RunDone(self.generation, label, metrics))

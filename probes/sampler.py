"""One sampler loop for a running process, with separate rates.

- the kernel's thread count: every tick (10 Hz), one read of /proc/PID/status;
- per-thread placement (stat + affinity): at most `detail_hz` (2 Hz), and
  no more often than a CPU budget allows: if recent passes cost c seconds of
  the sampler's own CPU time on average, the next waits at least
  c / cpu_budget;
- per-thread counters (sched: switches, migrations; ~3x dearer): on every
  detail pass while cheap, else every `counters_every`-th (1,000 threads:
  every 4th, so every 2 s);
- NVML and the simulated devices' stats: `gpu_hz` (1 Hz).

Every tick emits a `ProcessSample`. The loop runs in a plain thread
(`start`/`stop`), is driven by the caller (`step`), or is iterated from
asyncio (`samples()`). When the process vanishes it emits one last sample
with alive=False and stops; reads that race with an exit never raise.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass

from probes.churn import Churn, RateWindow, TidChurn, exits_from_created
from probes.devices import DeviceStats, device_utilisation, devices_as_gpus, read_devices
from probes.gpu import GpuInfo, GpuReading, NvmlReader, read_gpus
from probes.harness import GoRuntime
from probes.procfs import list_tids
from probes.threads import ThreadInfo, ThreadReader, thread_count

# Without an exact churn source, TID sets are also diffed on count ticks, as
# long as listing them stays cheap (~1 µs a thread, cold).
TID_SET_TICK_LIMIT = 256


@dataclass(frozen=True)
class SamplerRates:
    count_hz: float = 10.0
    detail_hz: float = 2.0
    counters_every: int = 4  # every Nth detail pass also reads counters
    gpu_hz: float = 1.0
    cpu_budget: float = 0.025  # fraction of one core the detail passes may use


@dataclass(frozen=True)
class ProcessSample:
    """What the probes saw at time `t` (time.monotonic()).

    `threads` is the kernel's count (None once the process is gone).
    `per_thread` is None on ticks without a detail pass. `gpus` lists real
    GPUs then simulated devices, from the latest GPU reading. `go` holds the
    Go runtime's counts from the harness's latest tick, when there is one.
    `sampler_cpu` is the sampler's own CPU use over its lifetime, as a
    fraction of one core.
    """

    t: float
    pid: int
    alive: bool
    threads: int | None
    per_thread: tuple[ThreadInfo, ...] | None
    churn: Churn
    gpus: tuple[GpuInfo, ...] = ()
    gpu_status: str = ""
    go: GoRuntime | None = None
    sampler_cpu: float | None = None

    @property
    def non_go_threads(self) -> int | None:
        """Threads the Go runtime does not own (started by C code). The two
        counts are read a moment apart: where threads are ending fast
        (exercise 15), the kernel may already have let go of one the runtime
        still counts, so a difference below zero reads as none."""
        if self.threads is None or self.go is None or self.go.go_threads is None:
            return None
        return max(0, self.threads - self.go.go_threads)


LockedProvider = Callable[[], Mapping[int, str]]


def _mark_locked(info: ThreadInfo, locked: Mapping[int, str]) -> ThreadInfo:
    """The harness reports TIDs as the program sees them: match on nstid."""
    role = locked.get(info.nstid)
    return info if role is None else dataclasses.replace(info, locked=True, role=role)


class Sampler:
    """Samples one process. Providers are called on the sampler's thread:

    - `locked`: namespace TID -> role of the threads the harness reports locked;
    - `go_runtime`: the harness's latest Go runtime counts;
    - `exact_created`: nsinit's exact creation count (e.g.
      `lambda: report.created_total`); without it churn is a TID-set lower bound;
    - `device_stats`: the path given to the program as PINLAB_DEVICE_STATS.
    `nvml`: True for the process-wide NVML reader, False to skip NVML, or a reader.
    """

    def __init__(
        self,
        pid: int,
        on_sample: Callable[[ProcessSample], None] | None = None,
        rates: SamplerRates = SamplerRates(),
        locked: LockedProvider | None = None,
        go_runtime: Callable[[], GoRuntime | None] | None = None,
        exact_created: Callable[[], int | None] | None = None,
        device_stats: str | None = None,
        nvml: NvmlReader | bool = True,
    ) -> None:
        self.pid = pid
        self.on_sample = on_sample
        self.rates = rates
        self._locked = locked
        self._go_runtime = go_runtime
        self._exact_created = exact_created
        self._device_stats = device_stats
        self._nvml = nvml
        self._reader = ThreadReader(pid)
        self._tid_churn = TidChurn()
        self._created_rate = RateWindow()
        self._exited_rate = RateWindow()
        self._next_detail = 0.0
        self._next_gpu = 0.0
        self._detail_passes = 0
        self._last_counters_cost = 0.0  # CPU seconds of the last counters pass
        # costs of the last cycle of passes (one counters pass + placement ones)
        self._pass_costs: deque[float] = deque(maxlen=max(1, rates.counters_every))
        self._gpus: tuple[GpuInfo, ...] = ()
        self._gpu_status = ""
        self._devices: tuple[float, list[DeviceStats]] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._started = time.monotonic()
        self.cpu_seconds = 0.0  # sampler's own CPU time spent in step()
        self.detail_seconds = 0.0  # of which in detail passes
        self.finished = False
        self.error: BaseException | None = None

    # -- one tick ---------------------------------------------------------

    def step(self, now: float | None = None) -> ProcessSample:
        """Do what is due now and return the tick's sample."""
        cpu0 = time.thread_time()
        t = time.monotonic() if now is None else now
        threads = thread_count(self.pid)
        alive = threads is not None
        per_thread = None
        # due within half a tick counts as due: ticks jitter, and waiting for
        # the next one would turn 2 Hz into 1.67 Hz
        slack = 0.5 / self.rates.count_hz
        if alive and t + slack >= self._next_detail:
            per_thread = self._detail_pass(t)
        elif self._exact_created is None and threads is not None and threads <= TID_SET_TICK_LIMIT:
            self._tid_churn.update(list_tids(self.pid))  # catches shorter-lived threads
        if t + slack >= self._next_gpu:
            self._read_gpus(t)
            self._next_gpu = t + 1.0 / self.rates.gpu_hz
        sample = ProcessSample(
            t=t,
            pid=self.pid,
            alive=alive,
            threads=threads,
            per_thread=per_thread,
            churn=self._churn(t, threads),
            gpus=self._gpus,
            gpu_status=self._gpu_status,
            go=self._go_runtime() if self._go_runtime else None,
            sampler_cpu=self._cpu_fraction(t),
        )
        if not alive:
            self.close()
        self.cpu_seconds += time.thread_time() - cpu0
        return sample

    def _detail_pass(self, t: float) -> tuple[ThreadInfo, ...]:
        cpu0 = time.thread_time()
        counters = self._counters_due()
        self._detail_passes += 1
        infos = self._reader.read(counters=counters)
        if self._exact_created is None:
            self._tid_churn.update(info.tid for info in infos)
        locked = self._locked() if self._locked else {}
        if locked:
            infos = [_mark_locked(info, locked) for info in infos]
        cost = time.thread_time() - cpu0
        self.detail_seconds += cost
        if counters:
            self._last_counters_cost = cost
        self._pass_costs.append(cost)
        average = sum(self._pass_costs) / len(self._pass_costs)
        self._next_detail = t + max(1.0 / self.rates.detail_hz, average / self.rates.cpu_budget)
        return tuple(infos)

    def _counters_due(self) -> bool:
        """Counters on every pass while they are cheap (a quarter of a pass's
        share of the budget: small processes); on a big process, every
        `counters_every`-th pass."""
        per_pass_budget = self.rates.cpu_budget / self.rates.detail_hz
        if self._last_counters_cost <= per_pass_budget / 4:
            return True
        return self._detail_passes % max(1, self.rates.counters_every) == 0

    def _churn(self, t: float, threads: int | None) -> Churn:
        if self._exact_created is None:
            created: int | None = self._tid_churn.created
            exited: int | None = self._tid_churn.exited
        else:
            created = self._exact_created()
            exited = None
            if created is not None and threads is not None:
                exited = exits_from_created(created, threads)
        return Churn(
            created_total=created,
            exact=self._exact_created is not None,
            per_second=self._created_rate.add(t, created) if created is not None else None,
            exited_total=exited,
            exits_per_second=self._exited_rate.add(t, exited) if exited is not None else None,
        )

    def _read_gpus(self, t: float) -> None:
        real: GpuReading | None = None
        if isinstance(self._nvml, NvmlReader):
            real = self._nvml.read(self.pid)
        elif self._nvml:
            real = read_gpus(self.pid)
        simulated: list[GpuInfo] = []
        if self._device_stats:
            stats = read_devices(self._device_stats)
            if self._devices is not None:
                prev_t, prev = self._devices
                simulated = devices_as_gpus(stats, device_utilisation(prev, stats, t - prev_t))
            else:
                simulated = devices_as_gpus(stats)
            self._devices = (t, stats)
        self._gpus = (real.gpus if real else ()) + tuple(simulated)
        self._gpu_status = real.status if real else ""

    def _cpu_fraction(self, t: float) -> float | None:
        elapsed = t - self._started
        return self.cpu_seconds / elapsed if elapsed > 0 else None

    # -- loops ------------------------------------------------------------

    def run(self, emit: Callable[[ProcessSample], None] | None = None) -> None:
        """Tick until stopped or the process is gone (blocking). Never raises:
        an unexpected error ends the loop and is kept in `self.error`."""
        emit = emit or self.on_sample
        period = 1.0 / self.rates.count_hz
        next_tick = time.monotonic()
        try:
            while not self._stop.is_set():
                sample = self.step()
                if emit is not None:
                    emit(sample)
                if not sample.alive:
                    break
                next_tick = max(next_tick + period, time.monotonic())
                self._stop.wait(next_tick - time.monotonic())
        except Exception as exc:  # noqa: BLE001 - a sampler must not take the app down
            self.error = exc
        finally:
            self.close()

    @property
    def _thread_name(self) -> str:
        return f"pinlab-sampler-{self.pid}"

    def close(self) -> None:
        """Release the kept proc files; the loop does it when it ends."""
        self._reader.close()
        self.finished = True

    def start(self) -> None:
        """Run the loop in a daemon thread, emitting to `on_sample`."""
        self._thread = threading.Thread(target=self.run, name=self._thread_name, daemon=True)
        self._thread.start()

    def stop(self, wait: bool = True) -> None:
        self._stop.set()
        if wait and self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()

    async def samples(self) -> AsyncIterator[ProcessSample]:
        """Iterate the samples from asyncio; the loop runs in its own thread.
        Ends after the process is gone or when the iterator is closed."""
        loop = asyncio.get_running_loop()
        queue: asyncio.Queue[ProcessSample | None] = asyncio.Queue()

        def post(item: ProcessSample | None) -> None:
            # a closed event loop raises RuntimeError: nobody is listening then
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(queue.put_nowait, item)

        def body() -> None:
            try:
                self.run(post)
            finally:
                post(None)

        self._thread = threading.Thread(target=body, name=self._thread_name, daemon=True)
        self._thread.start()
        try:
            while (item := await queue.get()) is not None:
                yield item
        finally:
            self._stop.set()

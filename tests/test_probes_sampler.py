"""The sampler loop against real processes: rates, a process that exits
mid-sample, a locked worker reporting its TID through the real harness, the
simulated device's stats, and the asyncio iterator."""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

import pytest

from probes.frames import decode
from probes.harness import HarnessView
from probes.namespace import NSINIT_SOURCE, namespace_prefix
from probes.programs import (
    PROGRAMS,
    REPO,
    build_c,
    build_go,
    start_namespaced,
)
from probes.sampler import ProcessSample, Sampler, SamplerRates


@pytest.fixture(scope="module")
def bin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bin")


@pytest.fixture(scope="module")
def threads_binary(bin_dir: Path) -> Path:
    return build_c(PROGRAMS / "threads.c", bin_dir)


def start_threads(binary: Path, n: int) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [str(binary), str(n)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().startswith("ready")
    return proc


def test_rates_count_every_tick_detail_less_often(threads_binary: Path) -> None:
    proc = start_threads(threads_binary, 8)
    samples: list[ProcessSample] = []
    sampler = Sampler(proc.pid, on_sample=samples.append, nvml=False)
    sampler.start()
    time.sleep(1.05)
    sampler.stop()
    proc.kill()
    proc.wait()
    assert 9 <= len(samples) <= 12  # 10 Hz
    assert all(s.alive and s.threads == 9 for s in samples)
    detailed = [s for s in samples if s.per_thread is not None]
    assert 2 <= len(detailed) <= 3  # 2 Hz
    assert all(len(s.per_thread or ()) == 9 for s in detailed)
    assert samples == sorted(samples, key=lambda s: s.t)
    assert sampler.error is None and sampler.finished


def test_detail_passes_yield_to_the_cpu_budget(threads_binary: Path) -> None:
    proc = start_threads(threads_binary, 200)
    # a budget no pass can meet: after the first pass, detail waits cost/budget
    sampler = Sampler(proc.pid, rates=SamplerRates(cpu_budget=1e-4), nvml=False)
    t = time.monotonic()
    first = sampler.step(t)
    second = sampler.step(t + 0.6)  # past the 2 Hz interval, inside the budget's wait
    proc.kill()
    proc.wait()
    assert first.per_thread is not None and len(first.per_thread) == 201
    assert second.per_thread is None
    assert sampler.detail_seconds > 0


def test_a_process_exiting_mid_sample_ends_the_loop_quietly(threads_binary: Path) -> None:
    proc = start_threads(threads_binary, 300)
    samples: list[ProcessSample] = []
    sampler = Sampler(
        proc.pid, on_sample=samples.append, rates=SamplerRates(detail_hz=100, cpu_budget=1.0)
    )
    sampler.start()
    time.sleep(0.25)
    proc.kill()  # lands while detail passes walk 301 threads, 10 times a second
    proc.wait()
    deadline = time.monotonic() + 3
    while not sampler.finished and time.monotonic() < deadline:
        time.sleep(0.01)
    sampler.stop()
    assert sampler.finished and sampler.error is None
    assert samples[-1].alive is False and samples[-1].threads is None
    assert all(s.alive for s in samples[:-1])
    # stepping a gone process again is harmless too
    assert sampler.step().alive is False


def test_stop_ends_a_live_loop_promptly(threads_binary: Path) -> None:
    proc = start_threads(threads_binary, 2)
    sampler = Sampler(proc.pid, nvml=False)
    sampler.start()
    time.sleep(0.15)
    t0 = time.monotonic()
    sampler.stop()
    assert time.monotonic() - t0 < 0.5
    proc.kill()
    proc.wait()


async def test_samples_iterate_from_asyncio_until_the_process_ends(threads_binary: Path) -> None:
    proc = start_threads(threads_binary, 4)
    threading.Timer(0.35, proc.kill).start()
    seen = [s async for s in Sampler(proc.pid, nvml=False).samples()]
    proc.wait()
    assert len(seen) >= 3
    assert seen[0].threads == 5
    assert seen[-1].alive is False


@pytest.fixture(scope="module")
def device_binary(bin_dir: Path) -> Path:
    device = REPO / "exercises" / "device"
    return build_c(
        PROGRAMS / "devicecalls.c", bin_dir, extra=(f"-I{device}", str(device / "device.c"))
    )


def test_simulated_device_load_shows_as_simulated_gpus(device_binary: Path, tmp_path: Path) -> None:
    stats = tmp_path / "device.stats"
    env = dict(os.environ, PINLAB_DEVICE_STATS=str(stats), PINLAB_DEVICE_INIT_MS="1")
    proc = subprocess.Popen(
        [str(device_binary), "6", "40"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert proc.stdout is not None
    worker_tid = int(proc.stdout.readline().split()[1])
    sampler = Sampler(proc.pid, device_stats=str(stats), nvml=False)
    t = time.monotonic()
    sampler.step(t)
    time.sleep(0.1)
    busy = sampler.step(t + 1.0).gpus  # the GPU reading is due again
    assert proc.stdout.readline().strip() == "done"
    proc.kill()
    proc.wait()
    assert [g.index for g in busy] == [0, 1, 2, 3] and all(g.simulated for g in busy)
    assert busy[2].name == "simulated device 2"
    assert busy[2].util is not None and busy[2].util > 0
    assert busy[0].util == 0.0
    from probes.devices import read_devices

    device2 = read_devices(str(stats))[2]
    assert (device2.inits, device2.calls, device2.wrong_thread) == (1, 6, 1)
    assert device2.owner_tid == worker_tid
    assert device2.busy_ns >= 6 * 40_000_000


@pytest.fixture(scope="module")
def lockedworker(bin_dir: Path) -> Path:
    return build_go("lockedworker", bin_dir)


def test_locked_worker_is_marked_by_its_namespace_tid(lockedworker: Path, bin_dir: Path) -> None:
    """The real harness reports gettid() inside the PID namespace; the
    sampler sees host TIDs and must match on nstid."""
    if namespace_prefix() is None:
        pytest.skip("`unshare --pid --fork true` fails here: no private PID namespace")
    nsinit = build_c(NSINIT_SOURCE, bin_dir)
    stream_r, stream_w = os.pipe()
    env = dict(os.environ, PINLAB_STREAM_FD=str(stream_w), PINLAB_BASELINE_MS="1")
    env["PINLAB_INTERVAL_MS"] = "50"
    run = start_namespaced(nsinit, [str(lockedworker)], env=env, pass_fds=(stream_w,))
    os.close(stream_w)
    view = HarnessView()
    latencies = []

    def read_stream() -> None:
        with os.fdopen(stream_r, "rb") as stream:
            for line in stream:
                frame = decode(line)
                sample = view.feed(frame) if frame is not None else None
                if sample is not None:
                    latencies.append(sample)

    reader = threading.Thread(target=read_stream, daemon=True)
    reader.start()
    try:
        assert run.proc.stdout is not None and run.proc.stdin is not None
        assert run.proc.stdout.readline().strip() == "locked"
        deadline = time.monotonic() + 5
        while not view.locked() and time.monotonic() < deadline:
            time.sleep(0.01)
        sampler = Sampler(run.pid, locked=view.locked, go_runtime=view.go_runtime, nvml=False)
        sample = sampler.step()
        run.proc.stdin.write("load\n")
        run.proc.stdin.flush()
        assert run.proc.stdout.readline().strip() == "loaded"
        time.sleep(0.12)  # a tick or two after the load
        after = sampler.step(time.monotonic() + 1)
    finally:
        run.close()
    reader.join(timeout=5)

    assert sample.per_thread is not None
    locked = [t for t in sample.per_thread if t.locked]
    assert len(locked) == 1
    (worker,) = locked
    assert worker.role == "device 2 worker"
    assert worker.nstid in view.locked() and worker.nstid != worker.tid
    assert after.go is not None and after.go.go_threads is not None
    assert after.non_go_threads is not None and after.non_go_threads >= 0
    # the load's tick frames decode into per-interval latency
    assert latencies and latencies[-1].since_start.count == latencies[-1].calls > 0
    assert latencies[-1].since_start.p50 >= 200_000  # each call sleeps 200 µs

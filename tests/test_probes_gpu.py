"""GPUs: NVML where a GPU exists (skipped, saying why, where none does), the
no-GPU path always, and the simulated device's stats file."""

from __future__ import annotations

import os
import struct
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import pytest

from probes.devices import (
    FILE_SIZE,
    MAGIC,
    DeviceStats,
    device_utilisation,
    devices_as_gpus,
    parse_devices,
    read_devices,
)
from probes.gpu import NvmlReader, read_gpus


def missing_module() -> ModuleType:
    raise ImportError("No module named 'pynvml'")


class NVMLError(Exception):
    pass


def fake_nvml(init_error: Exception | None = None, count_error: Exception | None = None) -> Any:
    """A stand-in pynvml: one GPU, utilisation not supported, our process
    holding 1 GiB."""

    def init() -> None:
        if init_error:
            raise init_error

    def count() -> int:
        if count_error:
            raise count_error
        return 1

    def unsupported(handle: object) -> None:
        raise NVMLError("Not Supported")

    return SimpleNamespace(
        nvmlInit=init,
        nvmlShutdown=lambda: None,
        nvmlSystemGetDriverVersion=lambda: b"550.54",
        nvmlDeviceGetCount=count,
        nvmlDeviceGetHandleByIndex=lambda i: ("handle", i),
        nvmlDeviceGetName=lambda h: b"Fake H100",
        nvmlDeviceGetUtilizationRates=unsupported,
        nvmlDeviceGetMemoryInfo=lambda h: SimpleNamespace(used=3 << 30, total=80 << 30),
        nvmlDeviceGetComputeRunningProcesses=lambda h: [
            SimpleNamespace(pid=os.getpid(), usedGpuMemory=1 << 30),
            SimpleNamespace(pid=1, usedGpuMemory=2 << 30),
        ],
        nvmlDeviceGetGraphicsRunningProcesses=unsupported,
    )


def test_no_nvml_module_is_a_state_not_an_exception() -> None:
    reading = NvmlReader(load=missing_module).read(pid=os.getpid())
    assert reading.gpus == () and not reading.available
    assert reading.status == "no NVIDIA GPU (NVML: nvidia-ml-py is not installed)"


@pytest.mark.parametrize(
    "nvml",
    [
        fake_nvml(init_error=NVMLError("Driver Not Loaded")),
        fake_nvml(init_error=OSError("libnvidia-ml.so.1: cannot open shared object file")),
        fake_nvml(count_error=NVMLError("GPU is lost")),
    ],
)
def test_any_nvml_failure_is_a_plain_status(nvml: Any) -> None:
    reader = NvmlReader(load=lambda: nvml)
    for _ in range(2):  # a failed init is remembered, and still never raises
        reading = reader.read()
        assert reading.gpus == ()
        assert reading.status.startswith("no NVIDIA GPU (NVML: ")


def test_fields_nvml_does_not_support_read_as_none() -> None:
    reading = NvmlReader(load=lambda: fake_nvml()).read(pid=os.getpid())
    assert reading.status == "1 NVIDIA GPU (driver 550.54)"
    (gpu,) = reading.gpus
    assert gpu.name == "Fake H100" and not gpu.simulated
    assert gpu.util is None
    assert (gpu.mem_used, gpu.mem_total) == (3 << 30, 80 << 30)
    assert gpu.process_mem == 1 << 30


def test_real_nvml_where_a_gpu_exists() -> None:
    reading = read_gpus(pid=os.getpid())
    if not reading.available:
        pytest.skip(f"no NVIDIA GPU on this machine: {reading.status}")
    assert "NVIDIA GPU" in reading.status
    for gpu in reading.gpus:
        assert gpu.name and not gpu.simulated
        assert gpu.util is None or 0.0 <= gpu.util <= 1.0
        assert gpu.mem_total is None or gpu.mem_total > 0
        assert gpu.process_mem is None or gpu.process_mem >= 0


def test_read_gpus_never_raises_here() -> None:
    reading = read_gpus()
    assert reading.available or reading.status.startswith("no NVIDIA GPU (NVML: ")


def stats_bytes(count: int, records: dict[int, tuple[int, ...]], magic: int = MAGIC) -> bytes:
    body = b"".join(struct.pack("<8Q", *records.get(i, (0,) * 8)) for i in range(8))
    return struct.pack("<3Q", magic, 1, count) + body


def test_device_file_parsing_checks_magic_size_and_count(tmp_path: Path) -> None:
    raw = stats_bytes(2, {1: (1, 0, 5, 2, 250_000_000, 77, 1, 1)})
    assert len(raw) == FILE_SIZE
    devices = parse_devices(raw)
    assert [d.index for d in devices] == [0, 1]
    assert devices[1] == DeviceStats(1, 1, 0, 5, 2, 250_000_000, 77, 1, 1)
    assert parse_devices(raw[:-8]) == []
    assert parse_devices(stats_bytes(2, {}, magic=0)) == []
    assert read_devices(str(tmp_path / "missing")) == []
    path = tmp_path / "stats"
    path.write_bytes(raw[:100])
    assert read_devices(str(path)) == []
    path.write_bytes(raw)
    assert read_devices(str(path)) == devices


def test_device_utilisation_is_busy_time_over_elapsed() -> None:
    def dev(index: int, busy_ns: int) -> DeviceStats:
        return DeviceStats(index, 0, 0, 0, 0, busy_ns, 0, 0, 0)

    prev = [dev(0, 0), dev(1, 1_000_000_000), dev(2, 5_000_000_000)]
    cur = [dev(0, 250_000_000), dev(1, 4_000_000_000), dev(2, 0), dev(3, 9)]
    assert device_utilisation(prev, cur, dt=0.5) == [0.5, 1.0, 0.0, 0.0]
    assert device_utilisation(prev, cur, dt=0.0) == [0.0] * 4
    gpus = devices_as_gpus(cur, [0.5, 1.0, 0.0, 0.0])
    assert [(g.index, g.simulated, g.util) for g in gpus] == [
        (0, True, 0.5),
        (1, True, 1.0),
        (2, True, 0.0),
        (3, True, 0.0),
    ]
    assert devices_as_gpus(cur)[0].util is None

"""NVIDIA GPUs through NVML (the nvidia-ml-py package's `pynvml` module).

pynvml is imported lazily, on the first read, so importing probes costs
nothing on machines without a GPU. Any failure (module missing, no driver,
no device, any NVMLError or other exception) gives a reading with no GPUs
and a plain status such as "no NVIDIA GPU (NVML: NVML Shared Library Not
Found)", never an exception. NVML calls are slow: the sampler calls this at
1-2 Hz.
"""

from __future__ import annotations

import importlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from types import ModuleType
from typing import Any


@dataclass(frozen=True)
class GpuInfo:
    """One GPU, real (NVML) or simulated (pinlab's device library).

    `util` is busy time as a fraction 0..1; memory in bytes. `process_mem`
    is the watched process's share of device memory where NVML reports it.
    """

    index: int
    name: str
    simulated: bool = False
    util: float | None = None
    mem_used: int | None = None
    mem_total: int | None = None
    process_mem: int | None = None


@dataclass(frozen=True)
class GpuReading:
    t: float
    gpus: tuple[GpuInfo, ...]
    status: str  # "2 NVIDIA GPUs (driver 550.54)" or "no NVIDIA GPU (NVML: ...)"

    @property
    def available(self) -> bool:
        return bool(self.gpus)


def _import_pynvml() -> ModuleType:
    return importlib.import_module("pynvml")


class NvmlReader:
    """Initialises NVML once and reads every device on each call.

    `load` returns the pynvml module (tests pass failing or fake ones). A failed
    initialisation is remembered, not retried: drivers do not appear in the
    middle of a session, and retrying costs a library load each time.
    """

    def __init__(self, load: Callable[[], Any] = _import_pynvml) -> None:
        self._load = load
        self._nvml: Any = None
        self._failure: str | None = None
        self._driver = ""
        self._lock = threading.Lock()

    def read(self, pid: int | None = None) -> GpuReading:
        with self._lock:
            t = time.monotonic()
            nvml = self._ready()
            if nvml is None:
                return GpuReading(t, (), f"no NVIDIA GPU (NVML: {self._failure})")
            try:
                count = int(nvml.nvmlDeviceGetCount())
                gpus = tuple(_read_device(nvml, index, pid) for index in range(count))
            except Exception as exc:  # noqa: BLE001 - any NVML failure is a state, not a crash
                return GpuReading(t, (), f"no NVIDIA GPU (NVML: {_reason(exc)})")
            if not gpus:
                return GpuReading(t, (), "no NVIDIA GPU (NVML: no devices)")
            plural = "" if len(gpus) == 1 else "s"
            driver = f" (driver {self._driver})" if self._driver else ""
            return GpuReading(t, gpus, f"{len(gpus)} NVIDIA GPU{plural}{driver}")

    def _ready(self) -> Any:
        if self._nvml is not None or self._failure is not None:
            return self._nvml
        try:
            nvml = self._load()
            nvml.nvmlInit()
        except Exception as exc:  # noqa: BLE001 - ImportError, NVMLError, OSError...
            self._failure = _reason(exc)
            return None
        self._nvml = nvml
        self._driver = _text(_optional(lambda: nvml.nvmlSystemGetDriverVersion()) or "")
        return nvml

    def close(self) -> None:
        with self._lock:
            if self._nvml is not None:
                _optional(self._nvml.nvmlShutdown)
            self._nvml = None


def _read_device(nvml: Any, index: int, pid: int | None) -> GpuInfo:
    handle = _optional(lambda: nvml.nvmlDeviceGetHandleByIndex(index))
    if handle is None:  # e.g. no permission for this one device: show it, unread
        return GpuInfo(index=index, name=f"GPU {index} (unreadable)")
    name = _text(_optional(lambda: nvml.nvmlDeviceGetName(handle)) or f"GPU {index}")
    rates = _optional(lambda: nvml.nvmlDeviceGetUtilizationRates(handle))
    memory = _optional(lambda: nvml.nvmlDeviceGetMemoryInfo(handle))
    return GpuInfo(
        index=index,
        name=name,
        util=rates.gpu / 100.0 if rates is not None else None,
        mem_used=int(memory.used) if memory is not None else None,
        mem_total=int(memory.total) if memory is not None else None,
        process_mem=_process_memory(nvml, handle, pid) if pid is not None else None,
    )


def _process_memory(nvml: Any, handle: Any, pid: int) -> int | None:
    """Device memory the process holds, from NVML's compute and graphics
    process lists; None when NVML cannot say (not supported, or a value it
    marks as not available)."""
    used: int | None = None
    for query in ("nvmlDeviceGetComputeRunningProcesses", "nvmlDeviceGetGraphicsRunningProcesses"):
        func: Callable[[Any], Any] | None = getattr(nvml, query, None)
        processes = _optional(partial(func, handle)) if func is not None else None
        for proc in processes or ():
            if getattr(proc, "pid", None) != pid:
                continue
            memory = getattr(proc, "usedGpuMemory", None)
            if isinstance(memory, int) and 0 <= memory < 2**63:
                used = (used or 0) + memory
    return used


def _optional(call: Callable[[], Any]) -> Any:
    """A value NVML may not support on this device: None instead of an error."""
    try:
        return call()
    except Exception:  # noqa: BLE001 - NVMLError_NotSupported and kin
        return None


def _text(value: Any) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ImportError):
        return "nvidia-ml-py is not installed"
    return str(exc).strip() or type(exc).__name__


_default_reader = NvmlReader()


def read_gpus(pid: int | None = None) -> GpuReading:
    """Every NVIDIA GPU now (one shared, lazily initialised NVML session)."""
    return _default_reader.read(pid)

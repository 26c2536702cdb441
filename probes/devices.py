"""The simulated device's shared stats file (exercises/device/device.c).

The engine passes the program a path in PINLAB_DEVICE_STATS; the device
library maps it and updates counters atomically. Layout, little-endian
uint64 words: magic 0x504c444556494345 ("PLDEVICE"), version (1), device
count, then 8 records of 8 words: inits, shutdowns, calls, wrong_thread,
busy_ns, owner_tid, in_flight, contexts. `owner_tid` is the TID, inside the
program's PID namespace, of the thread that last initialised a context.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass

from probes.gpu import GpuInfo

MAGIC = 0x504C444556494345
VERSION = 1
MAX_DEVICES = 8
_HEADER = struct.Struct("<3Q")
_RECORD = struct.Struct("<8Q")
FILE_SIZE = _HEADER.size + MAX_DEVICES * _RECORD.size


@dataclass(frozen=True)
class DeviceStats:
    index: int
    inits: int
    shutdowns: int
    calls: int
    wrong_thread: int  # calls refused: the calling thread held no context
    busy_ns: int  # total time spent in completed calls
    owner_tid: int  # namespace TID of the last thread to initialise a context
    in_flight: int
    contexts: int  # live contexts (inits - shutdowns)


def parse_devices(raw: bytes) -> list[DeviceStats]:
    """Records of a stats file's bytes; empty when short, foreign or a new version."""
    if len(raw) < FILE_SIZE:
        return []
    magic, version, count = _HEADER.unpack_from(raw, 0)
    if magic != MAGIC or version != VERSION:
        return []
    return [
        DeviceStats(index, *_RECORD.unpack_from(raw, _HEADER.size + index * _RECORD.size))
        for index in range(min(count, MAX_DEVICES))
    ]


def read_devices(path: str) -> list[DeviceStats]:
    """The devices' counters now; empty when the file is missing or not ready."""
    try:
        with open(path, "rb") as f:
            return parse_devices(f.read(FILE_SIZE))
    except OSError:
        return []


def device_utilisation(
    prev: Sequence[DeviceStats], cur: Sequence[DeviceStats], dt: float
) -> list[float]:
    """Busy fraction of each device in `cur` over the last `dt` seconds.

    Busy time is added when a call completes, so one long call can land in a
    single interval: the fraction is capped at 1.0. A device with no previous
    record, or whose counter went backwards (a new run reusing the file),
    reads 0.0.
    """
    before = {d.index: d.busy_ns for d in prev}
    out: list[float] = []
    for device in cur:
        delta = device.busy_ns - before.get(device.index, device.busy_ns)
        if dt <= 0 or delta <= 0:
            out.append(0.0)
        else:
            out.append(min(1.0, delta / (dt * 1e9)))
    return out


def devices_as_gpus(
    stats: Sequence[DeviceStats], utilisation: Sequence[float] | None = None
) -> list[GpuInfo]:
    """Simulated devices shown beside real GPUs in the GPU panel."""
    return [
        GpuInfo(
            index=device.index,
            name=f"simulated device {device.index}",
            simulated=True,
            util=utilisation[i] if utilisation is not None and i < len(utilisation) else None,
        )
        for i, device in enumerate(stats)
    ]

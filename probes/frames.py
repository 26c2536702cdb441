"""The harness stream's frames, typed (exercises/harness/frames.go is the
schema; tests/test_frames.py proves the two agree). Each JSON line is decoded
once, where the bytes arrive, into one of these frozen dataclasses; nothing
downstream reads a raw dict."""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from typing import Any, get_type_hints


@dataclass(frozen=True)
class Hello:
    t: float
    exercise: str
    go: str
    gomaxprocs: int
    pid: int
    interval: float  # seconds between ticks
    seed: int  # what the scenario's varied parameters were drawn from


@dataclass(frozen=True)
class Phase:
    t: float
    name: str  # "baseline", "setup", "load", "teardown"


@dataclass(frozen=True)
class Baseline:
    t: float
    threads: int  # idle OS threads before learner code runs


@dataclass(frozen=True)
class Tick:
    """Every interval. calls/errors/hist are cumulative over the current load
    run (None outside one); Go runtime metrics are None where Go lacks them."""

    t: float
    phase: str
    dropped: int  # frames the reader missed so far
    calls: int | None = None
    errors: int | None = None
    hist: str | None = None  # HdrHistogram V2 compressed, base64, nanoseconds
    go_threads: int | None = None  # /sched/threads/total: threads Go owns
    goroutines: int | None = None
    not_in_go: int | None = None  # goroutines in syscalls or cgo
    cgo_calls: int | None = None
    allocs: int | None = None
    gomaxprocs: int | None = None


@dataclass(frozen=True)
class Locked:
    t: float
    tid: int  # as the program sees it (inside the PID namespace)
    role: str


@dataclass(frozen=True)
class Unlocked:
    t: float
    tid: int


@dataclass(frozen=True)
class LoadDone:
    """Exact totals of one load run (allocs: heap objects, the harness's own
    reports left out)."""

    t: float
    calls: int
    errors: int
    seconds: float
    allocs: int
    hist: str


@dataclass(frozen=True)
class Info:
    t: float
    key: str
    value: float


@dataclass(frozen=True)
class Invalid:
    t: float
    msg: str


@dataclass(frozen=True)
class Result:
    t: float
    ok: bool
    dropped: int


Frame = Hello | Phase | Baseline | Tick | Locked | Unlocked | LoadDone | Info | Invalid | Result

# The "type" of each frame on the wire.
KINDS: dict[str, type[Any]] = {
    "hello": Hello,
    "phase": Phase,
    "baseline": Baseline,
    "tick": Tick,
    "locked": Locked,
    "unlocked": Unlocked,
    "load_done": LoadDone,
    "info": Info,
    "invalid": Invalid,
    "result": Result,
}

_CASTS = {float: float, int: int, str: str, bool: bool}


def _field_types(cls: type[Any]) -> dict[str, type]:
    hints = get_type_hints(cls)
    out = {}
    for f in fields(cls):
        hint = hints[f.name]
        base = next((c for c in _CASTS if c is hint or c in getattr(hint, "__args__", ())), str)
        out[f.name] = base
    return out


_TYPES = {kind: _field_types(cls) for kind, cls in KINDS.items()}


def from_dict(raw: dict[str, Any]) -> Frame | None:
    """A frame from one decoded JSON object; None for an unknown type or a
    frame missing a required field or holding a value of the wrong kind."""
    kind = raw.get("type")
    cls = KINDS.get(kind) if isinstance(kind, str) else None
    if cls is None:
        return None
    values = {}
    for name, cast in _TYPES[kind].items():  # type: ignore[index]
        value = raw.get(name)
        if value is None:
            continue
        if cast is not str and not isinstance(value, int | float | bool):
            return None
        values[name] = cast(value)
    try:
        return cls(**values)  # type: ignore[no-any-return]
    except TypeError:  # a required field was missing
        return None


def decode(line: bytes | str) -> Frame | None:
    """One JSON line of the stream, or None for a line that is not a frame."""
    try:
        raw = json.loads(line)
    except ValueError:
        return None
    return from_dict(raw) if isinstance(raw, dict) else None

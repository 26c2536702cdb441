"""The typed stream of everything a check (or a compare run) sees, in the
order it happens, through one callback. `pinlab check` ignores most of it;
the workshop app wraps each event once into a message and one coordinator
feeds every panel from it (workshop/app/panels.py).

`label` says whose run an event is about: "yours", "starter", "solution" or
a variant's name; "" for events about the whole check."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from probes.frames import Frame
from probes.latency import LatencySample
from probes.sampler import ProcessSample
from workshop.engine.build import BuildResult
from workshop.engine.metrics import RunMetrics
from workshop.engine.results import CompareResult, ExerciseResult
from workshop.engine.sandbox import ThreadSample
from workshop.engine.verdict import Verdict


@dataclass(frozen=True)
class Status:
    label: str
    text: str  # what the check is doing now, in words


@dataclass(frozen=True)
class Built:
    label: str
    result: BuildResult


@dataclass(frozen=True)
class Judged:
    """A verdict as soon as it is known (static targets before any run)."""

    label: str
    verdict: Verdict


@dataclass(frozen=True)
class RunStarted:
    label: str
    round: int  # 1, 2, ... for this label within one check


@dataclass(frozen=True)
class ThreadsCounted:
    """The kernel's thread count, 10 times a second: the one source of the
    count that targets judge and the thread graph draws."""

    label: str
    sample: ThreadSample


@dataclass(frozen=True)
class FrameSeen:
    """A harness frame other than a tick (ticks arrive as LatencyMeasured)."""

    label: str
    frame: Frame


@dataclass(frozen=True)
class ProcessSampled:
    """Per-thread placement, churn and GPUs (live checks only)."""

    label: str
    sample: ProcessSample


@dataclass(frozen=True)
class LatencyMeasured:
    """One harness tick's latency and rate (live checks only)."""

    label: str
    sample: LatencySample


@dataclass(frozen=True)
class RunEnded:
    label: str
    metrics: RunMetrics


@dataclass(frozen=True)
class RoundCompared:
    """A ratio target's value for one round (label: the reference's)."""

    label: str
    target: str
    round: int
    value: float


@dataclass(frozen=True)
class CheckDone:
    label: str
    result: ExerciseResult


@dataclass(frozen=True)
class CompareDone:
    label: str
    result: CompareResult


Event = (
    Status
    | Built
    | Judged
    | RunStarted
    | ThreadsCounted
    | FrameSeen
    | ProcessSampled
    | LatencyMeasured
    | RunEnded
    | RoundCompared
    | CheckDone
    | CompareDone
)
Emit = Callable[[Event], None]

# Events whose newer copy makes an older one worthless (a busy screen keeps the newest).
LATEST_ONLY = (ProcessSampled, LatencyMeasured)


def ignore(event: Event) -> None:
    """The callback of a check nobody watches."""

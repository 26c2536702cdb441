"""The learner's side of a classroom: after each check, pinlab pushes the
learner's progress to the room's Prometheus Pushgateway with the official
client (prometheus-client), so the instructor's class view can query it
with PromQL (engine/class_query.py).

What is sent is exactly what `progress_metrics` builds from the workspace's
progress file, one group per learner (job="pinlab", learner=NAME): per
exercise the targets met and their number, solved, checks made, the times of
the first and last check, of the last rise in targets met and of the first
pass, the current exercise, and each target's measured value and whether it
is met. No code, no paths, no host names leave the machine.

A push never slows or breaks the workshop: the app only sets an event; a
daemon thread reads the progress file, pushes with a short timeout, reports
a failure once (through `on_status`) and retries later with a back-off. Each
push replaces the learner's whole group (HTTP PUT), so a retry or a lost
push never leaves a stale mix behind."""

from __future__ import annotations

import base64
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from prometheus_client import CollectorRegistry, push_to_gateway
from prometheus_client.exposition import default_handler
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from workshop.engine.progress import SOLVED as SOLVED_STATUS
from workshop.engine.progress import Progress

JOB = "pinlab"
PREFIX = "pinlab_"
# metric names, shared with the class view's queries
TARGETS = "pinlab_exercise_targets"
TARGETS_MET = "pinlab_exercise_targets_met"
SOLVED = "pinlab_exercise_solved"
CHECKS = "pinlab_exercise_checks"  # a counter: exposed as pinlab_exercise_checks_total
FIRST_CHECK = "pinlab_exercise_first_check_timestamp_seconds"
LAST_CHECK = "pinlab_exercise_last_check_timestamp_seconds"
PROGRESS = "pinlab_exercise_progress_timestamp_seconds"
FIRST_PASS = "pinlab_exercise_first_pass_timestamp_seconds"
CURRENT = "pinlab_current_exercise"
TARGET_VALUE = "pinlab_target_value"
TARGET_MET = "pinlab_target_met"

ENV_URL, ENV_NAME = "PINLAB_CLASS", "PINLAB_NAME"
ENV_USER, ENV_PASSWORD, ENV_TOKEN = (
    "PINLAB_CLASS_USER",
    "PINLAB_CLASS_PASSWORD",
    "PINLAB_CLASS_TOKEN",
)


class ClassSetupError(ValueError):
    """--class without a name, or a URL pinlab cannot push to."""


@dataclass(frozen=True)
class ClassSettings:
    """Where and as whom to push: the gateway's URL (credentials taken out
    of it), the learner's name, and basic auth or a bearer token."""

    url: str
    name: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    timeout: float = 2.0

    @classmethod
    def resolve(
        cls, url: str | None, name: str | None, env: Mapping[str, str] = os.environ
    ) -> ClassSettings | None:
        """From --class/--name, else PINLAB_CLASS/PINLAB_NAME; None when no
        classroom is named (the default: nothing is sent)."""
        url = url or env.get(ENV_URL) or None
        if url is None:
            return None
        name = (name or env.get(ENV_NAME) or "").strip()
        if not name:
            raise ClassSetupError(
                "--class needs --name NAME (or PINLAB_NAME): the name the instructor sees"
            )
        if len(name) > 64 or any(not c.isprintable() for c in name):
            raise ClassSetupError("the name must be at most 64 printable characters")
        parts = urlsplit(url if "://" in url else f"http://{url}")
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ClassSetupError(f"not a Pushgateway URL: {url!r} (http://HOST:9091)")
        user = parts.username or env.get(ENV_USER) or None
        password = parts.password or env.get(ENV_PASSWORD) or None
        netloc = parts.hostname if ":" not in parts.hostname else f"[{parts.hostname}]"
        if parts.port:
            netloc += f":{parts.port}"
        clean = urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
        return cls(clean, name, user, password, env.get(ENV_TOKEN) or None)

    @property
    def grouping_key(self) -> dict[str, str]:
        return {"learner": self.name}


# --- what is sent --------------------------------------------------------------


class ProgressCollector(Collector):
    """The metrics of one learner, built from the workspace's progress file
    (Workspace.load_progress()); nothing else is read."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def collect(self) -> Iterator[Metric]:
        ex_labels = ["exercise"]
        targets = GaugeMetricFamily(TARGETS, "Targets the exercise has.", labels=ex_labels)
        met = GaugeMetricFamily(TARGETS_MET, "Targets met by the last check.", labels=ex_labels)
        solved = GaugeMetricFamily(SOLVED, "1 once every target was met.", labels=ex_labels)
        checks = CounterMetricFamily(CHECKS, "Checks of the exercise made.", labels=ex_labels)
        first = GaugeMetricFamily(FIRST_CHECK, "Time of the first check.", labels=ex_labels)
        last = GaugeMetricFamily(LAST_CHECK, "Time of the last check.", labels=ex_labels)
        rose = GaugeMetricFamily(
            PROGRESS, "Time the targets met last rose (the first check counts).", labels=ex_labels
        )
        passed = GaugeMetricFamily(FIRST_PASS, "Time of the first pass.", labels=ex_labels)
        value = GaugeMetricFamily(
            TARGET_VALUE, "Each target's measured value.", labels=["exercise", "target"]
        )
        target_met = GaugeMetricFamily(
            TARGET_MET, "1 where the target is met.", labels=["exercise", "target"]
        )
        for ex_id, entry in sorted(self.progress.exercises.items()):
            if not entry.checks:
                continue  # never checked: the class view shows "not started"
            lbl = [ex_id]
            checks.add_metric(lbl, float(entry.checks))
            solved.add_metric(lbl, 1.0 if entry.status == SOLVED_STATUS else 0.0)
            if entry.last is not None:
                targets.add_metric(lbl, float(len(entry.last.targets)))
                met.add_metric(lbl, float(entry.last.met))
            for family, when in ((first, entry.first_check), (last, entry.last_check)):
                if when is not None:
                    family.add_metric(lbl, when)
            if entry.progress_at is not None:
                rose.add_metric(lbl, entry.progress_at)
            if entry.first_pass is not None:
                passed.add_metric(lbl, entry.first_pass)
            for t in entry.last.targets if entry.last is not None else ():
                if t.value is not None:
                    value.add_metric([ex_id, t.id], t.value)
                target_met.add_metric([ex_id, t.id], 1.0 if t.met else 0.0)
        current = GaugeMetricFamily(CURRENT, "The exercise open or last checked.", labels=ex_labels)
        if self.progress.current:
            current.add_metric([self.progress.current], 1.0)
        yield from (targets, met, solved, checks, first, last, rose, passed, value, target_met)
        yield current


def progress_registry(progress: Progress) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ProgressCollector(progress))
    return registry


# --- pushing -------------------------------------------------------------------


@dataclass(frozen=True)
class PushOutcome:
    ok: bool
    seconds: float  # the push itself, on the pushing thread
    bytes: int  # request body sent
    error: str | None = None


def push_progress(settings: ClassSettings, progress: Progress) -> PushOutcome:
    """One push (HTTP PUT of the learner's whole group), synchronous: for
    `pinlab check` and the pusher thread. Never raises for a network error."""
    sent = 0

    def handler(
        url: str, method: str, timeout: float | None, headers: list[tuple[str, str]], data: bytes
    ) -> Callable[[], None]:
        nonlocal sent
        sent = len(data)
        headers = list(headers)
        if settings.token:
            headers.append(("Authorization", f"Bearer {settings.token}"))
        elif settings.username is not None:
            pair = f"{settings.username}:{settings.password or ''}".encode()
            headers.append(("Authorization", "Basic " + base64.b64encode(pair).decode()))
        return default_handler(url, method, timeout, headers, data)

    t0 = time.perf_counter()
    try:
        push_to_gateway(
            settings.url,
            job=JOB,
            registry=progress_registry(progress),
            grouping_key=settings.grouping_key,
            timeout=settings.timeout,
            handler=handler,
        )
    except Exception as exc:  # noqa: BLE001 - any failure is reported, none is fatal
        return PushOutcome(False, time.perf_counter() - t0, sent, _why(exc, settings))
    return PushOutcome(True, time.perf_counter() - t0, sent)


def _why(exc: Exception, settings: ClassSettings) -> str:
    text = str(exc) or type(exc).__name__
    if "401" in text or "403" in text:
        return f"the classroom at {settings.url} refused the credentials ({text})"
    return f"cannot reach the classroom at {settings.url}: {text}"


class Pusher:
    """Pushes off the caller's thread. `request()` costs the caller a few
    microseconds (it sets an event); a daemon thread does the rest. A
    failure is reported once through on_status(text, ok=False) and the push
    is retried after 5 s, then 10, 20, up to 60 s; the first success after
    a failure reports on_status(text, ok=True)."""

    RETRY = (5.0, 10.0, 20.0, 40.0, 60.0)

    def __init__(
        self,
        settings: ClassSettings,
        read_progress: Callable[[], Progress],
        on_status: Callable[[str, bool], None] = lambda text, ok: None,
    ) -> None:
        self.settings = settings
        self.read_progress = read_progress
        self.on_status = on_status
        self.outcomes: list[PushOutcome] = []  # every push made, for the status and benchmarks
        self.failing = False
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="pinlab-class-push", daemon=True)
        self._thread.start()

    def request(self, *_: object) -> None:
        """Push the progress as it stands (soon, from the pusher's thread)."""
        self._wake.set()

    def close(self, flush: float = 0.0) -> None:
        """Stop; with flush > 0, first wait that long for a requested push."""
        if flush > 0 and self._wake.is_set():
            deadline = time.monotonic() + flush
            while self._wake.is_set() and time.monotonic() < deadline:
                time.sleep(0.01)
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=self.settings.timeout + 1.0)

    def _loop(self) -> None:
        retries = 0
        while not self._stop.is_set():
            delay = self.RETRY[min(retries, len(self.RETRY) - 1)] if self.failing else None
            woken = self._wake.wait(delay)
            if self._stop.is_set():
                return
            if not woken and not self.failing:
                continue
            self._wake.clear()
            outcome = push_progress(self.settings, self.read_progress())
            self.outcomes.append(outcome)
            if outcome.ok:
                if self.failing:
                    self.on_status(f"classroom: progress sent again to {self.settings.url}", True)
                self.failing, retries = False, 0
            else:
                if not self.failing:
                    self.on_status(f"classroom: {outcome.error}; retrying in the background", False)
                else:
                    retries += 1
                self.failing = True

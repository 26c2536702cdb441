"""The instructor's side of a classroom, headless: query the room's
Prometheus over its HTTP API (PromQL) and turn the answers into what the
class view draws: a learners x exercises grid, the stuck list and the time
each exercise takes the room. The drawing is in widgets/class_*.py and
workshop/app/screens/class_view.py; everything here is testable without
Textual, and `aggregate` is a pure function of the query results."""

from __future__ import annotations

import base64
import json
import statistics
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from workshop.engine import classroom as m
from workshop.engine.progress import IN_PROGRESS, NOT_STARTED, SOLVED

GATEWAY_JOB = "pinlab-gateway"  # the scrape job class --config writes

# every per-exercise series of every learner, in one query
EXERCISE_QUERY = f'{{__name__=~"pinlab_exercise_.+|{m.CURRENT}",job="{m.JOB}"}}'
MISSED_QUERY = f'{m.TARGET_MET}{{job="{m.JOB}"}} == 0'


class PrometheusError(RuntimeError):
    """Prometheus cannot be reached, or answered with an error."""


@dataclass(frozen=True)
class Sample:
    labels: Mapping[str, str]
    value: float


class PromClient:
    """GET /api/v1/query with a short timeout; basic auth or a bearer token
    where the room's Prometheus asks for one."""

    def __init__(
        self,
        url: str,
        timeout: float = 3.0,
        username: str | None = None,
        password: str | None = None,
        token: str | None = None,
    ) -> None:
        parts = urllib.parse.urlsplit(url if "://" in url else f"http://{url}")
        self.username = parts.username or username
        self.password = parts.password or password
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
        self.url = urllib.parse.urlunsplit((parts.scheme, netloc, parts.path.rstrip("/"), "", ""))
        self.timeout = timeout
        self.token = token

    def query(self, expr: str) -> list[Sample]:
        q = urllib.parse.urlencode({"query": expr})
        req = urllib.request.Request(f"{self.url}/api/v1/query?{q}")
        if self.token:
            req.add_header("Authorization", f"Bearer {self.token}")
        elif self.username is not None:
            pair = f"{self.username}:{self.password or ''}".encode()
            req.add_header("Authorization", "Basic " + base64.b64encode(pair).decode())
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                body = json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            msg = f"Prometheus at {self.url} answered {exc.code} {exc.reason}"
            raise PrometheusError(msg) from None
        except (OSError, ValueError) as exc:
            reason = getattr(exc, "reason", None) or exc
            raise PrometheusError(f"cannot reach Prometheus at {self.url}: {reason}") from None
        if body.get("status") != "success":
            raise PrometheusError(f"Prometheus refused {expr!r}: {body.get('error')}")
        data = body.get("data", {})
        if data.get("resultType") == "scalar":
            return [Sample({}, float(data["result"][1]))]
        return [Sample(r["metric"], float(r["value"][1])) for r in data.get("result", [])]


# --- what the view shows ---------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    state: str  # NOT_STARTED, IN_PROGRESS or SOLVED
    met: int = 0
    total: int = 0
    checks: int = 0

    @property
    def text(self) -> str:
        if self.state == SOLVED:
            return "✓"
        if self.state == IN_PROGRESS:
            return f"{self.met}/{self.total}" if self.total else "…"
        return "·"


@dataclass(frozen=True)
class Stuck:
    learner: str
    exercise: str
    minutes: float  # since the targets met last rose (or the first check)
    met: int
    total: int
    missed: tuple[str, ...]  # target ids the last check missed
    last_check_minutes: float | None


@dataclass(frozen=True)
class SolveTimes:
    exercise: str
    started: int  # learners who checked it at least once
    minutes: tuple[float, ...]  # first pass - first check, of those who solved it, sorted

    @property
    def solved(self) -> int:
        return len(self.minutes)

    @property
    def median(self) -> float | None:
        return statistics.median(self.minutes) if self.minutes else None

    @property
    def p90(self) -> float | None:
        if not self.minutes:
            return None
        return self.minutes[min(len(self.minutes) - 1, int(0.9 * len(self.minutes)))]

    def histogram(self, bins: int = 8) -> list[int]:
        """Counts of solve times in `bins` equal bins from 0 to the slowest."""
        counts = [0] * bins
        if not self.minutes:
            return counts
        top = max(self.minutes) or 1.0
        for v in self.minutes:
            counts[min(bins - 1, int(v / top * bins))] += 1
        return counts


@dataclass(frozen=True)
class ClassSnapshot:
    learners: tuple[str, ...] = ()
    exercises: tuple[str, ...] = ()
    cells: Mapping[tuple[str, str], Cell] = field(default_factory=dict)
    current: Mapping[str, str] = field(default_factory=dict)
    stuck: tuple[Stuck, ...] = ()
    solve_times: tuple[SolveTimes, ...] = ()
    gateway_up: bool | None = None  # None: Prometheus has no scrape job for it
    error: str | None = None  # Prometheus unreachable: nothing else is known
    seconds: float = 0.0  # what the refresh took
    at: float = 0.0

    def cell(self, learner: str, exercise: str) -> Cell:
        return self.cells.get((learner, exercise), Cell(NOT_STARTED))

    @property
    def problems(self) -> list[str]:
        """What the instructor must be told, in plain words."""
        if self.error:
            return [self.error]
        if self.gateway_up is None:
            return [
                f"Prometheus has no scrape job '{GATEWAY_JOB}': is it started with the "
                "prometheus.yml from `pinlab class --config`?"
            ]
        if not self.gateway_up:
            return [
                f"Prometheus cannot scrape the Pushgateway (up{{job='{GATEWAY_JOB}'}} is 0): "
                "learners' pushes are not arriving"
            ]
        return []


def hidden_names(learners: Iterable[str]) -> dict[str, str]:
    """The projection layout's names: 'learner 07' for the 7th in name order,
    so the instructor's own screen and the projected one agree."""
    ordered = sorted(learners)
    width = max(2, len(str(len(ordered))))
    return {name: f"learner {i + 1:0{width}d}" for i, name in enumerate(ordered)}


def aggregate(
    exercise_series: Sequence[Sample],
    missed_series: Sequence[Sample],
    gateway_up: bool | None,
    now: float,
    stuck_minutes: float,
    order: Sequence[str] = (),
) -> ClassSnapshot:
    """The snapshot from the three query results. `order` is the catalog's
    exercise order (unknown exercises follow, sorted)."""
    per: dict[tuple[str, str], dict[str, float]] = {}
    current: dict[str, str] = {}
    learners: set[str] = set()
    for s in exercise_series:
        learner, ex = s.labels.get("learner"), s.labels.get("exercise")
        if not learner or not ex:
            continue
        learners.add(learner)
        name = s.labels.get("__name__", "")
        if name == m.CURRENT:
            if s.value == 1:
                current[learner] = ex
            continue
        per.setdefault((learner, ex), {})[name] = s.value
    missed: dict[tuple[str, str], list[str]] = {}
    for s in missed_series:
        key = (s.labels.get("learner", ""), s.labels.get("exercise", ""))
        missed.setdefault(key, []).append(s.labels.get("target", "?"))

    cells: dict[tuple[str, str], Cell] = {}
    for key, v in per.items():
        checks = int(v.get(m.CHECKS + "_total", 0))
        if checks <= 0:
            continue
        state = SOLVED if v.get(m.SOLVED) == 1 else IN_PROGRESS
        cells[key] = Cell(state, int(v.get(m.TARGETS_MET, 0)), int(v.get(m.TARGETS, 0)), checks)

    stuck = []
    for learner, ex in current.items():
        cell, v = cells.get((learner, ex)), per.get((learner, ex), {})
        if cell is None or cell.state != IN_PROGRESS:
            continue
        since = v.get(m.PROGRESS, v.get(m.FIRST_CHECK))
        if since is None:
            continue
        idle = (now - since) / 60
        if idle >= stuck_minutes:
            last = v.get(m.LAST_CHECK)
            stuck.append(
                Stuck(
                    learner,
                    ex,
                    idle,
                    cell.met,
                    cell.total,
                    tuple(sorted(missed.get((learner, ex), []))),
                    None if last is None else (now - last) / 60,
                )
            )
    stuck.sort(key=lambda s: -s.minutes)

    known = set(order)
    exercises = list(order) + sorted({ex for _, ex in per} - known)
    times = []
    for ex in exercises:
        started = [k for k in cells if k[1] == ex]
        minutes = sorted(
            (per[k][m.FIRST_PASS] - per[k].get(m.FIRST_CHECK, per[k][m.FIRST_PASS])) / 60
            for k in started
            if m.FIRST_PASS in per[k]
        )
        times.append(SolveTimes(ex, len(started), tuple(max(0.0, x) for x in minutes)))
    return ClassSnapshot(
        learners=tuple(sorted(learners)),
        exercises=tuple(exercises),
        cells=cells,
        current=current,
        stuck=tuple(stuck),
        solve_times=tuple(times),
        gateway_up=gateway_up,
        at=now,
    )


def fetch_snapshot(
    client: PromClient,
    stuck_minutes: float = 10.0,
    order: Sequence[str] = (),
    now: float | None = None,
) -> ClassSnapshot:
    """Three queries at once; a snapshot carrying the error when Prometheus
    cannot be reached (never raises for that)."""
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=3) as pool:
        jobs = [
            pool.submit(client.query, q)
            for q in (EXERCISE_QUERY, MISSED_QUERY, f'up{{job="{GATEWAY_JOB}"}}')
        ]
        try:
            series, missed, up = (j.result() for j in jobs)
        except PrometheusError as exc:
            return ClassSnapshot(error=str(exc), seconds=time.perf_counter() - t0, at=time.time())
    gateway_up = None if not up else any(s.value == 1 for s in up)
    snap = aggregate(
        series, missed, gateway_up, time.time() if now is None else now, stuck_minutes, order
    )
    return _with_seconds(snap, time.perf_counter() - t0)


def _with_seconds(snap: ClassSnapshot, seconds: float) -> ClassSnapshot:
    from dataclasses import replace

    return replace(snap, seconds=seconds)

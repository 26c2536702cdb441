"""The one place engine events meet widgets. `RunPanels` feeds the panels of
one program (label "yours", "starter", ...) from the typed events with a
`match`; the exercise screen has one, the compare screen one per side. It
keeps the latest figures (threads now, p99, rate) that the big digits show,
so nothing reads a value back out of a widget."""

from __future__ import annotations

from dataclasses import dataclass

from probes.frames import Baseline, Invalid, Phase
from widgets.build_log import BuildLog
from widgets.churn_meter import ChurnMeter
from widgets.cpu_map import CpuMap
from widgets.gpu_panel import GpuPanel
from widgets.latency_panel import LatencyPanel
from widgets.thread_graph import ThreadGraph
from widgets.units import rate
from workshop.engine.catalog import Target
from workshop.engine.events import (
    Built,
    CheckDone,
    Event,
    FrameSeen,
    LatencyMeasured,
    ProcessSampled,
    RoundCompared,
    RunEnded,
    RunStarted,
    ThreadsCounted,
)
from workshop.engine.metrics import idle_baseline
from workshop.engine.verdict import INCONCLUSIVE, MET, MISSED

# a ratio verdict's colour on the latency panel
RATIO_STATE = {MET: "good", MISSED: "bad", INCONCLUSIVE: "unsure"}


@dataclass
class Figures:
    """The latest figures of the run being watched."""

    threads: int | None = None
    limit: int | None = None  # the thread target's limit, as a count
    p99_ns: int | None = None
    calls_per_second: float | None = None


class RunPanels:
    def __init__(
        self,
        label: str,
        graph: ThreadGraph,
        churn: ChurnMeter,
        latency: LatencyPanel,
        cpus: CpuMap | None = None,
        gpus: GpuPanel | None = None,
        log: BuildLog | None = None,
        thread_allowance: float | None = None,
        ratio: Target | None = None,
    ) -> None:
        self.label = label
        self.graph, self.churn, self.latency = graph, churn, latency
        self.cpus, self.gpus, self.log = cpus, gpus, log
        self.thread_allowance = thread_allowance
        self.ratio = ratio  # the throughput ratio target: each round, then its verdict
        if ratio is not None:
            latency.set_ratio(None, ratio.min, "measured each round")
        # the judged idle baseline's inputs (engine/metrics.idle_baseline)
        self._idle_counts: list[int] = []
        self._reported_idle: int | None = None
        self._tearing_down = False  # after the load: samples would show only idle threads
        self.figures = Figures()
        self._last_rate: float | None = None

    def feed(self, ev: Event) -> bool:
        """Draw what the event says about this run; True if the big figures
        changed."""
        if isinstance(ev, RoundCompared):
            return self._round(ev)
        if ev.label != self.label:
            return False
        match ev:
            case ThreadsCounted(sample=s):
                self.graph.add(s.t, s.threads)
                self.figures.threads = s.threads
                if s.phase == "baseline":
                    self._idle_counts.append(s.threads)
                    self._show_baseline()
                return True
            case LatencyMeasured(sample=s):
                self.latency.add(s)
                if s.interval.count:  # the figures keep the last interval with calls
                    self.figures.p99_ns = s.interval.p99
                    self.figures.calls_per_second = s.calls_per_second
                return True
            case ProcessSampled(sample=s) if s.alive and not self._tearing_down:
                # the map and the GPUs keep what the load did, not the teardown's idle
                self.churn.add(s.churn, s.non_go_threads)
                if self.cpus is not None and s.per_thread is not None:
                    self.cpus.show(s.per_thread)
                if self.gpus is not None and (s.gpus or s.gpu_status):
                    self.gpus.show(s.gpus, s.gpu_status)
            case FrameSeen(frame=Phase(name=name)):
                self._tearing_down = name == "teardown"
            case FrameSeen(frame=Baseline(threads=n)):
                self._reported_idle = n
                self._show_baseline()
                return True
            case FrameSeen(frame=Invalid(msg=msg)) if self.log is not None:
                self.log.error(f"wrong answer: {msg}")
            case RunStarted(round=n):
                self.graph.reset(f"round {n}")
                self.churn.reset()
                self.latency.reset()
                self.figures = Figures()
                self._idle_counts, self._reported_idle = [], None
                self._tearing_down = False
                return True
            case RunEnded(metrics=m):
                self._last_rate = m.throughput
                self.graph.set_caption(f"{self.graph.caption} · ended".lstrip(" ·"))
                if not m.ok and self.log is not None:
                    self.log.error(f"{ev.label}: {m.error}")
                    for line in m.details.strip().splitlines()[:15]:
                        self.log.note("  " + line)
            case Built(result=r) if self.log is not None:
                self.log.show_build(ev.label, r)
            case CheckDone(result=r) if self.ratio is not None:
                v = next((v for v in r.verdicts if v.id == self.ratio.id), None)
                if v is not None and v.value is not None:
                    state = RATIO_STATE.get(v.status)
                    self.latency.set_ratio(v.value, self.ratio.min, v.detail, state)
        return False

    def _show_baseline(self) -> None:
        """The idle baseline the verdict will use, and the limit above it."""
        n = idle_baseline(self._idle_counts, self._reported_idle)
        self.graph.set_baseline(n)
        if n is not None and self.thread_allowance is not None:
            self.figures.limit = n + int(self.thread_allowance)
            self.graph.set_limit(self.figures.limit)

    def _round(self, ev: RoundCompared) -> bool:
        """A throughput ratio for one round, on this run's latency panel."""
        if self.ratio is None or ev.target != self.ratio.id:
            return False
        mine = self._last_rate
        note = f"round {ev.round}" + (f": {rate(mine)} calls/s yours" if mine else "")
        self.latency.set_ratio(ev.value, self.ratio.min, note)
        return False

"""What runs: each built program under the exercise's scenario, as one event
stream (the sandbox samples it, engine/metrics.py distills it), and which
source a ratio target measures against. Shared by a check, a compare run and
the references measured while the learner reads."""

from __future__ import annotations

from pathlib import Path

from probes.frames import Frame, Tick
from workshop.engine.build import BuildResult, Source, build
from workshop.engine.catalog import Exercise, Target
from workshop.engine.events import (
    Built,
    Emit,
    FrameSeen,
    RunEnded,
    RunStarted,
    Status,
    ThreadsCounted,
)
from workshop.engine.live import LiveDetail
from workshop.engine.metrics import RunMetrics, distill
from workshop.engine.sandbox import ProgramRun
from workshop.engine.toolchain import Toolchain


def run_env(ex: Exercise, workdir: Path, label: str, seconds: float | None) -> dict[str, str]:
    env = {
        "PINLAB_SECONDS": str(seconds if seconds is not None else ex.scenario.seconds),
        "PINLAB_DEVICE_STATS": str(workdir / f"devices-{label}.bin"),
        "PINLAB_EXERCISE": ex.id,
    }
    env.update(ex.scenario.env)
    return env


class ScenarioRunner:
    """Runs built programs of one exercise under its scenario, each an event
    stream; shared by a check and a compare run."""

    def __init__(
        self,
        ex: Exercise,
        tc: Toolchain,
        emit: Emit,
        workdir: Path,
        seconds: float | None,
        timeout: float,
        live: LiveDetail | None,
    ) -> None:
        self.ex, self.tc, self.emit, self.workdir = ex, tc, emit, workdir
        self.seconds, self.timeout, self.live = seconds, timeout, live
        self._rounds: dict[str, int] = {}

    async def build(self, source: Source) -> BuildResult:
        self.emit(Status("", f"building {source.label}"))
        res = await build(self.ex, source, self.tc, self.workdir / source.folder)
        self.emit(Built(source.label, res))
        return res

    async def run(self, binary: Path, label: str) -> RunMetrics:
        emit, live = self.emit, self.live

        def on_frame(t: float, frame: Frame) -> None:
            if live is not None:
                live.frame(label, frame)
            if not isinstance(frame, Tick):
                emit(FrameSeen(label, frame))

        run = ProgramRun(
            [str(binary)],
            self.tc.env(run_env(self.ex, self.workdir, label, self.seconds)),
            self.workdir,
            self.timeout,
            on_frame=on_frame,
            on_threads=lambda s: emit(ThreadsCounted(label, s)),
            memory_cap_mb=self.ex.scenario.memory_mb,
        )
        self._rounds[label] = self._rounds.get(label, 0) + 1
        await run.start()
        if live is not None:
            live.started(label, run)
        emit(RunStarted(label, self._rounds[label]))
        try:
            metrics = distill(label, await run.wait())
        finally:
            if live is not None:
                live.ended(label)
        emit(RunEnded(label, metrics))
        return metrics


def reference_of(t: Target) -> str:
    """What a ratio target compares against: "starter" (the default),
    "solution", or the name of one of the exercise's variants."""
    return str(t.params.get("against", "starter"))


def reference_source(ex: Exercise, name: str) -> Source:
    if name in ("starter", "solution"):
        return Source(name)
    return Source.variant(ex.variant(name))

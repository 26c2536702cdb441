"""Records the samples the snapshot tests replay: one real run of exercise
01's starter, through the same live detail the app uses. Run it again only
when the sample format changes:

    .venv/bin/python tests/snapshots/record_samples.py
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path
from typing import Any

from probes.frames import Baseline, Frame, Tick
from workshop.engine import toolchain
from workshop.engine.build import Source
from workshop.engine.catalog import load_catalog
from workshop.engine.check import ExerciseCheck
from workshop.engine.events import Event, FrameSeen, ProcessSampled, RunStarted, ThreadsCounted
from workshop.engine.live import LiveDetail

OUT = Path(__file__).with_name("recorded_run.json")


class Recorder(LiveDetail):
    """The app's live detail, keeping the first starter run's events and raw ticks."""

    def __init__(self) -> None:
        super().__init__(self.record, nvml=False)
        self.threads: list[tuple[float, int]] = []
        self.baseline: int | None = None
        self.ticks: list[tuple[float, int, str]] = []
        self.samples: list[dict[str, Any]] = []
        self.runs = 0

    def frame(self, label: str, frame: Frame) -> None:
        if self.runs == 1 and isinstance(frame, Tick) and frame.hist is not None:
            self.ticks.append((frame.t, frame.calls or 0, frame.hist))
        super().frame(label, frame)

    def record(self, ev: Event) -> None:
        if isinstance(ev, RunStarted) and ev.label == "starter":
            self.runs += 1
        if self.runs != 1 or ev.label != "starter":
            return  # keep the first run only
        match ev:
            case ThreadsCounted(sample=s):
                self.threads.append((s.t, s.threads))
            case FrameSeen(frame=Baseline(threads=n)):
                self.baseline = n
            case ProcessSampled(sample=s) if s.per_thread is not None:
                self.samples.append(dataclasses.asdict(s))


async def main() -> None:
    ex = load_catalog()[0]
    rec = Recorder()
    tc = toolchain.find()
    await ExerciseCheck(ex, Source("starter"), tc, rec.record, live=rec).run()
    rec.close()
    data = {
        "source": f"{ex.id} starter, first run, {tc.version}",
        "threads": rec.threads,
        "baseline": rec.baseline,
        "ticks": rec.ticks,
        "process_sample": rec.samples[-1] if rec.samples else None,
    }
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {OUT}: {len(rec.threads)} thread samples, {len(rec.ticks)} ticks")


if __name__ == "__main__":
    asyncio.run(main())

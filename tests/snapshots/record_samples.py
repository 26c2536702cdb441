"""Records the samples the snapshot tests replay: one real run of exercise
01's starter, through the same bridge the app uses. Run it again only when
the sample format changes:

    .venv/bin/python tests/snapshots/record_samples.py
"""

from __future__ import annotations

import asyncio
import dataclasses
import json
from pathlib import Path
from typing import Any

from workshop.engine import toolchain
from workshop.engine.build import Source
from workshop.engine.catalog import load_catalog
from workshop.engine.check import ExerciseCheck
from workshop.engine.live import (
    FrameDecoder,
    FrameSeen,
    LiveBridge,
    LiveEvent,
    ProcessSampled,
    RunStarted,
    ThreadCount,
)

OUT = Path(__file__).with_name("recorded_run.json")


class Recorder:
    def __init__(self) -> None:
        self.threads: list[tuple[float, int]] = []
        self.baseline: int | None = None
        self.ticks: list[tuple[float, int, str]] = []
        self.samples: list[dict[str, Any]] = []
        self.runs = 0

    def emit(self, ev: LiveEvent) -> None:
        if isinstance(ev, RunStarted) and ev.label == "starter":
            self.runs += 1
        if self.runs != 1 or ev.label != "starter":
            return  # keep the first run only
        if isinstance(ev, ThreadCount):
            self.threads.append((ev.sample.t, ev.sample.threads))
        elif isinstance(ev, FrameSeen) and ev.frame.get("type") == "baseline":
            self.baseline = int(ev.frame["threads"])
        elif isinstance(ev, ProcessSampled) and ev.sample.per_thread is not None:
            self.samples.append(dataclasses.asdict(ev.sample))


async def main() -> None:
    ex = load_catalog()[0]
    rec = Recorder()
    decoder = FrameDecoder(rec.emit)
    tc = toolchain.find()
    bridge = LiveBridge(ex, Source("starter"), tc, 0, rec.emit, decoder, nvml=False)
    original = bridge.on_frame

    def on_frame(label: str, t: float, frame: dict) -> None:
        if rec.runs == 1 and frame.get("type") == "tick" and isinstance(frame.get("hist"), str):
            rec.ticks.append((float(frame["t"]), int(frame.get("calls", 0)), frame["hist"]))
        original(label, t, frame)

    bridge.on_frame = on_frame  # type: ignore[method-assign]
    await ExerciseCheck(ex, Source("starter"), tc, bridge).run()
    decoder.close()
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

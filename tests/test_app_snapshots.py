"""Snapshot tests: the exercise screen fed by recorded samples (a real run of
exercise 01's starter, tests/snapshots/recorded_run.json), with a frozen
clock: nothing on screen depends on the wall clock, no cursor blinks, and the
exercise is a fixed one made here so that edits to the real exercises' texts
do not move the pictures. The CPU map's locked thread and the simulated
devices are added to the recording by hand (exercise 01 has neither).

To accept a change on purpose: PINLAB_UPDATE_SNAPSHOTS=1 pytest tests/test_app_snapshots.py
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest
from test_app_support import RECORDED, SNAPSHOTS, wait_for

from probes.churn import Churn
from probes.frames import Baseline
from probes.gpu import GpuInfo
from probes.latency import LatencyTracker
from probes.sampler import ProcessSample
from probes.threads import ThreadInfo
from widgets.cpu_map import CpuMap
from widgets.gpu_panel import GpuPanel
from workshop.app.app import PinlabApp
from workshop.app.messages import EngineEvent
from workshop.app.screens.exercise import ExerciseScreen
from workshop.engine import toolchain
from workshop.engine.build import BuildResult, Source
from workshop.engine.catalog import Exercise, Scenario, Target
from workshop.engine.events import (
    Built,
    CheckDone,
    Event,
    FrameSeen,
    LatencyMeasured,
    ProcessSampled,
    RunStarted,
    ThreadsCounted,
)
from workshop.engine.results import ExerciseResult
from workshop.engine.sandbox import ThreadSample
from workshop.engine.verdict import INCONCLUSIVE, MET, MISSED, Verdict
from workshop.engine.workspace import Workspace

TARGETS = (
    Target("pin-removed", "no-call", "compute no longer pins its thread", "calls", max=0),
    Target("not-inlined", "not-inlined", "compute is not inlined into its caller", ""),
    Target("throughput", "throughput-ratio", "throughput against the starter", "x", min=0.8),
    Target(
        "threads", "threads-above-baseline", "OS threads above the idle baseline", "threads", max=1
    ),
)
VERDICTS = [
    Verdict("pin-removed", TARGETS[0].label, "no-call", MET, 0.0, "calls", max=0.0),
    Verdict("not-inlined", TARGETS[1].label, "not-inlined", MET, 0.0, ""),
    Verdict(
        "throughput",
        TARGETS[2].label,
        "throughput-ratio",
        INCONCLUSIVE,
        0.83,
        "x",
        min=0.8,
        detail="median of 3 rounds: 0.79, 0.83, 0.90",
    ),
    Verdict(
        "threads",
        TARGETS[3].label,
        "threads-above-baseline",
        MISSED,
        3.0,
        "threads",
        max=1.0,
        detail="peak 7, idle baseline 4",
    ),
]


def snapshot_exercise(tmp_path: Path) -> Exercise:
    folder = tmp_path / "90-snapshot"
    folder.mkdir()
    (folder / "README.md").write_text(
        "# Snapshot\n\nA fixed exercise for the snapshot tests.\n\n"
        "- `runtime.LockOSThread` pins the goroutine to its thread.\n"
    )
    (folder / "compute.go").write_text("package main\n")
    return Exercise(
        id="90-snapshot",
        number=90,
        title="The live panels, recorded",
        difficulty="medium",
        directory=folder,
        editable=("compute.go",),
        targets=TARGETS,
        scenario=Scenario(
            topology={"sockets": [{"cpus": [0], "devices": [0]}, {"cpus": [1], "devices": [1]}]}
        ),
        hints=("a hint",),
        summary="",
    )


def recorded_process_sample() -> ProcessSample:
    raw = RECORDED["process_sample"]
    threads = []
    for t in raw["per_thread"]:
        info = ThreadInfo(**{**t, "affinity": tuple(t["affinity"])})
        if info.nstid == 5:  # added by hand: a worker locked to its thread
            info = dataclasses.replace(info, locked=True, role="device-1 owner", affinity=(1,))
        threads.append(info)
    return ProcessSample(
        t=0.0,
        pid=raw["pid"],
        alive=True,
        threads=raw["threads"],
        per_thread=tuple(threads),
        churn=Churn(created_total=3, exact=True, per_second=2.0, exited_total=0),
        gpus=(
            GpuInfo(0, "simulated device 0", simulated=True, util=0.25),
            GpuInfo(1, "simulated device 1", simulated=True, util=0.75),
        ),
        gpu_status="",
    )


def events() -> list[Event]:
    out: list[Event] = [
        Built("yours", BuildResult(True, None, 0.25)),
        RunStarted("yours", 1),
        FrameSeen("yours", Baseline(0.4, RECORDED["baseline"])),
    ]
    out += [ThreadsCounted("yours", ThreadSample(t, n, "load")) for t, n in RECORDED["threads"]]
    tracker = LatencyTracker()
    out += [
        LatencyMeasured("yours", tracker.feed(t, calls, hist))
        for t, calls, hist in RECORDED["ticks"]
    ]
    out.append(ProcessSampled("yours", recorded_process_sample()))
    return out


EARLIER = [  # checks before the one on screen: (passed, met per target, values)
    (False, (False, False, False, False), (2.0, 1.0, 0.55, 9.0)),
    (False, (True, False, False, False), (0.0, 1.0, 0.62, 7.0)),
    (False, (True, True, False, True), (0.0, 0.0, 0.7, 1.0)),
]


async def snapshot(
    tmp_path: Path,
    size: tuple[int, int],
    projection: bool,
    keys: tuple[str, ...] = (),
    history: bool = False,
) -> str:
    ex = snapshot_exercise(tmp_path)
    ws = Workspace(tmp_path / "ws")
    ws.ensure([ex])
    if history:  # three saves before this one, a minute apart
        for n, (passed, met, values) in enumerate(EARLIER):
            ws.file(ex, ex.editable[0]).write_text(f"// try {n}\n")
            verdicts = [
                dataclasses.replace(v, status=MET if ok else MISSED, value=value)
                for v, ok, value in zip(VERDICTS, met, values, strict=True)
            ]
            ws.record(ex, passed, verdicts, when=1_700_000_000.0 + 60 * n)
    app = PinlabApp(
        [ex],
        ws,
        toolchain.find(),
        projection=projection,
        nvml=False,
        watch=False,
        check_on_open=False,
    )
    async with app.run_test(size=size) as pilot:
        await pilot.press("enter")
        screen = app.screen
        assert isinstance(screen, ExerciseScreen)
        await wait_for(
            pilot,
            lambda: (
                screen.query_one(CpuMap).topology is not None
                and screen.query_one(GpuPanel).status == "NVML not read"
            ),
            10,
            "machine",
        )
        for ev in events():
            screen.post_message(EngineEvent(screen.generation, ev))
        result = ExerciseResult(ex, Source("workspace", ws.exercise_dir(ex)), VERDICTS)
        screen.post_message(EngineEvent(screen.generation, CheckDone("yours", result)))
        await wait_for(pilot, lambda: screen.checks_finished == 1, 10, "the verdicts")
        await pilot.press(*keys)
        await pilot.pause(0.8)  # two redraw periods of the slowest panel
        return app.export_screenshot(title="pinlab")


def compare(name: str, svg: str) -> None:
    path = SNAPSHOTS / f"{name}.svg"
    if os.environ.get("PINLAB_UPDATE_SNAPSHOTS") or not path.exists():
        path.write_text(svg)
        if not os.environ.get("PINLAB_UPDATE_SNAPSHOTS"):
            pytest.fail(f"{path} did not exist: written now, check it and run again")
        return
    if path.read_text() != svg:
        actual = path.with_suffix(".actual.svg")
        actual.write_text(svg)
        pytest.fail(
            f"{name} differs from {path}: see {actual} (PINLAB_UPDATE_SNAPSHOTS=1 accepts it)"
        )


# 80x24: the lesson page, and the threads page (2); 120x36: the lesson beside
# the threads (2); 200x60: everything at once
EXERCISE_SNAPSHOTS = [  # (snapshot name, terminal size, keys pressed)
    ("exercise_80x24", (80, 24), ()),
    ("exercise_80x24_threads", (80, 24), ("2",)),
    ("exercise_120x36", (120, 36), ("2",)),
    ("exercise_200x60", (200, 60), ()),
]


@pytest.mark.parametrize(
    ("name", "size", "keys"), EXERCISE_SNAPSHOTS, ids=[s[0] for s in EXERCISE_SNAPSHOTS]
)
async def test_exercise_screen_snapshot(
    tmp_path: Path, name: str, size: tuple[int, int], keys: tuple[str, ...]
) -> None:
    compare(name, await snapshot(tmp_path, size, projection=False, keys=keys))


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=str)
async def test_history_snapshot(tmp_path: Path, size: tuple[int, int]) -> None:
    """The targets' values over the learner's last checks, under the checklist."""
    compare(
        f"history_{size[0]}x{size[1]}",
        await snapshot(tmp_path, size, projection=False, history=True),
    )


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 60)], ids=str)
async def test_projection_snapshot(tmp_path: Path, size: tuple[int, int]) -> None:
    compare(f"projection_{size[0]}x{size[1]}", await snapshot(tmp_path, size, projection=True))

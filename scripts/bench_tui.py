#!/usr/bin/env python3
"""Benchmarks of the workshop app for the closing notes (not a timed test).
Takes /tmp/pinlab-measure.lock (as `flock` does) so measurements never share
the CPUs with another measurement.

    .venv/bin/python scripts/bench_tui.py save [--repeat 7]
        save -> first updated verdict on screen for exercise 01, against a raw
        `go build` of the same code (same overlay, a fresh one-line edit each
        time so the compiler really runs), side by side.
    .venv/bin/python scripts/bench_tui.py cpu [--seconds 10] [--size 160x48] [--keys K]
        the app's own CPU use (its process: UI, sampler and decoder threads;
        not the Go program) in a real terminal (tmux) while exercise 01 runs and
        every panel streams, against the app idle on the exercise list. At
        80x24 the panels are pages: --keys 2 shows the threads page (pressed
        once the exercise is open). --tree DIR runs the app of another checkout
        (`git worktree add DIR 31de2b8`: the app when issue 9 was filed).
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import json
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psutil  # noqa: E402
from rich.console import RenderableType  # noqa: E402

from workshop.app.app import PinlabApp  # noqa: E402
from workshop.app.screens.exercise import ExerciseScreen  # noqa: E402
from workshop.engine import paths, toolchain  # noqa: E402
from workshop.engine.catalog import Exercise, load_catalog  # noqa: E402
from workshop.engine.watch import DEBOUNCE  # noqa: E402
from workshop.engine.workspace import Workspace  # noqa: E402

LOCK = "/tmp/pinlab-measure.lock"


def edited(ex: Exercise, i: int) -> str:
    return ex.solution_file("compute.go").read_text() + f"\n// edit {i} at {time.time_ns()}\n"


def raw_go_build(ex: Exercise, source_file: Path, out: Path) -> float:
    tc = toolchain.find()
    overlay = out / "overlay.json"
    overlay.write_text(
        json.dumps({"Replace": {str(ex.starter_file("compute.go")): str(source_file)}})
    )
    t0 = time.monotonic()
    subprocess.run(
        [tc.go, "build", "-overlay", str(overlay), "-o", str(out / "prog"), f"./{ex.id}"],
        cwd=paths.EXERCISES,
        env=tc.env(),
        check=True,
    )
    return time.monotonic() - t0


async def bench_save(repeat: int) -> None:
    catalog = load_catalog()
    ex = catalog[0]
    with tempfile.TemporaryDirectory() as tmp:
        ws = Workspace(Path(tmp) / "ws")
        ws.ensure(catalog)
        target = ws.file(ex, "compute.go")
        app = PinlabApp(catalog, ws, toolchain.find())
        pinlab_times: list[float] = []
        build_times: list[float] = []
        async with app.run_test(size=(160, 48)) as pilot:
            await pilot.press("enter")
            screen = app.screen
            assert isinstance(screen, ExerciseScreen)
            original = screen.start_check

            def timed_start(reason: str) -> None:
                screen._bench_started = time.monotonic()  # type: ignore[attr-defined]
                original(reason)

            screen.start_check = timed_start  # type: ignore[method-assign]
            original_note = screen._note_verdicts

            def timed_note() -> None:
                if getattr(screen, "_bench_first_verdict", 0) < getattr(
                    screen, "_bench_started", 0
                ):
                    screen._bench_first_verdict = time.monotonic()  # type: ignore[attr-defined]
                original_note()

            screen._note_verdicts = timed_note  # type: ignore[method-assign]
            checklist = screen.checklist
            rendered = [0.0]
            original_render = checklist.render

            def timed_render() -> RenderableType:
                out = original_render()
                rendered[0] = time.monotonic()
                return out

            checklist.render = timed_render  # type: ignore[method-assign]
            while screen.checks_finished < 1:
                await asyncio.sleep(0.05)
            for i in range(repeat):
                # the raw build of the same kind of edit, first
                raw_src = Path(tmp) / "raw" / "compute.go"
                raw_src.parent.mkdir(exist_ok=True)
                raw_src.write_text(edited(ex, 1000 + i))
                build_times.append(raw_go_build(ex, raw_src, raw_src.parent))
                # then the save in the workspace
                seen, finished = screen.verdict_updates, screen.checks_finished
                await asyncio.sleep(0.5)
                t0 = time.monotonic()
                target.write_text(edited(ex, i))
                while screen.verdict_updates == seen or rendered[0] < (
                    getattr(screen, "_bench_first_verdict", t0)
                ):
                    await asyncio.sleep(0.002)
                # on screen: the checklist's first render after the new verdict
                pinlab_times.append(rendered[0] - t0)
                while screen.checks_finished == finished:
                    await asyncio.sleep(0.05)
                save = screen.last_save
                settled = save.settled_at - t0 if save else float("nan")
                first = save.first_event_at - t0 if save else float("nan")
                built = screen.last_build_seconds or float("nan")
                got = getattr(screen, "_bench_first_verdict", t0) - t0
                started = getattr(screen, "_bench_started", t0) - t0
                print(
                    f"  {i + 1}: pinlab save->verdict {pinlab_times[-1]:.3f} s "
                    f"(event {first:.3f}, settled {settled:.3f}, check started {started:.3f}, "
                    f"its go build {built:.3f}, "
                    f"verdict in {got:.3f}); "
                    f"raw go build {build_times[-1]:.3f} s",
                    flush=True,
                )
    p, b = statistics.median(pinlab_times), statistics.median(build_times)
    print(f"save -> first updated verdict on screen (median of {repeat}): {p:.3f} s")
    print(f"raw go build of the same code (median of {repeat}):          {b:.3f} s")
    print(f"pinlab adds: {p - b:+.3f} s (its {DEBOUNCE:.1f} s debounce included)")


def tmux(sock: str, *args: str) -> str:
    return subprocess.run(["tmux", "-L", sock, *args], capture_output=True, text=True).stdout


def app_pid(sock: str) -> int:
    pane_pid = int(tmux(sock, "display-message", "-p", "-t", "bench", "#{pane_pid}").strip())
    proc = psutil.Process(pane_pid)
    for p in [proc, *proc.children(recursive=True)]:
        if "workshop" in " ".join(p.cmdline()) or p.name().startswith("pinlab"):
            return p.pid
    return pane_pid


def cpu_over(pid: int, seconds: float) -> float:
    p = psutil.Process(pid)
    c0, t0 = p.cpu_times(), time.monotonic()
    time.sleep(seconds)
    c1, t1 = p.cpu_times(), time.monotonic()
    return ((c1.user - c0.user) + (c1.system - c0.system)) / (t1 - t0)


def bench_cpu(
    seconds: float, size: tuple[int, int] = (160, 48), keys: str = "", tree: str | None = None
) -> None:
    ex = load_catalog()[0]
    sock = f"pinlab-bench-{os.getpid()}"
    with tempfile.TemporaryDirectory() as tmp:
        pinlab = shlex.quote(str(Path(sys.executable).with_name("pinlab")))
        if tree:  # another checkout's app (an older commit), with this venv's packages
            pinlab = f"cd {shlex.quote(tree)} && {shlex.quote(sys.executable)} -m workshop.cli"
        cmd = f"{pinlab} --workspace {shlex.quote(tmp + '/ws')} workshop --seconds {seconds + 20:g}"
        width, height = (str(n) for n in size)
        tmux(sock, "new-session", "-d", "-s", "bench", "-x", width, "-y", height, cmd)
        try:
            time.sleep(4)
            pid = app_pid(sock)
            idle = cpu_over(pid, seconds)
            tmux(sock, "send-keys", "-t", "bench", "Enter")
            for key in keys:
                time.sleep(1)
                tmux(sock, "send-keys", "-t", "bench", key)
            t0 = time.monotonic()
            while "round 1" not in tmux(sock, "capture-pane", "-p", "-t", "bench"):
                if time.monotonic() - t0 > 60:
                    raise TimeoutError("the run did not start")
                time.sleep(0.2)
            time.sleep(2)  # past the baseline phase: the load runs, every panel streams
            streaming = cpu_over(pid, seconds)
            screen = tmux(sock, "capture-pane", "-p", "-t", "bench")
            assert "round 1" in screen, "the run ended during the measurement"
        finally:
            tmux(sock, "kill-server")
    print(f"app CPU, idle on the exercise list:            {idle:6.1%} of one core")
    print(
        f"app CPU, exercise {ex.id} running, all panels: {streaming:6.1%} of one core"
        f" (over {seconds:g} s, {size[0]}x{size[1]} tmux terminal)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="what", required=True)
    s = sub.add_parser("save")
    s.add_argument("--repeat", type=int, default=7)
    c = sub.add_parser("cpu")
    c.add_argument("--seconds", type=float, default=10.0)
    c.add_argument("--size", default="160x48", help="the terminal, COLUMNSxROWS")
    c.add_argument("--keys", default="", help="keys to press on the exercise screen")
    c.add_argument("--tree", default=None, help="run the app of another checkout (a worktree)")
    args = parser.parse_args()
    if shutil.which("tmux") is None and args.what == "cpu":
        sys.exit("bench_tui cpu needs tmux")
    with open(LOCK, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if args.what == "save":
            asyncio.run(bench_save(args.repeat))
        else:
            width, height = (int(n) for n in args.size.split("x"))
            bench_cpu(args.seconds, (width, height), args.keys, args.tree)


if __name__ == "__main__":
    main()

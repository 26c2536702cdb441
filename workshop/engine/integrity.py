"""What the judge checks before it believes an in-process figure.

The learner's code runs in the same process as the driver, so it can write
to the harness stream's file descriptor (PINLAB_STREAM_FD) and to the
device counters' shared file (PINLAB_DEVICE_STATS), and it runs first in a
test binary. None of that can be made impossible from inside; what the
judge does instead (docs/GRADING.md has the whole table):

- the stream must follow the harness's grammar: one hello first; phases
  baseline -> setup -> (load -> teardown)*, with a driver's own phases
  between setup or teardown and the next load or teardown; one baseline frame, in the
  baseline phase; at most one load_done per load, inside it; each info key
  once; nothing after result. A frame the harness did not write almost
  always breaks it (the driver's own frames still follow), and the run then
  counts as failed, with the reason;
- the device counters are watched from outside while the program runs: a
  counter that only grows (inits, shutdowns, calls, wrong-thread calls,
  busy time) seen to fall, or the file's header seen to vanish, means it was
  rewritten, and the run fails;
- a Go test target needs a result for every test the exercise's pristine
  test files declare (read here, outside the binary): a test binary that
  exits 0 before its tests ran no longer passes.

A program that fakes a whole plausible stream and exits before the driver
runs, or rewrites the counters between two samples, still gets through:
that is the limit of in-process figures, said plainly in docs/GRADING.md."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from probes.devices import DeviceStats
from probes.frames import Baseline, Frame, Hello, Info, LoadDone, Phase, Result, Tick

TAMPERED = "the harness stream was written by something other than the harness"
COUNTERS_REWRITTEN = "the device counters' file was rewritten during the run"

NEXT_PHASE = {
    None: {"baseline"},
    "baseline": {"setup"},
    "setup": {"load"},
    "load": {"teardown"},
    "teardown": {"load"},
}
MONOTONIC = ("inits", "shutdowns", "calls", "wrong_thread", "busy_ns")


def phase_may_follow(prev: str | None, name: str) -> bool:
    """The harness's own phases follow NEXT_PHASE; a driver may name phases
    of its own (exercise 12's "backlog") between setup or teardown and the
    next load or teardown."""
    if name not in NEXT_PHASE:
        return prev is not None and prev not in ("baseline", "load")
    if prev is not None and prev not in NEXT_PHASE:
        return name in ("load", "teardown")
    return name in NEXT_PHASE[prev]


def stream_problems(frames: Sequence[tuple[float, Frame]]) -> list[str]:
    """Where the stream breaks the harness's grammar (empty: it does not)."""
    problems: list[str] = []
    phase: str | None = None
    hellos = baselines = 0
    load_done_in_phase = False
    infos: set[str] = set()
    ended = False
    for i, (_, f) in enumerate(frames):
        if ended:
            problems.append(f"a {type(f).__name__.lower()} frame after the result")
            break
        if i == 0 and not isinstance(f, Hello):
            problems.append(f"the first frame is {type(f).__name__.lower()}, not hello")
        match f:
            case Hello():
                hellos += 1
                if hellos > 1:
                    problems.append("a second hello")
            case Phase(name=name):
                if not phase_may_follow(phase, name):
                    problems.append(f"phase {name!r} after {phase or 'the start'!r}")
                phase, load_done_in_phase = name, False
            case Baseline():
                baselines += 1
                if phase != "baseline" or baselines > 1:
                    problems.append("a baseline frame outside the baseline phase, or a second")
            case LoadDone():
                if phase != "load" or load_done_in_phase:
                    problems.append("a load_done outside a load, or a second in one load")
                load_done_in_phase = True
            case Info(key=key):
                if key in infos:
                    problems.append(f"info {key!r} reported twice")
                infos.add(key)
            case Result():
                ended = True
            case Tick():
                pass
    return problems


@dataclass
class DeviceWitness:
    """The device counters as the parent saw them, sample after sample."""

    seen: dict[int, DeviceStats] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    def feed(self, stats: Iterable[DeviceStats]) -> None:
        now = {d.index: d for d in stats}
        if self.seen and not now:
            self._say("its header vanished")
        for index, d in now.items():
            before = self.seen.get(index)
            if before is not None:
                for name in MONOTONIC:
                    if getattr(d, name) < getattr(before, name):
                        self._say(
                            f"device {index}'s {name} went from {getattr(before, name)} "
                            f"to {getattr(d, name)}"
                        )
        if now:
            self.seen = now

    def _say(self, what: str) -> None:
        if len(self.problems) < 3 and what not in self.problems:
            self.problems.append(what)


_TEST_FUNC = re.compile(r"^func (Test[A-Z_0-9]\w*|Test)\(\w+ \*testing\.T\)", re.M)


def declared_tests(directory: Path) -> set[str]:
    """Top-level tests of an exercise's pristine *_test.go files."""
    names: set[str] = set()
    for path in sorted(directory.glob("*_test.go")):
        names.update(_TEST_FUNC.findall(path.read_text(errors="replace")))
    return names

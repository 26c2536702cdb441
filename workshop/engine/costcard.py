"""The cost card: the few figures every lesson about pinning rests on,
measured on the learner's machine (`pinlab calibrate`). Go benchmarks
(exercises/costcard) run -count times; tools/costcard reads their output with
golang.org/x/perf/benchfmt and summarises each the way benchstat does (median,
95% interval). The card is kept per machine and Go version, and exercise texts
quote it: a figure written `[31 µs](cost:chan_roundtrip_locked)` reads as the
figure measured where the text was written, and the workshop shows this
machine's beside it."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import re
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from workshop.engine import paths
from workshop.engine.build import BUILD_TIMEOUT, tool
from workshop.engine.sandbox import run_captured
from workshop.engine.toolchain import Toolchain


@dataclass(frozen=True)
class Cost:
    """What one entry measures: its benchmark and how a person names it."""

    key: str
    bench: str
    label: str
    unit: str  # "s" (per operation) or "threads"
    why_spread: str = ""  # why its runs can disagree by more than NOISY, where known


COSTS = (
    Cost(
        "call",
        "Call",
        "a plain Go call",
        "s",
        "a few CPU cycles: one cycle more or less moves it by a third",
    ),
    Cost("cgo_call", "CgoCall", "a cgo call (Go → C → Go)", "s"),
    Cost("lock_unlock", "LockUnlock", "LockOSThread + UnlockOSThread", "s"),
    Cost("chan_roundtrip", "ChanRoundTrip", "channel round trip to a goroutine", "s"),
    Cost(
        "chan_roundtrip_locked",
        "ChanRoundTripLocked",
        "channel round trip to a locked goroutine",
        "s",
        "each trip wakes a parked OS thread through the kernel: how soon it runs depends "
        "on how deeply the other CPU sleeps and on what else runs there",
    ),
    Cost(
        "goroutine_lock_unlock",
        "GoroutineLockUnlock",
        "a goroutine that locks, unlocks and ends",
        "s",
    ),
    Cost("exit_locked", "ExitWhileLocked", "a goroutine that ends while locked", "s"),
    Cost("counter_owner", "CounterOwner", "counter++ by its only owner", "s"),
    Cost("counter_atomic", "CounterAtomic", "counter++ with atomic.Add", "s"),
    Cost("counter_mutex", "CounterMutex", "counter++ under a sync.Mutex", "s"),
    Cost(
        "blocking_cgo_threads",
        "BlockingCgoThreads",
        "threads for 64 concurrent 50 ms cgo calls",
        "threads",
    ),
    Cost(
        "template_thread",
        "TemplateThread",
        "threads the first LockOSThread adds (pure Go)",
        "threads",
    ),
)
BY_KEY = {c.key: c for c in COSTS}
RUNS = 6  # the fewest for a 95% interval around a median
NOISY = 0.20  # an entry whose interval is wider than ± this says why
BENCHTIME = "100ms"


@dataclass(frozen=True)
class Machine:
    cpu: str
    cores: int
    kernel: str
    go: str

    @property
    def key(self) -> str:
        """The card is re-measured when any of these change."""
        return hashlib.sha256(repr(self).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class Entry:
    key: str
    median: float  # seconds per operation, or threads
    lo: float | None  # the 95% interval around the median (None: too few runs)
    hi: float | None
    values: tuple[float, ...]

    @property
    def spread(self) -> float | None:
        """Half the interval's width, as a fraction of the median."""
        if self.lo is None or self.hi is None or not self.median:
            return None
        return max(self.hi / self.median - 1, 1 - self.lo / self.median)

    @property
    def noisy(self) -> bool:
        """Wider than ± NOISY: the card marks it and says why."""
        return self.spread is not None and self.spread > NOISY


@dataclass(frozen=True)
class Card:
    machine: Machine
    entries: dict[str, Entry]
    measured_at: float  # time.time()
    seconds: float  # how long calibrating took
    load: float | None = None  # the 1-minute load average when it finished

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> Card:
        raw = json.loads(text)
        return cls(
            Machine(**raw["machine"]),
            {
                k: Entry(e["key"], e["median"], e["lo"], e["hi"], tuple(e["values"]))
                for k, e in raw["entries"].items()
            },
            raw["measured_at"],
            raw["seconds"],
            raw.get("load"),
        )


def this_machine(tc: Toolchain) -> Machine:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return Machine(cpu, os.cpu_count() or 1, platform.release(), tc.version)


def card_path(machine: Machine) -> Path:
    return paths.cache_dir() / "costcard" / f"{machine.key}.json"


def load_card(tc: Toolchain) -> Card | None:
    """This machine's card, if it was measured with this Go."""
    try:
        return Card.from_json(card_path(this_machine(tc)).read_text())
    except (OSError, ValueError, KeyError, TypeError):
        return None


class CalibrationError(RuntimeError):
    pass


async def calibrate(tc: Toolchain, runs: int = RUNS, benchtime: str = BENCHTIME) -> Card:
    """Measure the card (go test -bench, -count runs) and keep it."""
    t0 = time.monotonic()
    machine = this_machine(tc)
    work = paths.cache_dir() / "costcard" / f"build-{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    firstlock, tests = work / "firstlock", work / "costcard.test"
    for argv in (
        [tc.go, "build", "-o", str(firstlock), "./costcard/firstlock"],
        [tc.go, "test", "-c", "-o", str(tests), "./costcard"],
    ):
        res = await run_captured(argv, cwd=paths.EXERCISES, env=tc.env(), timeout=BUILD_TIMEOUT)
        if res.returncode != 0:
            raise CalibrationError(f"{' '.join(argv[1:3])} failed: {res.output}")
    bench = [str(tests), "-test.run=^$", "-test.bench=.", f"-test.count={runs}"]
    bench.append(f"-test.benchtime={benchtime}")
    env = tc.env({"PINLAB_FIRSTLOCK": str(firstlock)})
    res = await run_captured(bench, cwd=paths.EXERCISES / "costcard", env=env, timeout=300)
    if res.returncode != 0:
        raise CalibrationError(f"the benchmarks failed: {res.output[-2000:]}")
    raw = work / "bench.txt"
    raw.write_text(res.stdout)
    summary = await run_captured(
        [str(await tool("costcard", tc)), str(raw)],
        cwd=paths.EXERCISES,
        env=tc.env(),
        timeout=60,
    )
    if summary.returncode != 0:
        raise CalibrationError(f"summarising failed: {summary.output}")
    entries = {}
    by_bench = {c.bench: c for c in COSTS}
    for e in json.loads(summary.stdout)["entries"]:
        cost = by_bench.get(e["name"])
        if cost is not None:
            entries[cost.key] = Entry(cost.key, e["median"], e["lo"], e["hi"], tuple(e["values"]))
    card = Card(machine, entries, time.time(), time.monotonic() - t0, os.getloadavg()[0])
    path = card_path(machine)
    path.write_text(card.to_json())
    for f in (firstlock, tests, raw):
        f.unlink(missing_ok=True)
    work.rmdir()
    return card


# --- presentation ---------------------------------------------------------------


def fmt_cost(value: float, unit: str) -> str:
    """3.2 ns, 24 µs, 1.2 ms; or 63 threads."""
    if unit == "threads":
        n = round(value)
        return f"{n} thread" + ("" if n == 1 else "s")
    for scale, name in ((1.0, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")):
        if value >= scale or name == "ns":
            v = value / scale
            return f"{v:.2g} {name}" if v < 10 else f"{v:.0f} {name}"
    return str(value)


def to_text(card: Card) -> str:
    m = card.machine
    lines = [
        f"cost card: {m.cpu}, {m.cores} cores, Linux {m.kernel}, {m.go}",
        f"measured {time.strftime('%Y-%m-%d %H:%M', time.localtime(card.measured_at))}"
        f" in {card.seconds:.0f} s ({RUNS} runs each; median, ± half the 95% interval)",
        "",
    ]
    for c in COSTS:
        e = card.entries.get(c.key)
        if e is None:
            lines.append(f"  {c.label:<44} not measured")
            continue
        spread = "" if e.spread is None else f"± {100 * e.spread:.0f}%"
        mark = " *" if e.noisy else ""
        lines.append(f"  {c.label:<44} {fmt_cost(e.median, c.unit):>12}  {spread}{mark}")
    notes = spread_notes(card)
    return "\n".join(lines + ([""] + notes if notes else []))


def spread_notes(card: Card) -> list[str]:
    """Why the entries wider than ± NOISY are (marked * on the card)."""
    wide = [(c, e) for c in COSTS if (e := card.entries.get(c.key)) is not None and e.noisy]
    if not wide:
        return []
    notes = [f"* wider than ± {100 * NOISY:.0f}% between runs:"]
    notes += [f"  {c.label}: {c.why_spread}" for c, _ in wide if c.why_spread]
    load = "" if card.load is None else f" (load average {card.load:.1f} as it finished)"
    notes.append(
        f"  other work on this machine widens every interval{load}: "
        "`pinlab calibrate --again` when it is quiet"
    )
    return notes


COST_LINK = re.compile(r"\[([^\]]+)\]\(cost:([a-z_]+)\)")


def quote(text: str, card: Card | None, *, markdown: bool = True) -> str:
    """Exercise text with its cost links filled in: each `[31 µs](cost:KEY)`
    becomes this machine's figure with the text's as the reference, or the
    text's alone, saying so, until the card exists. `markdown=False` for
    plain text (a hint in a notification)."""

    def one(m: re.Match[str]) -> str:
        written, key = m.group(1), m.group(2)
        cost = BY_KEY.get(key)
        entry = card.entries.get(key) if card and cost else None
        if cost is None or entry is None:
            return f"{written} (where this text was written; `pinlab calibrate` measures yours)"
        here = f"{fmt_cost(entry.median, cost.unit)} on this machine"
        return f"{f'**{here}**' if markdown else here} ({written} where written)"

    return COST_LINK.sub(one, text)


def unknown_keys(text: str) -> list[str]:
    """Cost links that name no entry of the card."""
    return [k for _, k in COST_LINK.findall(text) if k not in BY_KEY]

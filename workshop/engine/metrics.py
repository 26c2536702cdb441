"""What one scenario run measured, distilled from the sandbox's raw record
(harness frames, thread-count samples, nsinit's PID counter)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from probes.frames import Baseline, Hello, Info, Invalid, LoadDone, Locked, Phase, Result, Unlocked
from workshop.engine.integrity import COUNTERS_REWRITTEN, TAMPERED, stream_problems
from workshop.engine.sandbox import ProgramResult

_PANIC = re.compile(r"^(panic: .*|fatal error: .*)$", re.M)


@dataclass(frozen=True)
class RunMetrics:
    label: str  # "yours", "starter" or "solution"
    ok: bool
    error: str | None  # one line: why the run does not count
    details: str  # what the learner should read below the verdict
    baseline_threads: int | None
    peak_threads: int | None
    created_in_load: int | None  # threads created during the load phase
    created_exact: bool
    calls: int
    errors: int
    seconds: float
    allocs: int
    hists: tuple[str, ...]
    infos: dict[str, float] = field(default_factory=dict)
    locked: tuple[tuple[int, str], ...] = ()
    seed: int | None = None  # the harness's seed for the scenario's varied parameters
    peak_rss_mb: float | None = None  # the most resident memory seen
    peak_data_mb: float | None = None  # the most private writable memory (the cap's measure)

    @property
    def throughput(self) -> float | None:
        return self.calls / self.seconds if self.seconds > 0 and self.calls else None

    @property
    def allocs_per_call(self) -> float | None:
        return self.allocs / self.calls if self.calls else None

    @property
    def threads_above_baseline(self) -> int | None:
        if self.peak_threads is None or self.baseline_threads is None:
            return None
        return self.peak_threads - self.baseline_threads

    @property
    def creations_per_second(self) -> float | None:
        if self.created_in_load is None or self.seconds <= 0:
            return None
        return self.created_in_load / self.seconds


# what a Go program (or its C code) prints when the kernel refuses it memory
OUT_OF_MEMORY = (
    "fatal error: runtime: out of memory",
    "fatal error: out of memory",  # e.g. "... allocating heap arena metadata"
    "cannot allocate memory",
    "pthread_create failed: Resource temporarily unavailable",  # thread stacks count too
)


def _why_failed(r: ProgramResult, invalid: str | None) -> str | None:
    tampered = stream_problems(r.frames)
    if tampered:
        return f"{TAMPERED}: {'; '.join(tampered[:3])}"
    if r.device_problems:
        return f"{COUNTERS_REWRITTEN}: {'; '.join(r.device_problems)}"
    if invalid:
        return f"wrong answer: {invalid}"
    if r.killed:
        if r.killed.startswith("timeout"):
            return f"{r.killed} (an infinite loop, or a deadlock the runtime cannot see?)"
        return r.killed
    if r.memory_cap_mb is not None and any(s in r.stderr for s in OUT_OF_MEMORY):
        return (
            f"out of memory: the program passed its {r.memory_cap_mb} MiB memory cap "
            "(a leak, or a cache that never stops growing?)"
        )
    if "all goroutines are asleep - deadlock" in r.stderr:
        return "deadlock: all goroutines are asleep"
    if r.returncode not in (0, None):
        m = _PANIC.search(r.stderr)
        if m:
            return f"crashed: {m.group(1)}"
        return f"exited with status {r.returncode}"
    if r.returncode is None:
        return "did not finish"
    return None


def _pid_at(pids: list[tuple[float, int]], t: float) -> int | None:
    """nsinit's PID counter as it stood at time t."""
    value = None
    for when, pid in pids:
        if when > t:
            break
        value = pid
    return value


def idle_baseline(kernel: list[int], reported: int | None) -> int | None:
    """The idle baseline the targets judge: the kernel's count (/proc, sampled
    from outside) at its largest during the baseline phase; the harness's own
    figure (in-process, forgeable) only where no sample fell in that phase."""
    return max(kernel, default=reported)


def distill(label: str, r: ProgramResult) -> RunMetrics:
    baseline = None
    load_start = load_end = None
    calls = errors = allocs = 0
    seconds = 0.0
    hists: list[str] = []
    infos: dict[str, float] = {}
    locked: dict[int, str] = {}
    invalid = None
    finished = False
    seed = None
    for t, f in r.frames:
        match f:
            case Hello():
                seed = f.seed
            case Baseline():
                baseline = f.threads
            case Phase(name="load") if load_start is None:
                load_start = t
            case LoadDone():
                load_end = t
                calls += f.calls
                errors += f.errors
                seconds += f.seconds
                allocs += f.allocs
                hists.append(f.hist)
            case Info():
                infos[f.key] = f.value
            case Locked():
                locked[f.tid] = f.role
            case Unlocked():
                locked.pop(f.tid, None)
            case Invalid():
                invalid = f.msg
            case Result():
                finished = True

    baseline = idle_baseline([s.threads for s in r.threads if s.phase == "baseline"], baseline)
    run_samples = [s.threads for s in r.threads if s.phase in ("setup", "load", "teardown")]
    peak = max(run_samples) if run_samples else None

    created = None
    exact = r.exact_churn and bool(r.pids)
    if load_start is not None and load_end is not None:
        if exact:
            a, b = _pid_at(r.pids, load_start), _pid_at(r.pids, load_end)
            created = None if a is None or b is None else b - a
        else:  # lower bound: rises in the sampled count
            window = [s.threads for s in r.threads if load_start <= s.t <= load_end]
            created = sum(max(0, y - x) for x, y in zip(window, window[1:], strict=False))

    error = _why_failed(r, invalid)
    if error is None and not finished:
        error = "the driver did not finish (harness result missing)"
    return RunMetrics(
        label=label,
        ok=error is None,
        error=error,
        details=r.stderr.strip(),
        baseline_threads=baseline,
        peak_threads=peak,
        created_in_load=created,
        created_exact=exact,
        calls=calls,
        errors=errors,
        seconds=seconds,
        allocs=allocs,
        hists=tuple(hists),
        infos=infos,
        locked=tuple(sorted(locked.items())),
        seed=seed,
        peak_rss_mb=None if r.peak_rss_kib is None else r.peak_rss_kib / 1024,
        peak_data_mb=None if r.peak_data_kib is None else r.peak_data_kib / 1024,
    )

"""Samples as `pinlab probe` prints them: one JSON object per line, or a
compact text table (a small htop for one process). Pure functions; the
command itself (argument parsing, starting the program) is the engine's.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from probes.sampler import ProcessSample
from probes.threads import ThreadInfo
from probes.topology import format_cpulist


class LatestDetail:
    """Keeps the last per-thread detail, so that every printed sample has
    one even on ticks without a detail pass."""

    def __init__(self) -> None:
        self.per_thread: tuple[ThreadInfo, ...] = ()

    def update(self, sample: ProcessSample) -> tuple[ThreadInfo, ...]:
        if sample.per_thread is not None:
            self.per_thread = sample.per_thread
        return self.per_thread


def sample_record(sample: ProcessSample, per_thread: Sequence[ThreadInfo]) -> dict[str, Any]:
    """The JSON object of one sample (issue 3's schema, plus a few extras)."""
    return {
        "t": round(sample.t, 6),
        "pid": sample.pid,
        "alive": sample.alive,
        "threads": sample.threads,
        "created_total": sample.churn.created_total,
        "created_exact": sample.churn.exact,
        "created_per_second": _round(sample.churn.per_second),
        "go_threads": sample.go.go_threads if sample.go else None,
        "not_in_go": sample.go.not_in_go if sample.go else None,
        "per_thread": [
            {
                "tid": t.tid,
                "nstid": t.nstid,
                "name": t.name,
                "state": t.state,
                "cpu": t.cpu,
                "affinity": list(t.affinity),
                "locked": t.locked,
                "role": t.role,
                "cpu_time": round(t.cpu_time, 3),
                "voluntary_switches": t.voluntary_switches,
                "involuntary_switches": t.involuntary_switches,
                "migrations": t.migrations,
            }
            for t in per_thread
        ],
        "gpu": [
            {
                "index": g.index,
                "name": g.name,
                "simulated": g.simulated,
                "util": _round(g.util),
                "mem_used": g.mem_used,
                "mem_total": g.mem_total,
                "process_mem": g.process_mem,
            }
            for g in sample.gpus
        ],
        "gpu_status": sample.gpu_status,
    }


def _round(value: float | None) -> float | None:
    return round(value, 4) if value is not None else None


def format_text(sample: ProcessSample, per_thread: Sequence[ThreadInfo], max_rows: int = 20) -> str:
    """A compact table: a summary line, GPUs, then threads (locked first,
    then by CPU time)."""
    churn = sample.churn
    created = "?" if churn.created_total is None else str(churn.created_total)
    label = "exact" if churn.exact else "lower bound"
    rate = "" if churn.per_second is None else f", {churn.per_second:.0f}/s"
    state = "" if sample.alive else "  (exited)"
    lines = [
        f"pid {sample.pid}  threads {sample.threads if sample.threads is not None else '-'}"
        f"  created {created} ({label}{rate}){state}"
    ]
    if sample.go is not None and sample.go.go_threads is not None:
        lines[0] += f"  go-owned {sample.go.go_threads}"
    for g in sample.gpus:
        util = "-" if g.util is None else f"{100 * g.util:.0f}%"
        kind = "sim" if g.simulated else "gpu"
        lines.append(f"  {kind} {g.index} {g.name:<24} util {util:>4}")
    if not sample.gpus and sample.gpu_status:
        lines.append(f"  {sample.gpu_status}")
    lines.append(f"  {'TID':>8} {'NSTID':>6} S CPU  {'AFFINITY':<10} {'CPU s':>7}  NAME / ROLE")
    ordered = sorted(per_thread, key=lambda t: (not t.locked, -t.cpu_time, t.tid))
    for t in ordered[:max_rows]:
        cpu = "-" if t.cpu is None else str(t.cpu)
        role = f"  [locked: {t.role}]" if t.locked else ""
        lines.append(
            f"  {t.tid:>8} {t.nstid:>6} {t.state} {cpu:>3}  {format_cpulist(t.affinity):<10}"
            f" {t.cpu_time:>7.2f}  {t.name}{role}"
        )
    if len(ordered) > max_rows:
        lines.append(f"  ... {len(ordered) - max_rows} more threads")
    return "\n".join(lines)

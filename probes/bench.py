"""Benchmark of the probes themselves: `python -m probes.bench`.

(a) the sampler's own CPU use, at its default rates, watching a C program
    with 1,000 sleeping threads for ~10 s;
(b) how much watching slows a CPU-bound program (2 busy threads, one per
    core here, plus 1,000 sleepers): the same work with and without the
    sampler, in interleaved rounds (ABBA), median of rounds;
(c) the exact churn count for N = 1,000 goroutines that exit while locked.

Run it on an otherwise idle machine: (b) measures a few percent.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from probes.namespace import NSINIT_SOURCE
from probes.programs import (
    PROGRAMS,
    Namespaced,
    ProgramError,
    build_c,
    build_go,
    start_namespaced,
)
from probes.sampler import Sampler
from probes.threads import thread_count


def sampler_cpu(threads_binary: Path, threads: int, seconds: float) -> None:
    proc = subprocess.Popen(
        [str(threads_binary), str(threads)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert proc.stdout is not None
    proc.stdout.readline()
    ticks = details = 0

    def count(sample: object) -> None:
        nonlocal ticks, details
        ticks += 1
        details += getattr(sample, "per_thread", None) is not None

    sampler = Sampler(proc.pid, on_sample=count)
    cpu0, wall0 = os.times(), time.monotonic()
    sampler.start()
    time.sleep(seconds)
    sampler.stop()
    cpu1, wall = os.times(), time.monotonic() - wall0
    proc.kill()
    proc.wait()
    process_cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system)
    print(f"(a) sampler watching {threads + 1} threads for {wall:.1f} s at default rates:")
    print(f"    ticks {ticks / wall:.1f}/s, per-thread detail passes {details / wall:.2f}/s")
    print(
        f"    detail pass: {1e3 * sampler.detail_seconds / max(details, 1):.2f} ms CPU each "
        f"({1e6 * sampler.detail_seconds / max(details, 1) / (threads + 1):.1f} µs per thread)"
    )
    print(
        f"    sampler CPU (its own step time): {100 * sampler.cpu_seconds / wall:.2f}% of one core"
    )
    print(f"    whole bench process CPU:         {100 * process_cpu / wall:.2f}% of one core")


def slowdown(burn_binary: Path, rounds: int, iterations: int) -> None:
    proc = subprocess.Popen(
        [str(burn_binary), "2", "1000", str(iterations)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdin is not None and proc.stdout is not None
    proc.stdout.readline()

    def work(watched: bool) -> float:
        assert proc.stdin is not None and proc.stdout is not None
        sampler = Sampler(proc.pid) if watched else None
        if sampler:
            sampler.start()
            time.sleep(0.6)  # past the first detail pass and NVML's first read
        proc.stdin.write("go\n")
        proc.stdin.flush()
        seconds = float(proc.stdout.readline())
        if sampler:
            sampler.stop()
        return seconds

    work(False)  # warm-up
    with_probes: list[float] = []
    without: list[float] = []
    for i in range(rounds):
        order = (True, False) if i % 2 == 0 else (False, True)  # ABBA cancels drift
        for watched in order:
            (with_probes if watched else without).append(work(watched))
    proc.kill()
    proc.wait()
    ratios = sorted(a / b for a, b in zip(with_probes, without, strict=True))
    quartiles = statistics.quantiles(ratios, n=4)
    median_with, median_without = statistics.median(with_probes), statistics.median(without)
    print(f"(b) CPU-bound program (2 busy threads + 1000 sleepers), {rounds} rounds each, ABBA:")
    print(f"    median work time without probes {median_without:.3f} s, with {median_with:.3f} s")
    print(f"    slowdown, ratio of medians:   {100 * (median_with / median_without - 1):+.2f}%")
    print(
        f"    slowdown, median paired ratio: {100 * (statistics.median(ratios) - 1):+.2f}% "
        f"(quartiles {100 * (quartiles[0] - 1):+.2f}% .. {100 * (quartiles[2] - 1):+.2f}%)"
    )
    print(f"    load average after: {os.getloadavg()[0]:.2f} (others' work adds noise)")


def exact_churn(nsinit: Path, lockexit: Path, n: int) -> None:
    try:
        run = start_namespaced(nsinit, [str(lockexit), str(n)])
    except ProgramError as exc:
        print(f"(c) exact churn: unavailable ({exc}); churn would be a lower bound")
        return
    assert run.proc.stdout is not None and run.proc.stdin is not None
    try:
        run.proc.stdout.readline()
        before = _settled(run)
        run.proc.stdin.write("go\n")
        run.proc.stdin.flush()
        run.proc.stdout.readline()
        after = _settled(run)
    finally:
        run.close()
    created = after[1] - before[1]
    grown = after[0] - before[0]
    print(f"(c) {n} goroutines exiting while locked, in a private PID namespace:")
    print(f"    threads created (nsinit, exact): {created}")
    print(f"    live threads {before[0]} -> {after[0]}: threads ended = {created - grown}")
    print(f"    since program start: {after[1]} created (incl. the runtime's own)")


def _settled(run: Namespaced) -> tuple[int, int]:
    """(live threads, exact created) once both stop moving."""
    last = (-1, -1)
    while True:
        created = run.drain(quiet=0.05).created_total
        current = (thread_count(run.pid) or 0, created or 0)
        if current == last:
            return current
        last = current


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="(a) duration")
    parser.add_argument("--rounds", type=int, default=20, help="(b) rounds per side")
    parser.add_argument("--iterations", type=int, default=500_000_000, help="(b) work size")
    parser.add_argument("--churn", type=int, default=1000, help="(c) N")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="pinlab-bench-") as tmp:
        bin_dir = Path(tmp)
        threads_binary = build_c(PROGRAMS / "threads.c", bin_dir)
        burn_binary = build_c(PROGRAMS / "burn.c", bin_dir)
        nsinit = build_c(NSINIT_SOURCE, bin_dir)
        lockexit = build_go("lockexit", bin_dir)
        print(
            f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; "
            "sampler rates: 10 Hz count, 2 Hz detail, 1 Hz GPU"
        )
        sampler_cpu(threads_binary, 1000, args.seconds)
        slowdown(burn_binary, args.rounds, args.iterations)
        exact_churn(nsinit, lockexit, args.churn)


if __name__ == "__main__":
    main()

"""`pinlab probe`: the probes as a command. Attach to any PID, or start a
command in the sandbox (own process group, private PID namespace where the
machine allows, so thread churn is exact) and watch it."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

from probes.report import LatestDetail, format_text, sample_record
from probes.sampler import ProcessSample, Sampler
from workshop.engine.sandbox import ProgramRun

FOREVER = 365 * 24 * 3600.0


class Printer:
    """Prints a sample every `interval` seconds, as JSON lines or a table
    (redrawn in place on a terminal, appended otherwise)."""

    def __init__(self, fmt: str, interval: float, count: int) -> None:
        self.fmt, self.interval, self.count = fmt, interval, count
        self.detail = LatestDetail()
        self.printed = 0
        self.next_at = 0.0
        self.live = fmt == "text" and sys.stdout.isatty()

    @property
    def done(self) -> bool:
        return self.count > 0 and self.printed >= self.count

    def offer(self, sample: ProcessSample) -> None:
        per_thread = self.detail.update(sample)
        if sample.t < self.next_at and sample.alive:
            return
        self.next_at = sample.t + self.interval
        if self.fmt == "json":
            print(json.dumps(sample_record(sample, per_thread)), flush=True)
        else:
            text = format_text(sample, per_thread)
            print(("\033[H\033[J" + text) if self.live else text + "\n", flush=True)
        self.printed += 1


async def _watch(sampler: Sampler, printer: Printer) -> None:
    async for sample in sampler.samples():
        printer.offer(sample)
        if printer.done or not sample.alive:
            break


async def _probe_command(args: argparse.Namespace, printer: Printer) -> int:
    run = ProgramRun(list(args.cmd), dict(os.environ), Path.cwd(), FOREVER)
    await run.start()
    waiter = asyncio.create_task(run.wait())
    while run.pid is None and not waiter.done():
        await asyncio.sleep(0.005)
    if run.pid is not None:
        exact = (lambda: run.report.created_total) if run.exact else None
        sampler = Sampler(run.pid, exact_created=exact, nvml=True)
        watcher = asyncio.create_task(_watch(sampler, printer))
        await asyncio.wait({waiter, watcher}, return_when=asyncio.FIRST_COMPLETED)
        if printer.done and not waiter.done():  # --count reached: the command was ours, end it
            run.kill("pinlab probe --count reached")
            await watcher
            await waiter
            return 0
        await watcher
    code = (await waiter).returncode
    return code if code is not None and code >= 0 else 1


async def _probe_pid(pid: int, printer: Printer) -> int:
    await _watch(Sampler(pid, nvml=True), printer)
    return 0


def run_probe(args: argparse.Namespace) -> int:
    cmd = args.cmd
    if (args.pid is None) == (not cmd):
        print("pinlab probe: give a PID or `-- CMD [ARGS]`, not both", file=sys.stderr)
        return 2
    if args.pid is not None and not os.path.exists(f"/proc/{args.pid}"):
        print(f"pinlab probe: no process {args.pid}", file=sys.stderr)
        return 2
    printer = Printer(args.format, max(0.05, args.interval), args.count)
    t0 = time.monotonic()
    try:
        if cmd:
            return asyncio.run(_probe_command(args, printer))
        return asyncio.run(_probe_pid(args.pid, printer))
    except BrokenPipeError:  # e.g. `pinlab probe ... | head`
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        if printer.fmt == "text" and not printer.live:
            print(f"{printer.printed} samples in {time.monotonic() - t0:.1f} s", file=sys.stderr)

"""Running commands and learner programs so that nothing escapes: each runs in
its own process group with a wall-clock limit and capped output, and the whole
tree is killed on timeout, cancel or exit. Scenario programs also run in a
private PID namespace (when the machine allows) under nsinit, which counts
every thread they create and kills whatever they leave behind."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from probes.churn import NsinitReport
from probes.devices import read_devices
from probes.frames import Baseline, Frame, Phase, decode
from probes.namespace import descendants, namespace_prefix, nsinit_binary, program_below
from probes.threads import process_status
from workshop.engine import paths
from workshop.engine.integrity import DeviceWitness

OUTPUT_KEEP = 64 * 1024  # bytes of each stream kept for the log (the tail)
OUTPUT_LIMIT = 16 * 1024 * 1024  # a program printing more than this is stopped
THREAD_LIMIT = 3000  # a program with more OS threads than this is stopped


def kill_tree(pid: int) -> None:
    """SIGKILL the process group led by pid and every descendant, even those
    that left the group."""
    family = descendants(pid)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    for p in [pid, *family]:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(p, signal.SIGKILL)


class _Tail:
    """Keeps the last OUTPUT_KEEP bytes of a stream and counts all of them."""

    def __init__(self) -> None:
        self.buf = bytearray()
        self.total = 0

    def add(self, chunk: bytes) -> None:
        self.total += len(chunk)
        self.buf += chunk
        if len(self.buf) > OUTPUT_KEEP:
            del self.buf[: len(self.buf) - OUTPUT_KEEP]

    def text(self) -> str:
        s = self.buf.decode(errors="replace")
        if self.total > len(self.buf):
            s = f"[... {self.total - len(self.buf)} earlier bytes not kept ...]\n" + s
        return s


async def _pump(
    stream: asyncio.StreamReader | None, tail: _Tail, on_flood: Callable[[], None]
) -> None:
    if stream is None:
        return
    while chunk := await stream.read(65536):
        tail.add(chunk)
        if tail.total > OUTPUT_LIMIT:
            on_flood()
            # keep draining so the child never blocks on a full pipe before it dies
            while await stream.read(1 << 20):
                pass
            return


@dataclass
class Captured:
    returncode: int | None
    stdout: str
    stderr: str
    timed_out: bool
    seconds: float

    @property
    def output(self) -> str:
        return (self.stdout + ("\n" if self.stdout and self.stderr else "") + self.stderr).strip()


async def run_captured(argv: list[str], cwd: Path, env: dict[str, str], timeout: float) -> Captured:
    """A tool command (go build, go test): own process group, capped output,
    killed whole on timeout or cancel."""
    t0 = time.monotonic()
    proc = await asyncio.create_subprocess_exec(
        *argv,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    out, err = _Tail(), _Tail()
    flood = asyncio.Event()
    pumps = asyncio.gather(_pump(proc.stdout, out, flood.set), _pump(proc.stderr, err, flood.set))
    timed_out = False
    try:
        await asyncio.wait_for(asyncio.shield(proc.wait()), timeout)
    except TimeoutError:
        timed_out = True
    finally:
        kill_tree(proc.pid)  # also reaps helpers a tool left behind
        await proc.wait()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(pumps, 5)
    return Captured(proc.returncode, out.text(), err.text(), timed_out, time.monotonic() - t0)


# --- scenario programs -------------------------------------------------------


@dataclass
class ThreadSample:
    t: float
    threads: int
    phase: str


@dataclass
class ProgramResult:
    returncode: int | None
    stdout: str
    stderr: str
    seconds: float
    timed_out: bool = False
    killed: str | None = None  # why pinlab stopped it: timeout, output flood, thread bomb
    exact_churn: bool = False
    frames: list[tuple[float, Frame]] = field(default_factory=list)  # (receive time, frame)
    pids: list[tuple[float, int]] = field(default_factory=list)  # nsinit: (time, ns_last_pid)
    threads: list[ThreadSample] = field(default_factory=list)
    output_bytes: int = 0
    device_problems: list[str] = field(default_factory=list)  # counters seen to fall
    memory_cap_mb: int | None = None  # the RLIMIT_DATA the program ran under
    peak_rss_kib: int | None = None  # the most resident memory seen (VmHWM)
    peak_data_kib: int | None = None  # the most private writable memory seen (VmData)


class ProgramRun:
    """One scenario run: start(), then await wait(); the callbacks see each
    harness frame and each thread-count sample as they arrive."""

    def __init__(
        self,
        argv: list[str],
        env: dict[str, str],
        cwd: Path,
        timeout: float,
        on_frame: Callable[[float, Frame], None] | None = None,
        on_threads: Callable[[ThreadSample], None] | None = None,
        sample_interval: float = 0.1,
        memory_cap_mb: int | None = None,
    ) -> None:
        self.argv, self.env, self.cwd, self.timeout = argv, env, cwd, timeout
        self.memory_cap_mb = memory_cap_mb
        self.on_frame, self.on_threads = on_frame, on_threads
        self.sample_interval = sample_interval
        self.pid: int | None = None  # the program itself, as seen from here
        self.phase = "start"
        self.report = NsinitReport()  # nsinit's exact PID counter and the exit status
        self._proc: asyncio.subprocess.Process | None = None
        self._killed: str | None = None
        self.result = ProgramResult(None, "", "", 0.0)
        # the device counters' file, watched from here (engine/integrity.py)
        self._device_file = env.get("PINLAB_DEVICE_STATS") or None
        self.devices = DeviceWitness()

    @property
    def last_pid(self) -> int | None:
        """nsinit's latest count of PIDs handed out in the namespace."""
        return self.report.last_pid

    @property
    def exact(self) -> bool:
        return self._ns is not None

    async def start(self) -> None:
        if self._device_file:  # each run's counters start from a file it creates
            with contextlib.suppress(OSError):
                os.unlink(self._device_file)
        self._ns = namespace_prefix()
        init = nsinit_binary(paths.cache_dir()) if self._ns else None
        if init is None:
            self._ns = None
        stream_r, stream_w = os.pipe()
        fds = [stream_w]
        env = dict(self.env, PINLAB_STREAM_FD=str(stream_w))
        argv = list(self.argv)
        ns_r = ns_w = None
        if self._ns and init:
            ns_r, ns_w = os.pipe()
            fds.append(ns_w)
            argv = [*self._ns, str(init), str(ns_w), "--", *argv]
        if self.memory_cap_mb is not None:  # the kernel's limit, for the program alone
            argv = [*memory_limit_prefix(self.memory_cap_mb << 20), *argv]
        self._t0 = time.monotonic()
        try:
            self._proc = await asyncio.create_subprocess_exec(
                *argv,
                cwd=self.cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                pass_fds=fds,
            )
        finally:
            for fd in fds:
                os.close(fd)
        self._stream = await _line_reader(stream_r)
        self._nsreport = await _line_reader(ns_r) if ns_r is not None else None
        if self._ns is None:
            self.pid = self._proc.pid

    def kill(self, reason: str) -> None:
        if self._killed is None:
            self._killed = reason
        if self._proc is not None:
            kill_tree(self._proc.pid)

    async def _read_stream(self) -> None:
        while line := await self._stream.readline():
            frame = decode(line)
            if frame is None:
                continue
            now = time.monotonic() - self._t0
            if isinstance(frame, Phase):
                self.phase = frame.name
            self.result.frames.append((now, frame))
            if isinstance(frame, Baseline):
                # the idle count from outside, now: the harness idles only a
                # moment after this frame, shorter than the sampling interval
                self._count_threads()
            if self.on_frame:
                self.on_frame(now, frame)

    async def _read_nsinit(self) -> None:
        if self._nsreport is None:
            return
        while line := await self._nsreport.readline():
            self.report.feed_line(line.decode(errors="replace"))
            if self.report.last_pid is not None:
                self.result.pids.append((time.monotonic() - self._t0, self.report.last_pid))

    def _witness_devices(self) -> None:
        """One stable reading of the device counters for the witness: two
        reads in a row that agree (a read racing a counter's update could
        see a torn word, and a false fall would fail a right answer)."""
        assert self._device_file is not None
        first = read_devices(self._device_file)
        if first and first == read_devices(self._device_file):
            self.devices.feed(first)

    def _find_program_pid(self) -> int | None:
        assert self._proc is not None
        return program_below(self._proc.pid)

    def _count_threads(self) -> None:
        if self.pid is None:
            self.pid = self._find_program_pid()
        if self.pid is None:
            return
        status = process_status(self.pid)
        if status is None:
            return
        n, r = status.threads, self.result
        r.peak_rss_kib = max(r.peak_rss_kib or 0, status.rss_peak_kib or 0) or None
        r.peak_data_kib = max(r.peak_data_kib or 0, status.data_kib or 0) or None
        s = ThreadSample(time.monotonic() - self._t0, n, self.phase)
        self.result.threads.append(s)
        if self.on_threads:
            self.on_threads(s)
        if n > THREAD_LIMIT:
            self.kill(f"thread bomb: more than {THREAD_LIMIT} OS threads")

    async def _sample(self) -> None:
        while True:
            self._count_threads()
            if self._device_file:
                self._witness_devices()
            await asyncio.sleep(self.sample_interval if self.pid else 0.005)

    async def wait(self) -> ProgramResult:
        assert self._proc is not None
        proc = self._proc
        out, err = _Tail(), _Tail()
        flood = lambda: self.kill(f"output flood: printed more than {OUTPUT_LIMIT >> 20} MiB")  # noqa: E731
        sampler = asyncio.create_task(self._sample())
        readers = asyncio.gather(
            _pump(proc.stdout, out, flood),
            _pump(proc.stderr, err, flood),
            self._read_stream(),
            self._read_nsinit(),
        )
        try:
            await asyncio.wait_for(asyncio.shield(proc.wait()), self.timeout)
        except TimeoutError:
            self.result.timed_out = True
            self.kill(f"timeout: still running after {self.timeout:g} s")
        finally:
            sampler.cancel()
            self.kill(self._killed or "") if proc.returncode is None else kill_tree(proc.pid)
            await proc.wait()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(readers, 5)
            with contextlib.suppress(asyncio.CancelledError):
                await sampler
        r = self.result
        if self._device_file:  # the counters as the program left them
            self.devices.feed(read_devices(self._device_file))
        r.device_problems = list(self.devices.problems)
        r.seconds = time.monotonic() - self._t0
        if self.report.exit_code is not None:
            r.returncode = self.report.exit_code
        elif self.report.signal is not None:
            r.returncode = -self.report.signal
        else:
            r.returncode = proc.returncode
        r.stdout, r.stderr = out.text(), err.text()
        r.output_bytes = out.total + err.total
        r.killed = self._killed or None
        r.exact_churn = self.exact
        r.memory_cap_mb = self.memory_cap_mb
        return r


def memory_limit_prefix(limit: int) -> list[str]:
    """A command prefix that sets RLIMIT_DATA (bytes) for what it runs and
    nothing above it: util-linux's prlimit, else the same in Python."""
    if prlimit := shutil.which("prlimit"):
        return [prlimit, f"--data={limit}", "--"]
    code = (
        "import os, resource, sys; "
        f"resource.setrlimit(resource.RLIMIT_DATA, ({limit}, {limit})); "
        "os.execvp(sys.argv[1], sys.argv[1:])"
    )
    return [sys.executable, "-c", code]


async def _line_reader(fd: int) -> asyncio.StreamReader:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader(limit=4 * 1024 * 1024)
    await loop.connect_read_pipe(
        lambda: asyncio.StreamReaderProtocol(reader), os.fdopen(fd, "rb", buffering=0)
    )
    return reader

"""Thread probes against real processes: a C program with a known number of
threads, one of them pinned to a known CPU set and one with a comm that
breaks naive stat parsing."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from probes.procfs import find_int, split_stat
from probes.programs import PROGRAMS, build_c
from probes.threads import ThreadReader, read_threads, thread_count

PROBE_MODULES = [
    "probes",
    "probes.threads",
    "probes.churn",
    "probes.topology",
    "probes.gpu",
    "probes.devices",
    "probes.latency",
    "probes.harness",
    "probes.sampler",
    "probes.procfs",
    "probes.programs",
    "probes.kept_files",
    "probes.report",
    "probes.bench",
]


def test_probes_never_import_textual() -> None:
    code = (
        f"import importlib, sys\nfor m in {PROBE_MODULES!r}: importlib.import_module(m)\n"
        "import probes.sampler as s\n"
        "s.Sampler(1).step()\n"  # a real step, NVML included
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert out.stdout.strip() == "[]"


@pytest.fixture(scope="module")
def threads_binary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_c(PROGRAMS / "threads.c", tmp_path_factory.mktemp("threads"))


class Running:
    def __init__(self, binary: Path, *args: str) -> None:
        self.proc = subprocess.Popen(
            [str(binary), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.proc.stdout is not None
        word, pinned_tid = self.proc.stdout.readline().split()
        assert word == "ready"
        self.pinned_tid = int(pinned_tid)
        self.pid = self.proc.pid

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()


@pytest.fixture
def seventeen(threads_binary: Path) -> Iterator[Running]:
    # 16 sleepers + main; sleeper 0 pins itself to CPU 0
    running = Running(threads_binary, "16", "0")
    yield running
    running.stop()


def test_thread_count_is_the_kernels(seventeen: Running) -> None:
    assert thread_count(seventeen.pid) == 17


def test_read_threads_lists_every_thread_with_placement(seventeen: Running) -> None:
    threads = read_threads(seventeen.pid)
    assert len(threads) == 17
    assert len({t.tid for t in threads}) == 17
    names = sorted(t.name for t in threads)
    assert "odd) (name" in names  # comm with ') (' parsed at the last ')'
    assert sum(name.startswith("sleeper-") for name in names) == 15
    cpus = set(os.sched_getaffinity(0))
    for t in threads:
        assert t.nstid == t.tid  # not namespaced here
        assert t.state in ("S", "R", "D")
        assert t.cpu in cpus
        assert t.voluntary_switches is not None and t.involuntary_switches is not None
        assert t.cpu_time >= 0.0
        assert not t.locked and t.role is None
    # all but the last thread through the start barrier blocked there at least once
    assert sum(t.voluntary_switches or 0 for t in threads) >= 15


def test_a_pinned_thread_reads_back_its_cpu_set(seventeen: Running) -> None:
    by_tid = {t.tid: t for t in read_threads(seventeen.pid)}
    pinned = by_tid[seventeen.pinned_tid]
    assert pinned.name == "sleeper-0"
    assert pinned.affinity == (0,)
    assert pinned.cpu == 0  # it ran on CPU 0 after pinning itself, then slept
    others = [t for t in by_tid.values() if t.tid != seventeen.pinned_tid]
    assert all(t.affinity == tuple(sorted(os.sched_getaffinity(0))) for t in others)


def test_migrations_are_read_where_the_kernel_has_them(seventeen: Running) -> None:
    sched = Path(f"/proc/{seventeen.pid}/task/{seventeen.pinned_tid}/sched")
    threads = read_threads(seventeen.pid)
    if not sched.exists() or b"se.nr_migrations" not in sched.read_bytes():
        assert all(t.migrations is None for t in threads)
    else:
        assert all(t.migrations is not None and t.migrations >= 0 for t in threads)


def test_placement_pass_skips_counters_but_carries_them_forward(seventeen: Running) -> None:
    cold = ThreadReader(seventeen.pid).read(counters=False)
    assert all(t.voluntary_switches is None for t in cold)
    reader = ThreadReader(seventeen.pid)
    first = {t.tid: t for t in reader.read(counters=True)}
    again = {t.tid: t for t in reader.read(counters=False)}
    assert again.keys() == first.keys()
    for tid, t in again.items():
        assert t.voluntary_switches == first[tid].voluntary_switches
        # sleeping threads keep their object: nothing about them changed
        if t.state == "S" and first[tid].state == "S" and t.cpu_time == first[tid].cpu_time:
            assert t is first[tid]


def test_a_gone_process_reads_as_gone(threads_binary: Path) -> None:
    running = Running(threads_binary, "3")
    reader = ThreadReader(running.pid)
    assert len(reader.read()) == 4
    running.stop()
    assert thread_count(running.pid) is None
    assert reader.read() == []
    assert read_threads(running.pid) == []


def test_a_zombie_counts_as_gone(threads_binary: Path) -> None:
    running = Running(threads_binary, "2")
    running.proc.stdin.close()  # type: ignore[union-attr]
    os.waitid(os.P_PID, running.pid, os.WEXITED | os.WNOWAIT)  # exited, not yet reaped
    assert Path(f"/proc/{running.pid}/status").exists()
    assert thread_count(running.pid) is None
    running.stop()


def test_stat_parsing_splits_at_the_last_paren() -> None:
    fields = " ".join(str(n) for n in range(3, 53))
    raw = f"42 (a) b) (c) {fields}".encode()
    parsed = split_stat(raw)
    assert parsed is not None
    name, rest = parsed
    assert name == b"a) b) (c"
    assert rest[0] == b"3" and rest[36] == b"39"  # fields 3 and 39
    assert split_stat(b"42 (truncated") is None
    assert split_stat(b"42 (x) S 1 2") is None


def test_find_int_reads_status_and_sched_layouts() -> None:
    assert find_int(b"Name:\tx\nThreads:\t17\n", b"\nThreads:") == 17
    sched = b"x (1, #threads: 1)\n---\nse.nr_migrations          :        3\n"
    assert find_int(sched, b"\nse.nr_migrations") == 3
    assert find_int(b"Threads:\tmany\n", b"Threads:") is None
    assert find_int(b"", b"\nThreads:") is None


def kept_stat_files(pid: int) -> list[int]:
    """Our descriptors open on the watched process's task stat files."""
    found = []
    for name in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{name}")
        except OSError:
            continue
        if target.startswith(f"/proc/{pid}/task/") and target.endswith("/stat"):
            found.append(int(name))
    return found


def test_kept_stat_files_sit_high_and_close_with_their_threads(threads_binary: Path) -> None:
    running = Running(threads_binary, "8")
    reader = ThreadReader(running.pid)
    try:
        first = reader.read(counters=False)
        kept = kept_stat_files(running.pid)
        if not kept:
            pytest.skip("no room above descriptor 1024 here (RLIMIT_NOFILE hard limit)")
        assert len(kept) == 9 and min(kept) >= 1024  # clear of select()'s FD_SETSIZE
        again = reader.read(counters=False)
        assert [t.tid for t in again] == [t.tid for t in first]
        assert len(kept_stat_files(running.pid)) == 9  # re-read, not reopened
    finally:
        running.stop()
    assert reader.read() == []  # every kept file failed: all threads gone
    assert kept_stat_files(running.pid) == []


def test_closing_a_reader_releases_its_files(threads_binary: Path) -> None:
    running = Running(threads_binary, "4")
    try:
        reader = ThreadReader(running.pid)
        reader.read()
        reader.close()
        assert kept_stat_files(running.pid) == []
        assert len(reader.read(counters=False)) == 5  # and it still works after
        reader.close()
    finally:
        running.stop()

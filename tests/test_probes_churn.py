"""Churn: nsinit's exact count against a Go program that makes exactly N
threads exit while locked, the TID-set lower bound, and the pure parsers."""

from __future__ import annotations

import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from probes.churn import NsinitReport, RateWindow, TidChurn, exits_from_created
from probes.namespace import NSINIT_SOURCE, namespace_prefix
from probes.programs import (
    Namespaced,
    build_c,
    build_go,
    start_namespaced,
)
from probes.sampler import Sampler, SamplerRates
from probes.threads import thread_count


@pytest.fixture(scope="module")
def lockexit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_go("lockexit", tmp_path_factory.mktemp("lockexit"))


@pytest.fixture(scope="module")
def nsinit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if namespace_prefix() is None:
        pytest.skip("`unshare --pid --fork true` fails here: no private PID namespace")
    return build_c(NSINIT_SOURCE, tmp_path_factory.mktemp("nsinit"))


def settled(run: Namespaced) -> tuple[int, int]:
    """(kernel thread count, exact created total) once both stop moving:
    a thread that just ended its goroutine may still be exiting."""
    last: tuple[int, int] | None = None
    while True:
        created = run.drain(quiet=0.03).created_total
        threads = thread_count(run.pid)
        assert created is not None and threads is not None
        if (threads, created) == last:
            return last
        last = (threads, created)


@pytest.fixture
def namespaced_lockexit(nsinit: Path, lockexit: Path) -> Iterator[Namespaced]:
    run = start_namespaced(nsinit, [str(lockexit), "200"])
    yield run
    run.close()


def test_exact_churn_counts_every_exit_while_locked(namespaced_lockexit: Namespaced) -> None:
    run = namespaced_lockexit
    assert run.proc.stdout is not None and run.proc.stdin is not None
    assert run.proc.stdout.readline().strip() == "ready"
    threads_before, created_before = settled(run)
    assert run.report.child_pid == 2  # nsinit is 1 in its namespace
    assert created_before >= 1  # the Go runtime's own startup threads

    run.proc.stdin.write("go\n")
    run.proc.stdin.flush()
    assert run.proc.stdout.readline().strip() == "done"
    threads_after, created_after = settled(run)

    # Every one of the 200 goroutines ended its thread; the runtime replaced
    # some of them, and whatever it created beyond that is still alive.
    created = created_after - created_before
    assert created - (threads_after - threads_before) == 200
    run.proc.stdin.close()
    run.proc.wait(timeout=10)
    report = run.drain()
    assert report.finished and report.exit_code == 0


def test_sampler_reports_exact_churn_from_the_report(namespaced_lockexit: Namespaced) -> None:
    run = namespaced_lockexit
    assert run.proc.stdout is not None and run.proc.stdin is not None
    assert run.proc.stdout.readline().strip() == "ready"
    settled(run)  # nsinit has reported the child and its startup threads
    sampler = Sampler(run.pid, exact_created=lambda: run.drain(0).created_total, nvml=False)
    first = sampler.step()
    assert first.churn.exact and first.churn.created_total is not None
    run.proc.stdin.write("go\n")
    run.proc.stdin.flush()
    assert run.proc.stdout.readline().strip() == "done"
    settled(run)
    last = sampler.step()
    assert last.churn.exact
    assert last.churn.created_total is not None and first.churn.exited_total is not None
    # exits = created + main thread - alive: exactly the 200 that exited locked
    assert last.churn.exited_total == first.churn.exited_total + 200
    assert last.churn.per_second is not None and last.churn.per_second > 0
    # a thread in the namespace reads its namespace TID
    assert {t.nstid for t in sampler.step(time.monotonic() + 10).per_thread or ()} >= {2}


def test_tid_sets_give_a_lower_bound(lockexit: Path) -> None:
    proc = subprocess.Popen(
        [str(lockexit), "300"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdin is not None
    try:
        assert proc.stdout.readline().strip() == "ready"
        sampler = Sampler(proc.pid, rates=SamplerRates(detail_hz=50, cpu_budget=1.0), nvml=False)
        before = sampler.step()
        proc.stdin.write("go\n")
        proc.stdin.flush()
        deadline = time.monotonic() + 10
        while proc.stdout.readline().strip() != "done" and time.monotonic() < deadline:
            pass
        after = sampler.step()
    finally:
        proc.kill()
        proc.wait()
    assert not after.churn.exact
    assert before.churn.created_total == 0  # the first TID set is the baseline
    created = after.churn.created_total
    assert created is not None and 0 < created <= 300 + 5
    assert after.churn.exited_total is not None and after.churn.exited_total <= 300


def test_nsinit_report_parses_lines_split_across_chunks() -> None:
    report = NsinitReport()
    assert report.created_total is None
    report.feed(b"child 2\npi")
    assert report.created_total == 0
    report.feed("ds 7\npids 1")
    assert report.created_total == 5
    report.feed("007\nnoise here\n")
    assert report.created_total == 1005
    assert not report.finished
    report.feed("exit 3\n")
    assert report.finished and report.exit_code == 3 and report.signal is None
    killed = NsinitReport()
    killed.feed("child 2\nsignal 9\n")
    assert killed.finished and killed.signal == 9 and killed.exit_code is None


def test_tid_churn_counts_set_differences() -> None:
    churn = TidChurn()
    churn.update([1, 2, 3])
    assert (churn.created, churn.exited) == (0, 0)
    churn.update([1, 2, 4, 5])
    assert (churn.created, churn.exited) == (2, 1)
    churn.update([1])
    assert (churn.created, churn.exited) == (2, 4)


def test_rate_window_and_exits() -> None:
    window = RateWindow(window=1.0)
    assert window.add(0.0, 0) is None
    assert window.add(0.5, 50) == pytest.approx(100.0)
    assert window.add(1.0, 100) == pytest.approx(100.0)
    assert window.add(2.0, 100) == pytest.approx(0.0)  # the window moved past the burst
    assert exits_from_created(created_total=10, live_threads=5) == 6
    assert exits_from_created(created_total=0, live_threads=5) == 0

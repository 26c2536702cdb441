"""Learner code that forges what the judge reads from inside the process,
and what the judge then does (docs/GRADING.md, engine/integrity.py).

Each forgery is real Go in the learner's editable file of exercise 02 (or
05 for its Go tests), checked by the real pipeline: a frame written to the
harness stream's fd, the device counters' file rewritten, a test binary
that exits 0 before its tests. The last test shows the known limit: a
program that fakes the whole stream and exits before the driver runs."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest

from probes.frames import Baseline, Hello, Info, LoadDone, Phase, Result
from workshop.engine.build import Source, compile_tests, run_tests
from workshop.engine.catalog import Exercise
from workshop.engine.check import ExerciseCheck
from workshop.engine.integrity import COUNTERS_REWRITTEN, TAMPERED, DeviceWitness, stream_problems
from workshop.engine.metrics import distill
from workshop.engine.results import ExerciseResult
from workshop.engine.sandbox import ProgramResult, ThreadSample
from workshop.engine.toolchain import Toolchain
from workshop.engine.verdict import MET

pytestmark = pytest.mark.slow

WRITE_FRAME = """
func forgeFrame(line string) {
	if fd, err := strconv.Atoi(os.Getenv("PINLAB_STREAM_FD")); err == nil {
		syscall.Write(fd, []byte(line+"\\n")) // the harness's own fd, written from here
	}
}
"""


def ex_by_number(catalog: list[Exercise], n: str) -> Exercise:
    return next(e for e in catalog if e.id.startswith(n))


def forged(ex: Exercise, tmp_path: Path, imports: list[str], run_prefix: str, extra: str) -> Source:
    """The starter of exercise 02 with forging code: `run_prefix` runs at
    the top of Run (during the load), `extra` is added at the end."""
    text = ex.starter_file("accel.go").read_text()
    text = text.replace("import (\n", "import (\n" + "".join(f'\t"{i}"\n' for i in imports), 1)
    text = re.sub(
        r"(func \(a \*Accelerator\) Run\([^)]*\) \([^)]*\) \{\n)", r"\1" + run_prefix, text
    )
    folder = tmp_path / ex.id
    folder.mkdir(parents=True)
    (folder / "accel.go").write_text(text + extra)
    return Source("workspace", folder)


def check(ex: Exercise, source: Source, tc: Toolchain) -> ExerciseResult:
    return asyncio.run(ExerciseCheck(ex, source, tc, seconds=0.3).run())


ONCE = "\tforgeOnce.Do(func() {{ forgeFrame(`{frame}`) }})\n"
STREAM_IMPORTS = ["os", "strconv", "sync", "syscall"]
ONCE_VAR = "\nvar forgeOnce sync.Once\n"


@pytest.mark.parametrize(
    ("what", "frame"),
    [
        (
            "calls: a load_done claiming ten million calls",
            '{"type":"load_done","t":1,"calls":10000000,"errors":0,"seconds":0.3,'
            '"allocs":0,"hist":""}',
        ),
        (
            "device inits: an info frame saying 2",
            '{"type":"info","t":1,"key":"device_inits","value":2}',
        ),
        ("the idle baseline: 100 threads", '{"type":"baseline","t":1,"threads":100}'),
        ("the end: a result frame", '{"type":"result","t":1,"ok":true,"dropped":0}'),
    ],
    ids=["load_done", "info", "baseline", "result"],
)
def test_a_frame_written_to_the_stream_fails_the_run(
    what: str, frame: str, tmp_path: Path, catalog: list[Exercise], toolchain: Toolchain
) -> None:
    ex = ex_by_number(catalog, "02")
    source = forged(ex, tmp_path, STREAM_IMPORTS, ONCE.format(frame=frame), WRITE_FRAME + ONCE_VAR)
    result = check(ex, source, toolchain)
    assert not result.passed
    assert result.error is not None and result.error.startswith(TAMPERED), result.error
    assert not any(v.met for v in result.verdicts), what
    assert all(TAMPERED in v.detail for v in result.verdicts), what


DEVICE_FORGE = """
// Close rewrites this device's counters in the shared file to what a right
// answer would show: one init, one shutdown, no context left.
func (a *Accelerator) forgeCounters() {
	f, err := os.OpenFile(os.Getenv("PINLAB_DEVICE_STATS"), os.O_RDWR, 0)
	if err != nil {
		return
	}
	defer f.Close()
	at := int64(24 + 64*a.dev)
	var w [8]byte
	binary.LittleEndian.PutUint64(w[:], 1)
	f.WriteAt(w[:], at)   // inits
	f.WriteAt(w[:], at+8) // shutdowns
	binary.LittleEndian.PutUint64(w[:], 0)
	f.WriteAt(w[:], at+56) // contexts
}
"""


def test_rewritten_device_counters_fail_the_run(
    tmp_path: Path, catalog: list[Exercise], toolchain: Toolchain
) -> None:
    ex = ex_by_number(catalog, "02")
    source = forged(ex, tmp_path, ["encoding/binary", "os"], "", DEVICE_FORGE)
    accel = tmp_path / ex.id / "accel.go"
    close = "func (a *Accelerator) Close() error {\n"
    text = accel.read_text().replace(close, close + "\ta.forgeCounters()\n")
    accel.write_text(text)
    result = check(ex, source, toolchain)
    assert not result.passed
    assert result.error is not None and result.error.startswith(COUNTERS_REWRITTEN), result.error
    assert "inits went from" in result.error
    # the forgery worked inside the process: the driver itself reported it
    run = result.runs[0]
    assert run.infos.get("device_inits", 99) <= 2 and run.infos.get("contexts_left") == 0


EXIT_EARLY = """
func init() {
	for _, arg := range os.Args {
		if strings.HasPrefix(arg, "-test.") {
			os.Exit(0) // the test binary ends before any test ran
		}
	}
}
"""


def test_a_test_binary_that_exits_early_does_not_pass(
    tmp_path: Path, catalog: list[Exercise], toolchain: Toolchain
) -> None:
    ex = ex_by_number(catalog, "05")
    name = ex.editable[0]
    text = ex.starter_file(name).read_text()
    text = text.replace("import (\n", 'import (\n\t"os"\n\t"strings"\n', 1) + EXIT_EARLY
    folder = tmp_path / ex.id
    folder.mkdir()
    (folder / name).write_text(text)
    tests = asyncio.run(
        compile_tests(ex, Source("workspace", folder), toolchain, tmp_path / "t", False)
    )
    res = asyncio.run(run_tests(ex, toolchain, tests))
    assert not res.passed
    assert res.failed_tests == () and res.races == 0  # the binary itself said nothing wrong
    assert res.error is not None and "never ran" in res.error
    assert "TestSubmitAnswers" in res.error


def test_the_baseline_is_the_kernels_not_the_harness_figure() -> None:
    frames = [
        (0.0, Hello(0, "02", "go", 2, 2, 0.1, 1)),
        (0.1, Phase(0.1, "baseline")),
        (0.4, Baseline(0.4, 100)),  # what the process says
        (0.5, Phase(0.5, "setup")),
        (0.6, Phase(0.6, "load")),
        (1.0, LoadDone(1.0, 10, 0, 0.4, 0, "")),
        (1.1, Phase(1.1, "teardown")),
        (1.2, Result(1.2, True, 0)),
    ]
    samples = [ThreadSample(0.2, 5, "baseline"), ThreadSample(0.3, 5, "baseline")]
    samples += [ThreadSample(0.8, 9, "load")]
    m = distill("yours", ProgramResult(0, "", "", 1.3, frames=frames, threads=samples))
    assert m.ok and m.baseline_threads == 5 and m.threads_above_baseline == 4
    no_samples = distill("yours", ProgramResult(0, "", "", 1.3, frames=frames, threads=[]))
    assert no_samples.baseline_threads == 100  # only where the kernel was never sampled


def test_the_grammar_and_the_witness_on_their_own() -> None:
    hello = (0.0, Hello(0, "x", "go", 2, 2, 0.1, 1))
    ok = [hello, (0.1, Phase(0.1, "baseline")), (0.2, Baseline(0.2, 4))]
    ok += [
        (0.3, Phase(0.3, "setup")),
        (0.4, Phase(0.4, "load")),
        (0.5, LoadDone(0.5, 1, 0, 1, 0, "")),
    ]
    ok += [
        (0.6, Phase(0.6, "teardown")),
        (0.7, Phase(0.7, "load")),
        (0.8, LoadDone(0.8, 1, 0, 1, 0, "")),
    ]
    ok += [(0.9, Phase(0.9, "teardown")), (1.0, Info(1.0, "k", 1)), (1.1, Result(1.1, True, 0))]
    assert stream_problems(ok) == []
    assert stream_problems([(0.0, Info(0, "k", 1)), *ok])[0].startswith("the first frame")
    assert stream_problems([*ok[:-1], (1.05, Info(1.05, "k", 0)), ok[-1]]) == [
        "info 'k' reported twice"
    ]
    assert stream_problems([*ok, (1.2, Info(1.2, "late", 0))]) == ["a info frame after the result"]
    # a driver's own phase (exercise 12's backlog) after a teardown, then a load
    own = [(0.95, Phase(0.95, "backlog")), (0.96, Phase(0.96, "load"))]
    own += [(0.97, LoadDone(0.97, 1, 0, 1, 0, "")), (0.98, Phase(0.98, "teardown"))]
    assert stream_problems([*ok[:-2], *own, *ok[-2:]]) == []
    # but never inside a load, and the harness's phases keep their order
    assert stream_problems([*ok[:5], (0.45, Phase(0.45, "backlog")), *ok[5:]])[0] == (
        "phase 'backlog' after 'load'"
    )
    twice = [*ok[:-2], (0.95, Phase(0.95, "teardown")), *ok[-2:]]
    assert stream_problems(twice) == ["phase 'teardown' after 'teardown'"]

    from probes.devices import DeviceStats

    w = DeviceWitness()
    w.feed([DeviceStats(0, 5, 4, 100, 0, 10, 1, 0, 1)])
    w.feed([DeviceStats(0, 6, 6, 120, 0, 12, 1, 0, 0)])  # contexts may fall: not a counter
    assert w.problems == []
    w.feed([DeviceStats(0, 1, 1, 120, 0, 12, 1, 0, 0)])
    assert w.problems == [
        "device 0's inits went from 6 to 1",
        "device 0's shutdowns went from 6 to 1",
    ]


WHOLE_STREAM = """
// Before main: a whole plausible stream, then exit. The driver never runs.
func init() {
	fd, err := strconv.Atoi(os.Getenv("PINLAB_STREAM_FD"))
	if err != nil {
		return
	}
	w := func(s string) { syscall.Write(fd, []byte(s+"\\n")) }
	w(`{"type":"hello","t":0,"exercise":"02-hoist-device-init","go":"go","gomaxprocs":2,"pid":2,"interval":0.1,"seed":1}`)
	w(`{"type":"phase","t":0,"name":"baseline"}`)
	time.Sleep(350 * time.Millisecond)
	w(`{"type":"baseline","t":0.35,"threads":5}`)
	w(`{"type":"phase","t":0.35,"name":"setup"}`)
	w(`{"type":"phase","t":0.36,"name":"load"}`)
	time.Sleep(300 * time.Millisecond)
	w(`{"type":"load_done","t":0.66,"calls":10000000,"errors":0,"seconds":0.3,"allocs":0,"hist":""}`)
	w(`{"type":"phase","t":0.66,"name":"teardown"}`)
	for _, k := range []string{"device_inits", "wrong_thread", "contexts_left"} {
		w(`{"type":"info","t":0.7,"key":"` + k + `","value":0}`)
	}
	w(`{"type":"result","t":0.7,"ok":true,"dropped":0}`)
	os.Exit(0)
}
"""


def test_the_known_limit_a_whole_forged_stream_before_main(
    tmp_path: Path, catalog: list[Exercise], toolchain: Toolchain
) -> None:
    """What docs/GRADING.md says plainly: figures that only the process
    reports can be faked whole. The kernel-side figure (threads) is real;
    the rest is what the forger wrote. A person reading the code sees it;
    the judge does not."""
    ex = ex_by_number(catalog, "02")
    source = forged(ex, tmp_path, ["os", "strconv", "syscall"], "", WHOLE_STREAM)
    result = check(ex, source, toolchain)
    by_id = {v.id: v for v in result.verdicts}
    assert result.error is None
    assert by_id["throughput"].status == MET  # 10 million calls it never made
    assert by_id["inits"].status == MET
    assert result.runs[0].peak_threads is not None  # the kernel's count is still its own


def test_the_baseline_drawn_is_the_one_judged() -> None:
    """The thread graph's idle line comes from the same kernel samples as the
    verdict, not from the figure the process reports about itself."""
    from widgets.churn_meter import ChurnMeter
    from widgets.latency_panel import LatencyPanel
    from widgets.thread_graph import ThreadGraph
    from workshop.app.panels import RunPanels
    from workshop.engine.events import FrameSeen, ThreadsCounted

    panels = RunPanels("yours", ThreadGraph(), ChurnMeter(), LatencyPanel(), thread_allowance=2)
    panels.feed(FrameSeen("yours", Baseline(0.4, 100)))
    assert panels.graph.baseline == 100  # until the kernel has been read, the process's word
    for s in (ThreadSample(0.2, 5, "baseline"), ThreadSample(0.3, 6, "baseline")):
        panels.feed(ThreadsCounted("yours", s))
    panels.feed(ThreadsCounted("yours", ThreadSample(0.8, 9, "load")))
    samples = [ThreadSample(0.2, 5, "baseline"), ThreadSample(0.3, 6, "baseline")]
    frames = [(0.0, Hello(0, "02", "go", 2, 2, 0.1, 1)), (0.4, Baseline(0.4, 100))]
    judged = distill("yours", ProgramResult(0, "", "", 1.0, frames=frames, threads=samples))
    assert panels.graph.baseline == judged.baseline_threads == 6
    assert panels.figures.limit == 8


def test_the_panels_keep_what_the_last_run_did() -> None:
    """After the load, the teardown's idle samples and a last interval without
    calls do not blank the CPU map, the GPUs or the figures; the graph says
    the run ended."""
    from test_app_support import RECORDED

    from probes.churn import Churn
    from probes.latency import LatencyTracker
    from probes.sampler import ProcessSample
    from probes.threads import ThreadInfo
    from widgets.churn_meter import ChurnMeter
    from widgets.cpu_map import CpuMap
    from widgets.latency_panel import LatencyPanel
    from widgets.thread_graph import ThreadGraph
    from workshop.app.panels import RunPanels
    from workshop.engine.events import (
        FrameSeen,
        LatencyMeasured,
        ProcessSampled,
        RunEnded,
        RunStarted,
    )

    def sample(t: float, threads: tuple[ThreadInfo, ...]) -> ProcessSample:
        return ProcessSample(
            t, 1, True, len(threads), threads, Churn(created_total=3, exact=True, per_second=1.0)
        )

    busy = tuple(ThreadInfo(tid, tid, "prog", "R", tid % 2, (0, 1), 0.1) for tid in range(1, 5))
    cpus = CpuMap()
    panels = RunPanels("yours", ThreadGraph(), ChurnMeter(), LatencyPanel(), cpus=cpus)
    panels.feed(RunStarted("yours", 1))
    panels.feed(FrameSeen("yours", Phase(0.1, "load")))
    panels.feed(ProcessSampled("yours", sample(0.5, busy)))
    tracker = LatencyTracker()
    for t, calls, hist in RECORDED["ticks"]:
        panels.feed(LatencyMeasured("yours", tracker.feed(t, calls, hist)))
    p99, rate = panels.figures.p99_ns, panels.figures.calls_per_second
    assert p99 and rate and cpus.threads == busy
    last_t, last_calls, last_hist = RECORDED["ticks"][-1]
    panels.feed(FrameSeen("yours", Phase(last_t, "teardown")))
    panels.feed(LatencyMeasured("yours", tracker.feed(last_t + 0.1, last_calls, last_hist)))
    panels.feed(ProcessSampled("yours", sample(last_t + 0.2, busy[:1])))
    assert (panels.figures.p99_ns, panels.figures.calls_per_second) == (p99, rate)
    assert cpus.threads == busy
    panels.feed(RunEnded("yours", distill("yours", ProgramResult(0, "", "", 1.0))))
    assert panels.graph.caption == "round 1 · ended"

"""One exercise: its text, the target checklist, the build/run log and the
live panels; every save in the exercise folder rebuilds and reruns it."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Markdown, Static
from textual.worker import Worker

from probes.gpu import read_gpus
from probes.topology import Topology, read_topology, simulated_topology
from widgets.big_figure import BigFigure
from widgets.build_log import BuildLog
from widgets.churn_meter import ChurnMeter
from widgets.cpu_map import CpuMap
from widgets.gpu_panel import GpuPanel
from widgets.latency_panel import LatencyPanel
from widgets.target_checklist import TargetChecklist
from widgets.thread_graph import ThreadGraph
from workshop.app.messages import CheckBroke, EngineEvent, SaveSeen, WatcherNote
from workshop.app.panels import RunPanels
from workshop.app.screens._app import pinlab
from workshop.app.screens.projection import PROJECTION_CLASS
from workshop.engine.build import Source
from workshop.engine.catalog import RATIO_KINDS, Exercise
from workshop.engine.check import ExerciseCheck, ExerciseResult, measure_references
from workshop.engine.events import Built, CheckDone, Event, Judged, RunStarted, Status
from workshop.engine.live import LiveDetail
from workshop.engine.reference import References
from workshop.engine.targets import not_measured
from workshop.engine.verdict import INCONCLUSIVE, MET, MISSED, Verdict
from workshop.engine.watch import Save, SaveWatcher, WatcherNotice
from workshop.engine.workspace import SOLVED

YOURS = "yours"


def pending_verdicts(ex: Exercise, why: str) -> list[Verdict]:
    return [not_measured(t, why) for t in ex.targets]


def exercise_topology(ex: Exercise) -> Topology:
    if ex.scenario.topology:
        try:
            return simulated_topology(ex.scenario.topology)
        except ValueError:
            pass
    return read_topology()


class ExerciseScreen(Screen[None]):
    BINDINGS = [
        Binding("n", "next", "next"),
        Binding("h", "hint", "hint"),
        Binding("l,escape", "list", "list"),
        Binding("c", "check_all", "check all"),
        Binding("x", "reset", "reset"),
        Binding("r", "rerun", "rerun"),
        Binding("s", "solution", "solution"),
        Binding("m", "compare", "compare"),
    ]

    def __init__(self, ex: Exercise) -> None:
        super().__init__()
        self.ex = ex
        self.generation = 0
        self.result: ExerciseResult | None = None
        self.passed = False
        self.checks_started = 0
        self.checks_finished = 0
        self.verdict_updates = 0  # times the checklist received new verdicts
        self.last_verdict_at: float | None = None  # time.monotonic() of that
        self.last_save: Save | None = None
        self.last_build_seconds: float | None = None  # of the learner's code
        self.watch_mode = "starting"
        self.references = References()  # recent runs of what ratio targets compare against
        self.measuring_reference = False
        self._hint = 0
        self._save_while_away = False
        self._check_worker: Worker[None] | None = None
        self._panels: RunPanels | None = None

    # composition

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="big-figures"):
            yield BigFigure("targets met", id="fig-targets")
            yield BigFigure("OS threads now", id="fig-threads")
            yield BigFigure("p99 µs", id="fig-p99")
            yield BigFigure("k calls/s", id="fig-rate")
        with Horizontal(id="body"):
            with Vertical(id="left"):
                yield Static("", id="status-line")
                yield TargetChecklist(id="checklist")
                with VerticalScroll(id="text-box"):
                    yield Markdown(self.ex.text, id="text")
                yield BuildLog(id="log")
            # where placement is the lesson (a declared topology), the CPU map leads
            placement_first = self.ex.scenario.topology is not None
            with Vertical(id="right", classes="placement-lesson" if placement_first else ""):
                if placement_first:
                    with Horizontal(id="placement-box", classes="lesson"):
                        yield CpuMap(id="cpus")
                        yield GpuPanel(id="gpus")
                with Horizontal(id="threads-box", classes="panel"):
                    yield ThreadGraph(id="threads")
                    yield ChurnMeter(id="churn")
                if not placement_first:
                    with Horizontal(id="placement-box"):
                        yield CpuMap(id="cpus")
                        yield GpuPanel(id="gpus")
                yield LatencyPanel(id="latency")
        yield Footer()

    def on_mount(self) -> None:
        app = pinlab(self)
        self.sub_title = f"{self.ex.id} · {self.ex.title}"
        self.query_one("#threads-box").border_title = "OS threads · churn"
        self.query_one("#cpus").border_title = "CPUs (last CPU of each thread)"
        self.query_one("#gpus").border_title = "GPU"
        self.query_one("#latency").border_title = "latency of the calls"
        self.query_one("#checklist").border_title = "targets"
        self.query_one("#log").border_title = "build & run log"
        threads = next((t for t in self.ex.targets if t.kind == "threads-above-baseline"), None)
        ratio = next((t for t in self.ex.targets if t.kind == "throughput-ratio"), None)
        self._panels = RunPanels(
            YOURS,
            self.query_one(ThreadGraph),
            self.query_one(ChurnMeter),
            self.query_one(LatencyPanel),
            self.query_one(CpuMap),
            self.query_one(GpuPanel),
            self.log_view,
            thread_allowance=threads.max if threads else None,
            ratio_target=ratio.id if ratio else None,
        )
        self.checklist.set_verdicts(pending_verdicts(self.ex, "not checked yet"))
        self._update_figures()
        if ratio is not None:
            self.query_one(LatencyPanel).set_ratio(None, ratio.min, "measured each round")
        self.query_one(GpuPanel).uses_devices = "device" in self.ex.text.lower()
        app.apply_projection(self)
        self._read_machine()
        if app.watch_saves:
            self._watch()
        else:
            self.watch_mode = "off"
        if app.check_on_open:
            self.start_check("opened")
        else:
            self.set_status("save a file, or press r, to check")

    def on_unmount(self) -> None:
        if self._check_worker is not None:
            self._check_worker.cancel()

    def on_screen_resume(self) -> None:
        pinlab(self).apply_projection(self)
        self._update_figures()
        if self._save_while_away:
            self._save_while_away = False
            self.start_check("saved while away")

    @property
    def checklist(self) -> TargetChecklist:
        return self.query_one(TargetChecklist)

    @property
    def log_view(self) -> BuildLog:
        return self.query_one(BuildLog)

    def set_status(self, text: str) -> None:
        self.query_one("#status-line", Static).update(text)

    # machine facts, read once off the UI thread

    @work(thread=True, exit_on_error=False, group="machine")
    def on_projection_changed(self) -> None:
        self._update_figures()

    @work(thread=True, exit_on_error=False, group="machine")
    def _read_machine(self) -> None:
        topo = exercise_topology(self.ex)
        self.app.call_from_thread(self.query_one(CpuMap).set_topology, topo)
        if pinlab(self).nvml:
            reading = read_gpus()
            self.app.call_from_thread(self.query_one(GpuPanel).show, reading.gpus, reading.status)
        else:
            self.app.call_from_thread(self.query_one(GpuPanel).show, (), "NVML not read")

    # watching

    @work(exclusive=True, group="watch", exit_on_error=False)
    async def _watch(self) -> None:
        app = pinlab(self)
        folder = app.workspace.exercise_dir(self.ex)
        self.watch_mode = "events"
        watcher = SaveWatcher(folder, self.ex.editable)
        async for item in watcher.run():
            if isinstance(item, WatcherNotice):
                self.watch_mode = "polling"
                self.post_message(WatcherNote(item))
            else:
                self.post_message(SaveSeen(item))

    def on_save_seen(self, message: SaveSeen) -> None:
        self.last_save = message.save
        if not self.is_current:
            self._save_while_away = True
            return
        self.log_view.note(f"save seen ({message.save.events} events, via {message.save.via})")
        self.start_check("saved")

    def on_watcher_note(self, message: WatcherNote) -> None:
        self.log_view.note(message.notice.text)
        self.notify(message.notice.text, title="watching for saves", severity="warning")

    # checking

    def start_check(self, reason: str) -> None:
        """Cancel the check in flight (the engine kills its processes) and
        start a new one; the previous verdicts stay until the build succeeds."""
        self.generation += 1
        self.checks_started += 1
        if self._check_worker is not None:
            self._check_worker.cancel()
        self.workers.cancel_group(self, "reference")
        if self.result is not None or self.checks_started > 1:
            self.checklist.set_note(f"rechecking ({reason})…")
        self.set_status(f"checking ({reason})…")
        self._check_worker = self.run_worker(
            self._check(self.generation), group="check", exit_on_error=False
        )

    async def _check(self, generation: int) -> None:
        app = pinlab(self)
        source = Source("workspace", app.workspace.exercise_dir(self.ex))

        def emit(event: Event) -> None:  # from the event loop and probe threads alike
            self.post_message(EngineEvent(generation, event))

        live = LiveDetail(emit, app.nvml)
        try:
            await ExerciseCheck(
                self.ex,
                source,
                app.toolchain,
                emit,
                app.seconds,
                live=live,
                references=self.references,
            ).run()
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - the check broke, not the learner's code
            self.post_message(CheckBroke(generation, f"{type(exc).__name__}: {exc}"))
        finally:
            live.close()

    def on_engine_event(self, message: EngineEvent) -> None:
        if message.generation != self.generation:
            return  # from a check that was cancelled
        ev = message.event
        assert self._panels is not None
        figures_changed = self._panels.feed(ev)
        match ev:
            case Status(text=text):
                self.set_status(text)
            case Built(result=r) if ev.label == YOURS:
                self.last_build_seconds = r.seconds
                if r.ok:
                    self.checklist.set_verdicts(pending_verdicts(self.ex, "measuring…"))
                    self.checklist.set_note("measuring…")
                    self._note_verdicts()
                else:
                    kept = (
                        "previous results shown" if self.result is not None else "nothing measured"
                    )
                    self.checklist.set_note(
                        f"does not build: {kept}", stale=self.result is not None
                    )
            case Judged(verdict=v):
                self.checklist.update_verdicts([v])
                self._note_verdicts()
            case RunStarted(label=label, round=n) if label != YOURS:
                self.set_status(f"measuring the {label} for the ratio (round {n})")
            case CheckDone(result=result):
                self._finished(result)
                self._keep_reference_fresh()
        if figures_changed:
            self._update_figures()

    def _keep_reference_fresh(self) -> None:
        """Between checks, while the learner reads and edits, measure the
        starter so that the next save is judged against fresh runs of it
        without running it again (ratio targets only)."""
        if any(t.kind in RATIO_KINDS for t in self.ex.targets):
            self.measuring_reference = True
            self._refresh_reference()

    @work(exclusive=True, group="reference", exit_on_error=False)
    async def _refresh_reference(self) -> None:
        app = pinlab(self)
        try:
            while True:
                self.measuring_reference = True
                ran = await measure_references(self.ex, app.toolchain, self.references, app.seconds)
                self.measuring_reference = False
                if not ran:
                    await asyncio.sleep(5.0)
        finally:
            self.measuring_reference = False

    def on_check_broke(self, message: CheckBroke) -> None:
        if message.generation != self.generation:
            return
        self.checks_finished += 1
        self.log_view.error(f"the check itself failed: {message.error}")
        self.set_status("the check failed (see the log)")

    def _finished(self, result: ExerciseResult) -> None:
        self.checks_finished += 1
        app = pinlab(self)
        if result.build is not None and not result.build.ok:
            self._show_build_failure(result)
            return
        self.result = result
        self.checklist.set_verdicts(result.verdicts)
        self._note_verdicts()
        ratio = next((v for v in result.verdicts if v.kind == "throughput-ratio"), None)
        if ratio is not None and ratio.value is not None:
            panel = self.query_one(LatencyPanel)
            state = {MET: "good", MISSED: "bad", INCONCLUSIVE: "unsure"}.get(ratio.status)
            panel.set_ratio(ratio.value, panel.ratio_limit, ratio.detail, state)
        if result.error:
            self.log_view.error(result.error)
            for line in result.details.strip().splitlines()[:30]:
                self.log_view.note("  " + line)
        self.checklist.set_note(f"checked in {result.seconds:.1f} s")
        self._update_figures()
        newly_solved = app.workspace.record(self.ex, result.passed)
        if result.passed:
            self.passed = True
            nxt = app.next_exercise(self.ex)
            offer = f"n: next exercise ({nxt.id})" if nxt else "every exercise is solved"
            self.set_status(f"✓ solved! s: see the reference solution · {offer}")
            if newly_solved:
                self.notify(
                    f"{self.ex.id} solved. s shows the reference solution; {offer}.",
                    title="all targets met",
                    timeout=10,
                )
        else:
            self.set_status(
                f"{result.met_count}/{len(result.verdicts)} targets met: "
                "edit and save to recheck (h: hint)"
            )

    def _show_build_failure(self, result: ExerciseResult) -> None:
        """The previous results stay on screen until a build succeeds."""
        self.log_view.error(result.error or "does not build")
        if self.result is None:
            self.checklist.set_verdicts(result.verdicts)
            self.checklist.set_note("does not build")
        else:
            self.checklist.set_verdicts(self.result.verdicts)
            self.checklist.set_note("does not build: previous results shown", stale=True)
        self.set_status("does not build: fix the error in the log and save again")

    def _note_verdicts(self) -> None:
        self.verdict_updates += 1
        self.last_verdict_at = time.monotonic()
        self._update_figures()

    def _update_figures(self) -> None:
        """The big digits; only drawn in the projection layout."""
        if not self.has_class(PROJECTION_CLASS) or self._panels is None:
            return
        verdicts = self.checklist.verdicts
        met = sum(v.met for v in verdicts)
        self.query_one("#fig-targets", BigFigure).show(
            f"{met}/{len(verdicts)}", "good" if verdicts and met == len(verdicts) else None
        )
        f = self._panels.figures
        over = f.limit is not None and f.threads is not None and f.threads > f.limit
        self.query_one("#fig-threads", BigFigure).show(
            "—" if f.threads is None else str(f.threads), "bad" if over else None
        )
        p99 = f.p99_ns
        self.query_one("#fig-p99", BigFigure).show("—" if p99 is None else f"{p99 / 1000:.2f}")
        cps = f.calls_per_second
        self.query_one("#fig-rate", BigFigure).show("—" if cps is None else f"{cps / 1000:.0f}")

    # actions (rustlings' keys)

    def action_rerun(self) -> None:
        self.start_check("rerun")

    def action_next(self) -> None:
        app = pinlab(self)
        nxt = app.next_exercise(self.ex)
        if nxt is None:
            self.notify("Every exercise is solved.", title="all done")
        else:
            app.open_exercise(nxt, replace=True)

    def action_hint(self) -> None:
        hints = self.ex.hints
        if not hints:
            self.notify("This exercise has no hints.", title="hint")
            return
        i = self._hint % len(hints)
        self._hint += 1
        self.notify(hints[i], title=f"hint {i + 1}/{len(hints)}", timeout=20)
        self.log_view.note(f"hint {i + 1}/{len(hints)}: {hints[i]}")

    def action_list(self) -> None:
        self.app.pop_screen()

    def action_check_all(self) -> None:
        pinlab(self).check_all()

    def action_solution(self) -> None:
        from workshop.app.screens.confirm import ConfirmScreen
        from workshop.app.screens.solution import SolutionScreen

        solved = self.passed or pinlab(self).workspace.status(self.ex) == SOLVED
        if solved:
            self.app.push_screen(SolutionScreen(self.ex, passed=True))
            return

        def answer(yes: Any) -> None:
            if yes:
                self.app.push_screen(SolutionScreen(self.ex, passed=False))

        self.app.push_screen(
            ConfirmScreen(
                "You have not passed this exercise yet. Show the solution anyway?",
                "Trying first teaches more; h shows a hint.",
            ),
            answer,
        )

    def action_reset(self) -> None:
        from workshop.app.screens.confirm import ConfirmScreen

        def answer(yes: Any) -> None:
            if yes:
                backup = pinlab(self).workspace.reset(self.ex)
                kept = f" Your version is saved in {backup}." if backup else ""
                self.notify(f"{self.ex.id} is back to its starter.{kept}", title="reset")
                self.passed = False

        self.app.push_screen(
            ConfirmScreen(
                f"Reset {self.ex.id} to its starter?",
                "Your current files are kept in a backup folder.",
            ),
            answer,
        )

    def action_compare(self) -> None:
        from workshop.app.screens.compare import CompareScreen

        self.app.push_screen(CompareScreen(self.ex, "starter"))

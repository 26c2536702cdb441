"""The exercise screen's check lifecycle: watch the exercise folder, start a
check on every save (cancelling the one in flight), feed its events to the
panels and the checklist, keep the starter's reference runs fresh between
checks, and record progress."""

from __future__ import annotations

import asyncio
import time

from textual import work

from widgets.check_history import CheckHistory, TargetLine
from workshop.app.messages import CheckBroke, EngineEvent, SaveSeen, WatcherNote
from workshop.app.screens._app import pinlab
from workshop.app.screens.engine_runs import EngineRuns, watch_saves
from workshop.app.screens.exercise_layout import YOURS, ExerciseLayout
from workshop.engine.build import Source
from workshop.engine.catalog import Exercise
from workshop.engine.check import ExerciseCheck
from workshop.engine.events import Built, CheckDone, Emit, Judged, RunStarted, Status
from workshop.engine.kinds import GO_TEST, kind
from workshop.engine.live import LiveDetail
from workshop.engine.reference import References, measure_references
from workshop.engine.results import ExerciseResult
from workshop.engine.targets import not_measured
from workshop.engine.verdict import Verdict
from workshop.engine.watch import Save


def pending_verdicts(ex: Exercise, why: str) -> list[Verdict]:
    return [not_measured(t, why) for t in ex.targets]


class ExerciseChecks(ExerciseLayout):
    def __init__(self, ex: Exercise) -> None:
        super().__init__(ex)
        self.runs = EngineRuns(self, "check")
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
        self._save_while_away = False

    @property
    def generation(self) -> int:
        return self.runs.generation

    def mount_checks(self) -> None:
        app = pinlab(self)
        self.checklist.set_verdicts(pending_verdicts(self.ex, "not checked yet"))
        self.show_history()
        self.update_figures()
        if app.watch_saves:
            self._watch()
        else:
            self.watch_mode = "off"
        if app.check_on_open:
            self.start_check("opened")
        else:
            self.set_status("save a file, or press r, to check")

    def resume_checks(self) -> None:
        """Back on screen: a save seen while away starts a check now."""
        if self._save_while_away:
            self._save_while_away = False
            self.start_check("saved while away")

    def on_unmount(self) -> None:
        self.runs.cancel()

    # watching

    @work(exclusive=True, group="watch", exit_on_error=False)
    async def _watch(self) -> None:
        self.watch_mode = "events"
        await watch_saves(self, self.ex, lambda: setattr(self, "watch_mode", "polling"))

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
        self.checks_started += 1
        self.workers.cancel_group(self, "reference")
        if self.result is not None or self.checks_started > 1:
            self.checklist.set_note(f"rechecking ({reason})…")
        self.set_status(f"checking ({reason})…")
        self.runs.start(self._check)

    async def _check(self, emit: Emit, live: LiveDetail) -> None:
        app = pinlab(self)
        source = Source("workspace", app.workspace.exercise_dir(self.ex))
        await ExerciseCheck(
            self.ex,
            source,
            app.toolchain,
            emit,
            app.seconds,
            live=live,
            references=self.references,
        ).run()

    def on_engine_event(self, message: EngineEvent) -> None:
        if not self.runs.current(message):
            return  # from a check that was cancelled
        ev = message.event
        figures_changed = self.panels.feed(ev)
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
            self.update_figures()

    def _keep_reference_fresh(self) -> None:
        """Between checks, while the learner reads and edits, measure the
        starter so that the next save is judged against fresh runs of it
        without running it again (ratio targets only)."""
        if any(kind(t.kind).ratio for t in self.ex.targets):
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
        if not self.runs.current(message):
            return
        self.checks_finished += 1
        self.log_view.error(f"the check itself failed: {message.error}")
        self.set_status("the check failed (see the log: 5)")

    def _finished(self, result: ExerciseResult) -> None:
        self.checks_finished += 1
        app = pinlab(self)
        if result.build is not None and not result.build.ok:
            self._show_build_failure(result)
            return
        self.result = result
        self.checklist.set_verdicts(result.verdicts)
        self._note_verdicts()
        if result.error:
            self.log_view.error(result.error)
            for line in result.details.strip().splitlines()[:30]:
                self.log_view.note("  " + line)
        for v in result.verdicts:  # why the exercise's own tests failed, as go test says it
            if v.kind == GO_TEST and not v.met and v.detail:
                self.log_view.error(f"{v.label}:")
                for line in v.detail.splitlines():
                    self.log_view.note("  " + line)
        for d in result.vet:  # warnings: they do not fail a target
            self.log_view.note(f"go vet: {d}")
        self.checklist.set_note(f"checked in {result.seconds:.1f} s")
        self.update_figures()
        newly_solved = app.workspace.record(self.ex, result.passed, result.verdicts)
        self.show_history()
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

    def show_history(self) -> None:
        """The last checks of this exercise in the workspace, under the targets."""
        lines = [
            TargetLine(t.id, t.label, not_measured(t, "").limit_text(), kind(t.kind).passfail)
            for t in self.ex.targets
        ]
        self.query_one(CheckHistory).show(lines, pinlab(self).workspace.history(self.ex))

    def _show_build_failure(self, result: ExerciseResult) -> None:
        """The previous results stay on screen until a build succeeds."""
        self.log_view.error(result.error or "does not build")
        if self.result is None:
            self.checklist.set_verdicts(result.verdicts)
            self.checklist.set_note("does not build")
        else:
            self.checklist.set_verdicts(self.result.verdicts)
            self.checklist.set_note("does not build: previous results shown", stale=True)
        self.set_status("does not build: fix the error in the log (5) and save again")

    def _note_verdicts(self) -> None:
        self.verdict_updates += 1
        self.last_verdict_at = time.monotonic()
        self.update_figures()

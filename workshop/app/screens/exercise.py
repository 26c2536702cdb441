"""One exercise: its text, the target checklist, the build/run log and the
live panels; every save in the exercise folder rebuilds and reruns it.

The screen is built in three layers: exercise_layout (what is on screen at
each size, the page keys), exercise_check (the check lifecycle) and, here,
rustlings' keys and their dialogs."""

from __future__ import annotations

from typing import Any

from rich.markup import escape
from textual.binding import Binding
from textual.widgets import Static

from workshop.app.screens._app import pinlab
from workshop.app.screens.exercise_check import ExerciseChecks
from workshop.app.screens.exercise_layout import PAGE_BINDINGS
from workshop.engine import costcard
from workshop.engine.catalog import Exercise
from workshop.engine.workspace import SOLVED


class ExerciseScreen(ExerciseChecks):
    BINDINGS = [
        Binding("n", "next", "next"),
        Binding("h", "hint", "hint"),
        Binding("l,escape", "list", "list"),
        Binding("c", "check_all", "check all"),
        Binding("x", "reset", "reset"),
        Binding("r", "rerun", "rerun"),
        Binding("s", "solution", "solution"),
        Binding("m", "compare", "compare"),
        *PAGE_BINDINGS,
    ]

    def __init__(self, ex: Exercise) -> None:
        super().__init__(ex)
        self._hint = 0

    def on_mount(self) -> None:
        self.sub_title = f"{self.ex.id} · {self.ex.title}"
        self.mount_layout()
        pinlab(self).apply_projection(self)
        self.mount_checks()

    def on_screen_resume(self) -> None:
        pinlab(self).apply_projection(self)
        self.arrange_pages(self.app.size)
        self.update_figures()
        self.resume_checks()

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
        """The next hint on a line of its own under the status (never over the
        panels); `h` after the last one puts it away, and the next starts over."""
        hints = self.ex.hints
        line = self.query_one("#hint-line", Static)
        if not hints:
            self.notify("This exercise has no hints.", title="hint")
            return
        i = self._hint % (len(hints) + 1)
        self._hint += 1
        if i == len(hints):
            line.update("")
            line.set_class(False, "-shown")
            return
        hint = costcard.quote(hints[i], pinlab(self).cost_card, markdown=False)
        more = "h: next hint" if i + 1 < len(hints) else "h: put the hints away"
        line.update(f"[b]hint {i + 1}/{len(hints)}[/b]  {escape(hint)}  [dim]({more})[/dim]")
        line.set_class(True, "-shown")
        self.log_view.note(f"hint {i + 1}/{len(hints)}: {hint}")

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

        # code still the starter's: the starter beside itself would show nothing
        unchanged = not pinlab(self).workspace.is_modified(self.ex)
        self.app.push_screen(CompareScreen(self.ex, "solution" if unchanged else "starter"))

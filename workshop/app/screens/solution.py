"""The reference solution's editable files, highlighted."""

from __future__ import annotations

from rich.syntax import Syntax
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from workshop.engine.catalog import Exercise


class SolutionScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,s,q", "dismiss", "close")]

    def __init__(self, ex: Exercise, passed: bool) -> None:
        super().__init__()
        self.ex = ex
        self.passed = passed

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            head = (
                "You passed: here is the reference solution."
                if self.passed
                else ("The reference solution (you asked before passing).")
            )
            yield Label(f"{self.ex.id} · {head}  (Esc closes)", id="question")
            for name in self.ex.editable:
                code = self.ex.solution_file(name).read_text()
                yield Label(name, classes="file-name")
                yield Static(Syntax(code, "go", line_numbers=True, theme="ansi_dark"))

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)

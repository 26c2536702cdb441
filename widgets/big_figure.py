"""One key figure in large digits with its caption, for the projection layout."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Digits, Label


class BigFigure(Vertical):
    DEFAULT_CSS = """
    BigFigure { height: auto; width: 1fr; }
    BigFigure > Digits { width: auto; }
    """

    def __init__(self, caption: str, value: str = "—", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._caption = caption
        self._value = value

    def compose(self) -> ComposeResult:
        yield Label(self._caption, classes="big-figure--caption")
        yield Digits(self._value)

    @property
    def value(self) -> str:
        return self._value

    def show(self, value: str, state: str | None = None, caption: str | None = None) -> None:
        """`state` 'good' or 'bad' colours the digits (through CSS classes);
        `caption` changes with the unit a value is best read in (µs, ms)."""
        if value != self._value:
            self._value = value
            self.query_one(Digits).update(value)
        if caption is not None and caption != self._caption:
            self._caption = caption
            self.query_one(Label).update(caption)
        self.set_class(state == "good", "-good")
        self.set_class(state == "bad", "-bad")

"""The build and run log: compiler errors as file:line:col, run failures and
the engine's status lines, newest at the bottom."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import RichLog

from workshop.engine.build import BuildResult


class BuildLog(RichLog):
    COMPONENT_CLASSES = {"build-log--error", "build-log--ok", "build-log--note", "build-log--where"}
    DEFAULT_CSS = """
    BuildLog { height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, max_lines=500, wrap=True, markup=False, auto_scroll=True)

    def _style(self, key: str) -> str:
        return str(self.get_component_rich_style(f"build-log--{key}"))

    def note(self, text: str) -> None:
        self.write(Text(text, style=self.get_component_rich_style("build-log--note")))

    def error(self, text: str) -> None:
        self.write(Text(text, style=self.get_component_rich_style("build-log--error")))

    def ok(self, text: str) -> None:
        self.write(Text(text, style=self.get_component_rich_style("build-log--ok")))

    def show_build(self, label: str, result: BuildResult) -> None:
        if result.ok:
            self.ok(f"built {label} in {result.seconds:.2f} s")
            return
        self.error(f"{label}: {result.error or 'build failed'}")
        where = self.get_component_rich_style("build-log--where")
        for d in result.diagnostics:
            line = Text()
            line.append(f"{d.file}:{d.line}:{d.col}", style=where)
            line.append(f": {d.message}")
            self.write(line)
        if not result.diagnostics and result.log.strip():
            for raw in result.log.strip().splitlines()[-20:]:
                self.write(Text(raw))

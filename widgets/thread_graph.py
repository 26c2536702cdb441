"""OS threads over time, with the idle baseline and the target's limit drawn."""

from __future__ import annotations

from collections import deque

from rich.console import RenderableType
from rich.text import Text

from widgets.throttled import ThrottledWidget
from widgets.units import Runs

BLOCKS = " ▁▂▃▄▅▆▇█"
AXIS = 4  # columns for the y labels


class ThreadGraph(ThrottledWidget):
    """A bar per sample (newest right). Samples go into a bounded deque; the
    widget redraws at most redraw_hz times a second, whatever the rate."""

    redraw_hz = 4.0

    COMPONENT_CLASSES = {
        "thread-graph--bar",
        "thread-graph--over",
        "thread-graph--baseline",
        "thread-graph--limit",
        "thread-graph--axis",
    }
    DEFAULT_CSS = """
    ThreadGraph { height: 1fr; min-height: 6; }
    """

    def __init__(self, capacity: int = 600, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._points: deque[tuple[float, int]] = deque(maxlen=capacity)
        self.baseline: int | None = None
        self.limit: int | None = None
        self.caption = ""
        self.shared_top: int | None = None  # a y-axis shared with another graph

    def share_top(self, top: int | None) -> None:
        """Draw up to at least `top` threads, so that graphs side by side use
        one y-axis (compare mode)."""
        if top != self.shared_top:
            self.shared_top = top
            self._dirty = True

    def reset(self, caption: str = "") -> None:
        self._points.clear()
        self.baseline = None
        self.caption = caption
        self._dirty = True

    def add(self, t: float, threads: int) -> None:
        self._points.append((t, threads))
        self._dirty = True

    def set_baseline(self, threads: int | None) -> None:
        self.baseline = threads
        self._dirty = True

    def set_limit(self, threads: int | None) -> None:
        """The most threads the target allows (baseline + allowance)."""
        self.limit = threads
        self._dirty = True

    @property
    def latest(self) -> int | None:
        return self._points[-1][1] if self._points else None

    @property
    def peak(self) -> int | None:
        return max(p[1] for p in self._points) if self._points else None

    def render(self) -> RenderableType:
        width, height = self.size.width, self.size.height
        if width < AXIS + 4 or height < 3:
            return Text(f"threads {self.latest if self.latest is not None else '—'}")
        rows = height - 1
        plot_w = width - AXIS - 1
        values = [v for _, v in list(self._points)[-plot_w:]]
        if not values:
            return Text("waiting for the program to start…", style="italic")
        top = max([*values, self.baseline or 0, self.limit or 0, self.shared_top or 0]) + 1
        styles = {
            k: self.get_component_rich_style(f"thread-graph--{k}")
            for k in ("bar", "over", "baseline", "limit", "axis")
        }
        line_rows = {}
        for key, level in (("baseline", self.baseline), ("limit", self.limit)):
            if level is not None:
                line_rows[min(rows - 1, int(level / top * rows))] = key
        runs = Runs()
        for r in range(rows):
            from_bottom = rows - 1 - r
            label = ""
            if r == 0:
                label = str(top)
            if from_bottom in line_rows:
                key = line_rows[from_bottom]
                label = str(self.baseline if key == "baseline" else self.limit)
            runs.add(label.rjust(AXIS - 1) + " │", style=styles["axis"])
            line_key = line_rows.get(from_bottom)
            for v in values:
                fill = round(v / top * rows * 8) - from_bottom * 8
                if fill > 0:
                    over = self.limit is not None and v > self.limit
                    runs.add(BLOCKS[min(8, fill)], style=styles["over" if over else "bar"])
                elif line_key is not None:
                    runs.add("─" if line_key == "limit" else "┄", style=styles[line_key])
                else:
                    runs.add(" ")
            if line_key is not None:  # the line runs across the whole plot
                glyph = "─" if line_key == "limit" else "┄"
                runs.add(glyph * (plot_w - len(values)), style=styles[line_key])
            runs.add("\n")
        out = runs.done()
        legend = Text(no_wrap=True, overflow="ellipsis")
        legend.append(f"{'':>{AXIS}}now {values[-1]}", style=styles["bar"])
        legend.append(f"  peak {max(values)}")
        if self.baseline is not None:
            legend.append(f"  ┄ idle {self.baseline}", style=styles["baseline"])
        if self.limit is not None:
            legend.append(f"  ─ limit {self.limit}", style=styles["limit"])
        legend.append("  │ 0.1 s", style=styles["axis"])
        if self.caption:
            legend.append(f"  {self.caption}", style=styles["axis"])
        out.append_text(legend)
        return out

"""OS threads over time, with the idle baseline and the target's limit drawn."""

from __future__ import annotations

from collections import deque

from rich.style import Style
from textual.strip import Strip

from widgets.throttled import ThrottledLines
from widgets.units import Rows

BLOCKS = " ▁▂▃▄▅▆▇█"
AXIS = 4  # columns for the y labels

Piece = tuple[str, Style | None]  # words of the legend and their style


class ThreadGraph(ThrottledLines):
    """A bar per sample (newest right). Samples go into a bounded deque; the
    widget redraws at most redraw_hz times a second, whatever the rate."""

    redraw_hz = 2.0

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

    def set_caption(self, caption: str) -> None:
        self.caption = caption
        self._dirty = True

    def set_baseline(self, threads: int | None) -> None:
        self.baseline = threads
        self._dirty = True

    def set_limit(self, threads: int | None) -> None:
        """The most threads the target allows (baseline + allowance)."""
        self.limit = threads
        self._dirty = True

    def _recent(self, width: int) -> list[int]:
        """The counts a plot `width` columns wide (axis included) shows."""
        plot_w = max(0, width - AXIS - 1)
        return [v for _, v in list(self._points)[-plot_w:]]

    def drawn(self) -> object:
        """A run of equal counts scrolls into the same picture: no redraw."""
        recent = tuple(self._recent(self.size.width))
        return (recent, self.peak, self.baseline, self.limit, self.caption, self.shared_top)

    @property
    def latest(self) -> int | None:
        return self._points[-1][1] if self._points else None

    @property
    def peak(self) -> int | None:
        return max(p[1] for p in self._points) if self._points else None

    def _legend(self, width: int, styles: dict[str, Style]) -> list[list[Piece]]:
        """now and peak, then idle, limit and the time scale: one line, or
        two where one is too narrow."""
        now, peak = self.latest, self.peak
        pieces: list[Piece] = [
            (f"now {'—' if now is None else now}", styles["bar"]),
            (f"peak {'—' if peak is None else peak}", None),
        ]
        more: list[Piece] = []
        if self.baseline is not None:
            more.append((f"┄ idle {self.baseline}", styles["baseline"]))
        if self.limit is not None:
            more.append((f"─ limit {self.limit}", styles["limit"]))
        more.append(("│ 0.1 s", styles["axis"]))
        if self.caption:
            more.append((self.caption, styles["axis"]))
        one = AXIS + sum(len(words) + 2 for words, _ in pieces + more) - 2
        return [pieces + more] if one <= width else [pieces, more]

    def draw(self, width: int, height: int) -> list[Strip]:
        rows = Rows(self.rich_style)
        if width < AXIS + 4 or height < 3:
            rows.add(f"threads {self.latest if self.latest is not None else '—'}")
            return rows.strips(width)
        plot_w = width - AXIS - 1
        values = self._recent(width)
        if not values:
            rows.add("waiting for the program to start…", self.rich_style + Style(italic=True))
            return rows.strips(width)
        styles = {
            k: self.get_component_rich_style(f"thread-graph--{k}")
            for k in ("bar", "over", "baseline", "limit", "axis")
        }
        legend = self._legend(width, styles)
        plot_h = height - len(legend)
        top = max([*values, self.baseline or 0, self.limit or 0, self.shared_top or 0]) + 1
        line_rows = {}
        for key, level in (("baseline", self.baseline), ("limit", self.limit)):
            if level is not None:
                line_rows[min(plot_h - 1, int(level / top * plot_h))] = key
        for r in range(plot_h):
            from_bottom = plot_h - 1 - r
            label = ""
            if r == 0:
                label = str(top)
            if from_bottom in line_rows:
                key = line_rows[from_bottom]
                label = str(self.baseline if key == "baseline" else self.limit)
            rows.add(label.rjust(AXIS - 1) + " │", styles["axis"])
            line_key = line_rows.get(from_bottom)
            for v in values:
                fill = round(v / top * plot_h * 8) - from_bottom * 8
                if fill > 0:
                    over = self.limit is not None and v > self.limit
                    rows.add(BLOCKS[min(8, fill)], styles["over" if over else "bar"])
                elif line_key is not None:
                    rows.add("─" if line_key == "limit" else "┄", styles[line_key])
                else:
                    rows.add(" ")
            if line_key is not None:  # the line runs across the whole plot
                glyph = "─" if line_key == "limit" else "┄"
                rows.add(glyph * (plot_w - len(values)), styles[line_key])
            rows.end_line()
        for line in legend:
            rows.add(" " * AXIS)
            for i, (words, style) in enumerate(line):
                rows.add(("  " if i else "") + words, style)
            rows.end_line()
        return rows.strips(width)

"""Latency of the calls: a histogram of the last interval against the whole
run (log-spaced buckets, log counts), p50/p99/p99.9, throughput, and the
ratio against the starter where a target uses one."""

from __future__ import annotations

import math
from collections import deque

from rich.console import RenderableType
from rich.text import Text

from probes.latency import BIN_EDGES_NS, LatencySample
from widgets.throttled import ThrottledWidget
from widgets.units import Runs, duration_ns, rate, ratio

BLOCKS = " ▁▂▃▄▅▆▇█"


def _decade_label(ns: float) -> str:
    for scale, unit in ((1e9, "s"), (1e6, "m"), (1e3, "µ")):
        if ns >= scale:
            return f"{ns / scale:.0f}{unit}"
    return f"{ns:.0f}n"


class LatencyPanel(ThrottledWidget):
    COMPONENT_CLASSES = {
        "latency-panel--interval",
        "latency-panel--total",
        "latency-panel--axis",
        "latency-panel--figure",
        "latency-panel--good",
        "latency-panel--bad",
        "latency-panel--unsure",
    }
    DEFAULT_CSS = """
    LatencyPanel { height: 1fr; min-height: 8; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.latest: LatencySample | None = None
        self._throughput: deque[float] = deque(maxlen=60)
        self.ratio: float | None = None  # yours / starter throughput, last pair of runs
        self.ratio_limit: float | None = None
        self.ratio_note = ""
        self.ratio_state: str | None = None

    def reset(self) -> None:
        self.latest = None
        self._throughput.clear()
        self._dirty = True

    def add(self, figures: LatencySample) -> None:
        self.latest = figures
        if figures.calls_per_second is not None:
            self._throughput.append(figures.calls_per_second)
        self._dirty = True

    def set_ratio(
        self, value: float | None, limit: float | None, note: str = "", state: str | None = None
    ) -> None:
        """`state` is the verdict's colour: 'good', 'bad' or 'unsure'; None draws it plain."""
        self.ratio, self.ratio_limit, self.ratio_note = value, limit, note
        self.ratio_state = state
        self._dirty = True

    def _histogram(self, f: LatencySample, rows: int) -> Text:
        st_i = self.get_component_rich_style("latency-panel--interval")
        st_t = self.get_component_rich_style("latency-panel--total")
        axis = self.get_component_rich_style("latency-panel--axis")

        def heights(bins: tuple[int, ...]) -> list[int]:
            top = math.log10(max(bins, default=0) + 1)
            return [round(math.log10(c + 1) / top * rows * 8) if top else 0 for c in bins]

        hi, ht = heights(f.interval_bins), heights(f.total_bins)
        runs = Runs()
        for r in range(rows):
            level = (rows - 1 - r) * 8
            for a, b in zip(hi, ht, strict=True):
                for filled, style in ((a - level, st_i), (b - level, st_t)):
                    if filled > 0:
                        runs.add(BLOCKS[min(8, filled)], style=style)
                    else:
                        runs.add(" ")
                runs.add(" ")
            runs.add("\n")
        out = runs.done()
        labels = ""
        for i, edge in enumerate(BIN_EDGES_NS[:-1]):
            if i % 2 == 0:
                labels += _decade_label(edge).ljust(6)
        out.append(labels.rstrip() + "\n", style=axis)
        out.append("▌", style=st_i)
        out.append("last interval  ", style=axis)
        out.append("▌", style=st_t)
        out.append("whole run (log counts)", style=axis)
        return out

    def _figures(self, f: LatencySample | None) -> list[Text]:
        """The figures as lines: name, last interval, whole run (and the
        ratio against the starter, with its note on a line of its own).
        Laid out by hand: a Rich table measures every cell on every redraw."""
        fig = self.get_component_rich_style("latency-panel--figure")
        axis = self.get_component_rich_style("latency-panel--axis")
        rows: list[tuple[str, Text, Text]] = [("", Text("last", style=fig), Text("whole run"))]
        for name, attr in (("p50", "p50"), ("p99", "p99"), ("p99.9", "p999"), ("max", "max")):
            a = getattr(f.interval, attr) if f and f.interval.count else None
            b = getattr(f.since_start, attr) if f and f.since_start.count else None
            rows.append((name, Text(duration_ns(a), style=fig), Text(duration_ns(b))))
        rows.append(
            (
                "calls/s",
                Text(rate(f.calls_per_second if f else None), style=fig),
                Text(rate(f.run_calls_per_second if f else None)),
            )
        )
        if self.ratio is not None or self.ratio_limit is not None:
            state = self.ratio_state
            style = self.get_component_rich_style(f"latency-panel--{state}") if state else fig
            limit = f"≥ {self.ratio_limit:g}x" if self.ratio_limit is not None else ""
            rows.append(("vs starter", Text(ratio(self.ratio), style=style), Text(limit)))
        w_name = max(len(name) for name, _, _ in rows)
        w_last = max(last.cell_len for _, last, _ in rows)
        w_whole = max(whole.cell_len for _, _, whole in rows)
        lines = []
        for name, last, whole in rows:
            line = Text(name.ljust(w_name + 1), style=axis, no_wrap=True, overflow="crop")
            line.append(" " * (w_last - last.cell_len))
            line.append_text(last)
            line.append(" " * (1 + w_whole - whole.cell_len))
            line.append_text(whole)
            lines.append(line)
        if self.ratio_note and (self.ratio is not None or self.ratio_limit is not None):
            lines.append(Text(" " * (w_name + 1) + self.ratio_note, style=axis, no_wrap=True))
        return lines

    def render(self) -> RenderableType:
        f = self.latest
        figures = self._figures(f)
        if f is None:
            axis = self.get_component_rich_style("latency-panel--axis")
            waiting = "no calls measured yet: latency appears once the load phase starts"
            return Text("\n").join([Text(waiting, style=axis), *figures])
        hist_width = 3 * len(f.interval_bins)
        side_by_side = self.size.width >= hist_width + 34
        rows = max(2, self.size.height - 3) if side_by_side else max(2, self.size.height - 12)
        hist = self._histogram(f, rows).split("\n")
        if not side_by_side:
            return Text("\n").join([*figures, *hist])
        lines = []
        for i in range(max(len(hist), len(figures))):
            line = hist[i].copy() if i < len(hist) else Text()
            if i < len(figures):
                line.pad_right(hist_width + 2 - line.cell_len)
                line.append_text(figures[i])
            lines.append(line)
        return Text("\n").join(lines)

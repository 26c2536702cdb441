"""Latency of the calls: a histogram of the last interval against the whole
run (log-spaced buckets, log counts), p50/p99/p99.9, throughput, and the
ratio against the starter where a target uses one."""

from __future__ import annotations

import math
from collections import deque

from rich.style import Style
from textual.strip import Strip

from probes.latency import BIN_EDGES_NS, LatencySample
from widgets.throttled import ThrottledLines
from widgets.units import Rows, duration_ns, rate, ratio

BLOCKS = " ▁▂▃▄▅▆▇█"
Line = list[tuple[str, Style | None]]  # one line: (characters, style) pieces


def _decade_label(ns: float) -> str:
    for scale, unit in ((1e9, "s"), (1e6, "m"), (1e3, "µ")):
        if ns >= scale:
            return f"{ns / scale:.0f}{unit}"
    return f"{ns:.0f}n"


class LatencyPanel(ThrottledLines):
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

    def _histogram(self, f: LatencySample, rows: int) -> list[Line]:
        st_i = self.get_component_rich_style("latency-panel--interval")
        st_t = self.get_component_rich_style("latency-panel--total")
        axis = self.get_component_rich_style("latency-panel--axis")

        def heights(bins: tuple[int, ...]) -> list[int]:
            top = math.log10(max(bins, default=0) + 1)
            return [round(math.log10(c + 1) / top * rows * 8) if top else 0 for c in bins]

        hi, ht = heights(f.interval_bins), heights(f.total_bins)
        lines: list[Line] = []
        for r in range(rows):
            level = (rows - 1 - r) * 8
            line: Line = []
            for a, b in zip(hi, ht, strict=True):
                for filled, style in ((a - level, st_i), (b - level, st_t)):
                    line.append((BLOCKS[min(8, filled)], style) if filled > 0 else (" ", None))
                line.append((" ", None))
            lines.append(line)
        labels = ""
        for i, edge in enumerate(BIN_EDGES_NS[:-1]):
            if i % 2 == 0:
                labels += _decade_label(edge).ljust(6)
        lines.append([(labels.rstrip(), axis)])
        lines.append(
            [
                ("▌", st_i),
                ("last interval  ", axis),
                ("▌", st_t),
                ("whole run (log counts)", axis),
            ]
        )
        return lines

    def _figures(self, f: LatencySample | None) -> list[Line]:
        """The figures as lines: name, last interval, whole run (and the
        ratio against the starter, with its note on a line of its own),
        in columns laid out here."""
        fig = self.get_component_rich_style("latency-panel--figure")
        axis = self.get_component_rich_style("latency-panel--axis")
        rows: list[tuple[str, str, str, Style]] = [("", "last", "whole run", fig)]
        for name, attr in (("p50", "p50"), ("p99", "p99"), ("p99.9", "p999"), ("max", "max")):
            a = getattr(f.interval, attr) if f and f.interval.count else None
            b = getattr(f.since_start, attr) if f and f.since_start.count else None
            rows.append((name, duration_ns(a), duration_ns(b), fig))
        rows.append(
            (
                "calls/s",
                rate(f.calls_per_second if f else None),
                rate(f.run_calls_per_second if f else None),
                fig,
            )
        )
        shows_ratio = self.ratio is not None or self.ratio_limit is not None
        if shows_ratio:
            state = self.ratio_state
            style = self.get_component_rich_style(f"latency-panel--{state}") if state else fig
            limit = f"≥ {self.ratio_limit:g}x" if self.ratio_limit is not None else ""
            rows.append(("vs starter", ratio(self.ratio), limit, style))
        w_name = max(len(name) for name, _, _, _ in rows)
        w_last = max(len(last) for _, last, _, _ in rows)
        w_whole = max(len(whole) for _, _, whole, _ in rows)
        lines: list[Line] = [
            [
                (name.ljust(w_name + 1), axis),
                (last.rjust(w_last), style),
                (" " + whole.rjust(w_whole), None),
            ]
            for name, last, whole, style in rows
        ]
        if self.ratio_note and shows_ratio:
            lines.append([(" " * (w_name + 1) + self.ratio_note, axis)])
        return lines

    def draw(self, width: int, height: int) -> list[Strip]:
        f = self.latest
        figures = self._figures(f)
        out = Rows(self.rich_style)
        lines: list[Line]
        if f is None:
            waiting = "no calls measured yet: latency appears once the load phase starts"
            lines = [[(waiting, self.get_component_rich_style("latency-panel--axis"))], *figures]
        else:
            hist_width = 3 * len(f.interval_bins)
            beside = width >= hist_width + 34
            rows = max(2, height - 3) if beside else max(2, height - 12)
            hist = self._histogram(f, rows)
            if beside:
                lines = []
                for i in range(max(len(hist), len(figures))):
                    line: Line = hist[i] if i < len(hist) else []
                    used = sum(len(chars) for chars, _ in line)
                    if i < len(figures):
                        line = [*line, (" " * (hist_width + 2 - used), None), *figures[i]]
                    lines.append(line)
            else:
                lines = [*figures, *hist]
        for line in lines[:height]:
            for chars, style in line:
                out.add(chars, style)
            out.end_line()
        return out.strips(width)

"""Latency of the calls: a histogram of the last interval against the whole
run (log-spaced buckets, log counts), p50/p99/p99.9, throughput, and the
ratio against the starter where a target uses one."""

from __future__ import annotations

import math
from collections import deque

from rich.console import Group, RenderableType
from rich.table import Table
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

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
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

    def _figures(self, f: LatencySample | None) -> Table:
        fig = self.get_component_rich_style("latency-panel--figure")
        axis = self.get_component_rich_style("latency-panel--axis")
        table = Table.grid(padding=(0, 1))
        table.add_column(style=axis)
        table.add_column(justify="right", style=fig)
        table.add_column(justify="right")
        table.add_row("", "last", "whole run")
        for name, attr in (("p50", "p50"), ("p99", "p99"), ("p99.9", "p999"), ("max", "max")):
            a = getattr(f.interval, attr) if f and f.interval.count else None
            b = getattr(f.since_start, attr) if f and f.since_start.count else None
            table.add_row(name, duration_ns(a), duration_ns(b))
        table.add_row(
            "calls/s",
            rate(f.calls_per_second if f else None),
            rate(f.run_calls_per_second if f else None),
        )
        if self.ratio is not None or self.ratio_limit is not None:
            state = self.ratio_state
            style = self.get_component_rich_style(f"latency-panel--{state}") if state else fig
            limit = f"≥ {self.ratio_limit:g}x" if self.ratio_limit is not None else ""
            table.add_row("vs starter", Text(ratio(self.ratio), style=style), limit)
            if self.ratio_note:
                table.add_row("", Text(self.ratio_note, style=axis), "")
        return table

    def render(self) -> RenderableType:
        f = self.latest
        if f is None:
            return Group(
                Text(
                    "no calls measured yet: latency appears once the load phase starts",
                    style=self.get_component_rich_style("latency-panel--axis"),
                ),
                self._figures(None),
            )
        hist_width = 3 * len(f.interval_bins)
        side_by_side = self.size.width >= hist_width + 34
        rows = max(2, self.size.height - 3) if side_by_side else max(2, self.size.height - 12)
        hist = self._histogram(f, rows)
        if side_by_side:
            grid = Table.grid(padding=(0, 2))
            grid.add_column(min_width=hist_width, no_wrap=True)
            grid.add_column()
            grid.add_row(hist, self._figures(f))
            return grid
        return Group(self._figures(f), hist)

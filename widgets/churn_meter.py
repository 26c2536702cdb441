"""Thread creations and exits beside the thread graph: exact when the run is
in a PID namespace (every PID the kernel hands out there is counted),
otherwise a lower bound from sampling, labelled so; and the threads C code
started (the kernel's count less the Go runtime's)."""

from __future__ import annotations

from collections import deque

from rich.console import RenderableType
from rich.text import Text

from probes.churn import Churn
from widgets.throttled import ThrottledWidget
from widgets.units import rate

SPARK = "▁▂▃▄▅▆▇█"


class ChurnMeter(ThrottledWidget):
    COMPONENT_CLASSES = {"churn-meter--value", "churn-meter--note", "churn-meter--spark"}
    DEFAULT_CSS = """
    ChurnMeter { width: 24; height: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rates: deque[float] = deque(maxlen=40)
        self.churn: Churn | None = None
        self.c_threads: int | None = None  # threads the Go runtime does not own

    def reset(self) -> None:
        self._rates.clear()
        self.churn = None
        self.c_threads = None
        self._dirty = True

    def add(self, churn: Churn, c_threads: int | None = None) -> None:
        self.churn = churn
        self.c_threads = c_threads
        if churn.per_second is not None:
            self._rates.append(max(0.0, churn.per_second))
        self._dirty = True

    def _recent(self, width: int) -> list[float]:
        """The rates a sparkline `width` columns wide shows (one at least)."""
        return list(self._rates)[-max(1, width) :]

    def drawn(self) -> object:
        return (self.churn, self.c_threads, tuple(self._recent(self.size.width)))

    def shape(self) -> object:
        """Stacked under the graph its height is `auto`: what its lines depend on."""
        c = self.churn
        if c is None or c.created_total is None:
            return ()
        spark = any(r > 0 for r in self._recent(self.size.width))
        return (c.exited_total is not None, self.c_threads is not None, spark, c.exact)

    def render(self) -> RenderableType:
        value = self.get_component_rich_style("churn-meter--value")
        note = self.get_component_rich_style("churn-meter--note")
        out = Text()
        c = self.churn
        if c is None or c.created_total is None:
            out.append("churn\n", style=note)
            out.append("waiting for the first sample", style=note)
            return out
        bound = "" if c.exact else "≥ "
        out.append("created ", style=note)
        out.append(f"{bound}{c.created_total}\n", style=value)
        out.append("per s   ", style=note)
        out.append(f"{bound}{rate(c.per_second)}\n", style=value)
        if c.exited_total is not None:
            out.append("exited  ", style=note)
            out.append(f"{bound}{c.exited_total}\n", style=value)
        if self.c_threads is not None:
            out.append("C's     ", style=note)
            out.append(f"{self.c_threads}\n", style=value)
        recent = self._recent(self.size.width)
        top = max(recent, default=0.0)
        if top > 0:
            spark = "".join(SPARK[min(7, int(r / top * 7.999))] for r in recent)
            out.append(spark + "\n", style=self.get_component_rich_style("churn-meter--spark"))
        out.append(
            "exact: PIDs counted" if c.exact else "at least: sampled",
            style=note,
        )
        if self.c_threads is not None:
            out.append("\nC's = started by C", style=note)
        return out

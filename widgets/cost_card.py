"""The cost card as a picture a learner reads at a glance: one log-scale bar
per timed entry (1 ns to 100 µs), the thread counts as numbers, and the
machine the figures belong to."""

from __future__ import annotations

import math
import time

from rich.console import RenderableType
from rich.text import Text
from textual.widget import Widget

from workshop.engine.costcard import COSTS, Card, fmt_cost, spread_notes

LOW, HIGH = 1e-9, 1e-4  # the bars' scale, seconds: 1 ns ... 100 µs
LABEL = 48


class CostCardView(Widget):
    COMPONENT_CLASSES = {
        "cost-card--bar",
        "cost-card--locked",
        "cost-card--axis",
        "cost-card--value",
        "cost-card--note",
    }
    DEFAULT_CSS = """
    CostCardView { height: auto; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.card: Card | None = None
        self.note = ""

    def show(self, card: Card | None, note: str = "") -> None:
        self.card, self.note = card, note
        self.refresh(layout=True)

    def render(self) -> RenderableType:
        style = {
            k: self.get_component_rich_style(f"cost-card--{k}")
            for k in ("bar", "locked", "axis", "value", "note")
        }
        out = Text()
        if self.note:
            out.append(self.note + "\n\n", style=style["note"])
        card = self.card
        if card is None:
            out.append("No card for this machine yet: press c to measure it (about 20 s).")
            return out
        m = card.machine
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(card.measured_at))
        out.append(
            f"{m.cpu} · {m.cores} cores · Linux {m.kernel} · {m.go} · {when}\n\n",
            style=style["note"],
        )
        width = max(10, self.size.width - LABEL - 18)
        span = math.log10(HIGH / LOW)
        axis = " " * LABEL + "1 ns" + " " * max(1, width - 10) + "100 µs"
        out.append("time per operation (log scale)\n" + axis + "\n", style=style["axis"])
        for c in COSTS:
            e = card.entries.get(c.key)
            if c.unit != "s":
                continue
            out.append(f"{c.label:<{LABEL}}")
            if e is None:
                out.append("not measured\n", style=style["note"])
                continue
            cells = (math.log10(max(e.median, LOW) / LOW) / span) * width
            whole = int(min(width, cells))
            bar = "█" * whole + ("▌" if cells - whole >= 0.5 and whole < width else "")
            bar = bar or "▏"  # the cheapest still shows
            hot = "locked" in c.key or "exit" in c.key
            out.append(bar.ljust(width + 1), style=style["locked" if hot else "bar"])
            out.append(f"{fmt_cost(e.median, c.unit):>8}", style=style["value"])
            if e.spread is not None:
                mark = " *" if e.noisy else ""
                out.append(f" ±{100 * e.spread:.0f}%{mark}", style=style["note"])
            out.append("\n")
        out.append("\nthreads\n", style=style["axis"])
        for c in COSTS:
            e = card.entries.get(c.key)
            if c.unit == "threads" and e is not None:
                out.append(f"{c.label:<{LABEL}}")
                out.append(fmt_cost(e.median, c.unit) + "\n", style=style["value"])
        out.append(
            f"\nmedian of the runs, ± half the 95% interval · measured in {card.seconds:.0f} s "
            "· c measures again",
            style=style["note"],
        )
        notes = spread_notes(card)
        if notes:
            out.append("\n\n" + "\n".join(notes), style=style["note"])
        return out

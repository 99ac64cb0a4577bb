"""A small bar chart of one number per day (focus minutes or micro-goals done), drawn with text.

Hand-drawn with eighth blocks rather than Textual's Sparkline so each day gets its own
labelled column and the reviewed day (or week) can be picked out in another colour.
"""

from __future__ import annotations

from dataclasses import dataclass

from pendulum import Date
from textual.content import Content
from textual.widgets import Static

from tui_microgoals.core.history import DayTotals

BARS = " ▁▂▃▄▅▆▇█"
ROWS = 4
COLUMN = 3  # two cells of bar and a gap


@dataclass(frozen=True)
class ChartView:
    days: list[DayTotals]
    #: The days drawn in the accent colour: the reviewed day, or the week.
    marked: frozenset[Date]


def _value(day: DayTotals, metric: str) -> float:
    return day.focus_minutes if metric == "focus" else float(day.done)


def render_chart(view: ChartView, metric: str) -> Content:
    values = [_value(day, metric) for day in view.days]
    top = max(values, default=0) or 1
    unit = "min" if metric == "focus" else "done"
    name = "Focus minutes" if metric == "focus" else "Micro-goals done"
    title = Content.assemble(
        (name, "bold"),
        (f"  last {len(values)} days, most {max(values, default=0):g} {unit}", "dim"),
    )
    lines = [title]
    eighths = [max(1, round(v / top * ROWS * 8)) if v > 0 else 0 for v in values]
    for row in range(ROWS):
        floor = (ROWS - 1 - row) * 8
        parts: list[tuple[str, str] | str] = []
        for day, level in zip(view.days, eighths, strict=True):
            cell = BARS[max(0, min(8, level - floor))] * (COLUMN - 1) + " "
            parts.append((cell, "$accent" if day.date in view.marked else "$primary 70%"))
        lines.append(Content.assemble(*parts))
    labels = [
        (f"{day.date.day:>2} ", "bold $accent" if day.date in view.marked else "dim")
        for day in view.days
    ]
    lines.append(Content.assemble(*labels))
    weekdays = [(f"{day.date.format('dd')[:2]:<2} ", "dim") for day in view.days]
    lines.append(Content.assemble(*weekdays))
    return Content("\n").join(lines)


class HistoryChart(Static):
    DEFAULT_CSS = """
    HistoryChart {
        width: auto;
        height: auto;
        margin-right: 4;
    }
    """

    def __init__(self, metric: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.metric = metric

    def show(self, view: ChartView) -> None:
        self.update(render_chart(view, self.metric))

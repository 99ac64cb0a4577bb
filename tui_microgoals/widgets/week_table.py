"""The week view's table: one row per day with its totals, and a sum row."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from tui_microgoals.core.history import DayTotals

COLUMNS = ("Day", "Focus", "Done", "Blocks", "Interr.", "Planned done")


def totals_row(
    day: DayTotals, planned: tuple[int, int], label: str, style: str = ""
) -> tuple[Text, ...]:
    numbers = (
        f"{day.focus_minutes:g} min",
        str(day.done),
        str(day.blocks),
        str(day.interruptions),
        f"{planned[0]}/{planned[1]}",
    )
    return (Text(label, style=style), *(Text(n, style=style, justify="right") for n in numbers))


class WeekTable(DataTable):
    #: Not a focus stop: the review scrolls as a whole (Home/End/PageUp/PageDown, j/k).
    can_focus = False
    DEFAULT_CSS = """
    WeekTable {
        height: auto;
    }
    """

    def on_mount(self) -> None:
        self.show_cursor = False
        self.add_columns(*COLUMNS)

    def show(self, days: list[DayTotals], planned: list[tuple[int, int]], total: DayTotals) -> None:
        """``planned``: (done, planned) of each day's list, carried items included."""
        self.clear()
        for day, counts in zip(days, planned, strict=True):
            label = day.date.format("ddd MMM D")
            self.add_row(*totals_row(day, counts, label), key=day.date.isoformat())
        week = (sum(p[0] for p in planned), sum(p[1] for p in planned))
        self.add_row(*totals_row(total, week, "Week", "bold"), key="total")

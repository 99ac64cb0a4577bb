"""The retro's table: one row per day of the week with its figures, and a sum row."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from tui_microgoals.core.retro import Retro

COLUMNS = ("Day", "Focus", "Done", "Blocks", "Interr.", "Planned done")


def figures_row(
    label: str,
    focus_minutes: float,
    micro_done: int,
    blocks: int,
    interruptions: int,
    planned: tuple[int, int],
    style: str = "",
) -> tuple[Text, ...]:
    numbers = (
        f"{focus_minutes:g} min",
        str(micro_done),
        str(blocks),
        str(interruptions),
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

    def show(self, retro: Retro) -> None:
        """Done: micro-goals done that day; planned done: of the day's list (carried items
        and due habits included), the ones done that day."""
        self.clear()
        for day in retro.days:
            row = figures_row(
                day.date.format("ddd MMM D"),
                day.focus_minutes,
                day.micro_done,
                day.blocks,
                day.interruptions,
                (day.done, day.planned),
            )
            self.add_row(*row, key=day.date.isoformat())
        total = figures_row(
            "Week",
            retro.focus_minutes,
            retro.micro_done,
            retro.blocks,
            retro.interruptions,
            (retro.done, retro.planned),
            "bold",
        )
        self.add_row(*total, key="total")

"""The blocks of one day as a table: start, focus minutes, outcome, goal, interruptions,
reflection; under each block, a line per interruption with its time and note.
Cells are ``Text``, so a title or a note can never be read as markup."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import DataTable

from tui_microgoals.core.models import Block, Interruption

COLUMNS = ("Start", "Focus", "Outcome", "Micro-goal", "Interr.", "Reflection")
OUTCOME_STYLE = {"done": "green", "partial": "yellow", "abandoned": "red", "running": "bold cyan"}


@dataclass(frozen=True)
class BlocksView:
    blocks: list[Block]
    focus_seconds: dict[int, float]
    titles: dict[int, str]
    tz: str


def block_row(block: Block, view: BlocksView) -> tuple[Text, ...]:
    outcome = block.outcome or "running"
    minutes = round(view.focus_seconds.get(block.id, 0) / 60)
    count = len(block.interruptions)
    return (
        Text(block.started_at.in_timezone(view.tz).format("HH:mm")),
        Text(f"{minutes} min", justify="right"),
        Text(outcome, style=OUTCOME_STYLE.get(outcome, "")),
        Text(view.titles.get(block.goal, f"goal {block.goal}")),
        Text(str(count) if count else "·", style="yellow" if count else "dim", justify="center"),
        Text(block.reflection, style="italic"),
    )


def interruption_row(interruption: Interruption, tz: str) -> tuple[Text, ...]:
    """An indented line under its block: when, and the note (or that there was none)."""
    when = interruption.at.in_timezone(tz).format("HH:mm")
    note = Text(f"  ↳ {interruption.note}" if interruption.note else "  ↳ interrupted, no note")
    note.stylize("yellow" if interruption.note else "dim", 0, 4)
    note.stylize("" if interruption.note else "dim", 4)
    return (Text(f"  {when}", style="dim"), Text(""), Text(""), note, Text(""), Text(""))


class BlocksTable(DataTable):
    """A plain table, not a focus stop: the review scrolls as a whole, so the table grows to
    its full height rather than scrolling inside itself."""

    can_focus = False
    DEFAULT_CSS = """
    BlocksTable {
        height: auto;
    }
    """

    def on_mount(self) -> None:
        self.show_cursor = False
        self.add_columns(*COLUMNS)

    def show(self, view: BlocksView) -> None:
        self.clear()
        for block in view.blocks:
            self.add_row(*block_row(block, view), key=str(block.id))
            for n, interruption in enumerate(block.interruptions):
                row = interruption_row(interruption, view.tz)
                self.add_row(*row, key=f"{block.id}.{n}")

"""The blocks of one day as a table: start, focus minutes, outcome, goal, interruptions,
reflection. Cells are ``Text``, so a title can never be read as markup."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import DataTable

from tui_microgoals.core.models import Block

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


class BlocksTable(DataTable):
    DEFAULT_CSS = """
    BlocksTable {
        height: auto;
        max-height: 10;
    }
    """

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_columns(*COLUMNS)

    def show(self, view: BlocksView) -> None:
        self.clear()
        for block in view.blocks:
            self.add_row(*block_row(block, view), key=str(block.id))

"""Every key, from the same command table the bindings and the palette come from."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui_microgoals.commands import FOCUS_COMMANDS, MAIN_COMMANDS, REVIEW_COMMANDS, Command
from tui_microgoals.screens.answer_once import AnswerOnce

INTRO = (
    "Break a big goal into micro-goals of 15-20 minutes. Put a few on today's list, "
    "start a block on one, and finish it. One block at a time."
)

LEGEND = (
    "★ the One Thing   ▶ block running   ○ open   ✔ done   ✗ dropped   ◆ has micro-goals\n"
    "↪2d carried 2 days   ⊘ blocked (waits for another goal)   ⚠ too big for one block\n"
    "↻ habit   • today on today's list   3/7 ███░░ micro-goals done   45/120m minutes done\n"
    "▲ at risk / ✗ overdue: its deadline's forecast   #12 the goal's id (for After, Parent)\n"
    "Where a pane is narrow, titles are cut (…) and markers shrink: the id, the due date\n"
    "and the figures always show. The footer shows the keys that fit; this list has them all."
)


def key_table(commands: tuple[Command, ...]) -> Grid:
    """Keys and what they do, in two columns: a long line wraps under its own column."""
    cells = []
    for command in commands:
        cells.append(Static(Content(command.all_keys), classes="help-key"))
        cells.append(Static(Content(command.help)))
    return Grid(*cells, classes="help-keys")


class HelpScreen(AnswerOnce, ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog help"):
            yield Static(Content("microgoals — keys"), classes="dialog-title")
            yield Static(Content(INTRO), classes="dialog-body")
            yield Static(Content.styled("Main screen", "bold"), classes="help-heading")
            yield key_table(MAIN_COMMANDS)
            extras = (
                "tab        next pane    j / k, arrows  move    enter  open or close a goal\n"
                "ctrl+p     command palette (every command, and themes)"
            )
            yield Static(Content(extras), classes="help-extra")
            yield Static(Content.styled("Markers", "bold"), classes="help-heading")
            yield Static(Content(LEGEND))
            yield Static(Content.styled("Focus mode", "bold"), classes="help-heading")
            yield key_table(FOCUS_COMMANDS)
            yield Static(Content.styled("Review (r)", "bold"), classes="help-heading")
            yield key_table(REVIEW_COMMANDS)
            yield Static(Content.styled("escape or ? closes this help", "dim"))

    def action_close(self) -> None:
        self.dismiss(None)

"""Time is up: done, five more minutes, or not done, with a one-line reflection."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tui_microgoals.screens.answer_once import AnswerOnce

DONE, MORE, NOT_DONE = "done", "more", "not_done"


@dataclass(frozen=True)
class BlockEnd:
    choice: str
    reflection: str


class BlockEndScreen(AnswerOnce, ModalScreen[BlockEnd]):
    """Always answered: escape means "not done" so a block never stays in limbo."""

    BINDINGS = [
        Binding("d", "choose('done')", "Done", show=False),
        Binding("plus", "choose('more')", "+5 min (+)", show=False),
        Binding("n", "choose('not_done')", "Not done", show=False),
        Binding("escape", "choose('not_done')", "Not done", show=False),
    ]

    def __init__(self, title: str, path: str, minutes: int, *, blink: bool = True) -> None:
        super().__init__()
        self.goal_title = title
        self.path = path
        self.minutes = minutes
        self.blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog block-end"):
            yield Static(
                Content.from_markup(
                    "Time is up — $minutes min of focus", minutes=str(self.minutes)
                ),
                classes="dialog-title",
            )
            yield Static(Content(self.goal_title), classes="dialog-body block-end-title")
            yield Static(Content(self.path), classes="dialog-body dim")
            yield Input(placeholder="one-line reflection (optional)", id="reflection")
            with Horizontal(classes="dialog-buttons"):
                yield Button("✔ Done (d)", id=DONE, variant="success", compact=True)
                yield Button("+5 min (+)", id=MORE, variant="primary", compact=True)
                yield Button("Not done (n)", id=NOT_DONE, variant="warning", compact=True)

    def on_mount(self) -> None:
        reflection = self.query_one(Input)
        reflection.cursor_blink = self.blink
        self.query_one(f"#{DONE}", Button).focus()

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_choose(event.button.id or NOT_DONE)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_choose(DONE)

    def action_choose(self, choice: str) -> None:
        self.dismiss(BlockEnd(choice, self.query_one(Input).value))

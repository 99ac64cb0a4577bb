"""Time is up: done, five more minutes, or not done, with a one-line reflection.

The cursor starts in the reflection line, and the choices are keys a sentence does not
contain (enter, ctrl+t, ctrl+n, escape): whatever is typed becomes the reflection.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from tui_microgoals.screens.answer_once import AnswerOnce
from tui_microgoals.screens.dialog_keys import DialogKey, KeyLine, dialog_bindings

DONE, MORE, NOT_DONE = "done", "more", "not_done"

#: ctrl+t and ctrl+n: neither is bound by Input (ctrl+e is its "end"), both reach Textual
#: from every terminal (ctrl+m/i/j/h/[ are enter, tab, newline, backspace and escape).
KEYS = (
    DialogKey("enter", "done"),
    DialogKey("ctrl+t", "+5 min", "choose('more')"),
    DialogKey("ctrl+n", "not done", "choose('not_done')"),
    DialogKey("escape", "not done", "choose('not_done')"),
)


@dataclass(frozen=True)
class BlockEnd:
    choice: str
    reflection: str


class BlockEndScreen(AnswerOnce, ModalScreen[BlockEnd]):
    """Always answered: escape means "not done" so a block never stays in limbo."""

    BINDINGS = dialog_bindings(KEYS)
    #: Focused as the screen shows, not in ``on_mount``: a key typed fast must land in it.
    AUTO_FOCUS = "#reflection"

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
            reflection = Input(placeholder="one-line reflection (optional)", id="reflection")
            reflection.cursor_blink = self.blink
            yield reflection
            with Horizontal(classes="dialog-buttons"):
                yield Button("✔ Done (enter)", id=DONE, variant="success", compact=True)
                yield Button("+5 min (^t)", id=MORE, variant="primary", compact=True)
                yield Button("Not done (^n)", id=NOT_DONE, variant="warning", compact=True)
        yield KeyLine(KEYS)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.action_choose(event.button.id or NOT_DONE)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_choose(DONE)

    def action_choose(self, choice: str) -> None:
        self.dismiss(BlockEnd(choice, self.query_one(Input).value))

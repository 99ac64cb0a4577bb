"""Ask how long the block should last (``S``), then start it: a minutes field and enter."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui_microgoals.core.errors import InputError
from tui_microgoals.core.models import MAX_BLOCK_MINUTES, MIN_BLOCK_MINUTES
from tui_microgoals.core.settings import check_block_minutes
from tui_microgoals.screens.answer_once import AnswerOnce
from tui_microgoals.screens.dialog_keys import DialogKey, KeyLine, dialog_bindings


def parse_length(text: str) -> int:
    """A whole number of minutes a block can last (the core's rule), or a one-line reason."""
    try:
        value = int(text.strip())
    except ValueError:
        rule = f"a block lasts {MIN_BLOCK_MINUTES} to {MAX_BLOCK_MINUTES} minutes"
        raise ValueError(f"{rule}: type a whole number") from None
    try:
        return check_block_minutes(value)
    except InputError as error:
        raise ValueError(str(error)) from None


class BlockLengthScreen(AnswerOnce, ModalScreen[int | None]):
    """Dismisses with the minutes on enter, ``None`` on escape; starts in the field."""

    KEYS = (DialogKey("enter", "start"), DialogKey("escape", "cancel", "cancel"))
    BINDINGS = dialog_bindings(KEYS)

    def __init__(self, title: str, minutes: int, *, blink: bool = True) -> None:
        super().__init__()
        self.goal_title = title
        self.minutes = minutes
        self.blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog block-length"):
            yield Static(Content("Start a block"), classes="dialog-title")
            yield Static(
                Content.from_markup("How many minutes on [b]$title[/b]?", title=self.goal_title),
                classes="dialog-body",
            )
            yield Input(
                str(self.minutes),
                placeholder=f"minutes, {MIN_BLOCK_MINUTES} to {MAX_BLOCK_MINUTES}",
                id="block-minutes",
            )
            yield Static("", id="block-minutes-error", classes="form-error")
        yield KeyLine(self.KEYS)

    def on_mount(self) -> None:
        box = self.query_one(Input)
        box.cursor_blink = self.blink
        box.focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            value = parse_length(event.value)
        except ValueError as error:
            self.query_one("#block-minutes-error", Static).update(Content(str(error)))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""Ask for one line of text: an interruption note."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui_microgoals.screens.answer_once import AnswerOnce


class NoteScreen(AnswerOnce, ModalScreen[str | None]):
    """Dismisses with the text (maybe empty) on enter, ``None`` on escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, prompt: str, *, blink: bool = True) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog note"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Static(Content(self.prompt), classes="dialog-body")
            yield Input(placeholder="optional note; enter to log, escape to cancel", id="note")

    def on_mount(self) -> None:
        note = self.query_one(Input)
        note.cursor_blink = self.blink
        note.focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)

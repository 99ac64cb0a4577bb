"""Ask for one line of text: an interruption note."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui_microgoals.screens.answer_once import AnswerOnce
from tui_microgoals.screens.dialog_keys import DialogKey, KeyLine, dialog_bindings


class NoteScreen(AnswerOnce, ModalScreen[str | None]):
    """Dismisses with the text (maybe empty) on enter, ``None`` on escape."""

    KEYS = (DialogKey("enter", "log it"), DialogKey("escape", "cancel", "cancel"))
    BINDINGS = dialog_bindings(KEYS)
    #: Focused as the screen shows: a key typed fast lands in the line, not on the screen.
    AUTO_FOCUS = "#note"

    def __init__(self, title: str, prompt: str, *, blink: bool = True) -> None:
        super().__init__()
        self.title_text = title
        self.prompt = prompt
        self.blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog note"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Static(Content(self.prompt), classes="dialog-body")
            note = Input(placeholder="optional note", id="note")
            note.cursor_blink = self.blink
            yield note
        yield KeyLine(self.KEYS)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)

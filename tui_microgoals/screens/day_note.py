"""Write the day's note: a few lines for the journal (what went well, what to change)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

from tui_microgoals.screens.answer_once import AnswerOnce
from tui_microgoals.screens.dialog_keys import DialogKey, KeyLine, dialog_bindings


class DayNoteScreen(AnswerOnce, ModalScreen[str | None]):
    """Dismisses with the text on ctrl+s (or Save), ``None`` on escape."""

    DEFAULT_CSS = """
    DayNoteScreen #day-note {
        height: 6;
    }
    """
    KEYS = (
        DialogKey("ctrl+s", "save", "save"),
        DialogKey("enter", "new line"),
        DialogKey("escape", "cancel", "cancel"),
    )
    BINDINGS = dialog_bindings(KEYS)

    def __init__(self, heading: str, note: str, *, blink: bool = True) -> None:
        super().__init__()
        self.heading = heading
        self.note = note
        self.blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog day-note"):
            yield Static(Content(self.heading), classes="dialog-title")
            yield TextArea(self.note, id="day-note", compact=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (^s)", id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield KeyLine(self.KEYS)

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.cursor_blink = self.blink
        area.focus()
        area.move_cursor(area.document.end)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

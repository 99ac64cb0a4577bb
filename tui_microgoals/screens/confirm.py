"""Ask before something that cannot be taken back."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui_microgoals.screens.answer_once import AnswerOnce


class ConfirmScreen(AnswerOnce, ModalScreen[str | None]):
    """Offers a few named choices; dismisses with the chosen one or ``None``.

    ``message`` is ``Content`` so the caller decides what is markup and what is user text.
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel")]
    #: Not focused in ``on_mount``: a key typed fast can close the dialog before it mounts.
    AUTO_FOCUS = "#cancel"

    def __init__(self, title: str, message: Content, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Static(self.message, classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                for index, (key, label) in enumerate(self.choices):
                    yield Button(
                        label,
                        id=f"choice-{key}",
                        variant="error" if index == 0 else "default",
                        compact=True,
                    )
                yield Button("Cancel", id="cancel", compact=True)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        self.dismiss(button_id.removeprefix("choice-") if button_id != "cancel" else None)

    def action_cancel(self) -> None:
        self.dismiss(None)

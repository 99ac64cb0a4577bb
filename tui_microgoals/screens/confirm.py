"""Ask before something that cannot be taken back."""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui_microgoals.screens.answer_once import AnswerOnce
from tui_microgoals.screens.dialog_keys import DialogKey, KeyLine, dialog_bindings


class ConfirmScreen(AnswerOnce, ModalScreen[str | None]):
    """Offers a few named choices; dismisses with the chosen one or ``None``.

    ``y`` takes the first choice, ``n`` and escape cancel; the other choices are buttons
    (tab to one, enter). No text field here, so single letters are safe to bind.
    ``message`` is ``Content`` so the caller decides what is markup and what is user text.
    """

    KEYS = (
        DialogKey("y", "the first choice", "choose(0)"),
        DialogKey("n,escape", "cancel", "cancel"),
        DialogKey("tab,enter", "go to / press a button"),
    )
    BINDINGS = dialog_bindings(KEYS)
    #: Not focused in ``on_mount``: a key typed fast can close the dialog before it mounts.
    AUTO_FOCUS = "#cancel"

    def __init__(self, title: str, message: Content, choices: list[tuple[str, str]]) -> None:
        super().__init__()
        self.title_text = title
        self.message = message
        self.choices = choices
        first = choices[0][1].lower() if choices else "yes"
        self.keys = (replace(self.KEYS[0], label=first), *self.KEYS[1:])

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog confirm"):
            yield Static(Content(self.title_text), classes="dialog-title")
            yield Static(self.message, classes="dialog-body")
            with Horizontal(classes="dialog-buttons"):
                for index, (key, label) in enumerate(self.choices):
                    yield Button(
                        f"{label} (y)" if index == 0 else label,
                        id=f"choice-{key}",
                        variant="error" if index == 0 else "default",
                        compact=True,
                    )
                yield Button("Cancel (n)", id="cancel", compact=True)
        yield KeyLine(self.keys)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        self.dismiss(button_id.removeprefix("choice-") if button_id != "cancel" else None)

    def action_choose(self, index: int) -> None:
        self.dismiss(self.choices[index][0] if self.choices else None)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""After a block: offer a short break (longer after every fourth block of the day)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tui_microgoals.screens.answer_once import AnswerOnce
from tui_microgoals.screens.dialog_keys import DialogKey, KeyLine, dialog_bindings


class BreakOfferScreen(AnswerOnce, ModalScreen[int | None]):
    """Dismisses with the break's minutes, or ``None`` to skip it."""

    #: No text field here, so single letters are safe to bind.
    KEYS = (
        DialogKey("b,y", "take the break", "take"),
        DialogKey("n,escape", "skip", "skip"),
        DialogKey("tab,enter", "go to / press a button"),
    )
    BINDINGS = dialog_bindings(KEYS)
    #: Not focused in ``on_mount``: a key typed fast can close the dialog before it mounts.
    AUTO_FOCUS = "#take"

    def __init__(self, minutes: int, blocks_today: int) -> None:
        super().__init__()
        self.minutes = minutes
        self.blocks_today = blocks_today

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog break-offer"):
            yield Static(Content("Time for a break"), classes="dialog-title")
            yield Static(
                Content.from_markup(
                    "That was block [b]$n[/b] today. Stand up, drink water, look far away.",
                    n=str(self.blocks_today),
                ),
                classes="dialog-body",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(
                    f"Take {self.minutes} min (b)", id="take", variant="success", compact=True
                )
                yield Button("Skip (n)", id="skip", compact=True)
        yield KeyLine(self.KEYS)

    @on(Button.Pressed, "#take")
    def action_take(self) -> None:
        self.dismiss(self.minutes)

    @on(Button.Pressed, "#skip")
    def action_skip(self) -> None:
        self.dismiss(None)

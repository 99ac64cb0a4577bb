"""Set the usual day's focus minutes, used until there are three days of blocks to learn from."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui_microgoals.core import settings
from tui_microgoals.core.errors import InputError
from tui_microgoals.screens.answer_once import AnswerOnce
from tui_microgoals.screens.dialog_keys import DialogKey, KeyLine, dialog_bindings


def parse_capacity(text: str) -> int:
    """The rule ``microgoals config capacity N`` applies (``settings.check_number``)."""
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError(f"capacity must be a whole number, not {text.strip()!r}") from None
    try:
        return settings.check_number("capacity", value)
    except InputError as error:
        raise ValueError(str(error)) from None


class CapacityScreen(AnswerOnce, ModalScreen[int | None]):
    """Dismisses with the new capacity on enter, ``None`` on escape."""

    KEYS = (DialogKey("enter", "save"), DialogKey("escape", "cancel", "cancel"))
    BINDINGS = dialog_bindings(KEYS)
    AUTO_FOCUS = "#capacity"

    def __init__(self, setting: int, measured: int, *, blink: bool = True) -> None:
        super().__init__()
        self.setting = setting
        self.measured = measured
        self.blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog capacity"):
            yield Static(Content("Capacity: focus minutes in a usual day"), classes="dialog-title")
            yield Static(
                Content(
                    f"Plans and forecasts use the median of your focus minutes over the last 14 "
                    f"days (days with a block). With fewer than 3 such days they use this "
                    f"setting. Now: {self.measured} min a day."
                ),
                classes="dialog-body",
            )
            box = Input(str(self.setting), placeholder="minutes, e.g. 90", id="capacity")
            box.cursor_blink = self.blink
            yield box
            yield Static("", id="capacity-error", classes="form-error")
        yield KeyLine(self.KEYS)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            value = parse_capacity(event.value)
        except ValueError as error:
            self.query_one("#capacity-error", Static).update(Content(str(error)))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)

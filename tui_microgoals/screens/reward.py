"""Set the reward: what the user gets, and after how many micro-goals."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from tui_microgoals.screens.answer_once import AnswerOnce
from tui_microgoals.screens.dialog_keys import DialogKey, KeyLine, dialog_bindings


@dataclass(frozen=True)
class Reward:
    every: int
    text: str


class RewardScreen(AnswerOnce, ModalScreen[Reward | None]):
    """Dismisses with the new reward on enter (empty text: no reward), ``None`` on escape."""

    DEFAULT_CSS = """
    RewardScreen #reward-grid {
        grid-size: 2;
        grid-columns: 14 1fr;
        grid-rows: 1;
        grid-gutter: 0 1;
        height: auto;
    }
    """
    KEYS = (
        DialogKey("enter", "save"),
        DialogKey("tab", "next field"),
        DialogKey("escape", "cancel", "cancel"),
    )
    BINDINGS = dialog_bindings(KEYS)
    AUTO_FOCUS = "#reward-text"

    def __init__(self, current: Reward, *, blink: bool = True) -> None:
        super().__init__()
        self.current = current
        self.blink = blink

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog reward"):
            yield Static(Content("Reward"), classes="dialog-title")
            yield Static(
                Content("Announced each time that many micro-goals are done in a day."),
                classes="dialog-body",
            )
            with Grid(id="reward-grid"):
                yield Label("After every", classes="field-label")
                yield Input(str(self.current.every), id="reward-every", compact=True)
                yield Label("Reward", classes="field-label")
                yield Input(
                    self.current.text,
                    placeholder="e.g. a walk outside (empty: none)",
                    id="reward-text",
                    compact=True,
                )
            yield Static(id="reward-error", classes="form-error")
        yield KeyLine(self.KEYS)

    def on_mount(self) -> None:
        for box in self.query(Input):
            box.cursor_blink = self.blink

    @on(Input.Submitted)
    def _submitted(self) -> None:
        every = self.query_one("#reward-every", Input).value.strip()
        if not every.isdigit() or int(every) < 1:
            self.query_one("#reward-error", Static).update(
                Content("after every: a whole number above 0")
            )
            return
        self.dismiss(Reward(int(every), self.query_one("#reward-text", Input).value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)

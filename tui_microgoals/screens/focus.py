"""Focus mode: the countdown alone, full screen, with only the block's keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer

from tui_microgoals.commands import FOCUS_COMMANDS, bindings
from tui_microgoals.core import tree
from tui_microgoals.core.errors import MicrogoalsError
from tui_microgoals.screens.answer_once import AnswerOnce
from tui_microgoals.screens.block_commands import BlockCommands
from tui_microgoals.session import Session
from tui_microgoals.widgets.focus_pane import FocusPane, FocusView

TICK_SECONDS = 0.5


class FocusScreen(AnswerOnce, BlockCommands):
    """The main screen keeps watching for the end of the block; this one only shows it."""

    BINDINGS = bindings(FOCUS_COMMANDS)
    COMMANDS_TABLE = FOCUS_COMMANDS

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield FocusPane(id="focus-mode", classes="pane")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(FocusPane).border_title = "Focus mode"
        self.refresh_state()
        self.set_interval(TICK_SECONDS, self.tick)

    def refresh_state(self) -> None:
        store = self.session.store
        try:
            block = store.running_block()
            goals = store.goals()
            minutes = store.settings()["block_minutes"]
        except MicrogoalsError as error:
            self.show_error(error)
            return
        goal = goals.get(block.goal) if block else None
        self.query_one(FocusPane).show(
            FocusView(
                block=block,
                title=goal.title if goal else "",
                path=tree.path(goals, goal.id) if goal else "",
                block_minutes=minutes,
                break_until=self.session.break_until,
                tz=self.session.clock.tz,
            ),
            self.session.clock.now(),
        )
        self.refresh_bindings()

    def tick(self) -> None:
        pane = self.query_one(FocusPane)
        try:
            block = self.session.store.running_block()
        except MicrogoalsError:
            return
        if block != pane.view.block or self.session.break_until != pane.view.break_until:
            self.refresh_state()
        else:
            pane.tick(self.session.clock.now())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.check_block_action(action)

    def action_toggle_done(self) -> None:
        self.finish_running_block()

    def action_leave_focus_mode(self) -> None:
        self.dismiss(None)

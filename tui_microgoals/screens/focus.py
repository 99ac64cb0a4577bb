"""Focus mode: the countdown alone, full screen, with only the block's keys."""

from __future__ import annotations

from textual.app import ComposeResult

from tui_microgoals.commands import FOCUS_COMMANDS, bindings
from tui_microgoals.core.errors import MicrogoalsError
from tui_microgoals.screens.answer_once import AnswerOnce
from tui_microgoals.screens.one_dialog import dialog_opening
from tui_microgoals.screens.undo_commands import UndoCommands
from tui_microgoals.session import Session
from tui_microgoals.widgets.focus_pane import FocusPane, focus_view
from tui_microgoals.widgets.key_footer import KeyFooter

TICK_SECONDS = 0.5


class FocusScreen(AnswerOnce, UndoCommands):
    """The main screen keeps watching for the end of the block; this one only shows it.

    Idle, it offers a block on ``goal_id``: the goal highlighted when focus mode opened.
    """

    BINDINGS = bindings(FOCUS_COMMANDS)
    COMMANDS_TABLE = FOCUS_COMMANDS

    def __init__(self, session: Session, goal_id: int | None = None) -> None:
        super().__init__()
        self.session = session
        self.goal_id = goal_id

    def compose(self) -> ComposeResult:
        yield FocusPane(id="focus-mode", classes="pane", grow=True)
        yield KeyFooter()

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
        self.query_one(FocusPane).show(
            focus_view(
                goals,
                block,
                self.goal_id,
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
        if action == "start_block" and not dialog_opening(self.app):
            return self.session.store.running_block() is None
        return self.check_block_action(action)

    def action_start_block(self) -> None:
        if self.goal_id is None:
            self.show_error("nothing to start: highlight a micro-goal on the main screen first")
            return
        self._apply(self.session.store.start_block, self.goal_id, then=self._started)

    def _started(self, _block: object) -> None:
        self.session.break_until = None
        self.refresh_state()

    def action_toggle_done(self) -> None:
        self.finish_running_block()

    def action_leave_focus_mode(self) -> None:
        self.dismiss(None)

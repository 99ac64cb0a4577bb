"""Focus-block commands shared by the main screen and focus mode.

Both screens bind the same keys (p, i, +, X, x) to the same actions; the logic lives here
once. A screen using this base sets ``session`` and defines ``refresh_state()``: every
command here calls it after a change, so a screen that forgot it would show stale data
(it raises instead of silently doing nothing). The dialogs are imported where they open
(none is in the first frame: the start does not pay for them).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from pendulum import DateTime
from textual import work
from textual.screen import Screen

from tui_microgoals.core import timer, tree
from tui_microgoals.core.errors import MicrogoalsError
from tui_microgoals.core.models import DONE as DONE_STATUS
from tui_microgoals.core.models import Block, Goal
from tui_microgoals.screens.one_dialog import OneDialogAtATime, dialog_opening
from tui_microgoals.session import Session

EXTEND_MINUTES = 5
SHORT_BREAK, LONG_BREAK, LONG_BREAK_EVERY = 5, 15, 4
#: A break is offered after a block with at least this much focus that was not abandoned:
#: a block finished after a few seconds earned none.
BREAK_AFTER_SECONDS = 5 * 60
BLOCK_ACTIONS = {"toggle_pause", "log_interruption", "extend_block", "abandon_block"}
T = TypeVar("T")


def earned_break(block: Block, now: DateTime) -> bool:
    """Real focus: not abandoned, and at least ``BREAK_AFTER_SECONDS`` of it."""
    return block.outcome != "abandoned" and timer.focus_seconds(block, now) >= BREAK_AFTER_SECONDS


class BlockCommands(OneDialogAtATime, Screen):
    session: Session

    def refresh_state(self) -> None:
        """Redraw from the store after a change: each screen defines how."""
        raise NotImplementedError(f"{type(self).__name__} must define refresh_state()")

    def show_error(self, error: MicrogoalsError | str) -> None:
        self.app.notify(str(error), severity="error", markup=False)

    def _apply(
        self,
        change: Callable[..., T],
        *args: Any,
        then: Callable[[T], object] | None = None,
        failed: Callable[[MicrogoalsError], object] | None = None,
        waiting: Callable[[str], object] | None = None,
        **kwargs: Any,
    ) -> None:
        """Run one store change, redraw, then ``then(result)``; a refusal becomes a one-line
        error (or ``failed(error)``), never a traceback. While another process holds the
        lock, the change waits off the event loop and is saved when it is free (``Saver``);
        ``waiting(line)`` says so (by default, a notification)."""
        run = partial(change, *args, **kwargs)
        self.session.saver.apply(
            self, run, self.refresh_state, then, failed or self.show_error, waiting
        )

    def check_block_action(self, action: str) -> bool | None:
        """Block keys show in the footer only while a block runs; no key acts while a dialog
        opens (``one_dialog``)."""
        if dialog_opening(self.app):
            return False
        if action in BLOCK_ACTIONS:
            return self.session.store.running_block() is not None
        return True

    def action_toggle_pause(self) -> None:
        self._apply(self.session.store.toggle_pause)  # the Focus pane shows the paused state

    @work(group="dialog")
    async def action_log_interruption(self) -> None:
        if self.session.store.running_block() is None:
            self.show_error("no block is running")
            return
        from tui_microgoals.screens.note import NoteScreen

        note = await self.app.push_screen_wait(
            NoteScreen("Interruption", "What pulled you away?", blink=self.session.blink)
        )
        if note is None:
            return

        def logged(block: Block) -> None:
            self.app.notify(f"Interruption logged ({len(block.interruptions)} in this block)")

        def refused(error: MicrogoalsError) -> None:  # the note typed is not lost
            self.show_error(f"{error} (the note was: {note})" if note else error)

        self._apply(self.session.store.interrupt, note, then=logged, failed=refused)

    def action_extend_block(self) -> None:
        def extended(block: Block) -> None:
            self.session.asked.discard(block.id)
            self.app.notify(f"{EXTEND_MINUTES} more minutes")

        self._apply(self.session.store.extend, EXTEND_MINUTES, then=extended)

    def action_abandon_block(self) -> None:
        def abandoned(_block: Block) -> None:
            self.app.notify("Block abandoned; the micro-goal stays open", severity="warning")

        self._apply(self.session.store.stop_block, "abandoned", then=abandoned)

    def finish_running_block(self) -> None:
        """``x`` during a block: finish it as done, celebrate, offer a break."""

        def finished(block: Block) -> None:
            self.celebrate(block.goal)
            self.offer_break()

        self._apply(self.session.store.stop_block, "done", then=finished)

    # -- celebrating and breaks -----------------------------------------------------------

    def celebrate(self, goal_id: int) -> None:
        store = self.session.store
        goals = store.goals()
        goal = goals.get(goal_id)
        review = store.review(suggest=False)  # (the count and the streak only)
        count = review.micro_done  # goals completed with their last step don't count twice
        title = goal.title if goal else f"goal {goal_id}"
        days = "day" if review.streak == 1 else "days"
        self.app.notify(
            f"Done: {title}\n{count} done today · streak {review.streak} {days}",
            title="Well done!",
            markup=False,
        )
        if goal is not None and goal.done_at is not None:
            # The core completes a goal with its last open step, at the same instant.
            for above in tree.ancestors(goals, goal_id):
                if above.status != DONE_STATUS or above.done_at != goal.done_at:
                    break
                self.app.notify(f"{above.title}: complete", title="Goal complete", markup=False)
        settings = store.settings()
        reward = settings.get("reward")
        if reward and count and count % settings["reward_every"] == 0:
            self.app.notify(
                f"{count} micro-goals done: {reward}", title="Reward time", markup=False
            )

    @work(group="dialog")
    async def offer_break(self) -> None:
        """After the block that just ended, if it was real focus (see ``earned_break``)."""
        now = self.session.clock.now()
        try:
            blocks = self.session.store.blocks_on(self.session.clock.today())
        except MicrogoalsError as error:
            self.show_error(error)
            return
        ended = [b for b in blocks if not b.running]
        if not ended or not earned_break(max(ended, key=lambda b: b.ended_at or now), now):
            return
        count = sum(1 for b in ended if earned_break(b, now))
        minutes = LONG_BREAK if count % LONG_BREAK_EVERY == 0 else SHORT_BREAK
        from tui_microgoals.screens.break_offer import BreakOfferScreen

        taken = await self.app.push_screen_wait(BreakOfferScreen(minutes, count))
        if taken:
            self.session.break_until = self.session.clock.now().add(minutes=taken)
            self.refresh_state()

    # -- the end of a block -----------------------------------------------------------------

    def block_goal(self, block: Block) -> tuple[Goal | None, str]:
        goals = self.session.store.goals()
        goal = goals.get(block.goal)
        return goal, tree.path(goals, block.goal) if goal else ""

    def time_up(self, block: Block, *, ring: bool = True) -> None:
        """Called once per block when its time runs out (or ran out while the app was closed)."""
        self.session.asked.add(block.id)
        goal, path = self.block_goal(block)
        title = goal.title if goal else f"goal {block.goal}"
        if ring:
            self.app.bell()
            self.desktop_notify(title)
        self.ask_outcome(block, title, path)

    @work(group="notify-send")
    async def desktop_notify(self, title: str) -> None:
        program = shutil.which("notify-send")
        if program is None:
            return
        try:
            process = await asyncio.create_subprocess_exec(
                program,
                "--app-name=microgoals",
                "Time is up",
                title,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            await process.wait()
        except OSError:
            pass

    @work(group="dialog")
    async def ask_outcome(self, block: Block, title: str, path: str) -> None:
        from tui_microgoals.screens.block_end import DONE, MORE, BlockEndScreen

        focus = timer.focus_seconds(block, self.session.clock.now())
        minutes = round(min(focus, block.planned_seconds) / 60)
        answer = await self.app.push_screen_wait(
            BlockEndScreen(title, path, minutes, blink=self.session.blink)
        )
        store = self.session.store

        def refused(error: MicrogoalsError) -> None:
            # Not kept (a full disk, say): say so, and ask again on the next tick.
            self.session.asked.discard(block.id)
            kept = f" (the reflection was: {answer.reflection})" if answer.reflection else ""
            self.show_error(
                f"The end of the block was not saved and will be asked again: {error}{kept}"
            )
            if self.is_attached:
                self.refresh_state()

        if answer.choice == MORE:
            self._apply(
                store.extend,
                EXTEND_MINUTES,
                then=lambda _: self.session.asked.discard(block.id),
                failed=refused,
            )
            return
        outcome = "done" if answer.choice == DONE else "partial"

        def ended(stopped: Block) -> None:
            if outcome == "done":
                self.celebrate(stopped.goal)
            else:
                self.app.notify("Not done yet: it stays on today's list")
            self.offer_break()

        self._apply(store.stop_block, outcome, answer.reflection, then=ended, failed=refused)

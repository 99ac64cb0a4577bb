"""Focus blocks: start, pause, resume, interruptions, more time, stop, and reflections."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pendulum import DateTime
from tinydb.table import Document

from tui_microgoals.core import oplog, settings, timer, tree
from tui_microgoals.core.errors import Conflict, InputError, NotFound
from tui_microgoals.core.models import OPEN, OUTCOMES, Block, Extension, Goal, Interruption, Pause
from tui_microgoals.core.settings import check_block_minutes
from tui_microgoals.core.store_base import StoreBase, counted
from tui_microgoals.core.text import clean_line


class BlocksMixin(StoreBase):
    """The focus block's writes; at most one block runs (``meta["running"]``)."""

    if TYPE_CHECKING:

        def settings(self) -> dict[str, Any]: ...
        def _finish_goal(self, goal: Goal, when: DateTime) -> Goal: ...

    def _save_block(self, block: Block) -> Block:
        self._blocks_t.upsert(Document(block.to_doc(), doc_id=block.id))
        self._block_saves += 1
        return block

    def _the_block(self) -> str:
        """The running block in words: "the block on 'X'"."""
        running = self.running_block()
        return "the block" if running is None else f"the block on {self._titled(running.goal)}"

    def _require_running(self) -> Block:
        block = self.running_block()
        if block is None:
            raise Conflict("no block is running")
        return block

    def block(self, block_id: int) -> Block:
        doc = self._blocks_t.get(doc_id=block_id)
        if doc is None and self.read_history():  # (an archived block)
            doc = self._blocks_t.get(doc_id=block_id)
        if doc is None:
            raise NotFound(f"no block with id {block_id}")
        return Block.from_doc(block_id, doc)

    def start_block(self, goal_id: int, minutes: int | None = None) -> Block:
        """Start a block on a micro-goal; without ``minutes``, it lasts the goal's estimate
        if a block can be that long, else the setting (``settings.block_minutes_for``)."""
        with self._tx(f"started a block on {self._titled(goal_id)}"):
            goals = self.goals()
            goal = self.goal(goal_id)
            if minutes is None:
                minutes = settings.block_minutes_for(goal, self.settings()["block_minutes"])
            minutes = check_block_minutes(minutes)
            running = self.running_block()
            if running is not None:
                other = goals.get(running.goal)
                raise Conflict(
                    f"a block is already running on goal {running.goal}"
                    + (f" ({other.title})" if other else "")
                    + "; stop it first"
                )
            if goal.status != OPEN:
                raise Conflict(f"goal {goal_id} is {goal.status}")
            if not tree.is_leaf(goals, goal_id):
                raise InputError(f"goal {goal_id} has micro-goals; start a block on one of them")
            if blockers := tree.blockers(goals, goal):
                names = ", ".join(f"{b.id} ({b.title})" for b in blockers)
                raise Conflict(f"goal {goal_id} is blocked: it waits for {names}")
            now = self.clock.now()
            block = Block(
                id=self._next_id("block"),
                goal=goal_id,
                planned_seconds=minutes * 60,
                started_at=now,
                tz=self.clock.tz,
                day=self.clock.local_date(now),
                extra={oplog.GID: oplog.new_gid()},
            )
            self._save_block(block)
            meta = self._meta()
            meta["running"] = block.id
            self._meta_t.upsert(Document(meta, doc_id=1))
        return block

    def pause(self) -> Block:
        with self._tx(f"paused {self._the_block()}"):
            block = self._require_running()
            if block.paused:
                raise Conflict("the block is already paused")
            block.pauses.append(Pause(self.clock.now()))
            return self._save_block(block)

    def resume(self) -> Block:
        with self._tx(f"resumed {self._the_block()}"):
            block = self._require_running()
            if not block.paused:
                raise Conflict("the block is not paused")
            block.pauses[-1].end = max(self.clock.now(), block.pauses[-1].start)
            return self._save_block(block)

    def toggle_pause(self) -> Block:
        with self._tx(f"paused or resumed {self._the_block()}"):
            paused = self._require_running().paused
            self._relabel(f"{'resumed' if paused else 'paused'} {self._the_block()}")
            return self.resume() if paused else self.pause()

    def interrupt(self, note: str | None = None) -> Block:
        text = clean_line(note, what="interruption note")
        with self._tx(f"noted an interruption in {self._the_block()}"):
            block = self._require_running()
            block.interruptions.append(Interruption(self.clock.now(), text))
            return self._save_block(block)

    def extend(self, minutes: int = 5) -> Block:
        """More time: counted from now when the planned time already ran out."""
        with self._tx(f"added {counted(minutes, 'minute')} to {self._the_block()}"):
            block = self._require_running()
            now = self.clock.now()
            focus = timer.focus_seconds(block, now)
            block.extensions.append(Extension(now, minutes * 60, block.planned_seconds))
            block.planned_seconds = int(max(block.planned_seconds, focus)) + minutes * 60
            return self._save_block(block)

    def stop_block(self, outcome: str = "partial", reflection: str | None = None) -> Block:
        if outcome not in OUTCOMES:
            raise InputError(f"outcome must be one of {', '.join(OUTCOMES)}")
        text = clean_line(reflection, what="reflection")
        what = "abandoned {}" if outcome == "abandoned" else f"ended {{}} ({outcome})"
        with self._tx(what.format(self._the_block())):
            return self._end_block(self._require_running(), outcome, text)

    def _end_block(self, block: Block, outcome: str, reflection: str | None) -> Block:
        now = self.clock.now()
        if block.paused:
            block.pauses[-1].end = max(now, block.pauses[-1].start)
        # A block left running past its time (app closed, laptop asleep) ends when time ran out.
        ran_out = timer.ran_out_at(block, now)
        block.ended_at = ran_out if ran_out is not None and ran_out < now else now
        if block.ended_at < block.started_at:
            block.ended_at = block.started_at
        block.outcome = outcome
        block.reflection = reflection or block.reflection
        self._save_block(block)
        meta = self._meta()
        meta["running"] = None
        self._meta_t.upsert(Document(meta, doc_id=1))
        if outcome == "done":
            goal = self.goals().get(block.goal)
            if goal is not None and (goal.is_habit or goal.status == OPEN):
                self._finish_goal(goal, now)
        return block

    def set_reflection(self, block_id: int, text: str) -> Block:
        reflection = clean_line(text, what="reflection")
        with self._tx(f"wrote a reflection on block {block_id}"):
            block = self.block(block_id)
            self._relabel(f"wrote a reflection on {self._titled(block.goal)}")
            block.reflection = reflection
            return self._save_block(block)

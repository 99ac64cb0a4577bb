"""A stateful property test of the Store against a small model: any order of add, move,
reparent, delete, drop, depend, plan, unplan, start, pause, resume, stop and done, on memory
and on the real file storage."""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pendulum
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from tui_microgoals.core import timer, tree
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import Conflict, InputError
from tui_microgoals.core.store import Store

pick = st.integers(min_value=0, max_value=1000)
maybe = st.one_of(st.none(), pick)


class StoreMachine(RuleBasedStateMachine):
    storage = "memory"

    @initialize()
    def open_store(self) -> None:
        self.clock = FixedClock(pendulum.datetime(2026, 11, 22, 9), "Europe/Berlin")
        self.folder: str | None = None
        if self.storage == "memory":
            self.store = Store.memory(self.clock)
        else:
            self.folder = tempfile.mkdtemp()
            self.store = Store.open(Path(self.folder) / "db.json", self.clock)
        self.parent: dict[int, int | None] = {}
        self.status: dict[int, str] = {}
        self.after: dict[int, set[int]] = {}
        self.issued = 0
        self.running: int | None = None
        self.paused = False

    def teardown(self) -> None:
        if getattr(self, "folder", None):
            shutil.rmtree(self.folder, ignore_errors=True)

    # -- the model's view --------------------------------------------------------------------

    def choose(self, index: int | None) -> int | None:
        if index is None or not self.parent:
            return None
        ids = sorted(self.parent)
        return ids[index % len(ids)]

    def subtree(self, root: int) -> set[int]:
        found, stack = {root}, [root]
        while stack:
            current = stack.pop()
            for child, parent in self.parent.items():
                if parent == current and child not in found:
                    found.add(child)
                    stack.append(child)
        return found

    def ancestors(self, goal: int | None) -> list[int]:
        chain: list[int] = []
        while goal is not None:
            chain.append(goal)
            goal = self.parent[goal]
        return chain

    def reopen_above(self, parent: int | None) -> None:
        """A new open step under a finished goal: that goal is not finished after all."""
        for above in self.ancestors(parent):
            if self.status[above] == "done":
                self.status[above] = "open"

    def complete_above(self, goal: int) -> None:
        """A goal whose live steps are all done is done too."""
        for above in self.ancestors(self.parent[goal]):
            live = [c for c in self.kids(above) if self.status[c] != "dropped"]
            if self.status[above] != "open" or not live:
                break
            if any(self.status[c] != "done" for c in live):
                break
            self.status[above] = "done"

    def kids(self, goal: int) -> list[int]:
        return [c for c, p in self.parent.items() if p == goal]

    def is_leaf(self, goal: int) -> bool:
        return all(self.status[c] == "dropped" for c in self.kids(goal))

    def blocked(self, goal: int) -> bool:
        return any(self.status.get(a) == "open" for a in self.after[goal])

    def waits_for(self, goal: int, other: int) -> bool:
        """Does ``other`` (transitively) wait for ``goal``?"""
        seen, stack = set(), [other]
        while stack:
            current = stack.pop()
            if current == goal:
                return True
            if current not in seen:
                seen.add(current)
                stack.extend(self.after.get(current, ()))
        return False

    def expect(self, ok: bool, action, error=InputError):  # type: ignore[no-untyped-def]
        if ok:
            return action()
        try:
            action()
        except error:
            return None
        raise AssertionError("the store accepted what it should refuse")

    # -- rules ---------------------------------------------------------------------------

    @rule(parent=maybe, today=st.booleans())
    def add(self, parent: int | None, today: bool) -> None:
        under = self.choose(parent)
        goal = self.store.add_goal(f"g{self.issued}", parent=under, today=today)
        assert goal.id > self.issued  # ids are never reused, even after a delete
        self.issued = goal.id
        self.reopen_above(under)
        self.parent[goal.id], self.status[goal.id], self.after[goal.id] = under, "open", set()

    @rule(goal=pick, delta=st.integers(min_value=-3, max_value=3))
    def move(self, goal: int, delta: int) -> None:
        if self.parent:
            self.store.move(self.choose(goal), delta)  # type: ignore[arg-type]

    @rule(goal=pick, parent=maybe)
    def reparent(self, goal: int, parent: int | None) -> None:
        if not self.parent:
            return
        goal_id, new_parent = self.choose(goal), self.choose(parent)
        assert goal_id is not None
        allowed = new_parent is None or new_parent not in self.subtree(goal_id)
        self.expect(allowed, lambda: self.store.edit_goal(goal_id, parent=new_parent))
        if allowed and new_parent != self.parent[goal_id]:
            self.parent[goal_id] = new_parent
            if self.status[goal_id] == "open":
                self.reopen_above(new_parent)

    @rule(goal=pick)
    def delete(self, goal: int) -> None:
        if not self.parent:
            return
        goal_id = self.choose(goal)
        gone = self.subtree(goal_id)  # type: ignore[arg-type]
        allowed = self.running not in gone
        result = self.expect(allowed, lambda: self.store.delete(goal_id), Conflict)
        if allowed:
            assert set(result) == gone
            for i in gone:
                del self.parent[i], self.status[i], self.after[i]
            for waits in self.after.values():
                waits -= gone

    @rule(goal=pick)
    def drop(self, goal: int) -> None:
        if not self.parent:
            return
        goal_id = self.choose(goal)
        below = self.subtree(goal_id)  # type: ignore[arg-type]
        allowed = self.running not in below
        result = self.expect(allowed, lambda: self.store.drop(goal_id), Conflict)
        if allowed:
            dropped = {i for i in below if self.status[i] == "open"}
            assert set(result) == dropped
            for i in dropped:
                self.status[i] = "dropped"
            self.complete_above(goal_id)  # type: ignore[arg-type]

    @rule(goal=pick, other=pick)
    def depend(self, goal: int, other: int) -> None:
        if not self.parent:
            return
        goal_id, other_id = self.choose(goal), self.choose(other)
        assert goal_id is not None and other_id is not None
        allowed = (
            goal_id != other_id
            and not self.waits_for(goal_id, other_id)
            and (other_id in self.after[goal_id] or other_id not in self.ancestors(goal_id))
        )
        self.expect(allowed, lambda: self.store.depend(goal_id, other_id))
        if allowed:
            self.after[goal_id].add(other_id)

    @rule(goal=pick)
    def plan(self, goal: int) -> None:
        if not self.parent:
            return
        goal_id = self.choose(goal)
        assert goal_id is not None
        allowed = self.status[goal_id] != "dropped" and (
            self.is_leaf(goal_id) or bool(self.open_steps(goal_id))
        )
        self.expect(allowed, lambda: self.store.plan([goal_id]))

    def open_steps(self, goal: int) -> list[int]:
        """A goal with steps is planned as its open leaves."""
        live = [c for c in self.kids(goal) if self.status[c] != "dropped"]
        if not live:
            return [goal] if self.status[goal] == "open" else []
        return [leaf for c in live for leaf in self.open_steps(c)]

    @rule(goal=pick)
    def unplan(self, goal: int) -> None:
        if self.parent:
            goal_id = self.choose(goal)
            self.store.unplan(goal_id)  # type: ignore[arg-type]
            assert goal_id not in [i.goal.id for i in self.store.today()] or (
                self.store.goal(goal_id).is_habit  # type: ignore[arg-type]
            )

    @rule(goal=pick, minutes=st.sampled_from([5, 20, 90]))
    def start(self, goal: int, minutes: int) -> None:
        if not self.parent:
            return
        goal_id = self.choose(goal)
        assert goal_id is not None
        allowed = (
            self.running is None
            and self.status[goal_id] == "open"
            and self.is_leaf(goal_id)
            and not self.blocked(goal_id)
        )
        self.expect(allowed, lambda: self.store.start_block(goal_id, minutes))
        if allowed:
            self.running, self.paused = goal_id, False

    @rule()
    def pause(self) -> None:
        allowed = self.running is not None and not self.paused
        self.expect(allowed, self.store.pause, Conflict)
        self.paused = self.paused or allowed

    @rule()
    def resume(self) -> None:
        allowed = self.running is not None and self.paused
        self.expect(allowed, self.store.resume, Conflict)
        self.paused = self.paused and not allowed

    def finishable(self, goal: int) -> bool:
        return all(self.status[c] != "open" for c in self.kids(goal))

    @rule(outcome=st.sampled_from(["done", "partial", "abandoned"]))
    def stop(self, outcome: str) -> None:
        goal = self.running
        allowed = goal is not None and (
            outcome != "done" or self.status[goal] != "open" or self.finishable(goal)
        )
        block = self.expect(allowed, lambda: self.store.stop_block(outcome), Conflict)
        if allowed:
            assert block.ended_at >= block.started_at and block.outcome == outcome
            if outcome == "done" and self.status[goal] == "open":  # type: ignore[index]
                self.status[goal] = "done"  # type: ignore[index]
                self.complete_above(goal)  # type: ignore[arg-type]
            self.running, self.paused = None, False

    @rule(goal=pick)
    def done(self, goal: int) -> None:
        if not self.parent:
            return
        goal_id = self.choose(goal)
        assert goal_id is not None
        open_ = self.status[goal_id] == "open"
        if goal_id == self.running:
            allowed = not open_ or self.finishable(goal_id)
        else:
            allowed = open_ and self.finishable(goal_id)
        self.expect(allowed, lambda: self.store.mark_done(goal_id), Conflict)
        if allowed:
            self.status[goal_id] = "done" if open_ else self.status[goal_id]
            if open_:
                self.complete_above(goal_id)
            if goal_id == self.running:
                self.running, self.paused = None, False

    @rule(minutes=st.integers(min_value=-90, max_value=60 * 30))
    def time_passes(self, minutes: int) -> None:
        self.clock.advance(minutes=minutes)  # backwards too: a clock set back

    # -- invariants ------------------------------------------------------------------------

    @invariant()
    def matches_the_model(self) -> None:
        if not hasattr(self, "store"):
            return
        goals = self.store.goals()
        assert set(goals) == set(self.parent)
        for goal in goals.values():
            assert goal.parent == self.parent[goal.id]
            assert goal.status == self.status[goal.id]
            assert set(goal.after) == self.after[goal.id]

    @invariant()
    def a_tree_without_cycles(self) -> None:
        if not hasattr(self, "store"):
            return
        goals = self.store.goals()
        assert tree.find_tree_problems(goals) == []  # no parent loop, missing parent, cycle
        assert sorted(g.id for g, _ in tree.walk(goals)) == sorted(goals)

    @invariant()
    def one_running_block_and_valid_references(self) -> None:
        if not hasattr(self, "store"):
            return
        blocks = self.store.blocks()
        running = [b for b in blocks if b.running]
        assert len(running) <= 1
        block = self.store.running_block()
        assert (block.goal if block else None) == self.running
        assert running == ([block] if block else [])
        if block:
            assert block.paused == self.paused
        now = self.clock.now()
        for b in blocks:
            assert 0 <= timer.remaining_seconds(b, now) <= b.planned_seconds
            assert timer.focus_seconds(b, now) >= 0
        goals = self.store.goals()
        today = self.clock.today()
        for day in self.store.days().values():
            if day.date >= today:  # a delete cleans today and later; the past is history
                assert set(day.items) <= set(goals)
                assert day.one_thing is None or day.one_thing in goals
        # Blocks and past plans of deleted goals are tolerated: every view still works.
        listed = [i.goal.id for i in self.store.today()]
        assert set(listed) <= set(goals)
        assert len(listed) == len(set(listed))
        assert all(tree.is_leaf(goals, i) for i in listed)  # a goal with steps: never listed
        review = self.store.review()
        assert review.focus_minutes >= 0
        self.store.forecast()


class FileStoreMachine(StoreMachine):
    storage = "file"


TestStoreOnMemory = StoreMachine.TestCase
TestStoreOnMemory.settings = settings(max_examples=60, stateful_step_count=40, deadline=None)
TestStoreOnFile = FileStoreMachine.TestCase
TestStoreOnFile.settings = settings(max_examples=12, stateful_step_count=40, deadline=None)

"""Goals: add, edit, steps, dependencies, order, done, reopen, drop and delete, with the
checks that keep the tree sound.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Final

from pendulum import Date, DateTime

from tui_microgoals.core import oplog, tree
from tui_microgoals.core.errors import Conflict, InputError, NotFound
from tui_microgoals.core.models import DONE, DROPPED, OPEN, Block, Day, Goal
from tui_microgoals.core.planner import TodayItem
from tui_microgoals.core.recurrence import Recurrence
from tui_microgoals.core.store_base import StoreBase, counted
from tui_microgoals.core.text import check_minutes, clean_notes, clean_title, quoted


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()


def _and_steps(n: int) -> str:
    return f" (and {counted(n, 'step')})" if n else ""


#: How an edit names each field it changed.
_FIELD_WORDS = {
    "title": "title",
    "notes": "notes",
    "minutes": "estimate",
    "due": "due date",
    "recurrence": "repeat",
    "after": "what it waits for",
    "parent": "place",
}


def _edit_words(goal: Goal, changes: dict[str, Any], parent_title: str) -> str:
    """An edit's words, "edited 'X' (title, estimate)"; a new parent alone says where to."""
    changed = [k for k, v in changes.items() if k != "position" and getattr(goal, k) != v]
    if changed == ["parent"]:
        where = f"under {parent_title}" if changes["parent"] is not None else "to the top level"
        return f"moved {quoted(goal.title)} {where}"
    fields = ", ".join(_FIELD_WORDS[k] for k in changed) or "nothing changed"
    return f"edited {quoted(goal.title)} ({fields})"


class GoalsMixin(StoreBase):
    """The goal tree's writes. Planning a goal and ending its block live in the day and block
    parts; their methods this part calls are declared below for the type checker."""

    if TYPE_CHECKING:

        def today(self, date: Date | None = None) -> list[TodayItem]: ...
        def _plan(
            self, ids: Iterable[int], date: Date, notices: list[str] | None = None
        ) -> Day: ...
        def _listed_before_first_step(self, parent: int | None) -> bool | None: ...
        def _hand_off(self, parent: int | None, listed: bool | None) -> list[str]: ...
        def _end_block(self, block: Block, outcome: str, reflection: str | None) -> Block: ...

    def _check_parent(
        self, goals: Mapping[int, Goal], goal_id: int | None, parent: int | None
    ) -> None:
        if parent is None:
            return
        if parent not in goals:
            raise NotFound(f"no goal with id {parent} (the parent)")
        if goal_id is not None and (
            parent == goal_id or parent in tree.descendants(goals, goal_id)
        ):
            raise InputError(f"goal {goal_id} cannot move under itself or its own sub-goal")
        below = 1 if goal_id is None else tree.height(goals, goal_id)
        if tree.depth(goals, parent) + below > tree.MAX_DEPTH:
            raise InputError(f"goals nest at most {tree.MAX_DEPTH} levels deep")

    def _check_after(
        self,
        goals: Mapping[int, Goal],
        goal_id: int | None,
        after: Iterable[int],
        parent: int | None = None,
    ) -> list[int]:
        result: list[int] = []
        if goal_id is not None:
            parent = goals[goal_id].parent
        above = (
            {parent} | {g.id for g in tree.ancestors(goals, parent)}
            if parent is not None and parent in goals
            else set()
        )
        for other in after:
            if other not in goals:
                raise NotFound(f"no goal with id {other} (in --after)")
            if other == goal_id:
                raise InputError(f"goal {other} cannot wait for itself")
            if other in above:
                raise InputError(
                    f"a goal cannot wait for {other}, a goal above it: "
                    f"{other} can only be done once its own steps are"
                )
            if other not in result:
                result.append(other)
        if goal_id is not None and tree.would_cycle(goals, goal_id, result):
            others = ", ".join(map(str, result))
            raise InputError(
                f"refused: goal {goal_id} waiting for {others} would make a dependency cycle"
            )
        return result

    def _reopen_above(
        self, goals: Mapping[int, Goal], parent: int | None, *, dropped: bool = False
    ) -> None:
        """A new open step under a finished goal means that goal is not finished after all
        (with ``dropped``, a dropped goal above is not dropped either)."""
        if parent is None or parent not in goals:
            return
        chain = [goals[parent], *tree.ancestors(goals, parent)]
        closed = (DONE, DROPPED) if dropped else (DONE,)
        for above in chain:
            if above.status in closed and not above.is_habit:
                self._save_goal(
                    replace(above, status=OPEN, done_at=None, done_on=None, dropped_at=None)
                )

    def add_goal(
        self,
        title: str,
        *,
        parent: int | None = None,
        minutes: int | None = None,
        after: Iterable[int] = (),
        due: Date | None = None,
        every: str | None = None,
        notes: str = "",
        today: bool = False,
    ) -> Goal:
        title = clean_title(title)
        notes = clean_notes(notes)
        check_minutes(minutes)
        recurrence = str(Recurrence.parse(every)) if every else None
        with self._tx(f"added {quoted(title)}"):
            self._known(parent, *after)
            goals = self._goal_view()
            self._check_parent(goals, None, parent)
            after_ids = self._check_after(goals, None, after, parent)
            listed = self._listed_before_first_step(parent)
            self._reopen_above(goals, parent)
            raw = self._goals_t._read_table()
            positions = [d.get("position") for d in raw.values() if d.get("parent") == parent]
            if parent is None:  # (past the archived top-level goals too)
                positions.append(self._archived_top())
            goal = Goal(
                id=self._next_id("goal"),
                title=title,
                notes=notes,
                parent=parent,
                position=max(
                    (p for p in positions if isinstance(p, int) and not isinstance(p, bool)),
                    default=-1,
                )
                + 1,
                minutes=minutes,
                due=due,
                after=after_ids,
                recurrence=recurrence,
                created_at=self.clock.now(),
                created_on=self.clock.today(),
                extra={oplog.GID: oplog.new_gid()},
            )
            self._save_goal(goal)
            notice = self._hand_off(parent, listed)
            if today:
                self._plan([goal.id], self.clock.today())
        self._notices += notice
        return goal

    def edit_goal(
        self,
        goal_id: int,
        *,
        title: str | _Unset = UNSET,
        notes: str | _Unset = UNSET,
        minutes: int | None | _Unset = UNSET,
        due: Date | None | _Unset = UNSET,
        parent: int | None | _Unset = UNSET,
        after: Iterable[int] | _Unset = UNSET,
        every: str | None | _Unset = UNSET,
    ) -> Goal:
        changes: dict[str, Any] = {}
        if not isinstance(title, _Unset):
            changes["title"] = clean_title(title)
        if not isinstance(notes, _Unset):
            changes["notes"] = clean_notes(notes)
        if not isinstance(minutes, _Unset):
            changes["minutes"] = check_minutes(minutes)
        if not isinstance(due, _Unset):
            changes["due"] = due
        if not isinstance(every, _Unset):
            changes["recurrence"] = str(Recurrence.parse(every)) if every else None
        notice: list[str] = []
        listed: bool | None = None
        with self._tx(f"edited {self._titled(goal_id)}"):
            goal = self.goal(goal_id)
            self._known(
                None if isinstance(parent, _Unset) else parent,
                *(() if isinstance(after, _Unset) else after),
            )
            goals = self.goals()
            if not isinstance(parent, _Unset) and parent != goal.parent:
                self._check_parent(goals, goal_id, parent)
                listed = self._listed_before_first_step(parent)
                siblings = [g for g in goals.values() if g.parent == parent]
                changes["parent"] = parent
                top = [self._archived_top()] if parent is None else []  # (as ``add_goal``)
                changes["position"] = max([g.position for g in siblings] + top, default=-1) + 1
                if goal.status == OPEN:
                    self._reopen_above(goals, parent)
            if not isinstance(after, _Unset):
                changes["after"] = self._check_after(goals, goal_id, after)
            self._relabel(_edit_words(goal, changes, self._titled(changes.get("parent"))))
            goal = self._save_goal(replace(goal, **changes))
            if listed is not None and not isinstance(parent, _Unset):
                notice = self._hand_off(parent, listed)
        self._notices += notice
        return goal

    def add_steps(
        self, parent: int, steps: Iterable[tuple[str, int | None]], *, today: bool = False
    ) -> list[Goal]:
        """Several steps under ``parent`` as one change (a split): all of them, or none."""
        steps = list(steps)
        with self._tx(f"added {counted(len(steps), 'step')} under {self._titled(parent)}"):
            return [
                self.add_goal(title, parent=parent, minutes=minutes, today=today)
                for title, minutes in steps
            ]

    def depend(self, goal_id: int, after: int) -> Goal:
        with self._tx(f"made {self._titled(goal_id)} wait for {self._titled(after)}"):
            goal = self.goal(goal_id)
            if after in goal.after:
                return goal
            return self.edit_goal(goal_id, after=[*goal.after, after])

    def undepend(self, goal_id: int, after: int) -> Goal:
        """Stop ``goal_id`` waiting for ``after`` (taking a wait away never makes a cycle)."""
        words = f"made {self._titled(goal_id)} no longer wait for {self._titled(after)}"
        with self._tx(words):
            goal = self.goal(goal_id)
            if after not in goal.after:
                raise InputError(f"goal {goal_id} does not wait for {after}")
            return self._save_goal(replace(goal, after=[a for a in goal.after if a != after]))

    def move(self, goal_id: int, delta: int) -> Goal:
        """Move a goal ``delta`` places among its siblings (manual order is priority)."""
        with self._tx(f"moved {self._titled(goal_id)} {'up' if delta < 0 else 'down'}"):
            goal = self.goal(goal_id)
            cold = getattr(self.storage, "archived_keys", lambda _: ())("goals")
            if str(goal_id) in cold:  # (an archived one moves among all: read them)
                self.read_history()
                cold = ()
            goals = self.goals()
            kids = tree.children_map(goals)
            siblings = kids.get(goal.parent if goal.parent in goals else None, [])
            if goal_id not in {g.id for g in siblings}:  # a hand-made loop of parents, cut
                siblings = kids[None]
            if siblings is kids[None]:  # (those an old day's review read in, or not: stay)
                siblings = [g for g in siblings if g.id == goal_id or str(g.id) not in cold]
            index = next(i for i, g in enumerate(siblings) if g.id == goal_id)
            target = max(0, min(len(siblings) - 1, index + delta))
            order = [g for g in siblings if g.id != goal_id]
            order.insert(target, goal)
            # (the places they hold, in a row: not from 0, over the archived goals' places)
            places: list[int] = []
            for sibling in siblings:
                places.append(max(sibling.position, places[-1] + 1 if places else 0))
            for position, sibling in zip(places, order, strict=True):
                if sibling.position != position:
                    self._save_goal(replace(sibling, position=position))
        return self.goal(goal_id)

    def _finish_goal(self, goal: Goal, when: DateTime) -> Goal:
        """Done: a plain goal closes; a recurring one records today's occurrence."""
        if goal.is_habit:
            day = self.day(self.clock.local_date(when))
            if goal.id not in day.habits_done:
                day.habits_done.append(goal.id)
                self._save_day(day)
            return goal
        if goal.status != OPEN:
            raise Conflict(f"goal {goal.id} is already {goal.status}")
        open_kids = [  # a habit never finishes, so it never holds its goal open
            g
            for g in self.goals().values()
            if g.parent == goal.id and g.status == OPEN and not g.is_habit
        ]
        if open_kids:
            raise Conflict(
                f"goal {goal.id} still has {len(open_kids)} open micro-goal(s); finish those first"
            )
        goal = self._save_goal(
            replace(goal, status=DONE, done_at=when, done_on=self.clock.local_date(when))
        )
        self._complete_above(goal.id, when)
        return goal

    def _complete_above(self, goal_id: int, when: DateTime) -> None:
        """A goal whose steps are all done (none open) is done too: its progress says 5/5,
        and whatever waits for it is no longer blocked. Habits below it don't count: they
        never finish."""
        goals = self.goals()
        kids = tree.children_map(goals)
        for above in tree.ancestors(goals, goal_id):
            live = [
                goals[c.id]
                for c in kids.get(above.id, [])
                if goals[c.id].status != DROPPED and not goals[c.id].is_habit
            ]
            if above.status != OPEN or above.is_habit or not live:
                break
            if any(c.status != DONE for c in live):
                break
            self._save_goal(
                replace(above, status=DONE, done_at=when, done_on=self.clock.local_date(when))
            )

    def mark_done(self, goal_id: int) -> Goal:
        with self._tx(f"marked {self._titled(goal_id)} done"):
            goal = self.goal(goal_id)
            running = self.running_block()
            if running is not None and running.goal == goal_id:
                self._end_block(running, "done", None)
                return self.goal(goal_id)
            return self._finish_goal(goal, self.clock.now())

    def reopen(self, goal_id: int) -> Goal:
        """Open a done or dropped goal again (a habit done today: today's occurrence).

        A dropped goal brings back the steps its drop took (stamped with the same
        ``dropped_at``; a file from before the stamp: every dropped step), not the ones
        dropped on their own before; and a dropped or done goal above it opens too, so the
        goal is not hidden under a closed one.
        """
        with self._tx(f"reopened {self._titled(goal_id)}"):
            goal = self.goal(goal_id)
            if goal.is_habit and goal.status == OPEN:
                day = self.day(self.clock.today())
                if goal_id not in day.habits_done:
                    raise Conflict(f"habit {goal_id} is not done today")
                day.habits_done.remove(goal_id)
                self._save_day(day)
                return goal
            if goal.status == OPEN:
                raise Conflict(f"goal {goal_id} is already open")
            goals = self.goals()
            if goal.status == DROPPED:
                for below in map(goals.__getitem__, tree.descendants(goals, goal_id)):
                    if below.status == DROPPED and below.dropped_at == goal.dropped_at:
                        self._save_goal(replace(below, status=OPEN, dropped_at=None))
            self._reopen_above(goals, goal.parent, dropped=True)
            return self._save_goal(
                replace(goal, status=OPEN, done_at=None, done_on=None, dropped_at=None)
            )

    def drop(self, goal_id: int) -> list[int]:
        """Drop a goal and every open goal below it; returns the ids dropped."""
        with self._tx(f"dropped {self._titled(goal_id)}"):
            self.goal(goal_id)
            goals = self.goals()
            ids = [goal_id, *tree.descendants(goals, goal_id)]
            self._refuse_if_running(ids)
            dropped = [i for i in ids if goals[i].status == OPEN]
            now = self.clock.now()
            for i in dropped:
                self._save_goal(replace(goals[i], status=DROPPED, dropped_at=now))
            self._complete_above(goal_id, self.clock.now())
            steps = len([i for i in dropped if i != goal_id])
            self._relabel(f"dropped {self._titled(goal_id)}{_and_steps(steps)}")
        return dropped

    def delete(self, goal_id: int) -> list[int]:
        """Delete a goal and everything below it; dependencies on them are removed."""
        with self._tx(f"deleted {self._titled(goal_id)}"):
            self.goal(goal_id)
            in_archive = getattr(self.storage, "in_archive", lambda _: False)
            if any(map(in_archive, [goal_id, *tree.descendants(self.goals(), goal_id)])):
                # (every archived goal that waits for it: one it was archived with waits on,
                # though it was written back to the main file since)
                self.read_history()
            goals = self.goals()
            ids = [goal_id, *tree.descendants(goals, goal_id)]
            self._relabel(f"deleted {self._titled(goal_id)}{_and_steps(len(ids) - 1)}")
            self._refuse_if_running(ids)
            gone = set(ids)
            self._goals_t.remove(doc_ids=ids)
            for gone_id in ids:
                self.goals().pop(gone_id, None)
            self._goal_edits += 1
            for other in goals.values():
                if other.id not in gone and gone.intersection(other.after):
                    self._save_goal(replace(other, after=[a for a in other.after if a not in gone]))
            today = self.clock.today()
            for day in list(self.days().values()):
                if day.date >= today and (gone.intersection(day.items) or day.one_thing in gone):
                    self._save_day(
                        replace(
                            day,
                            items=[i for i in day.items if i not in gone],
                            one_thing=None if day.one_thing in gone else day.one_thing,
                        )
                    )
        return ids

    def _refuse_if_running(self, ids: list[int]) -> None:
        running = self.running_block()
        if running is not None and running.goal in ids:
            raise Conflict(f"a block is running on goal {running.goal}; stop it first")

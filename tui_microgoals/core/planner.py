"""Today's list: planned items, carried items and due habits, as a pure function of the data.

Only micro-goals (leaves) are ever on a day's list. A plan entry for a goal that has steps
(a file written before the store handed such entries over, or by another version) stands
for its open steps: see ``PlanEntries``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from pendulum import Date

from tui_microgoals.core.errors import InputError
from tui_microgoals.core.models import DONE, DROPPED, OPEN, Day, Goal
from tui_microgoals.core.recurrence import Recurrence
from tui_microgoals.core.tree import Goals, children_map, is_blocked, is_too_big, waits

CARRY_WINDOW_DAYS = 90


@dataclass(frozen=True)
class TodayItem:
    goal: Goal
    status: str
    one_thing: bool
    blocked: bool
    #: Days since the item was first planned and left undone (0: planned for this day).
    carried: int
    habit: bool
    too_big: bool
    parent_title: str | None

    @property
    def done(self) -> bool:
        return self.status == DONE


def habit_done_days(days: Mapping[Date, Day]) -> dict[int, set[Date]]:
    done: dict[int, set[Date]] = defaultdict(set)
    for day in days.values():
        for goal_id in day.habits_done:
            done[goal_id].add(day.date)
    return done


def open_steps(goals: Goals, goal_id: int, kids: Mapping[int | None, list[Goal]]) -> list[int]:
    """The open, non-recurring micro-goals (leaves) below ``goal_id``, in tree order.

    Habits are left out: a habit comes on today's list on its own due days.
    """
    out: list[int] = []
    stack = [c for c in reversed(kids.get(goal_id, [])) if c.status != DROPPED]
    while stack:
        goal = stack.pop()
        below = [c for c in kids.get(goal.id, []) if c.status != DROPPED]
        if below:
            stack.extend(reversed(below))
        elif goal.status == OPEN and not goal.is_habit:
            out.append(goal.id)
    return out


def is_step(status: object, recurrence: object) -> bool:
    """Whether a child makes its parent a goal with steps: not dropped and not a habit (a
    habit never holds its goal open, and never takes its place on a day's list)."""
    return status != DROPPED and recurrence is None


class PlanEntries:
    """What plan entries stand for: a micro-goal for itself, a goal with steps for its
    open steps (``open_steps``), so such a goal is never on a day's list.

    Finding which of the given ids have steps is one pass over the goals; the tree is built
    only when one has (an old file), so the usual day list costs no more than before.
    """

    def __init__(
        self, goals: Goals, ids: Iterable[int], kids: Mapping[int | None, list[Goal]] | None = None
    ) -> None:
        """``kids``: the goals' ``children_map`` when the caller has it (the app's tree
        does): then finding the ids with steps looks at their children, not every goal."""
        wanted = {i for i in ids if i in goals}
        if kids is not None:
            parents: set[int | None] = {
                i
                for i in wanted
                if (below := kids.get(i)) and any(is_step(c.status, c.recurrence) for c in below)
            }
        elif wanted:
            parents = {
                g.parent
                for g in goals.values()
                if g.parent in wanted and is_step(g.status, g.recurrence)
            }
        else:
            parents = set()
        self.steps: dict[int, list[int]] = {}
        if parents:
            kids = kids if kids is not None else children_map(goals)
            self.steps = {p: open_steps(goals, p, kids) for p in parents if p is not None}

    def of(self, goal_id: int) -> list[int]:
        return self.steps.get(goal_id, [goal_id])

    def expand(self, ids: Iterable[int]) -> list[int]:
        """Each id, or its open steps in its place; no id twice."""
        if not self.steps:
            return list(dict.fromkeys(ids))
        return list(dict.fromkeys(s for i in ids for s in self.of(i)))


def plan_units(goals: Goals, goal_id: int) -> list[int]:
    """The ids a plan entry for ``goal_id`` stands for (itself, or its open steps)."""
    return PlanEntries(goals, [goal_id]).of(goal_id)


def first_startable(goals: Goals, ids: Iterable[int]) -> int | None:
    """The first of ``ids`` that is open and waits for nothing (a One Thing must be)."""
    return next((i for i in ids if goals[i].status == OPEN and not waits(goals, goals[i])), None)


def pass_to_steps(day: Day, entries: PlanEntries, goals: Goals) -> Day:
    """``day`` with each entry for a goal with steps replaced by those steps (in place, no
    duplicates); a One Thing with steps passes to its first step that can start."""
    one = day.one_thing
    if one is not None and one in entries.steps:
        one = first_startable(goals, entries.of(one))
    return replace(day, items=entries.expand(day.items), off=entries.expand(day.off), one_thing=one)


def _window(days: Mapping[Date, Day], date: Date) -> list[Date]:
    start = date.subtract(days=CARRY_WINDOW_DAYS)
    return sorted(d for d in days if start <= d <= date)


def _entries_for(
    days: Mapping[Date, Day],
    goals: Goals,
    date: Date,
    kids: Mapping[int | None, list[Goal]] | None = None,
) -> PlanEntries:
    ids: set[int] = set()
    for day_date in _window(days, date):
        day = days[day_date]
        ids.update(day.items)
        ids.update(day.off)
        if day.one_thing is not None:
            ids.add(day.one_thing)
    return PlanEntries(goals, ids, kids)


def carried_since(
    days: Mapping[Date, Day], goals: Goals, date: Date, entries: PlanEntries | None = None
) -> dict[int, Date]:
    """Open, non-habit micro-goals planned on an earlier day and not taken off since: the
    first date. A step that stands in for its goal's entry counts from that entry's date or
    from the day it was made, whichever is later (so it may be ``date`` itself)."""
    entries = entries or _entries_for(days, goals, date)
    since: dict[int, Date] = {}
    for day_date in _window(days, date):
        day = days[day_date]
        for goal_id in entries.expand(day.off):
            since.pop(goal_id, None)
        if day_date == date:
            break
        for entry in day.items:
            for goal_id in entries.of(entry):
                first = day_date
                if goal_id != entry and (made := goals[goal_id].first_day) is not None:
                    first = max(first, made)
                since.setdefault(goal_id, first)
    return {
        gid: first
        for gid, first in since.items()
        if gid in goals and goals[gid].status == OPEN and not goals[gid].is_habit
    }


def habit_done_this_week(days: Mapping[Date, Day], date: Date) -> dict[int, set[Date]]:
    """``habit_done_days`` from the start of ``date``'s ISO week to ``date``: all that
    ``Recurrence.is_due`` looks at, read without a pass over every day ever recorded (a
    pass on every key that changed the day, ~3 ms after three years)."""
    done: dict[int, set[Date]] = defaultdict(set)
    for back in range(date.weekday() + 1):
        day = days.get(date.subtract(days=back))
        if day is not None:
            for goal_id in day.habits_done:
                done[goal_id].add(day.date)
    return done


def due_habits(goals: Goals, days: Mapping[Date, Day], date: Date) -> list[Goal]:
    habits = [g for g in goals.values() if g.recurrence is not None and g.status == OPEN]
    if not habits:
        return []
    done = habit_done_this_week(days, date)
    due = []
    for goal in habits:
        if goal.first_day is not None and goal.first_day > date:
            continue
        try:
            rule = Recurrence.parse(goal.recurrence or "")
        except InputError:
            continue
        if rule.is_due(date, done.get(goal.id, set())):
            due.append(goal)
    return sorted(due, key=lambda g: (g.position, g.id))


def day_list(
    goals: Goals,
    days: Mapping[Date, Day],
    date: Date,
    block_minutes: int,
    kids: Mapping[int | None, list[Goal]] | None = None,
) -> list[TodayItem]:
    """The list for ``date``: the One Thing, then planned items, carried items, due habits.

    A planned goal with steps is listed as its open steps; if it is the One Thing, its
    first step that can start is (see ``PlanEntries``). ``kids``: the goals'
    ``children_map``, when the caller has it (it saves a pass over every goal).
    """
    day = days.get(date) or Day(date)
    habits_today = set(day.habits_done)
    entries = _entries_for(days, goals, date, kids)
    taken_off = set(day.off)
    planned = [g for g in entries.expand(g for g in day.items if g in goals) if g not in taken_off]
    ids: list[int] = list(planned)
    carried = carried_since(days, goals, date, entries)
    ids += [g for g in sorted(carried, key=lambda g: (carried[g], g)) if g not in ids]
    ids += [g.id for g in due_habits(goals, days, date) if g.id not in ids]
    ids += [g for g in habits_today if g in goals and g not in ids]
    one_thing = day.one_thing
    if one_thing is not None and one_thing in entries.steps:
        one_thing = first_startable(goals, [i for i in entries.of(one_thing) if i in ids])
    if one_thing in ids:
        ids.remove(one_thing)
        ids.insert(0, one_thing)

    items = []
    for goal_id in ids:
        goal = goals[goal_id]
        status = goal.status
        if goal.is_habit:
            status = DONE if goal_id in habits_today else goal.status
        parent = goals.get(goal.parent) if goal.parent is not None else None
        first = carried.get(goal_id)
        items.append(
            TodayItem(
                goal=goal,
                status=status,
                one_thing=goal_id == one_thing,
                blocked=status == OPEN and is_blocked(goals, goal),
                carried=date.toordinal() - first.toordinal()
                if first and goal_id not in planned
                else 0,
                habit=goal.is_habit,
                too_big=is_too_big(goal, block_minutes),
                parent_title=parent.title if parent else None,
            )
        )
    return items

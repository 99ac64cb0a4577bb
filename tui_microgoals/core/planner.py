"""Today's list: planned items, carried items and due habits, as a pure function of the data."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass

from pendulum import Date

from tui_microgoals.core.errors import InputError
from tui_microgoals.core.models import DONE, OPEN, Day, Goal
from tui_microgoals.core.recurrence import Recurrence
from tui_microgoals.core.tree import Goals, is_blocked, is_too_big

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


def carried_since(days: Mapping[Date, Day], goals: Goals, date: Date) -> dict[int, Date]:
    """Open, non-habit goals planned on an earlier day and not taken off since: first date."""
    since: dict[int, Date] = {}
    start = date.subtract(days=CARRY_WINDOW_DAYS)
    for day_date in sorted(d for d in days if start <= d <= date):
        day = days[day_date]
        for goal_id in day.off:
            since.pop(goal_id, None)
        if day_date == date:
            break
        for goal_id in day.items:
            since.setdefault(goal_id, day_date)
    return {
        gid: first
        for gid, first in since.items()
        if gid in goals and goals[gid].status == OPEN and not goals[gid].is_habit
    }


def due_habits(goals: Goals, days: Mapping[Date, Day], date: Date) -> list[Goal]:
    habits = [g for g in goals.values() if g.recurrence is not None and g.status == OPEN]
    if not habits:
        return []
    done = habit_done_days(days)
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
    goals: Goals, days: Mapping[Date, Day], date: Date, block_minutes: int
) -> list[TodayItem]:
    """The list for ``date``: the One Thing, then planned items, carried items, due habits."""
    day = days.get(date) or Day(date)
    habits_today = set(day.habits_done)
    ids: list[int] = [g for g in day.items if g in goals]
    carried = carried_since(days, goals, date)
    ids += [g for g in sorted(carried, key=lambda g: (carried[g], g)) if g not in ids]
    ids += [g.id for g in due_habits(goals, days, date) if g.id not in ids]
    ids += [g for g in habits_today if g in goals and g not in ids]
    if day.one_thing in ids:
        ids.remove(day.one_thing)
        ids.insert(0, day.one_thing)

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
                one_thing=goal_id == day.one_thing,
                blocked=status == OPEN and is_blocked(goals, goal),
                carried=date.toordinal() - first.toordinal()
                if first and goal_id not in day.items
                else 0,
                habit=goal.is_habit,
                too_big=is_too_big(goal, block_minutes),
                parent_title=parent.title if parent else None,
            )
        )
    return items

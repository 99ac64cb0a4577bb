"""The planning simulation: walk forward day by day, fill each day to capacity, and learn
from it both today's suggested plan (its first day) and each deadline's forecast.

Each simulated day takes, in order: what is already planned for it, carried items (first
day only), recurring micro-goals due that day, then open leaves in deadline order (own due
date or the nearest ancestor's; earliest first, none last; ties by the tree's manual order).
A leaf is taken only once its ``after`` goals (and its ancestors' ``after`` goals) are
finished, counting ones finished earlier the same day. A day is full at its capacity; at most
one item runs over. A too-big leaf is never taken: it is reported as "split first".

With a calibration (``core/calibration``, enough samples) a micro-goal with an estimate
fills its day by its minutes at the user's pace, and its reason says so when they differ;
``minutes`` stays the estimate. Without one, everything is as the estimates say.
"""

from __future__ import annotations

import heapq
import statistics
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from pendulum import Date

from tui_microgoals.core import tree
from tui_microgoals.core.calibration import Calibration, pace_words
from tui_microgoals.core.errors import InputError
from tui_microgoals.core.models import DONE, DROPPED, OPEN, Day, Goal
from tui_microgoals.core.planner import carried_since, habit_done_days
from tui_microgoals.core.recurrence import Recurrence

HORIZON_DAYS = 3 * 366
HISTORY_DAYS = 14
MIN_HISTORY_DAYS = 3


def capacity_from_history(focus_minutes_by_day: list[float], fallback: int) -> int:
    """The median focus minutes over days that had a block; the setting with too few."""
    worked = [m for m in focus_minutes_by_day if m > 0]
    if len(worked) < MIN_HISTORY_DAYS:
        return fallback
    return max(1, round(statistics.median(worked)))


@dataclass(frozen=True)
class PlanItem:
    goal: Goal
    minutes: int
    reason: str
    planned: bool = False  # already on the day's list
    #: The estimate at the user's pace (calibrated); None: not calibrated.
    paced: int | None = None

    @property
    def day_minutes(self) -> int:
        """What the item takes of the day: its paced minutes when calibrated."""
        return self.paced if self.paced is not None else self.minutes


@dataclass
class SimDay:
    date: Date
    items: list[PlanItem] = field(default_factory=list)

    @property
    def minutes(self) -> int:
        return sum(i.minutes for i in self.items)


@dataclass
class Simulation:
    start: Date
    capacity: int
    days: list[SimDay]
    #: The simulated day each goal finishes (leaves and every goal above them).
    finish: dict[int, Date]
    #: Too-big open leaves that are never taken.
    split: list[Goal]
    #: How many open goals wait directly for each goal.
    unblocks: dict[int, int]


def deadlines(goals: Mapping[int, Goal]) -> dict[int, Date | None]:
    """Each goal's own due date or its nearest ancestor's."""
    result: dict[int, Date | None] = {}
    for goal, _ in tree.walk(goals):
        parent = goal.parent if goal.parent in goals else None
        result[goal.id] = goal.due or (result.get(parent) if parent is not None else None)
    return result


def _describe_due(due: Date, today: Date) -> str:
    days = (due - today).days
    if days < 0:
        return f"overdue by {-days} day{'s' if days != -1 else ''}"
    if days == 0:
        return "due today"
    return f"due in {days} day{'s' if days != 1 else ''}"


def simulate(
    goals: Mapping[int, Goal],
    days: Mapping[Date, Day],
    start: Date,
    capacity: int,
    block_minutes: int,
    horizon: int = HORIZON_DAYS,
    pace: Calibration | None = None,
) -> Simulation:
    if capacity < 1:
        raise InputError("capacity must be at least 1 minute")
    kids = tree.children_map(goals)
    order = {g.id: i for i, (g, _) in enumerate(tree.walk(goals, kids))}
    due = deadlines(goals)
    live = {gid: g for gid, g in goals.items() if g.status != DROPPED}

    def live_kids(gid: int) -> list[Goal]:
        return [c for c in kids.get(gid, []) if c.status != DROPPED]

    leaves = [
        g for g in live.values() if g.status == OPEN and not g.is_habit and not live_kids(g.id)
    ]
    split = [g for g in leaves if tree.is_too_big(g, block_minutes)]
    split_ids = {g.id for g in split}
    minutes_of = {g.id: g.minutes or block_minutes for g in leaves}

    # Finishing bookkeeping: a goal finishes when its last open leaf does.
    open_below: dict[int, int] = defaultdict(int)
    finish: dict[int, Date] = {}
    finished: set[int] = {gid for gid, g in goals.items() if g.status in (DONE, DROPPED)}
    for leaf in leaves:
        for ancestor in tree.ancestors(goals, leaf.id):
            open_below[ancestor.id] += 1
    for gid, g in live.items():
        if g.status == OPEN and not g.is_habit and live_kids(gid) and open_below[gid] == 0:
            finished.add(gid)  # only habits or nothing open below: nothing to wait for

    # What each leaf waits for: its own after goals and its ancestors'.
    waits_for: dict[int, set[int]] = {}
    waiters: dict[int, list[int]] = defaultdict(list)
    for leaf in leaves:
        needs = set(leaf.after)
        for ancestor in tree.ancestors(goals, leaf.id):
            needs.update(ancestor.after)
        needs = {n for n in needs if n in goals and n not in finished}
        waits_for[leaf.id] = needs
        for n in needs:
            waiters[n].append(leaf.id)
    unblocks: dict[int, int] = defaultdict(int)
    for g in live.values():
        if g.status == OPEN:
            for a in g.after:
                unblocks[a] += 1

    ready: list[tuple[int, Date, int, int]] = []  # (no deadline?, deadline, order, id)
    far = Date(9999, 12, 31)

    def push(leaf_id: int) -> None:
        if leaf_id in split_ids:
            return
        d = due[leaf_id]
        heapq.heappush(ready, (d is None, d or far, order.get(leaf_id, 0), leaf_id))

    def mark_finished(gid: int, date: Date) -> None:
        stack = [gid]
        while stack:
            current = stack.pop()
            if current in finished:
                continue
            finished.add(current)
            finish[current] = date
            for waiter in waiters.get(current, []):
                pending = waits_for[waiter]
                pending.discard(current)
                if not pending and waiter not in taken:
                    push(waiter)
            parent = goals[current].parent if current in goals else None
            if parent is not None and parent in open_below:
                open_below[parent] -= 1
                if open_below[parent] == 0:
                    stack.append(parent)

    taken: set[int] = set()
    for leaf in leaves:
        if not waits_for[leaf.id]:
            push(leaf.id)

    habit_done = habit_done_days(days)
    habits = []
    for goal in sorted(goals.values(), key=lambda g: order.get(g.id, 0)):
        if goal.is_habit and goal.status == OPEN:
            try:
                habits.append((goal, Recurrence.parse(goal.recurrence or "")))
            except InputError:
                continue
    carried = carried_since(days, goals, start)
    last_planned = max((d for d, day in days.items() if day.items), default=start)
    sim_days: list[SimDay] = []
    date = start
    for _ in range(horizon):
        sim_day = SimDay(date)
        used = 0
        day = days.get(date)

        def take(goal: Goal, reason: str, planned: bool = False, sim_day: SimDay = sim_day) -> None:
            nonlocal used
            minutes = goal.minutes or block_minutes
            paced = pace.minutes_for(goal, goals) if pace is not None else None
            if paced is not None and paced != minutes:
                reason = f"{reason}; {pace_words(minutes, paced)}"
            sim_day.items.append(PlanItem(goal, minutes, reason, planned, paced))
            used += minutes if paced is None else paced
            taken.add(goal.id)
            if not goal.is_habit:
                mark_finished(goal.id, sim_day.date)

        for gid in day.items if day else []:
            planned_goal = goals.get(gid)
            if planned_goal is None or gid in taken or gid in split_ids:
                continue
            if planned_goal.status != OPEN:
                continue
            if planned_goal.is_habit and gid in (day.habits_done if day else []):
                continue
            if not planned_goal.is_habit and gid not in minutes_of:
                continue
            take(planned_goal, "planned", planned=True)
        if date == start:
            for gid, first in sorted(carried.items(), key=lambda kv: (kv[1], kv[0])):
                if gid not in taken and gid in minutes_of and gid not in split_ids:
                    n = (date - first).days  # 0: a step that took its goal's place today
                    take(goals[gid], f"carried {n} day{'s' if n != 1 else ''}" if n else "planned")
        for habit, rule in habits:
            done_days = habit_done.get(habit.id, set())
            if (habit.first_day or date) > date or not rule.is_due(date, done_days):
                continue
            if date in done_days or any(i.goal.id == habit.id for i in sim_day.items):
                continue
            take(habit, "habit, due today" if date == start else "habit")
            habit_done[habit.id] = done_days | {date}
        while ready and used < capacity:
            *_, gid = heapq.heappop(ready)
            if gid in taken:
                continue
            goal = goals[gid]
            take(goal, _reason(goal, goals, due[gid], date, unblocks))
        sim_days.append(sim_day)
        if not ready and date >= last_planned:
            break  # nothing more can be taken: the rest waits on a too-big step
        date = date.add(days=1)
    return Simulation(start, capacity, sim_days, finish, split, dict(unblocks))


def _reason(
    goal: Goal,
    goals: Mapping[int, Goal],
    due: Date | None,
    today: Date,
    unblocks: Mapping[int, int],
) -> str:
    parts = []
    if due is not None:
        parts.append(_describe_due(due, today))
    if unblocks.get(goal.id):
        parts.append(f"unblocks {unblocks[goal.id]}")
    if not parts:
        parent = goals.get(goal.parent) if goal.parent is not None else None
        parts.append(f"next step of {parent.title}" if parent else "next step")
    return ", ".join(parts)


@dataclass
class SuggestedPlan:
    date: Date
    capacity: int
    items: list[PlanItem]
    one_thing: Goal | None
    split: list[Goal]

    @property
    def planned_minutes(self) -> int:
        return sum(i.minutes for i in self.items)

    @property
    def paced_minutes(self) -> int | None:
        """The day's minutes at the user's pace; None when no item is calibrated."""
        if all(i.paced is None for i in self.items):
            return None
        return sum(i.day_minutes for i in self.items)


def suggested_plan(sim: Simulation, goals: Mapping[int, Goal], day: Day | None) -> SuggestedPlan:
    """The first simulated day. Its One Thing is the day's own if that can start, else the
    item that unblocks most (then the earliest deadline); never one that cannot start yet
    (``tree.waits``), even if the simulation takes it later that day."""
    first = sim.days[0] if sim.days else SimDay(sim.start)
    items = first.items
    due = deadlines(goals)
    one: Goal | None = None
    kept = goals.get(day.one_thing) if day is not None and day.one_thing is not None else None
    startable = [i for i in items if i.goal.status == OPEN and not tree.waits(goals, i.goal)]
    if kept is not None and kept.status == OPEN and not tree.waits(goals, kept):
        one = kept
    elif startable:
        candidates = [i for i in startable if not i.goal.is_habit] or startable
        far = Date(9999, 12, 31)
        best = min(
            enumerate(candidates),
            key=lambda pair: (
                -sim.unblocks.get(pair[1].goal.id, 0),
                due.get(pair[1].goal.id) or far,
                pair[0],
            ),
        )
        one = best[1].goal
    return SuggestedPlan(sim.start, sim.capacity, list(items), one, list(sim.split))


@dataclass(frozen=True, slots=True)  # the app keeps one per goal with a due date
class ForecastRow:
    goal: Goal
    due: Date
    remaining_minutes: int
    finish: Date | None
    status: str  # on_track, at_risk, overdue, done
    why: str
    #: ``remaining_minutes`` at the user's pace; None: not calibrated.
    paced_minutes: int | None = None


def forecast(
    goals: Mapping[int, Goal],
    sim: Simulation,
    today: Date,
    block_minutes: int,
    pace: Calibration | None = None,
) -> list[ForecastRow]:
    due = deadlines(goals)
    kids = tree.children_map(goals)
    split_ids = {g.id for g in sim.split}
    walked = [g for g, _ in tree.walk(goals, kids)]
    # Bottom-up: the minutes of open leaves below each goal (one pass, not one per goal).
    remaining: dict[int, int] = {}
    paced: dict[int, int] = {}  # the same at the user's pace
    open_leaves: dict[int, int] = {}
    for goal in reversed(walked):
        live = [c for c in kids.get(goal.id, []) if c.status != DROPPED]
        if live:
            remaining[goal.id] = sum(remaining[c.id] for c in live)
            paced[goal.id] = sum(paced[c.id] for c in live)
            open_leaves[goal.id] = sum(open_leaves[c.id] for c in live)
        else:
            is_open = goal.status == OPEN and not goal.is_habit
            remaining[goal.id] = (goal.minutes or block_minutes) if is_open else 0
            at_pace = pace.minutes_for(goal, goals) if pace is not None and is_open else None
            paced[goal.id] = remaining[goal.id] if at_pace is None else at_pace
            open_leaves[goal.id] = int(is_open)
    rows = []
    for goal in walked:
        goal_due = due.get(goal.id)
        if goal_due is None or goal.status == DROPPED:
            continue
        left_minutes = remaining[goal.id]
        # Said only when calibrated: without it, the rows are as they always were.
        calibrated = pace is not None and pace.enough
        paced_minutes = paced[goal.id] if calibrated else None
        finish = sim.finish.get(goal.id)
        timed = True  # (a reason that is about time: the pace has something to add)
        if goal.status == DONE or open_leaves[goal.id] == 0:
            status, why = "done", "done"
        elif goal_due < today:
            status, why = "overdue", _describe_due(goal_due, today)
        elif finish is not None and finish <= goal_due:
            status, why = "on_track", f"finishes {finish.isoformat()}"
        else:
            status = "at_risk"
            left = (goal_due - today).days + 1
            to_do = left_minutes if paced_minutes is None else paced_minutes
            needed = -(-to_do // sim.capacity)
            if goal.id in split_ids:
                why, timed = f"too big ({goal.minutes} min): split it first", False
            elif finish is None:
                why = "never finishes as planned: a step is too big or waits on one"
                timed = False
            else:
                why = (
                    f"needs {needed} more day{'s' if needed != 1 else ''} of your usual "
                    f"{sim.capacity} min; {left} left"
                )
        if paced_minutes not in (None, left_minutes) and status != "done" and timed:
            why = f"{why}; {pace_words(left_minutes, paced_minutes)}"
        rows.append(ForecastRow(goal, goal_due, left_minutes, finish, status, why, paced_minutes))
    return rows

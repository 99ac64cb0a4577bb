"""The weekly retro: the 7 days ending on a date (the week view's week, not a calendar week),
worked out from the store's indexes so a week costs that week, not the whole history.

What it holds: planned against done and focus minutes by day; how far estimates ran; the
most frequent interruption notes; habit streaks; what was carried and for how many days;
the goals completed; the milestones to celebrate; and the week's note (stored on the day
document of the week's last day, as the day note is: undo and sync carry it as any field).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, replace

from pendulum import Date, DateTime

from tui_microgoals.core import timer, tree
from tui_microgoals.core.history import day_totals
from tui_microgoals.core.kept_runs import Runs
from tui_microgoals.core.models import DONE, OPEN, Block, Day, Goal
from tui_microgoals.core.planner import CARRY_WINDOW_DAYS, day_list, habit_done_days
from tui_microgoals.core.retro_kept import Archived
from tui_microgoals.core.review import habit_streak, streak
from tui_microgoals.core.review_index import GoalIndex

WEEK_DAYS = 7
#: Blocks read before the week for the focus time of a micro-goal done in it (one started
#: the week before counts whole); older blocks are not read.
ESTIMATE_LOOKBACK_DAYS = 28
#: How many interruption notes the retro names.
TOP_INTERRUPTIONS = 5


@dataclass(frozen=True)
class RetroDay:
    date: Date
    #: Items on the day's list as it stood that morning (carried items and due habits too).
    planned: int
    #: Of those, the ones done that day.
    done: int
    #: Micro-goals (and habit occurrences) done that day, planned or not.
    micro_done: int
    focus_minutes: float
    blocks: int
    interruptions: int


@dataclass(frozen=True)
class Estimate:
    """The median of actual focus time / estimate over ``samples`` micro-goals."""

    ratio: float | None
    samples: int


@dataclass(frozen=True)
class Habit:
    id: int
    title: str
    streak: int
    #: Days of the week it was done.
    done: int


@dataclass(frozen=True)
class Carried:
    id: int
    title: str
    #: Days of the week it was on the list (2 or more).
    days: int
    status: str


@dataclass(frozen=True)
class Completed:
    id: int
    title: str
    path: str
    date: Date


@dataclass(frozen=True)
class Milestone:
    kind: str  # "goal_completed", "micro_goals", "longest_streak"
    text: str
    date: Date
    #: The goal's id, the count of micro-goals, or the streak's days.
    value: int


@dataclass(frozen=True)
class Retro:
    start: Date
    end: Date
    days: list[RetroDay]
    estimate: Estimate
    interruption_notes: list[tuple[str, int]]
    habits: list[Habit]
    carried: list[Carried]
    completed: list[Completed]
    milestones: list[Milestone]
    streak: int
    longest_streak: int
    note: str

    @property
    def planned(self) -> int:
        return sum(d.planned for d in self.days)

    @property
    def done(self) -> int:
        return sum(d.done for d in self.days)

    @property
    def micro_done(self) -> int:
        return sum(d.micro_done for d in self.days)

    @property
    def focus_minutes(self) -> float:
        return round(sum(d.focus_minutes for d in self.days), 1)

    @property
    def blocks(self) -> int:
        return sum(d.blocks for d in self.days)

    @property
    def interruptions(self) -> int:
        return sum(d.interruptions for d in self.days)


def week_start(end: Date) -> Date:
    return end.subtract(days=WEEK_DAYS - 1)


def estimate_ratio(samples: Iterable[tuple[float, int]]) -> Estimate:
    """``(focus minutes, estimate minutes)`` pairs: the median ratio (of two middle ones,
    their mean), rounded half up to tenths, as ``calibration.median_ratio`` rounds it."""
    ratios = [actual / est for actual, est in samples if est > 0 and actual > 0]
    if not ratios:
        return Estimate(None, 0)
    return Estimate(int(statistics.median(ratios) * 10 + 0.5) / 10, len(ratios))


def top_notes(notes: Iterable[str], limit: int = TOP_INTERRUPTIONS) -> list[tuple[str, int]]:
    """The most frequent notes, counted without regard to case or spacing, each shown as
    first typed; ties in the order first seen. Empty notes are not counted."""
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    for note in notes:
        key = " ".join(note.split()).casefold()
        if key:
            counts[key] = counts.get(key, 0) + 1
            shown.setdefault(key, " ".join(note.split()))
    ranked = sorted(counts, key=lambda k: -counts[k])  # stable: first seen first
    return [(shown[k], counts[k]) for k in ranked[:limit]]


#: The counts of micro-goals done ever worth a word; then each 1000th.
MILESTONES = (10, 50, 100, 250, 500)


def is_milestone(count: int) -> bool:
    return count in MILESTONES or (count > 0 and count % 1000 == 0)


def ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def longest_run(active: Iterable[Date]) -> int:
    """The most consecutive days in ``active``."""
    best = run = 0
    previous = None
    for day in sorted(d.toordinal() for d in active):
        run = run + 1 if previous == day - 1 else 1
        best, previous = max(best, run), day
    return best


def _as_of_morning(goals: Mapping[int, Goal], ids: set[int], date: Date) -> Mapping[int, Goal]:
    """The goals as they stood on the morning of ``date``: any of ``ids`` done that day or
    later is open (so the day's list, carried items included, is the one the user saw)."""
    later = {
        i: replace(goals[i], status=OPEN, done_at=None, done_on=None)
        for i in ids
        if i in goals
        and goals[i].status == DONE
        and goals[i].done_on is not None
        and goals[i].done_on >= date  # type: ignore[operator]
    }
    return {**goals, **later} if later else goals


def _planned_ids(days: Mapping[Date, Day], start: Date, end: Date) -> set[int]:
    """Every goal a day plan names from the carry window before ``start`` to ``end``."""
    ids: set[int] = set()
    first = start.subtract(days=CARRY_WINDOW_DAYS)
    for date, day in days.items():
        if first <= date <= end:
            ids.update(day.items, day.off, [day.one_thing] if day.one_thing else [])
    return ids


@dataclass(frozen=True)
class Past:
    """The archive's share of the retro's all-time counts (``retro_kept``), for a retro
    over what the store holds in memory: the main file's documents and the archive's read
    in for the week (``cold_goals``, ``cold_days``: their keys, left out of the counts, as
    the share counts them), whether a habit exists anywhere, the runs kept for a streak."""

    archived: Archived
    exists: Callable[[int], bool]
    runs: Runs | None
    cold_goals: Collection[str] = ()
    cold_days: Collection[str] = ()


def _all_time(
    index: GoalIndex,
    days: Mapping[Date, Day],
    goals: Mapping[int, Goal],
    start: Date,
    past: Past | None,
) -> tuple[int, set[Date]]:
    """Micro-goals and habit occurrences done before ``start`` (as ``done_on`` counts them),
    and every day with something done."""
    exists: Callable[[int], bool] = goals.__contains__
    goals_out: Collection[str] = ()
    days_out: Collection[str] = ()
    before, active = 0, set()
    if past is not None:
        exists, goals_out, days_out = past.exists, past.cold_goals, past.cold_days
        before, active = past.archived.done_before(start, exists), past.archived.active_days()
    for date, ids in index.done_by_day.items():
        counted = [i for i in ids if str(i) not in goals_out]
        if counted:
            active.add(date)
        if date < start:
            before += sum(1 for i in counted if not index.has_children(i))
    for day in days.values():
        if str(day.doc_id) in days_out:
            continue
        if day.habits_done:
            active.add(day.date)
        if day.date < start:
            before += sum(1 for g in day.habits_done if exists(g))
    return before, active


def week_retro(
    goals: Mapping[int, Goal],
    days: Mapping[Date, Day],
    blocks: list[Block],
    end: Date,
    now: DateTime,
    block_minutes: int,
    index: GoalIndex,
    past: Past | None = None,
) -> Retro:
    """The retro of the 7 days ending on ``end``. ``blocks``: those of the week and of the
    ``ESTIMATE_LOOKBACK_DAYS`` before it (``Store.blocks_between``). ``past``: what the
    goals and days given leave out (all the history before them is given without it)."""
    start = week_start(end)
    week_blocks = [b for b in blocks if b.day is not None and start <= b.day <= end]
    totals = day_totals(goals, days, week_blocks, start, end, now, index)
    planned_ids = _planned_ids(days, start, end)
    out_days: list[RetroDay] = []
    on_list: dict[int, int] = {}
    for total in totals:
        date = total.date
        items = day_list(_as_of_morning(goals, planned_ids, date), days, date, block_minutes)
        done = sum(1 for i in items if (i.done if i.habit else goals[i.goal.id].done_on == date))
        figures = (total.done, total.focus_minutes, total.blocks, total.interruptions)
        out_days.append(RetroDay(date, len(items), done, *figures))
        for item in items:
            if not item.habit:
                on_list[item.goal.id] = on_list.get(item.goal.id, 0) + 1

    # Micro-goals done in the week: their estimates against their focus time.
    focus: dict[int, float] = {}
    for block in blocks:  # (a running block's time is not known yet)
        if block.ended_at is not None:
            focus[block.goal] = focus.get(block.goal, 0.0) + timer.focus_seconds(block, now)
    done_ids = [i for t in totals for i in index.done_ids(t.date)]
    micro = [goals[i] for i in done_ids if not index.has_children(i) and not goals[i].is_habit]
    estimate = estimate_ratio((focus.get(g.id, 0.0) / 60, g.minutes or 0) for g in micro)

    completed = [
        Completed(g.id, g.title, tree.path(goals, g.id), g.done_on)  # type: ignore[arg-type]
        for g in (goals[i] for i in done_ids)
        if index.has_children(g.id)  # a goal with steps: a leaf is a micro-goal, counted
    ]
    habit_days = habit_done_days(days)
    habits = []
    for goal in (goals[i] for i in index.open_ids()):
        if goal.is_habit and (goal.first_day or end) <= end:
            done_on_days = habit_days.get(goal.id, set())
            in_week = sum(1 for d in done_on_days if start <= d <= end)
            runs = past.runs if past is not None else None
            streak_now = habit_streak(goal, done_on_days, end, runs=runs)
            habits.append(Habit(goal.id, goal.title, streak_now, in_week))
    carried = sorted(
        (
            Carried(i, goals[i].title, n, goals[i].status)
            for i, n in on_list.items()
            if n >= 2 and i in goals
        ),
        key=lambda c: (-c.days, c.id),
    )
    before, active = _all_time(index, days, goals, start, past)
    active = {d for d in active if d <= end}
    current, longest = streak(active, end), longest_run(active)
    notes = (i.note for b in week_blocks for i in b.interruptions)
    day = days.get(end)
    return Retro(
        start=start,
        end=end,
        days=out_days,
        estimate=estimate,
        interruption_notes=top_notes(notes),
        habits=habits,
        carried=carried,
        completed=completed,
        milestones=milestones(out_days, completed, before, current, longest),
        streak=current,
        longest_streak=longest,
        note=day.week_note if day else "",
    )


def milestones(
    days: list[RetroDay], completed: list[Completed], before: int, current: int, longest: int
) -> list[Milestone]:
    """What to celebrate: each goal completed; the count of micro-goals done ever passing
    a milestone (``before``: the count when the week began); the longest streak so far."""
    out = [
        Milestone("goal_completed", f"Goal completed: {c.path}", c.date, c.id) for c in completed
    ]
    count = before
    for day in days:
        for n in range(count + 1, count + day.micro_done + 1):
            if is_milestone(n):
                words = f"Your {ordinal(n)} micro-goal done, on {day.date.format('ddd MMM D')}"
                out.append(Milestone("micro_goals", words, day.date, n))
        count += day.micro_done
    if current >= 2 and current == longest:
        words = f"Your longest streak so far: {current} days in a row with a micro-goal done"
        out.append(Milestone("longest_streak", words, days[-1].date, current))
    return sorted(out, key=lambda m: m.date)

"""A day's review: what got done, the blocks, focus minutes, planned vs done, streaks, advice."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date as _date

from pendulum import Date, DateTime

from tui_microgoals.core import timer, tree
from tui_microgoals.core.calibration import Calibration
from tui_microgoals.core.errors import InputError
from tui_microgoals.core.kept_runs import Runs
from tui_microgoals.core.models import DONE, Block, Day, Goal
from tui_microgoals.core.planner import TodayItem, day_list
from tui_microgoals.core.recurrence import Recurrence
from tui_microgoals.core.review_index import GoalIndex
from tui_microgoals.core.right_size import Suggestion as Suggestion
from tui_microgoals.core.right_size import suggestions


@dataclass(frozen=True)
class DoneItem:
    id: int
    title: str
    path: str
    at: DateTime | None
    habit: bool = False
    #: A goal with micro-goals below it, completed with its last one: worth showing,
    #: but not counted as one more micro-goal done.
    whole: bool = False


@dataclass
class Review:
    date: Date
    done: list[DoneItem]
    blocks: list[Block]
    focus_seconds: dict[int, float]
    planned: list[TodayItem]
    one_thing: TodayItem | None
    streak: int
    note: str
    suggestions: list[Suggestion] = field(default_factory=list)
    #: The first day anything was recorded (a goal created, a day planned or noted);
    #: ``None`` in an empty database.
    first_day: Date | None = None
    #: The values another device's write superseded in the day's syncs, one line each
    #: (``Syncer.superseded_on``): none without sync.
    superseded: list[str] = field(default_factory=list)
    #: The user's pace against their estimates as of now (``Store.calibration``); None
    #: with the setting off.
    calibration: Calibration | None = None

    @property
    def before_first_use(self) -> bool:
        """A day before anything was recorded: no streak, no habit, no plan to judge."""
        return self.first_day is not None and self.date < self.first_day

    @property
    def focus_minutes(self) -> float:
        return round(sum(self.focus_seconds.values()) / 60, 1)

    @property
    def micro_done(self) -> int:
        """Micro-goals (and habit occurrences) done: goals completed with them not counted."""
        return sum(1 for item in self.done if not item.whole)

    @property
    def interruptions(self) -> int:
        return sum(len(b.interruptions) for b in self.blocks)

    @property
    def not_done(self) -> list[TodayItem]:
        return [i for i in self.planned if not i.done]


def done_on(
    goals: Mapping[int, Goal], days: Mapping[Date, Day], date: Date, index: GoalIndex
) -> list[DoneItem]:
    items = [
        DoneItem(g.id, g.title, tree.path(goals, g.id), g.done_at, whole=index.has_children(g.id))
        for g in (goals[i] for i in index.done_ids(date))
    ]
    items.sort(key=lambda i: (i.at is None, i.at or 0, i.whole))
    day = days.get(date)
    for goal_id in day.habits_done if day else []:
        if goal_id in goals:
            path = tree.path(goals, goal_id)
            items.append(DoneItem(goal_id, goals[goal_id].title, path, None, True))
    return items


def first_day(index: GoalIndex, days: Mapping[Date, Day]) -> Date | None:
    """The first local date with a record: a goal's creation, or a day with a plan or a note."""
    created = index.first_created()
    used = (d.date for d in days.values() if d.items or d.note or d.habits_done)
    return min((*([created] if created else []), *used), default=None)


def done_days(index: GoalIndex, days: Mapping[Date, Day]) -> set[Date]:
    """Days with a goal finished or a habit done (one entry a day: a few thousand at most)."""
    return set(index.done_by_day) | habit_days(days)


def goal_done_days(goals: Mapping[int, Goal]) -> set[Date]:
    return {g.done_on for g in goals.values() if g.status == DONE and g.done_on}  # type: ignore[misc]


def habit_days(days: Mapping[Date, Day]) -> set[Date]:
    return {d.date for d in days.values() if d.habits_done}


def streak(
    active: set[Date], date: Date, *, today_pending: bool = True, runs: Runs | None = None
) -> int:
    """Consecutive days with something done, ending on ``date`` (or the day before while
    ``date`` itself has nothing yet: the streak is not broken until the day is over).
    ``runs``: the runs the archive's pass kept, while the days before its horizon are
    unread (``Store.kept_runs``): counted down to the horizon, then from the kept figure."""
    days = {d.toordinal() for d in active}  # whole numbers: pendulum arithmetic is slow
    day = date.toordinal()
    floor = runs.before.toordinal() if runs is not None else 0
    if day not in days and today_pending:
        day -= 1
    count = 0
    while day >= floor and day in days:
        count += 1
        day -= 1
    if runs is None:
        return count
    return runs.add(count, date, _date.fromordinal(day), runs.streak)


def habit_streak(
    goal: Goal,
    done: set[Date],
    date: Date,
    *,
    today_pending: bool = True,
    runs: Runs | None = None,
) -> int:
    """Consecutive due days done, ending on ``date`` (today not yet done doesn't break it);
    ``runs`` as for ``streak``."""
    try:
        rule = Recurrence.parse(goal.recurrence or "")
    except InputError:
        return 0
    start = goal.first_day or date.subtract(days=365)
    floor = max(start, runs.before) if runs is not None else start
    # (by ISO week, all ``is_due`` looks at: a run of years is not years squared)
    weeks: dict[int, list[Date]] = {}
    for d in done:
        weeks.setdefault(d.toordinal() - d.weekday(), []).append(d)
    count, day = 0, date
    while day >= floor:
        if rule.is_due(day, weeks.get(day.toordinal() - day.weekday(), ())):
            if day in done:
                count += 1
            elif day != date or not today_pending:
                break
        day = day.subtract(days=1)
    if runs is None:
        return count
    return runs.add(count, date, day, runs.habits.get(goal.id, 0))


def review_day(
    goals: Mapping[int, Goal],
    days: Mapping[Date, Day],
    blocks: list[Block],
    date: Date,
    now: DateTime,
    block_minutes: int,
    index: GoalIndex | None = None,
    recent_blocks: Iterable[Block] = (),
    *,
    suggest: bool = True,
    runs: Runs | None = None,
) -> Review:
    """``index``: the goals' (``GoalIndex``), kept by the store; built here without one.
    ``recent_blocks``: those of ``date`` and the ``right_size.BLOCK_DAYS_BACK`` days before,
    for the suggestions' time rules. ``runs``: as for ``streak``."""
    index = index or GoalIndex(goals.values())
    planned = day_list(goals, days, date, block_minutes)
    one = next((i for i in planned if i.one_thing), None)
    day = days.get(date) or Day(date)
    return Review(
        date=date,
        done=done_on(goals, days, date, index),
        blocks=blocks,
        focus_seconds={b.id: timer.focus_seconds(b, now) for b in blocks},
        planned=planned,
        one_thing=one,
        streak=streak(done_days(index, days), date, runs=runs),
        note=day.note,
        suggestions=suggestions(goals, days, date, block_minutes, index, planned, recent_blocks)
        if suggest
        else [],
        first_day=first_day(index, days),
    )

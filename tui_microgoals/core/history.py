"""Days at a glance: focus minutes and done counts per day, and sums over a week."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pendulum import Date, DateTime

from tui_microgoals.core import timer
from tui_microgoals.core.models import Block, Day, Goal
from tui_microgoals.core.review import done_on
from tui_microgoals.core.review_index import GoalIndex


@dataclass(frozen=True)
class DayTotals:
    date: Date
    focus_minutes: float
    done: int
    blocks: int
    interruptions: int
    planned: int


def day_totals(
    goals: Mapping[int, Goal],
    days: Mapping[Date, Day],
    blocks: Iterable[Block],
    start: Date,
    end: Date,
    now: DateTime,
    index: GoalIndex | None = None,
) -> list[DayTotals]:
    """One entry per date from ``start`` to ``end`` inclusive, empty days included.
    ``index``: the goals' (``GoalIndex``), kept by the store; built here without one."""
    index = index or GoalIndex(goals.values())
    by_day: dict[Date, list[Block]] = {}
    for block in blocks:
        if block.day is not None and start <= block.day <= end:
            by_day.setdefault(block.day, []).append(block)
    out = []
    date = start
    while date <= end:
        todays = by_day.get(date, [])
        day = days.get(date)
        out.append(
            DayTotals(
                date=date,
                focus_minutes=round(sum(timer.focus_seconds(b, now) for b in todays) / 60, 1),
                done=sum(1 for i in done_on(goals, days, date, index) if not i.whole),
                blocks=len(todays),
                interruptions=sum(len(b.interruptions) for b in todays),
                planned=len(day.items) if day else 0,
            )
        )
        date = date.add(days=1)
    return out


def focus_minutes_by_day(blocks: Iterable[Block], now: DateTime) -> list[float]:
    """Focus minutes of each day that had a block (as ``day_totals`` counts them)."""
    seconds: dict[Date | None, float] = {}
    for block in blocks:
        seconds[block.day] = seconds.get(block.day, 0.0) + timer.focus_seconds(block, now)
    return [round(s / 60, 1) for day, s in seconds.items() if day is not None]


def week_sum(totals: list[DayTotals]) -> DayTotals:
    """The sum of a run of days, dated by its last day."""
    return DayTotals(
        date=totals[-1].date,
        focus_minutes=round(sum(t.focus_minutes for t in totals), 1),
        done=sum(t.done for t in totals),
        blocks=sum(t.blocks for t in totals),
        interruptions=sum(t.interruptions for t in totals),
        planned=sum(t.planned for t in totals),
    )

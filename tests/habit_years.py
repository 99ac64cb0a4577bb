"""A year and more of habits kept up, for the tests of the streaks across the archive's
horizon (issue 16: tests/core/test_kept_runs.py, tests/ui/test_kept_runs_app.py)."""

from __future__ import annotations

from pathlib import Path

import pendulum
from pendulum import Date

from tui_microgoals.core.models import Day, Goal
from tui_microgoals.core.storage import DurableStorage

NOW = pendulum.datetime(2026, 11, 20, 9, 0, tz="UTC")  # a Friday
TODAY = NOW.date()
START = TODAY.subtract(days=400)
#: The one weekday the "weekdays" habit was missed: after the horizon.
MISSED = TODAY.subtract(days=30)  # a Wednesday
DAILY, WEEKDAYS, THREE, PROJECT = 1, 2, 3, 4


def tables(until: Date = TODAY) -> dict[str, dict[str, dict]]:
    """From ``START`` to ``until``: a daily habit done every day (so something is done
    every day: the overall streak runs the whole time), a weekdays habit missed once on
    ``MISSED``, a "3/week" habit done on Mondays, Tuesdays and Wednesdays, and an old
    project finished in its first week (it moves to the archive)."""
    created = pendulum.datetime(START.year, START.month, START.day, 8, tz="UTC")
    goals = [
        Goal(id=DAILY, title="Push-ups", recurrence="daily", created_at=created),
        Goal(id=WEEKDAYS, title="Write", recurrence="weekdays", created_at=created),
        Goal(id=THREE, title="Stretch", recurrence="3/week", created_at=created, position=2),
        Goal(
            id=PROJECT,
            title="Old project",
            created_at=created,
            status="done",
            done_at=created.add(days=3),
            done_on=START.add(days=3),
            position=3,
        ),
    ]
    goals[1].position = 1
    days = {}
    day = START
    while day <= until:
        done = [DAILY]
        if day.weekday() < 5 and day != MISSED:
            done.append(WEEKDAYS)
        if day.weekday() < 3:
            done.append(THREE)
        days[str(day.toordinal())] = Day(day, habits_done=done).to_doc()
        day = day.add(days=1)
    return {
        "meta": {"1": {"next_goal": 5, "next_block": 1, "running": None}},
        "goals": {str(g.id): g.to_doc() for g in goals},
        "blocks": {},
        "days": days,
    }


def write(path: Path, until: Date = TODAY) -> Path:
    """``tables(until)`` as a new database at ``path`` (its folder made)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    DurableStorage(path).write(tables(until))
    return path

"""What the week's retro counts of the archived history, kept as figures by a pass (issue 16).

The retro's milestones count every micro-goal and habit occurrence ever done before the week,
and its longest streak looks at every day ever active: the archive's share of those is kept
in the archive header (``kept["retro"]``), so the retro of a week after the horizon reads no
archive. The archive's copies of documents changed or deleted since the pass are taken off
again (``minus``): the figures then say exactly what a read of the whole archive would.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date as _date
from typing import Any

from pendulum import Date

from tui_microgoals.core.models import DONE, Goal
from tui_microgoals.core.models_day import Day

#: The key of the figures in the archive header's ``kept``.
KEY = "retro"


@dataclass(frozen=True)
class Archived:
    """The archive's share of the retro's all-time counts."""

    #: By day: goals finished that day, and 1 for a day with a habit done (> 0: active).
    active: Counter[Date] = field(default_factory=Counter)
    #: Micro-goals done (done goals with no steps), by the day they were done.
    leaves: Counter[Date] = field(default_factory=Counter)
    #: Habit occurrences by habit id and day.
    habits: Counter[tuple[int, Date]] = field(default_factory=Counter)

    def minus(self, other: Archived) -> Archived:
        return Archived(
            self.active - other.active, self.leaves - other.leaves, self.habits - other.habits
        )

    def done_before(self, start: Date, exists: Callable[[int], bool]) -> int:
        """Micro-goals and occurrences of habits that still exist, done before ``start``."""
        leaves = sum(n for day, n in self.leaves.items() if day < start)
        return leaves + sum(
            n for (habit, day), n in self.habits.items() if day < start and exists(habit)
        )

    def active_days(self) -> set[Date]:
        return {day for day, n in self.active.items() if n > 0}

    def to_doc(self) -> dict[str, Any]:
        habits: dict[str, dict[str, int]] = {}
        for (habit, day), n in sorted(self.habits.items()):
            habits.setdefault(str(habit), {})[day.isoformat()] = n
        return {
            "active": {d.isoformat(): n for d, n in sorted(self.active.items())},
            "leaves": {d.isoformat(): n for d, n in sorted(self.leaves.items())},
            "habits": habits,
        }


def figures(goals: Iterable[Goal], days: Iterable[Day], parents: Collection[int]) -> Archived:
    """The share of ``goals`` and ``days`` (``parents``: the ids that have steps)."""
    found = Archived()
    for goal in goals:
        if goal.status == DONE and goal.done_on is not None:
            found.active[goal.done_on] += 1
            if goal.id not in parents:
                found.leaves[goal.done_on] += 1
    for day in days:
        if day.habits_done:
            found.active[day.date] += 1
        for habit in day.habits_done:
            found.habits[habit, day.date] += 1
    return found


def summarize(tables: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The figures of what an archive holds (raw tables: a pass's ``summarize``)."""
    goals = [Goal.from_doc(int(k), v) for k, v in tables.get("goals", {}).items()]
    days = [Day.from_doc(v) for v in tables.get("days", {}).values()]
    return {KEY: figures(goals, days, parents_of(goals)).to_doc()}


def parents_of(goals: Iterable[Goal]) -> set[int]:
    return {g.parent for g in goals if g.parent is not None}


def of_doc(kept: Mapping[str, Any]) -> Archived | None:
    """The figures a pass kept; None without them (an older pass) or when damaged."""
    doc = kept.get(KEY)
    if not isinstance(doc, dict):
        return None
    try:
        active = _counts(doc["active"])
        leaves = _counts(doc["leaves"])
        habits: Counter[tuple[int, Date]] = Counter()
        for habit, by_day in doc["habits"].items():
            if not (habit.isascii() and habit.isdigit()):
                return None
            for day, n in _counts(by_day).items():
                habits[int(habit), day] = n
    except (KeyError, TypeError, ValueError, AttributeError):
        return None
    return Archived(active, leaves, habits)


def _counts(doc: Any) -> Counter[Date]:
    out: Counter[Date] = Counter()
    for day, n in doc.items():
        if type(n) is not int or not 0 < n < 10**7:
            raise ValueError(n)
        plain = _date.fromisoformat(day)
        out[Date(plain.year, plain.month, plain.day)] = n
    return out

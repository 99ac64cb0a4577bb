"""The streaks that cross the archive's horizon, kept as figures (issue 16).

A pass (``archive_rule``) moves every day before the horizon (``before``, a Monday) to the
archive, whatever streak runs across it, and keeps in the archive header (``kept["runs"]``)
how each run stood on the day before: the overall streak's days, and for each habit the due
days done in its run. While the archive is unread, a streak for a day on or after ``before``
is counted from the main file down to ``before`` and, when it got there unbroken, the kept
figure is added (``Runs.add``, the one rule): the same number as over the whole history.

The horizon is a Monday so that an ISO week is wholly on one side of it: a "3/week" habit's
due days after it depend only on days the main file holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date as _date
from typing import Any, TypeGuard

from pendulum import Date

#: The key of the figures in the archive header's ``kept``.
KEY = "runs"


@dataclass(frozen=True)
class Runs:
    """The runs alive on the day before ``before``, as the last pass counted them."""

    before: Date
    #: Days in a row with something done, ending on the day before ``before``.
    streak: int = 0
    #: By habit id: due days done in a row, ending on the day before ``before``.
    habits: Mapping[int, int] = field(default_factory=dict)

    def add(self, count: int, date: Date, stopped: _date, figure: int) -> int:
        """A run for ``date`` counted from the main file (``count``) down to ``stopped``,
        the first day it did not count: where it broke, or the day before ``before`` where
        it stops looking. Reaching that day unbroken, it goes on with the kept ``figure``.
        (For a day before ``before`` the main file cannot say: the caller reads the
        archive first, and ``count`` stands.)"""
        if self.before <= date and stopped < self.before:
            return count + figure
        return count

    def to_doc(self) -> dict[str, Any]:
        habits = {str(k): v for k, v in sorted(self.habits.items()) if v}
        return {"before": self.before.isoformat(), "streak": self.streak, "habits": habits}


def runs_of(kept: Mapping[str, Any], before: str | None) -> Runs | None:
    """The figures a pass kept for the horizon ``before``; None without them (an archive
    from before they were kept: its horizon was moved back until no run crossed it), or
    when they are damaged or made for another horizon: then the streaks are counted from
    the main file alone (short, never wrong in kind), until the next pass writes them again."""
    doc = kept.get(KEY)
    if before is None or not isinstance(doc, dict) or doc.get("before") != before:
        return None
    streak, habits = doc.get("streak"), doc.get("habits")
    if not _count(streak) or not isinstance(habits, dict):
        return None
    if not all(k.isascii() and k.isdigit() and _count(v) for k, v in habits.items()):
        return None
    try:
        when = Date.fromisoformat(before)
    except ValueError:
        return None
    return Runs(when, streak, {int(k): v for k, v in habits.items()})


def _count(value: Any) -> TypeGuard[int]:
    return type(value) is int and 0 <= value < 10**6

"""Recurrence of habit-like micro-goals: ``daily``, ``weekdays``, ``mon,wed,fri``, ``3/week``."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from pendulum import Date

from tui_microgoals.core.errors import InputError

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY_INDEX = {name: i for names in (DAY_NAMES, _FULL_NAMES) for i, name in enumerate(names)}
_PER_WEEK = re.compile(r"^([1-7])\s*/\s*w(?:ee)?k$")


@dataclass(frozen=True)
class Recurrence:
    """``days`` are ISO weekdays 0=Mon..6=Sun; ``per_week`` > 0 means "N times a week"."""

    days: frozenset[int] = frozenset(range(7))
    per_week: int = 0

    @classmethod
    def parse(cls, spec: str) -> Recurrence:
        text = spec.strip().lower().replace(" ", "")
        if text == "daily":
            return cls()
        if text == "weekdays":
            return cls(days=frozenset(range(5)))
        if match := _PER_WEEK.match(text):
            return cls(per_week=int(match.group(1)))
        names = [part for part in text.split(",") if part]
        if not names or any(name not in _DAY_INDEX for name in names):
            raise InputError(f"bad recurrence {spec!r}: use daily, weekdays, mon,wed,fri or 3/week")
        return cls(days=frozenset(_DAY_INDEX[name] for name in names))

    def __str__(self) -> str:
        if self.per_week:
            return f"{self.per_week}/week"
        if self.days == frozenset(range(7)):
            return "daily"
        if self.days == frozenset(range(5)):
            return "weekdays"
        return ",".join(DAY_NAMES[d] for d in sorted(self.days))

    def is_due(self, day: Date, done_days: Collection[Date] = ()) -> bool:
        """Whether the habit belongs on ``day``'s list.

        "N times a week" is due on every day of the ISO week until N are done that week;
        a day already done stays due (so it shows as done).
        """
        if not self.per_week:
            return day.weekday() in self.days
        week_start = day.subtract(days=day.weekday())
        done_before = sum(1 for d in done_days if week_start <= d < day)
        return done_before < self.per_week or day in done_days

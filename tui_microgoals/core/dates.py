"""The one parser for a day typed by a person: on the command line and in the app's forms.

The forms are Taskwarrior's, as its users type them: a weekday name is the *next* such day
(on a Friday, ``fri`` is a week away, never today), and a week runs Monday to Sunday, so
``eow`` is this week's Sunday (today, on a Sunday). ``eom`` is this month's last day.
"""

from __future__ import annotations

import re

from pendulum import Date

from tui_microgoals.core.errors import InputError

#: Every form ``parse_day`` accepts, as the help and every date error say it.
DATE_FORMS = (
    "YYYY-MM-DD, today, tomorrow, yesterday, a weekday (fri or friday: the next one, "
    "never today), +3d, +2w, eow (this week's Sunday), eom (this month's last day)"
)

FIRST_DAY = Date(1970, 1, 1)
LAST_DAY = Date(9999, 12, 31)

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = {name: i for i, name in enumerate(WEEKDAYS)} | {
    name[:3]: i for i, name in enumerate(WEEKDAYS)
}
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})", re.ASCII)
_OFFSET = re.compile(r"\+(\d{1,7})([dw])", re.ASCII)


def parse_day(text: str, today: Date) -> Date:
    """The day ``text`` names, counted from ``today``; an ``InputError`` naming every
    accepted form when it names none, or saying the range for a day before 1970 or after
    9999."""
    out_of_range = InputError(f"bad date {text!r}: give a day from {FIRST_DAY} to {LAST_DAY}")
    try:
        day = _named(text.strip().lower(), today)
    except (OverflowError, ValueError):  # past the end of the calendar
        raise out_of_range from None
    if day is None:
        raise InputError(f"bad date {text!r}: use {DATE_FORMS}")
    if not FIRST_DAY <= day <= LAST_DAY:
        raise out_of_range
    return day


def _named(word: str, today: Date) -> Date | None:
    """The day ``word`` names (possibly out of range), or None when it is no form at all."""
    if word == "today":
        return today
    if word == "tomorrow":
        return today.add(days=1)
    if word == "yesterday":
        return today.subtract(days=1)
    if word == "eow":
        return today.add(days=6 - today.weekday())
    if word == "eom":
        return today.end_of("month")
    if word in _WEEKDAY:
        return today.add(days=(_WEEKDAY[word] - today.weekday() - 1) % 7 + 1)
    if match := _OFFSET.fullmatch(word):
        days = int(match[1]) * (7 if match[2] == "w" else 1)
        return Date.fromordinal(today.toordinal() + days)
    if match := _ISO.fullmatch(word):
        year, month, day = (int(part) for part in match.groups())
        try:
            return Date(max(year, 1), month, day)  # (year 0 is out of range, not no date)
        except ValueError:
            return None
    return None

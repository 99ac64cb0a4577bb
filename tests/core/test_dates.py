"""The one day parser (core/dates.py): each form, its edges, and properties over any day."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pendulum import Date

from tui_microgoals.core.dates import DATE_FORMS, FIRST_DAY, LAST_DAY, WEEKDAYS, parse_day
from tui_microgoals.core.errors import InputError

FRIDAY = Date(2026, 11, 27)

# Days far enough from the calendar's ends that every relative form stays in range.
days = st.dates(min_value=Date(1971, 1, 1), max_value=Date(9998, 1, 1)).map(
    lambda d: Date(d.year, d.month, d.day)
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("today", FRIDAY),
        ("tomorrow", Date(2026, 11, 28)),
        ("yesterday", Date(2026, 11, 26)),
        ("fri", Date(2026, 12, 4)),  # the next Friday, never today
        ("friday", Date(2026, 12, 4)),
        ("sat", Date(2026, 11, 28)),
        ("thu", Date(2026, 12, 3)),
        ("mon", Date(2026, 11, 30)),
        ("+3d", Date(2026, 11, 30)),
        ("+0d", FRIDAY),
        ("+2w", Date(2026, 12, 11)),
        ("eow", Date(2026, 11, 29)),  # this week's Sunday
        ("eom", Date(2026, 11, 30)),
        ("2026-12-24", Date(2026, 12, 24)),
        ("2028-02-29", Date(2028, 2, 29)),
        ("1970-01-01", FIRST_DAY),
        ("9999-12-31", LAST_DAY),
        ("  FRIDAY ", Date(2026, 12, 4)),
    ],
)
def test_each_form(text: str, expected: Date) -> None:
    assert parse_day(text, FRIDAY) == expected


def test_on_a_sunday_eow_is_today_and_on_a_months_last_day_eom_is_today() -> None:
    sunday = Date(2026, 11, 29)
    assert parse_day("eow", sunday) == sunday
    assert parse_day("eom", Date(2026, 11, 30)) == Date(2026, 11, 30)
    assert parse_day("sun", sunday) == Date(2026, 12, 6)


@pytest.mark.parametrize(
    "text", ["soon", "", "2026-02-29", "2026-13-01", "26-01-01", "+3", "3d", "-3d", "+1y", "fr"]
)
def test_anything_else_is_one_line_naming_every_form(text: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_day(text, FRIDAY)
    assert str(raised.value) == f"bad date {text!r}: use {DATE_FORMS}"


@pytest.mark.parametrize("text", ["0001-01-01", "0000-01-01", "1969-12-31", "+9999999w"])
def test_days_out_of_range_say_the_range(text: str) -> None:
    with pytest.raises(InputError, match="give a day from 1970-01-01 to 9999-12-31"):
        parse_day(text, FRIDAY)


def test_the_calendars_end_is_an_input_error_not_an_overflow() -> None:
    for text in ("tomorrow", "+1d", "+1w", "fri", "eow"):
        with pytest.raises(InputError, match="give a day from"):
            parse_day(text, LAST_DAY)
    assert parse_day("eom", LAST_DAY) == LAST_DAY
    with pytest.raises(InputError, match="give a day from"):
        parse_day("yesterday", FIRST_DAY)


@given(today=days, text=st.text(max_size=12))
def test_any_text_gives_a_day_in_range_or_an_input_error(today: Date, text: str) -> None:
    try:
        day = parse_day(text, today)
    except InputError as error:
        assert str(error).startswith(f"bad date {text!r}: ")
        assert "\n" not in str(error)
    else:
        assert FIRST_DAY <= day <= LAST_DAY


@given(today=days, index=st.integers(0, 6), short=st.booleans())
def test_a_weekday_is_the_next_such_day_within_a_week(today: Date, index: int, short: bool) -> None:
    name = WEEKDAYS[index][:3] if short else WEEKDAYS[index]
    day = parse_day(name, today)
    assert day.weekday() == index
    assert 1 <= (day - today).days <= 7


@given(today=days, n=st.integers(0, 999))
def test_offsets_count_days_and_weeks(today: Date, n: int) -> None:
    assert (parse_day(f"+{n}d", today) - today).days == n
    assert parse_day(f"+{n}w", today) == parse_day(f"+{7 * n}d", today)


@given(today=days)
def test_ends_of_week_and_month(today: Date) -> None:
    eow = parse_day("eow", today)
    assert eow.weekday() == 6 and 0 <= (eow - today).days <= 6
    eom = parse_day("eom", today)
    assert (eom.year, eom.month) == (today.year, today.month)
    assert eom.add(days=1).day == 1


@given(today=days, day=st.dates(min_value=FIRST_DAY, max_value=LAST_DAY))
def test_an_iso_day_is_itself_whatever_today_is(today: Date, day: Date) -> None:
    assert parse_day(day.isoformat(), today) == day

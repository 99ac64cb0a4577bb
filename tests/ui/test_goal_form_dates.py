"""The goal form's due field reads days with the command line's parser (core/dates.py)."""

from __future__ import annotations

import pendulum
import pytest

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.dates import DATE_FORMS
from tui_microgoals.core.errors import InputError
from tui_microgoals.screens.goal_form import check_field

# Sunday 22 November 2026, 10:00 in Berlin.
CLOCK = FixedClock(pendulum.datetime(2026, 11, 22, 9), "Europe/Berlin")


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("fri", pendulum.date(2026, 11, 27)),
        ("sun", pendulum.date(2026, 11, 29)),  # the next Sunday, not today
        ("+2w", pendulum.date(2026, 12, 6)),
        ("eow", pendulum.date(2026, 11, 22)),
        ("eom", pendulum.date(2026, 11, 30)),
        ("2026-12-24", pendulum.date(2026, 12, 24)),
    ],
)
def test_the_due_field_takes_every_form(text: str, day: pendulum.Date) -> None:
    assert check_field("due", text, CLOCK) == day


def test_a_bad_due_date_names_every_form() -> None:
    with pytest.raises(InputError, match="give a day from 1970-01-01"):
        check_field("due", "0001-01-01", CLOCK)
    with pytest.raises(InputError) as raised:
        check_field("due", "next week", CLOCK)
    assert DATE_FORMS in str(raised.value)

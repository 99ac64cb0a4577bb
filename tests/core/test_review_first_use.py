"""Days before the first use have no record: the review says so instead of a zero streak,
a habit's "0 due days in a row" or "everything planned got done"."""

from __future__ import annotations

import pendulum

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.report import render
from tui_microgoals.core.store import Store

SUNDAY = pendulum.date(2026, 11, 22)


def test_a_day_before_the_first_goal_has_no_record(store: Store, clock: FixedClock) -> None:
    store.add_goal("five push-ups", every="daily")
    store.add_goal("write the intro", minutes=15, today=True)
    before = store.review(SUNDAY.subtract(days=3))
    assert before.first_day == SUNDAY
    assert before.before_first_use
    first = store.review(SUNDAY)
    assert first.first_day == SUNDAY and not first.before_first_use


def test_an_empty_database_has_no_first_day(store: Store) -> None:
    review = store.review(SUNDAY.subtract(days=1))
    assert review.first_day is None and not review.before_first_use


def test_a_note_on_an_earlier_day_is_a_record(store: Store, clock: FixedClock) -> None:
    friday = SUNDAY.subtract(days=2)
    store.add_goal("write the intro")
    store.set_day_note("started on paper", friday)
    assert store.review(friday).first_day == friday
    assert not store.review(friday).before_first_use
    assert store.review(friday.subtract(days=1)).before_first_use


def test_the_cli_formats_say_no_record_before_the_first_day(store: Store) -> None:
    store.add_goal("write the intro", minutes=15, today=True)
    review, goals = store.review(SUNDAY.subtract(days=1)), store.goals()
    text = render(review, goals, "text")
    assert "no record before 2026-11-22" in text and "streak" not in text
    assert "no record before 2026-11-22" in render(review, goals, "md")
    assert '"first_day": "2026-11-22"' in render(review, goals, "json")
    assert "streak 0" in render(store.review(SUNDAY), goals, "text")  # from the first day on

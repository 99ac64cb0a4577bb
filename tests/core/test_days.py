"""Day plans, carried items, the One Thing, recurrence, habits and the review of a day."""

from __future__ import annotations

from collections.abc import Callable

import pendulum
import pytest

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import InputError
from tui_microgoals.core.planner import habit_done_days
from tui_microgoals.core.recurrence import Recurrence
from tui_microgoals.core.review import habit_streak
from tui_microgoals.core.store import Store

Reopen = Callable[[Store], Store]
SUNDAY = pendulum.date(2026, 11, 22)
MONDAY = pendulum.date(2026, 11, 23)


def listed(store: Store) -> list[tuple[int, str, int]]:
    """Today's list as (id, status, carried)."""
    return [(i.goal.id, i.status, i.carried) for i in store.today()]


# -- day plans ----------------------------------------------------------------------------


def test_plan_keeps_order_and_ignores_duplicates(store: Store, reopen: Reopen) -> None:
    a, b, c = (store.add_goal(t).id for t in "abc")
    store.plan([c, a])
    store.plan([a, b])
    assert [i.goal.id for i in reopen(store).today()] == [c, a, b]
    assert store.day(SUNDAY).items == [c, a, b]


def test_plan_puts_a_goals_steps_on_the_list_and_refuses_dropped_goals(store: Store) -> None:
    parent = store.add_goal("parent")
    kid = store.add_goal("kid", parent=parent.id)
    gone = store.add_goal("gone")
    store.drop(gone.id)
    with pytest.raises(InputError, match="dropped"):
        store.plan([gone.id])
    assert store.today() == []
    store.plan([parent.id])  # a goal with steps is never listed itself: its steps are
    assert [i.goal.id for i in store.today()] == [kid.id]


def test_add_with_today_plans_it(store: Store) -> None:
    goal = store.add_goal("now", today=True)
    assert listed(store) == [(goal.id, "open", 0)]


def test_plan_for_another_date(store: Store) -> None:
    goal = store.add_goal("later")
    store.plan([goal.id], date=MONDAY)
    assert store.today() == []
    assert [i.goal.id for i in store.today(MONDAY)] == [goal.id]


def test_one_thing_is_pinned_first(store: Store, reopen: Reopen) -> None:
    a, b, c = (store.add_goal(t).id for t in "abc")
    store.plan([a, b, c])
    store.set_one_thing(c)
    items = reopen(store).today()
    assert [(i.goal.id, i.one_thing) for i in items] == [(c, True), (a, False), (b, False)]
    store.set_one_thing(b)
    assert [i.goal.id for i in store.today()] == [b, a, c]
    store.set_one_thing(None)
    assert [i.goal.id for i in store.today()] == [a, b, c]


def test_one_thing_not_yet_planned_gets_planned(store: Store) -> None:
    a = store.add_goal("a", today=True).id
    b = store.add_goal("b").id
    store.set_one_thing(b)
    assert [(i.goal.id, i.one_thing) for i in store.today()] == [(b, True), (a, False)]


def test_reorder_day(store: Store) -> None:
    a, b, c = (store.add_goal(t).id for t in "abc")
    store.plan([a, b, c])
    store.reorder_day(c, -1)
    assert [i.goal.id for i in store.today()] == [a, c, b]
    with pytest.raises(InputError):
        store.reorder_day(99, 1)


def test_unfinished_items_are_carried_with_a_day_count(store: Store, clock: FixedClock) -> None:
    a, b, c = (store.add_goal(t).id for t in "abc")
    store.plan([a, b, c])
    store.mark_done(b)
    clock.advance(days=1)
    assert listed(store) == [(a, "open", 1), (c, "open", 1)]
    clock.advance(days=2)
    assert listed(store) == [(a, "open", 3), (c, "open", 3)]
    store.plan([c])  # planned again for today: listed as today's, not as carried
    assert listed(store) == [(c, "open", 0), (a, "open", 3)]
    store.mark_done(a)
    clock.advance(days=1)
    assert listed(store) == [(c, "open", 4)]  # counted from the first day it was planned


def test_unplan_stops_carrying(store: Store, clock: FixedClock, reopen: Reopen) -> None:
    a, b = (store.add_goal(t).id for t in "ab")
    store.plan([a, b])
    store.set_one_thing(a)
    clock.advance(days=1)
    store.unplan(a)
    assert listed(store) == [(b, "open", 1)]
    clock.advance(days=5)
    assert listed(reopen(store)) == [(b, "open", 6)]
    assert store.day(SUNDAY).one_thing == a  # the past is not rewritten


def test_unplan_on_the_same_day_removes_the_one_thing(store: Store, clock: FixedClock) -> None:
    a, b = (store.add_goal(t).id for t in "ab")
    store.plan([a, b])
    store.set_one_thing(b)
    store.unplan(b)
    assert listed(store) == [(a, "open", 0)]
    assert store.day(SUNDAY).one_thing is None
    clock.advance(days=1)
    assert listed(store) == [(a, "open", 1)]


def test_the_local_date_decides_today(store: Store, clock: FixedClock) -> None:
    # 23:30 UTC on Sunday is already Monday in Berlin.
    clock.set(pendulum.datetime(2026, 11, 22, 23, 30, tz="UTC"))
    store.add_goal("late", today=True)
    assert store.clock.today() == MONDAY
    assert store.day(MONDAY).items == [1]
    assert store.day(SUNDAY).items == []


# -- recurrence ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("spec", "canonical", "days", "per_week"),
    [
        ("daily", "daily", set(range(7)), 0),
        (" Daily ", "daily", set(range(7)), 0),
        ("weekdays", "weekdays", set(range(5)), 0),
        ("mon,wed,fri", "mon,wed,fri", {0, 2, 4}, 0),
        ("Fri, Mon, Wed", "mon,wed,fri", {0, 2, 4}, 0),
        ("saturday,sun", "sat,sun", {5, 6}, 0),
        ("3/week", "3/week", set(range(7)), 3),
        ("3 / wk", "3/week", set(range(7)), 3),
        ("7/week", "7/week", set(range(7)), 7),
    ],
)
def test_recurrence_parsing(spec: str, canonical: str, days: set[int], per_week: int) -> None:
    rule = Recurrence.parse(spec)
    assert (str(rule), set(rule.days), rule.per_week) == (canonical, days, per_week)
    assert Recurrence.parse(str(rule)) == rule


@pytest.mark.parametrize("spec", ["", "  ", "weekly", "0/week", "8/week", "mon,funday", ",", "3"])
def test_bad_recurrence_is_refused(store: Store, spec: str) -> None:
    with pytest.raises(InputError, match="recurrence"):
        Recurrence.parse(spec)
    if spec.strip():
        with pytest.raises(InputError):
            store.add_goal("habit", every=spec)
        assert store.goals() == {}


def week_of(monday: pendulum.Date) -> list[pendulum.Date]:
    return [monday.add(days=n) for n in range(7)]


@pytest.mark.parametrize(
    ("spec", "due"),
    [
        ("daily", [1, 1, 1, 1, 1, 1, 1]),
        ("weekdays", [1, 1, 1, 1, 1, 0, 0]),
        ("mon,wed,fri", [1, 0, 1, 0, 1, 0, 0]),
        ("sun", [0, 0, 0, 0, 0, 0, 1]),
    ],
)
def test_due_days_of_fixed_rules(spec: str, due: list[int]) -> None:
    rule = Recurrence.parse(spec)
    assert [int(rule.is_due(d)) for d in week_of(MONDAY)] == due


def test_n_per_week_is_due_until_n_are_done_that_week() -> None:
    rule = Recurrence.parse("3/week")
    days = week_of(MONDAY)
    done = {days[0], days[2], days[3]}  # Mon, Wed, Thu
    assert [int(rule.is_due(d, done)) for d in days] == [1, 1, 1, 1, 0, 0, 0]
    next_monday = days[6].add(days=1)
    assert rule.is_due(next_monday, done)  # a new week starts afresh
    assert all(rule.is_due(d, set()) for d in days)


# -- habits -----------------------------------------------------------------------------------


def test_habit_done_marks_the_day_and_stays_open(store: Store, clock: FixedClock) -> None:
    habit = store.add_goal("five push-ups", every="daily")
    assert store.goal(habit.id).recurrence == "daily"
    assert listed(store) == [(habit.id, "open", 0)]
    store.mark_done(habit.id)
    assert store.goal(habit.id).status == "open"
    assert listed(store) == [(habit.id, "done", 0)]
    assert [(d.id, d.habit) for d in store.review().done] == [(habit.id, True)]
    clock.advance(days=1)
    assert listed(store) == [(habit.id, "open", 0)]  # never carried: a new occurrence
    store.mark_done(habit.id)
    days = habit_done_days(store.days())[habit.id]
    assert days == {SUNDAY, MONDAY}
    assert habit_streak(store.goal(habit.id), days, MONDAY) == 2


def test_habit_only_on_due_days(store: Store, clock: FixedClock) -> None:
    habit = store.add_goal("gym", every="mon,wed,fri")
    assert store.today() == []  # Sunday
    clock.advance(days=1)
    assert [i.goal.id for i in store.today()] == [habit.id]
    clock.advance(days=1)
    assert store.today() == []


def test_habit_streak_breaks_on_a_missed_due_day(store: Store, clock: FixedClock) -> None:
    habit = store.add_goal("write", every="daily")
    for done in (True, False, True, True):
        if done:
            store.mark_done(habit.id)
        clock.advance(days=1)
    today = store.clock.today()
    days = habit_done_days(store.days())[habit.id]
    assert habit_streak(store.goal(habit.id), days, today) == 2  # today not done yet: no break
    store.mark_done(habit.id)
    days = habit_done_days(store.days())[habit.id]
    assert habit_streak(store.goal(habit.id), days, today) == 3


def test_a_finished_block_on_a_habit_marks_the_occurrence(store: Store) -> None:
    habit = store.add_goal("read", every="daily")
    store.start_block(habit.id)
    store.stop_block("done")
    assert store.goal(habit.id).status == "open"
    assert store.day(SUNDAY).habits_done == [habit.id]
    store.reopen(habit.id)
    assert store.day(SUNDAY).habits_done == []


def test_habit_added_in_the_evening_west_of_utc_is_due_today(tmp_path) -> None:
    # 20:00 in New York is already tomorrow in UTC.
    clock = FixedClock(pendulum.datetime(2026, 11, 23, 1, 0, tz="UTC"), "America/New_York")
    store = Store.memory(clock)
    habit = store.add_goal("stretch", every="daily")
    assert clock.today() == SUNDAY
    assert [i.goal.id for i in store.today()] == [habit.id]


# -- review -----------------------------------------------------------------------------------


def test_review_of_a_day(store: Store, clock: FixedClock, reopen: Reopen) -> None:
    book = store.add_goal("Book")
    intro = store.add_goal("Draft intro", parent=book.id, minutes=20)
    outline = store.add_goal("Outline", parent=book.id, minutes=15)
    store.plan([intro.id, outline.id])
    store.set_one_thing(intro.id)
    store.start_block(intro.id)
    clock.advance(minutes=5)
    store.interrupt("phone")
    clock.advance(minutes=10)
    store.stop_block("done", "went well")
    store.set_day_note("good day")
    clock.advance(hours=3)

    review = reopen(store).review(SUNDAY)
    assert [(d.id, d.path) for d in review.done] == [(intro.id, "Book › Draft intro")]
    assert review.focus_minutes == 15.0
    assert review.interruptions == 1
    assert [(b.goal, b.outcome, b.reflection) for b in review.blocks] == [
        (intro.id, "done", "went well")
    ]
    assert [i.goal.id for i in review.planned] == [intro.id, outline.id]
    assert [i.goal.id for i in review.not_done] == [outline.id]
    assert review.one_thing is not None and review.one_thing.goal.id == intro.id
    assert review.streak == 1
    assert review.note == "good day"


def test_review_of_another_day_and_streaks(store: Store, clock: FixedClock) -> None:
    for _ in range(3):
        store.mark_done(store.add_goal("daily win").id)
        clock.advance(days=1)
    assert store.review().streak == 3  # today has nothing yet: the streak is not broken yet
    assert store.review(SUNDAY).streak == 1
    assert [d.title for d in store.review(MONDAY).done] == ["daily win"]
    clock.advance(days=1)
    assert store.review().streak == 0


def test_review_suggests_splitting_items_carried_again_and_again(
    store: Store, clock: FixedClock
) -> None:
    goal = store.add_goal("vague thing", today=True)
    big = store.add_goal("huge", minutes=90, today=True)
    clock.advance(days=3)
    kinds = {(s.id, s.kind) for s in store.review().suggestions}
    assert kinds == {(goal.id, "split"), (big.id, "split")}

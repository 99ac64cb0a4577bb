"""The review over days, with the clock moved: streaks, habits over weekends, carried counts,
suggestions firing and not, goals completed with their last step.

A block across midnight and days with a DST change are in test_reliability_time.py.
"""

from __future__ import annotations

import pendulum

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.history import week_sum
from tui_microgoals.core.planner import habit_done_days
from tui_microgoals.core.review import habit_streak
from tui_microgoals.core.store import Store

SUNDAY = pendulum.date(2026, 11, 22)


def kinds(store: Store) -> set[tuple[int, str]]:
    return {(s.id, s.kind) for s in store.review().suggestions}


def test_streak_across_days_breaks_on_an_empty_day(store: Store, clock: FixedClock) -> None:
    for n in range(3):
        store.mark_done(store.add_goal(f"step {n}").id)
        clock.advance(days=1)
    assert store.review().streak == 3  # today has nothing yet: not broken until it is over
    clock.advance(days=1)
    assert store.review().streak == 0
    store.mark_done(store.add_goal("again").id)
    assert store.review().streak == 1
    assert store.review(SUNDAY.add(days=2)).streak == 3  # a past day keeps its own streak


def test_weekday_habit_over_a_weekend(store: Store, clock: FixedClock) -> None:
    clock.advance(days=1)  # Monday
    habit = store.add_goal("stand-up notes", every="weekdays")
    for _ in range(5):  # Monday to Friday
        store.mark_done(habit.id)
        clock.advance(days=1)
    assert store.today() == []  # Saturday: not due
    clock.advance(days=2)  # Monday again, not done yet
    done = habit_done_days(store.days())[habit.id]
    assert habit_streak(store.goal(habit.id), done, clock.today()) == 5  # the weekend is no gap
    assert [i.goal.id for i in store.today()] == [habit.id]
    clock.advance(days=1)  # Monday passed undone: missed
    done = habit_done_days(store.days())[habit.id]
    assert habit_streak(store.goal(habit.id), done, clock.today()) == 0


def test_missed_due_days_suggest_shrinking_at_three_not_two(
    store: Store, clock: FixedClock
) -> None:
    habit = store.add_goal("run 10 km", every="daily")
    for done in (True, False, True, False, True, True):
        if done:
            store.mark_done(habit.id)
        clock.advance(days=1)
    assert (habit.id, "shrink") not in kinds(store)  # two missed
    clock.advance(days=1)  # the day before was missed too: three
    suggestion = next(s for s in store.review().suggestions if s.id == habit.id)
    assert suggestion.kind == "shrink"
    # Issue 17: the last 7 due days (was: the due days of the last 7 calendar days).
    assert suggestion.reason == "missed 3 of its last 7 due days: scale it back"


def test_done_every_due_day_suggests_stepping_up(store: Store, clock: FixedClock) -> None:
    habit = store.add_goal("five push-ups", every="daily")
    for _ in range(13):  # issue 17: 14 due days in a row (was: every due day of a week)
        store.mark_done(habit.id)
        clock.advance(days=1)
    assert (habit.id, "step_up") not in kinds(store)  # thirteen are not fourteen yet
    store.mark_done(habit.id)
    clock.advance(days=1)
    assert (habit.id, "step_up") in kinds(store)


def test_carried_counts_in_the_review(store: Store, clock: FixedClock) -> None:
    vague = store.add_goal("sort the garage", today=True)
    clock.advance(days=2)
    store.plan([store.add_goal("fresh").id])
    review = store.review()
    # Today's own plan first, then what was carried in.
    assert [(i.goal.title, i.carried) for i in review.not_done] == [
        ("fresh", 0),
        ("sort the garage", 2),
    ]
    assert (vague.id, "split") not in kinds(store)
    clock.advance(days=1)
    reason = next(s.reason for s in store.review().suggestions if s.id == vague.id)
    assert reason == "carried 3 days: split it or make it smaller"


def test_a_too_big_leaf_is_suggested_even_off_the_list(store: Store) -> None:
    big = store.add_goal("design the post", minutes=60)
    parent = store.add_goal("launch", minutes=90)
    store.add_goal("small step", parent=parent.id, minutes=10)
    fine = store.add_goal("fits", minutes=20)
    found = kinds(store)
    assert (big.id, "split") in found
    assert (parent.id, "split") not in found  # already split
    assert all(goal_id != fine.id for goal_id, _ in found)
    store.drop(big.id)
    assert kinds(store) == set()


def test_a_dismissed_suggestion_comes_back_after_a_week(store: Store, clock: FixedClock) -> None:
    big = store.add_goal("design the post", minutes=60)
    store.dismiss_suggestion(big.id, "split")
    assert kinds(store) == set()
    clock.advance(days=6)
    assert kinds(store) == set()
    clock.advance(days=1)
    assert kinds(store) == {(big.id, "split")}


def test_a_goal_completed_with_its_last_step_is_listed_not_counted(store: Store) -> None:
    parent = store.add_goal("launch")
    first = store.add_goal("one", parent=parent.id)
    last = store.add_goal("two", parent=parent.id)
    store.mark_done(first.id)
    store.mark_done(last.id)
    review = store.review()
    assert [(d.title, d.whole) for d in review.done] == [
        ("one", False),
        ("two", False),
        ("launch", True),
    ]
    assert review.micro_done == 2
    assert store.history(days=1)[0].done == 2


def test_week_sum_of_moved_days(store: Store, clock: FixedClock) -> None:
    for minutes in (10, 0, 15):
        if minutes:
            goal = store.add_goal(f"{minutes} min", minutes=minutes)
            store.start_block(goal.id, minutes)
            clock.advance(minutes=minutes)
            store.stop_block("done")
        clock.advance(days=1)
    week = store.history(days=7)
    assert [t.focus_minutes for t in week[-4:]] == [10, 0, 15, 0]
    total = week_sum(week)
    assert (total.focus_minutes, total.done, total.blocks) == (25, 2, 2)
    assert total.date == clock.today()

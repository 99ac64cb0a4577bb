"""Right-sized steps (issue 17): split a micro-goal that keeps running past its block, step up
one done in under a third of its estimate again and again, shrink a habit missed 3 of its last
7 due days, step up one done 14 due days in a row; each with its numbers, dismissed for a
week, and never both ways for one item within a week."""

from __future__ import annotations

import pendulum

from tui_microgoals.core import right_size
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.models import Block
from tui_microgoals.core.right_size import ran_past
from tui_microgoals.core.store import Store


def advice(store: Store, goal_id: int) -> list[tuple[str, str]]:
    return [(s.kind, s.reason) for s in store.review().suggestions if s.id == goal_id]


def block(
    store: Store,
    clock: FixedClock,
    goal_id: int,
    *,
    planned: int = 15,
    worked: float,
    more: int = 0,
    outcome: str = "partial",
) -> Block:
    """A block of ``planned`` minutes worked ``worked`` minutes, given +5 ``more`` times as
    its time ran out (the block-end dialog's answer), then stopped."""
    store.start_block(goal_id, planned)
    clock.advance(seconds=int(min(worked, planned) * 60))
    for _ in range(more):
        store.extend(5)
        clock.advance(minutes=5)
    if worked > planned + 5 * more:
        clock.advance(seconds=int((worked - planned - 5 * more) * 60))
    return store.stop_block(outcome)


def next_morning(clock: FixedClock) -> None:
    clock.set(clock.now().add(days=1).set(hour=9, minute=0, second=0))


# -- what a block is --------------------------------------------------------------------------


def test_plus_five_is_recorded_on_the_block_with_the_time_first_planned(store, clock) -> None:
    goal = store.add_goal("knead", minutes=15)
    ended = block(store, clock, goal.id, worked=15, more=2)
    assert [e.seconds for e in ended.extensions] == [300, 300]
    assert ended.first_planned_seconds == 15 * 60 and ended.planned_seconds == 25 * 60
    assert store.block(ended.id).extensions == ended.extensions  # read back from the file
    assert "extensions" not in store.block(ended.id).to_doc() or ended.extensions
    assert ran_past(ended)


def test_a_block_stopped_early_or_done_in_time_did_not_run_past(store, clock) -> None:
    goal = store.add_goal("knead", minutes=15)
    assert not ran_past(block(store, clock, goal.id, worked=8))  # stopped early
    assert "extensions" not in store.blocks()[0].to_doc()  # stored only when given
    assert ran_past(block(store, clock, goal.id, worked=15))  # time ran out, not done
    habit = store.add_goal("stretch", minutes=10, every="daily")
    assert not ran_past(block(store, clock, habit.id, planned=10, worked=10, outcome="done"))


# -- split: keeps running past its block ------------------------------------------------------


def test_a_micro_goal_that_keeps_running_past_its_block_is_split(store, clock) -> None:
    goal = store.add_goal("Shape the buns", minutes=15)
    block(store, clock, goal.id, worked=15, more=1)  # ran past: +5
    assert advice(store, goal.id) == []  # once is not "keeps"
    next_morning(clock)
    block(store, clock, goal.id, worked=8)  # stopped early: not past
    block(store, clock, goal.id, worked=15, more=1)  # ran past: +5
    next_morning(clock)
    block(store, clock, goal.id, worked=15)  # time ran out, not done: past
    assert advice(store, goal.id) == [
        ("split", "ran past its block 3 of its last 4 blocks (+5 twice): split it")
    ]


def test_only_the_last_four_blocks_of_the_last_14_days_count(store, clock) -> None:
    goal = store.add_goal("Shape the buns", minutes=15)
    block(store, clock, goal.id, worked=15)
    block(store, clock, goal.id, worked=15)
    assert advice(store, goal.id)[0][0] == "split"
    clock.advance(days=14)  # both blocks are 14 days old now: out of the window
    assert advice(store, goal.id) == []


def test_a_habit_that_runs_past_its_block_gets_a_smaller_version(store, clock) -> None:
    habit = store.add_goal("Write 200 words", minutes=10, every="daily")
    block(store, clock, habit.id, planned=10, worked=10, more=1, outcome="done")
    next_morning(clock)
    block(store, clock, habit.id, planned=10, worked=6, outcome="done")
    next_morning(clock)
    block(store, clock, habit.id, planned=10, worked=10, outcome="partial")
    assert advice(store, habit.id) == [
        ("shrink", "ran past its block 2 of its last 3 blocks (+5 once): make it smaller")
    ]


# -- step up: done in under a third of its estimate, 3 of the last 4 times --------------------


def test_a_habit_done_fast_three_of_four_times_steps_up(store, clock) -> None:
    habit = store.add_goal("Sketch a pastry", minutes=15, every="daily")
    for worked in (4, 12, 3):
        block(store, clock, habit.id, worked=worked, outcome="done")
        next_morning(clock)
    assert advice(store, habit.id) == []  # two of three: not yet
    block(store, clock, habit.id, worked=4, outcome="done")
    assert advice(store, habit.id) == [
        (
            "step_up",
            "done in under a third of its estimate 3 of the last 4 times (4, 3, 4 of 15 min): "
            "make it a little harder",
        )
    ]


def test_steps_done_fast_step_up_their_goal_and_act_on_the_next_step(store, clock) -> None:
    parent = store.add_goal("Price the product")
    steps = [store.add_goal(f"step {n}", parent=parent.id, minutes=15) for n in range(5)]
    for step, worked in zip(steps[:4], (4, 3, 12, 2), strict=True):
        block(store, clock, step.id, worked=worked, outcome="done")
        next_morning(clock)
    found = [s for s in store.review().suggestions if s.id == parent.id]
    assert [(s.kind, s.reason, s.act_on) for s in found] == [
        (
            "step_up",
            "3 of its last 4 steps took under a third of their estimate (4, 3, 2 of 15 min): "
            "make the next ones bigger, or combine them",
            steps[4].id,
        )
    ]
    store.mark_done(steps[4].id)  # the goal is done: nothing left to make bigger
    assert [s for s in store.review().suggestions if s.id == parent.id] == []


def test_steps_without_a_block_or_with_mixed_estimates(store, clock) -> None:
    parent = store.add_goal("Marketing")
    a = store.add_goal("a", parent=parent.id, minutes=15)
    b = store.add_goal("b", parent=parent.id, minutes=30)
    c = store.add_goal("c", parent=parent.id, minutes=15)
    d = store.add_goal("d", parent=parent.id, minutes=15)
    store.add_goal("e", parent=parent.id, minutes=15)
    store.mark_done(d.id)  # no block: no time data, not counted
    for step, worked in ((a, 4), (b, 9), (c, 2)):
        block(store, clock, step.id, planned=20, worked=worked, outcome="done")
    reason = next(s.reason for s in store.review().suggestions if s.id == parent.id)
    assert reason.startswith("3 of its last 3 steps took under a third of their estimate (4 of")
    assert "(4 of 15, 9 of 30, 2 of 15 min)" in reason


# -- habits: missed 3 of the last 7 due days, done 14 in a row --------------------------------


def test_a_habit_missed_three_of_its_last_seven_due_days_shrinks(store, clock) -> None:
    habit = store.add_goal("Run 5 km", every="daily")
    for done in (True, True, False, True, True, False, True, True):
        if done:
            store.mark_done(habit.id)
        next_morning(clock)
    assert advice(store, habit.id) == []  # two missed of the last seven (today pending)
    next_morning(clock)  # one more missed: three of the last seven
    assert advice(store, habit.id) == [("shrink", "missed 3 of its last 7 due days: scale it back")]


def test_a_three_a_week_habit_misses_only_what_the_week_fell_short(store, clock) -> None:
    clock.set(pendulum.datetime(2026, 11, 23, 9, tz="UTC"))  # a Monday
    habit = store.add_goal("Swim", every="3/week")
    for day in range(21):  # three weeks: Mon, Wed, Fri done, then one a week
        if (day < 7 and day % 7 in (0, 2, 4)) or (day >= 7 and day % 7 == 0):
            store.mark_done(habit.id)
        next_morning(clock)
    # Week 1: 3 of 3; weeks 2 and 3: 1 of 3 each -> the last 7 due days hold 4 misses.
    assert advice(store, habit.id) == [("shrink", "missed 4 of its last 7 due days: scale it back")]


def test_a_habit_done_fourteen_due_days_in_a_row_steps_up(store, clock) -> None:
    habit = store.add_goal("Five push-ups", every="daily")
    for _ in range(13):
        store.mark_done(habit.id)
        next_morning(clock)
    assert advice(store, habit.id) == []  # 13 in a row; today not done yet does not break it
    store.mark_done(habit.id)
    assert advice(store, habit.id) == [
        ("step_up", "done 14 due days in a row: make it a little harder")
    ]


def test_weekday_habit_streak_skips_the_weekend(store, clock) -> None:
    clock.set(pendulum.datetime(2026, 11, 2, 9, tz="UTC"))  # a Monday
    habit = store.add_goal("Stand-up notes", every="weekdays")
    for day in range(19):  # Mon 2 to Fri 20 November: 15 weekdays
        if day % 7 < 5:
            store.mark_done(habit.id)
        next_morning(clock)
    assert advice(store, habit.id) == [
        ("step_up", "done 15 due days in a row: make it a little harder")
    ]


# -- dismissed for a week ---------------------------------------------------------------------


def test_a_dismissed_time_suggestion_stays_hidden_for_seven_days(store, clock) -> None:
    goal = store.add_goal("Shape the buns", minutes=15)
    block(store, clock, goal.id, worked=15, more=1)
    block(store, clock, goal.id, worked=15)
    assert [k for k, _ in advice(store, goal.id)] == ["split"]
    store.dismiss_suggestion(goal.id, "split")
    for day in range(7):  # the day it was dismissed and the six after it
        assert advice(store, goal.id) == [], day
        next_morning(clock)
    assert [k for k, _ in advice(store, goal.id)] == ["split"]  # day 7: back
    next_morning(clock)
    assert [k for k, _ in advice(store, goal.id)] == ["split"]  # day 8: still back


# -- never both ways within a week ------------------------------------------------------------


def test_a_step_up_holds_back_a_shrink_for_a_week(store, clock) -> None:
    habit = store.add_goal("Five push-ups", every="daily")
    for _ in range(14):
        store.mark_done(habit.id)
        next_morning(clock)
    shown = [advice(store, habit.id)]  # day 14: 14 in a row, today pending
    for _ in range(8):  # then missed every day
        next_morning(clock)
        shown.append(advice(store, habit.id))
    kinds = [[k for k, _ in day] for day in shown]
    # Day 14: 14 in a row. The misses from day 15 say "shrink" from day 17 on (3 of the last
    # 7), held back until a week after the last day that said "step up" (day 14): day 21.
    assert kinds == [["step_up"], *([[]] * 6), ["shrink"], ["shrink"]]
    assert shown[7] == [("shrink", "missed 7 of its last 7 due days: scale it back")]


def test_a_review_for_the_count_and_streak_only_skips_the_rules(store, clock) -> None:
    """The celebration after `x` and `microgoals done` ask for the day's count and streak:
    the rules (reading weeks of blocks) stay off that key's path."""
    big = store.add_goal("Design the post", minutes=60)
    store.mark_done(store.add_goal("step").id)
    full, quick = store.review(), store.review(suggest=False)
    assert [s.id for s in full.suggestions] == [big.id] and quick.suggestions == []
    assert (quick.micro_done, quick.streak) == (full.micro_done, full.streak) == (1, 1)


def test_a_hand_edited_extension_list_reads_as_none_and_the_block_still_reads() -> None:
    doc = {
        "goal": 1,
        "planned_seconds": 1200,
        "started_at": "2026-11-22T09:00:00+00:00",
        "ended_at": "2026-11-22T09:20:00+00:00",
        "outcome": "partial",
        "extensions": "twice",
    }
    block = Block.from_doc(7, doc)
    assert block.extensions == [] and block.first_planned_seconds == 1200
    assert ran_past(block)  # time ran out, not done
    good = {**doc, "extensions": [{"at": doc["ended_at"], "seconds": 300, "before": 900}]}
    assert Block.from_doc(7, good).first_planned_seconds == 900
    again = Block.from_doc(7, Block.from_doc(7, good).to_doc())  # (stored as the store writes)
    assert again.extensions == Block.from_doc(7, good).extensions


def test_a_habit_is_read_five_weeks_back_only(store, clock, monkeypatch) -> None:
    """Day plans older than the look-back (archived, or never written) are never misses: a
    once-a-week habit kept for the last 4 weeks, after 6 weeks of nothing, is not shrunk
    (read 7 due days back, it would be: 3 of the last 7 missed)."""
    clock.set(pendulum.datetime(2026, 9, 14, 9, tz="UTC"))  # a Monday
    habit = store.add_goal("Deep-clean the oven", every="mon")
    for week in range(10):
        if week >= 6:
            store.mark_done(habit.id)
        clock.advance(days=7)
    assert advice(store, habit.id) == []
    clock.advance(days=7)  # one Monday more missed: still 1 of the last 5 read
    assert advice(store, habit.id) == []
    # The same history read 120 days back: the empty weeks count as misses.
    monkeypatch.setattr(right_size, "HABIT_LOOKBACK_DAYS", 120)
    clock.advance(days=-7)
    assert [k for k, _ in advice(store, habit.id)] == ["shrink"]

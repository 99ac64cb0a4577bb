"""Issue 12, trap 4: a goal that has micro-goals (steps) is never on a day's list.

When a planned goal gets its first step, its place passes to its open steps and the store
says so; a database that already holds such an entry is read the same way; plan, unplan
and the One Thing on a goal with steps act on its steps.
"""

from __future__ import annotations

import pendulum
import pytest

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import InputError
from tui_microgoals.core.models import DONE, DROPPED, Day, Goal
from tui_microgoals.core.planner import day_list
from tui_microgoals.core.store import Store
from tui_microgoals.core.tree import children_map

SUNDAY = pendulum.date(2026, 11, 22)
SATURDAY = SUNDAY.subtract(days=1)
MONDAY = SUNDAY.add(days=1)


def listed(store: Store, date: pendulum.Date | None = None) -> list[tuple[int, int, bool]]:
    """A day's list as (id, carried, one_thing)."""
    return [(i.goal.id, i.carried, i.one_thing) for i in store.today(date)]


# -- the hand-off ------------------------------------------------------------------------


def test_first_step_of_a_planned_goal_takes_its_place(store: Store) -> None:
    other = store.add_goal("other", today=True).id
    big = store.add_goal("Write the report", today=True).id
    store.set_one_thing(big)
    store.take_notices()
    step = store.add_goal("Outline it", parent=big).id
    assert listed(store) == [(step, 0, True), (other, 0, False)]
    assert store.day(SUNDAY).items == [other, step]  # written, not only read that way
    assert store.take_notices() == [
        f"goal {big} now has steps: its place on today's list passed to {step}"
    ]
    assert store.take_notices() == []  # said once
    second = store.add_goal("Draft it", parent=big).id  # not the first step: nothing to say
    assert store.take_notices() == []
    assert [i.goal.id for i in store.today()] == [step, other]
    assert second not in store.day(SUNDAY).items


def test_moving_a_goal_under_a_planned_one_hands_its_place_over(store: Store) -> None:
    big = store.add_goal("big", today=True).id
    loose = store.add_goal("loose", today=True).id
    store.take_notices()
    store.edit_goal(loose, parent=big)  # what `>` does in the tree
    assert listed(store) == [(loose, 0, False)]
    assert store.day(SUNDAY).items == [loose]  # no duplicate
    assert store.take_notices() == [
        f"goal {big} now has steps: its place on today's list passed to {loose}"
    ]


def test_a_carried_goal_hands_its_place_to_its_steps(store: Store, clock: FixedClock) -> None:
    big = store.add_goal("big", today=True).id
    clock.advance(days=1)
    assert listed(store) == [(big, 1, False)]
    store.take_notices()
    step = store.add_goal("step", parent=big).id
    # A step made today has not waited since Sunday: carried counts from its own first day.
    assert listed(store) == [(step, 0, False)]
    assert store.take_notices() == [
        f"goal {big} now has steps: its place on today's list passed to {step}"
    ]
    clock.advance(days=1)
    assert listed(store) == [(step, 1, False)]


def test_a_planned_goal_for_another_day_passes_to_its_steps_quietly(store: Store) -> None:
    big = store.add_goal("big").id
    store.plan([big], MONDAY)
    store.take_notices()
    step = store.add_goal("step", parent=big).id
    assert store.day(MONDAY).items == [step]
    assert store.take_notices() == []  # not on today's list: nothing on screen moved
    assert store.today() == []


def test_a_goal_with_steps_is_never_listed_and_carried_counts_steps_only(
    store: Store, clock: FixedClock
) -> None:
    big = store.add_goal("big", today=True).id
    a = store.add_goal("a", parent=big, minutes=10).id
    b = store.add_goal("b", parent=big, minutes=15).id
    clock.advance(days=1)
    assert listed(store) == [(a, 1, False)]  # b was made after big's place passed to a
    assert big not in [i.goal.id for i in store.today()]
    store.mark_done(a)
    assert [i.goal.id for i in store.today() if not i.done] == []
    assert b not in [i.goal.id for i in store.today()]


# -- databases that already hold a planned goal with steps --------------------------------


def goal(goal_id: int, *, parent: int | None = None, **fields: object) -> Goal:
    created = pendulum.datetime(2026, 11, 1, tz="UTC")
    return Goal(
        goal_id, f"g{goal_id}", parent=parent, position=goal_id, created_at=created, **fields
    )  # type: ignore[arg-type]


def test_day_list_reads_a_planned_goal_with_steps_as_its_open_steps() -> None:
    goals = {
        1: goal(1),
        2: goal(2, parent=1),
        3: goal(3, parent=2),  # a step two levels down
        4: goal(4, parent=1, status=DONE),
        5: goal(5, parent=1, status=DROPPED),
        6: goal(6, parent=1, recurrence="daily"),  # a habit comes on its own days
        7: goal(7, parent=1),
        8: goal(8),
    }
    days = {SUNDAY: Day(SUNDAY, items=[1, 7, 8], one_thing=1)}
    items = day_list(goals, days, SUNDAY, 20)
    ids = [i.goal.id for i in items]
    assert ids[:4] == [3, 7, 8, 6]  # the One Thing's place went to its first open step
    assert items[0].one_thing
    assert len(ids) == len(set(ids))
    # Given the map of children (as the app's tree has it), the same list without a pass
    # over every goal.
    assert day_list(goals, days, SUNDAY, 20, children_map(goals)) == items


def test_an_old_carried_goal_with_steps_is_read_as_its_steps() -> None:
    goals = {1: goal(1), 2: goal(2, parent=1), 3: goal(3, parent=1)}
    days = {SATURDAY: Day(SATURDAY, items=[1]), SUNDAY: Day(SUNDAY, off=[3])}
    items = day_list(goals, days, SUNDAY, 20)
    assert [(i.goal.id, i.carried) for i in items] == [(2, 1)]
    assert day_list(goals, days, SUNDAY, 20, children_map(goals)) == items


def test_unplan_is_never_stuck_on_an_old_entry(store: Store) -> None:
    big = store.add_goal("big").id
    a = store.add_goal("a", parent=big).id
    b = store.add_goal("b", parent=big).id
    with store._tx("set up the test", undoable=False):  # a file written before the hand-off existed
        store._save_day(Day(SUNDAY, items=[big], one_thing=big))
    assert [i.goal.id for i in store.today()] == [a, b]
    store.unplan(a)
    assert listed(store) == [(b, 0, False)]
    store.unplan(big)
    assert store.today() == []


# -- plan, unplan and the One Thing on a goal with steps -----------------------------------


def test_planning_a_goal_with_steps_plans_its_open_steps(store: Store) -> None:
    big = store.add_goal("big").id
    a = store.add_goal("a", parent=big).id
    done = store.add_goal("done", parent=big).id
    b = store.add_goal("b", parent=big).id
    store.mark_done(done)
    store.take_notices()
    store.plan([big])
    assert [i.goal.id for i in store.today()] == [a, b]
    assert store.take_notices() == [f"goal {big} has steps: planned its open steps {a}, {b}"]
    store.unplan(big)  # `t` again: off, never stuck
    assert store.today() == []


def test_planning_a_goal_whose_steps_are_all_done_is_refused(store: Store) -> None:
    big = store.add_goal("big").id
    a = store.add_goal("a", parent=big).id
    store.add_goal("habit", parent=big, every="daily")
    store.mark_done(a)
    with pytest.raises(InputError, match=f"goal {big} has no open step to plan"):
        store.plan([big])


def test_the_one_thing_on_a_goal_with_steps_is_its_first_step_that_can_start(
    store: Store,
) -> None:
    first = store.add_goal("first").id
    big = store.add_goal("big").id
    waits = store.add_goal("waits", parent=big, after=[first]).id
    ready = store.add_goal("ready", parent=big).id
    store.take_notices()
    store.set_one_thing(big)
    assert [(i.goal.id, i.one_thing) for i in store.today()] == [(ready, True)]
    assert store.take_notices() == [
        f"goal {big} has steps: the One Thing is its first step that can start, {ready}"
    ]
    assert waits not in [i.goal.id for i in store.today()]


def test_a_split_adds_all_its_steps_or_none(store: Store) -> None:
    """The review's split saved its steps one by one: a refusal (or a full disk) between two
    of them left half a split."""
    goal = store.add_goal("Bake the test batch", minutes=45)
    before = store.export()
    with pytest.raises(InputError):
        store.add_steps(goal.id, [("Mix the dough", 15), ("", 15)])  # the second is refused
    assert store.export() == before
    added = store.add_steps(goal.id, [("Mix the dough", 15), ("Shape the buns", 20)])
    assert [g.title for g in added] == ["Mix the dough", "Shape the buns"]
    assert store.goal(goal.id).status == "open"

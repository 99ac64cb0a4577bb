"""The planning simulation: capacity, order, dependencies, splitting, suggestion and forecast."""

from __future__ import annotations

import contextlib

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_microgoals.core import forecast
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import InputError
from tui_microgoals.core.models import DONE, OPEN
from tui_microgoals.core.store import Store

TODAY = pendulum.date(2026, 11, 22)


def day(n: int) -> pendulum.Date:
    return TODAY.add(days=n)


def first_day_ids(store: Store, capacity: int) -> list[int]:
    return [i.goal.id for i in store.suggest_plan(capacity=capacity).items]


# -- capacity -----------------------------------------------------------------------------


def test_capacity_falls_back_to_the_setting_with_little_history(store: Store) -> None:
    assert store.capacity() == 120
    store.set_setting("capacity", 90)
    assert store.capacity() == 90
    assert store.capacity(override=45) == 45
    with pytest.raises(InputError):
        store.capacity(override=0)


def test_capacity_is_the_median_of_days_with_blocks(store: Store, clock: FixedClock) -> None:
    goal = store.add_goal("Write", every="daily")
    # Four days back: 20, 40, 60 focus minutes (and a day with none, which doesn't count).
    for back, minutes in ((4, 20), (3, 40), (1, 60)):
        clock.set(pendulum.datetime(2026, 11, 22 - back, 8, tz="UTC"))
        for _ in range(minutes // 20):
            store.start_block(goal.id, 20)
            clock.advance(minutes=20)
            store.stop_block("partial")
    clock.set(pendulum.datetime(2026, 11, 22, 8, tz="UTC"))
    assert store.capacity() == 40
    assert forecast.capacity_from_history([0, 0, 30, 50], 120) == 120  # two days: too few


# -- the order of a day ------------------------------------------------------------------------


def test_deadline_order_and_its_tie_breaks(store: Store) -> None:
    later = store.add_goal("Later project", due=day(10))
    soon = store.add_goal("Soon project", due=day(2))
    a = store.add_goal("no deadline", minutes=10)
    b = store.add_goal("later step", parent=later.id, minutes=10)
    c = store.add_goal("soon step 1", parent=soon.id, minutes=10)
    d = store.add_goal("soon step 2", parent=soon.id, minutes=10)
    own = store.add_goal("own date beats parent", parent=later.id, minutes=10, due=day(1))
    assert first_day_ids(store, 120) == [own.id, c.id, d.id, b.id, a.id]
    store.move(d.id, -1)  # manual order breaks the tie between equal deadlines
    assert first_day_ids(store, 120) == [own.id, d.id, c.id, b.id, a.id]


def test_planned_then_carried_then_habits_then_leaves(store: Store, clock: FixedClock) -> None:
    carried = store.add_goal("carried", minutes=10)
    store.plan([carried.id])
    clock.advance(days=2)
    leaf = store.add_goal("leaf", minutes=10, due=day(3))
    habit = store.add_goal("habit", every="daily", minutes=5)
    planned = store.add_goal("planned", minutes=10)
    store.plan([planned.id])
    items = store.suggest_plan(capacity=120).items
    assert [i.goal.id for i in items] == [planned.id, carried.id, habit.id, leaf.id]
    assert [i.reason for i in items] == [
        "planned",
        "carried 2 days",
        "habit, due today",
        "due in 1 day",
    ]


def test_reasons_name_the_parent_and_what_it_unblocks(store: Store) -> None:
    recipe = store.add_goal("Standardize the recipe")
    first = store.add_goal("Weigh flour", parent=recipe.id, minutes=10)
    for n in range(3):
        store.add_goal(f"after {n}", after=[first.id], minutes=10)
    lone = store.add_goal("Write card", parent=recipe.id, minutes=10)
    reasons = {i.goal.id: i.reason for i in store.suggest_plan(capacity=120).items}
    assert reasons[first.id] == "unblocks 3"
    assert reasons[lone.id] == "next step of Standardize the recipe"


def test_a_leaf_without_an_estimate_counts_as_one_block(store: Store) -> None:
    store.add_goal("a")
    store.add_goal("b")
    plan = store.suggest_plan(capacity=40)
    assert [i.minutes for i in plan.items] == [20, 20]
    assert plan.planned_minutes == 40


def test_a_too_big_leaf_is_split_first(store: Store) -> None:
    big = store.add_goal("Design the launch post", minutes=60)
    small = store.add_goal("Write the sign", minutes=10)
    plan = store.suggest_plan(capacity=120)
    assert [i.goal.id for i in plan.items] == [small.id]
    assert [g.id for g in plan.split] == [big.id]


def test_at_most_one_item_runs_over(store: Store) -> None:
    for n in range(5):
        store.add_goal(f"step {n}", minutes=15)
    plan = store.suggest_plan(capacity=40)
    assert [i.minutes for i in plan.items] == [15, 15, 15]  # 45: one item over, no more


def test_a_chain_fits_in_a_day_or_spills(store: Store) -> None:
    a = store.add_goal("a", minutes=15)
    b = store.add_goal("b", minutes=15, after=[a.id])
    c = store.add_goal("c", minutes=15, after=[b.id])
    assert first_day_ids(store, 60) == [a.id, b.id, c.id]  # done earlier the same day counts
    sim = store.simulate(capacity=20)
    assert [[i.goal.id for i in d.items] for d in sim.days] == [[a.id, b.id], [c.id]]
    assert sim.finish[c.id] == day(1)


def test_after_a_goal_above_waits_for_all_its_steps(store: Store) -> None:
    part = store.add_goal("part")
    x = store.add_goal("x", parent=part.id, minutes=15)
    y = store.add_goal("y", parent=part.id, minutes=15)
    z = store.add_goal("z", minutes=15, after=[part.id])
    sim = store.simulate(capacity=15)
    assert sim.finish[x.id] == day(0) and sim.finish[y.id] == day(1)
    assert sim.finish[part.id] == day(1) and sim.finish[z.id] == day(2)


def test_an_inherited_deadline_orders_and_forecasts(store: Store) -> None:
    launch = store.add_goal("Launch", due=day(1))
    store.add_goal("free", minutes=20)
    step = store.add_goal("step", parent=launch.id, minutes=20)
    assert first_day_ids(store, 20) == [step.id]
    rows = {r.goal.id: r for r in store.forecast(capacity=20)}
    assert rows[step.id].due == day(1)
    assert rows[launch.id].status == "on_track"


# -- suggestion ------------------------------------------------------------------------------


def test_one_thing_is_what_unblocks_most(store: Store) -> None:
    a = store.add_goal("a", minutes=10, due=day(1))
    b = store.add_goal("b", minutes=10)
    store.add_goal("needs b", minutes=10, after=[b.id])
    assert store.suggest_plan(capacity=120).one_thing.id == b.id
    store.add_goal("needs a", minutes=10, after=[a.id])
    # Both unblock one: the earlier deadline wins.
    assert store.suggest_plan(capacity=120).one_thing.id == a.id


def test_accepting_keeps_what_is_planned_and_never_plans_twice(store: Store) -> None:
    mine = store.add_goal("mine", minutes=10)
    store.plan([mine.id])
    other = store.add_goal("other", minutes=10)
    store.add_goal("habit", every="daily", minutes=5)
    store.suggest_plan(capacity=120, accept=True)
    day_doc = store.day(TODAY)
    assert day_doc.items == [mine.id, other.id]
    assert day_doc.one_thing is not None
    before = store.day(TODAY)
    store.suggest_plan(capacity=120, accept=True)
    assert store.day(TODAY) == before


def test_accepting_only_the_checked_items(store: Store) -> None:
    a = store.add_goal("a", minutes=10)
    b = store.add_goal("b", minutes=10)
    plan = store.suggest_plan(capacity=120)
    store.accept_plan(plan, [b.id])
    assert store.day(TODAY).items == [b.id]
    assert a.id not in [i.goal.id for i in store.today()]


# -- forecast ------------------------------------------------------------------------------


def test_forecast_statuses(store: Store, clock: FixedClock) -> None:
    done = store.add_goal("done", due=day(3), minutes=10)
    store.mark_done(done.id)
    late = store.add_goal("late", due=day(-1), minutes=10)
    tight = store.add_goal("tight", due=day(1))
    for n in range(8):
        store.add_goal(f"tight {n}", parent=tight.id, minutes=20)
    easy = store.add_goal("easy", due=day(9), minutes=10)
    rows = {r.goal.id: r for r in store.forecast(capacity=60)}
    assert rows[done.id].status == "done"
    assert rows[late.id].status == "overdue"
    assert rows[easy.id].status == "on_track"
    assert rows[tight.id].status == "at_risk"
    assert rows[tight.id].remaining_minutes == 160
    assert rows[tight.id].finish == day(2)
    assert rows[tight.id].why == "needs 3 more days of your usual 60 min; 2 left"


def test_a_too_big_step_puts_its_deadline_at_risk(store: Store) -> None:
    launch = store.add_goal("Launch", due=day(5))
    big = store.add_goal("too big", parent=launch.id, minutes=60)
    rows = {r.goal.id: r for r in store.forecast()}
    assert rows[launch.id].status == "at_risk" and rows[launch.id].finish is None
    assert "split" in rows[big.id].why


# -- properties ----------------------------------------------------------------------------

goal_specs = st.lists(
    st.tuples(
        st.integers(0, 30),  # parent index (clipped to earlier goals, 0 = root)
        st.sampled_from([None, 5, 10, 15, 20, 30]),  # minutes
        st.sampled_from([None, -2, 0, 1, 3, 10]),  # due offset
        st.lists(st.integers(0, 30), max_size=2),  # after indexes
        st.sampled_from([OPEN, OPEN, OPEN, DONE, "dropped"]),
    ),
    min_size=1,
    max_size=25,
)


def build(specs: list, clock: FixedClock) -> Store:
    store = Store.memory(clock)
    ids: list[int] = []
    for parent_i, minutes, due, after_i, status in specs:
        parent = ids[parent_i % len(ids)] if ids and parent_i else None
        after = {ids[a % len(ids)] for a in after_i} if ids else set()
        try:
            goal = store.add_goal(
                f"g{len(ids)}",
                parent=parent,
                minutes=minutes,
                due=day(due) if due is not None else None,
                after=sorted(after),
            )
        except InputError:
            goal = store.add_goal(f"g{len(ids)}", minutes=minutes)
        ids.append(goal.id)
        if status == "dropped":
            store.drop(goal.id)
        elif status == DONE:
            with contextlib.suppress(InputError):
                store.mark_done(goal.id)
    return store


@given(specs=goal_specs, capacity=st.integers(10, 120))
def test_simulation_properties(specs: list, capacity: int) -> None:
    clock = FixedClock(pendulum.datetime(2026, 11, 22, 9, tz="UTC"), "Europe/Berlin")
    store = build(specs, clock)
    goals = store.goals()
    plan = store.suggest_plan(capacity=capacity)
    ids = [i.goal.id for i in plan.items]
    # Never a done, dropped or duplicate item.
    assert len(ids) == len(set(ids))
    assert all(goals[i].status == OPEN for i in ids)
    # Never more than one item over capacity.
    if len(plan.items) > 1:
        assert sum(i.minutes for i in plan.items[:-1]) < capacity
    # Every item's after goals are done, or earlier in the same suggestion.
    for n, item in enumerate(plan.items):
        for other in item.goal.after:
            before = {i.goal.id for i in plan.items[:n]}
            sim = store.simulate(capacity=capacity)
            assert (
                goals[other].status != OPEN
                or other in before
                or (other in sim.finish and sim.finish[other] <= TODAY)
            )
    # No goal's forecast finish comes before that of a goal it depends on.
    sim = store.simulate(capacity=capacity)
    for goal in goals.values():
        for other in goal.after:
            if goal.id in sim.finish and other in sim.finish:
                assert sim.finish[other] <= sim.finish[goal.id]
    # Accepting twice changes nothing the second time.
    store.suggest_plan(capacity=capacity, accept=True)
    once = store.day(TODAY)
    store.suggest_plan(capacity=capacity, accept=True)
    assert store.day(TODAY) == once

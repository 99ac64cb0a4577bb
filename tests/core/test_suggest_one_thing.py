"""Issue 12: the suggested plan never makes a blocked item the One Thing."""

from __future__ import annotations

from tui_microgoals.core import tree
from tui_microgoals.core.store import Store


def test_the_suggested_one_thing_is_never_blocked(store: Store) -> None:
    first = store.add_goal("Get the keys", minutes=10).id
    waits = store.add_goal("Open the shop", minutes=10, after=[first]).id
    store.add_goal("Serve the first customer", minutes=10, after=[waits])
    store.plan([waits])  # planned first, and it unblocks the most: but it cannot start
    plan = store.suggest_plan()
    assert waits in [i.goal.id for i in plan.items]
    assert plan.one_thing is not None and plan.one_thing.id == first


def test_a_step_of_a_blocked_goal_is_not_the_one_thing_either(store: Store) -> None:
    first = store.add_goal("Get the keys", minutes=10).id
    project = store.add_goal("Open the shop", after=[first]).id
    inside = store.add_goal("Turn on the lights", parent=project, minutes=10).id
    store.plan([inside])
    plan = store.suggest_plan()
    assert plan.one_thing is not None and plan.one_thing.id == first


def test_a_blocked_one_thing_already_chosen_is_not_kept(store: Store) -> None:
    first = store.add_goal("Get the keys", minutes=10).id
    waits = store.add_goal("Open the shop", minutes=10, after=[first]).id
    store.set_one_thing(waits)
    plan = store.suggest_plan(accept=True)
    assert plan.one_thing is not None and plan.one_thing.id == first
    assert store.today()[0].goal.id == first and store.today()[0].one_thing


def test_nothing_startable_means_no_one_thing(store: Store) -> None:
    first = store.add_goal("Get the keys", minutes=200).id  # too big: never taken
    waits = store.add_goal("Open the shop", minutes=10, after=[first]).id
    store.plan([waits])
    plan = store.suggest_plan()
    assert plan.one_thing is None or not tree.is_blocked(store.goals(), plan.one_thing)
    assert plan.one_thing is None

"""The main screen's pure view functions, without Pilot: data in, plain values out."""

from __future__ import annotations

import pytest
from ui_helpers import small_plan

from tui_microgoals.screens import main_view
from tui_microgoals.screens.block_length import block_length, parse_length
from tui_microgoals.widgets.goal_tree import filter_hits, filter_keep


def test_first_in_tree_order_follows_the_tree_not_the_ids(store):
    plan = small_plan(store)
    store.move(plan.later, -2)  # "Design the logo" is now the first step
    goals = store.goals()
    wanted = {plan.first, plan.later}
    assert main_view.first_in_tree_order(goals, wanted, show_done=True) == plan.later


def test_first_in_tree_order_skips_what_is_hidden(store):
    plan = small_plan(store)
    store.mark_done(plan.first)
    goals = store.goals()
    wanted = {plan.first, plan.second}
    assert main_view.first_in_tree_order(goals, wanted, show_done=True) == plan.first
    assert main_view.first_in_tree_order(goals, wanted, show_done=False) == plan.second
    assert main_view.first_in_tree_order(goals, set(), show_done=True) is None


def test_nearest_shown(store):
    plan = small_plan(store)
    other = store.add_goal("Other project")
    store.mark_done(plan.first)
    store.mark_done(plan.second)
    goals = store.goals()
    near = main_view.nearest_shown
    assert near(goals, plan.later, show_done=False) == plan.later  # still shown
    assert near(goals, plan.first, show_done=True) == plan.first
    assert near(goals, plan.second, show_done=False) == plan.launch  # nothing open above it
    store.mark_done(plan.later)  # the whole project is done now
    goals = store.goals()
    assert near(goals, plan.later, show_done=False) == other.id  # below, at the top level
    assert near(goals, None, show_done=False) is None


def test_nearest_shown_prefers_the_sibling_above(store):
    plan = small_plan(store)
    store.mark_done(plan.second)
    assert main_view.nearest_shown(store.goals(), plan.second, show_done=False) == plan.first


def test_filter_keeps_the_way_to_a_hit_and_everything_below_it(store):
    plan = small_plan(store)
    step = store.add_goal("Sketch", parent=plan.later)
    unrelated = store.add_goal("Unrelated")
    goals = store.goals()
    assert filter_hits(goals, "LOGO") == {plan.later}
    assert filter_keep(goals, "logo") == {plan.launch, plan.later, step.id}
    keep = filter_keep(goals, "newsletter")
    assert keep == {plan.launch, plan.first, plan.second, plan.later, step.id}
    assert unrelated.id not in keep


def test_block_length_is_the_estimate_when_a_block_can_last_that_long():
    assert block_length(15, 20) == 15
    assert block_length(None, 20) == 20
    assert block_length(3, 20) == 20
    assert block_length(120, 25) == 25
    assert parse_length(" 45 ") == 45
    for bad in ("4", "91", "ten", ""):
        with pytest.raises(ValueError, match="5 to 90"):
            parse_length(bad)

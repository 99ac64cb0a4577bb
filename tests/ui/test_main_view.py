"""The main screen's pure view functions, without Pilot: data in, plain values out."""

from __future__ import annotations

import pytest
from ui_helpers import small_plan

from tui_microgoals.screens import main_view
from tui_microgoals.screens.block_length import parse_length
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


def test_the_length_dialog_takes_5_to_90_minutes():
    assert parse_length(" 45 ") == 45
    for bad in ("4", "91", "ten", ""):
        with pytest.raises(ValueError, match="5 to 90"):
            parse_length(bad)


def test_today_view_and_done_entries(store, clock):
    plan = small_plan(store)
    habit = store.add_goal("Stretch", every="daily")
    store.mark_done(plan.first)
    store.mark_done(habit.id)
    items = store.today()
    done_goals = main_view.done_goals_today(store.goals(), clock.today(), clock.now())
    assert [e.goal_id for e in done_goals] == [plan.first]
    done = main_view.done_entries(done_goals, items)
    assert [(e.goal_id, e.habit) for e in done] == [(plan.first, False), (habit.id, True)]
    view = main_view.today_view(items, done, running=plan.second, tz="UTC")
    assert [i.goal.id for i in view.open_items] == [plan.second]
    assert view.running == plan.second and view.done == done


def test_tree_view_marks_today_and_the_running_block(store):
    plan = small_plan(store)
    store.start_block(plan.first)
    snap = store.snapshot()
    items = store.today()
    view = main_view.tree_view(
        snap, store.clock.today(), items, show_done=False, filter_text="x", forecast={}
    )
    assert view.planned == {plan.first, plan.second}
    assert view.running == plan.first
    assert view.reveal == (plan.first, plan.second)
    assert (view.show_done, view.filter) == (False, "x")


def test_focus_view_shows_the_block_else_what_s_would_start_or_why_not(store, clock):
    plan = small_plan(store)
    waiting = store.add_goal("Send it", parent=plan.launch, after=[plan.later])
    snap = store.snapshot()
    idle = main_view.focus_view(snap, plan.second, break_until=None, tz="UTC")
    assert idle.block is None and idle.candidate == "Pick a name" and idle.why_not is None
    parent = main_view.focus_view(snap, plan.launch, break_until=None, tz="UTC")
    assert parent.candidate is None and "micro-goals" in parent.why_not
    blocked = main_view.focus_view(snap, waiting.id, break_until=None, tz="UTC")
    assert blocked.why_not == "it waits for Design the logo"
    store.start_block(plan.first)
    running = main_view.focus_view(store.snapshot(), plan.second, break_until=None, tz="UTC")
    assert running.block is not None and running.title == "Write the intro"
    assert running.candidate is None


def test_score_counts_the_running_block_and_the_next_reward(store, clock):
    plan = small_plan(store)
    store.set_setting("reward", "a walk")
    store.set_setting("reward_every", 3)
    store.start_block(plan.first)
    clock.advance(minutes=7)
    snap = store.snapshot()
    score = main_view.score(snap, [], done_count=1, streak=2, now=clock.now())
    assert (score.done_today, score.focus_minutes, score.streak) == (1, 7, 2)
    assert score.next_reward == 2
    store.set_setting("reward", "")
    assert main_view.score(store.snapshot(), [], 1, 2, clock.now()).next_reward is None

"""Issue 12, trap 4 in the app: `t` on a goal with steps is never a dead end, and a planned
goal that gets its first step hands its place to it, with a toast saying so."""

from __future__ import annotations

from ui_helpers import SIZE, make_app, small_plan

from tui_microgoals.widgets.goal_tree import GoalTree


def listed(store) -> list[int]:  # noqa: ANN001
    return [i.goal.id for i in store.today() if not i.done]


async def test_t_on_a_goal_with_steps_plans_them_and_takes_them_off(store, clock):
    plan = small_plan(store)
    store.unplan(plan.first)
    store.unplan(plan.second)
    store.claim_morning_nudge()  # no suggested plan offered over the screen
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        tree = app.screen.query_one(GoalTree)
        while tree.goal_id != plan.launch:
            await pilot.press("k")
        await pilot.press("t")
        await pilot.pause()
        assert listed(store) == [plan.first, plan.second, plan.later]
        await pilot.press("t")  # again: off, as for a micro-goal
        await pilot.pause()
        assert listed(store) == []


async def test_indenting_under_a_planned_goal_hands_its_place_over_and_says_so(store, clock):
    lone = store.add_goal("Plan the trip", today=True).id
    step = store.add_goal("Book the train").id
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        tree = app.screen.query_one(GoalTree)
        while tree.goal_id != step:
            await pilot.press("j")
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert store.goal(step).parent == lone
        assert listed(store) == [step]
        toasts = [str(n.message) for n in app._notifications]
        assert f"goal {lone} now has steps: its place on today's list passed to {step}" in toasts

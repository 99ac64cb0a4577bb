"""The demo database that `microgoals --demo` opens: everything the app can show."""

from __future__ import annotations

from collections import Counter

from ui_helpers import SIZE, frozen_clock, make_app, screen_text

from tui_microgoals.core import tree
from tui_microgoals.core.demo import build_demo
from tui_microgoals.core.store import Store


def test_demo_has_each_kind_of_goal_and_two_weeks_of_history():
    clock = frozen_clock()
    store = Store.memory(clock)
    ids = build_demo(store)
    goals = store.goals()
    leaves = [g for g in goals.values() if tree.is_leaf(goals, g.id)]
    assert all(
        10 <= (g.minutes or 0) <= 20 for g in leaves if g.id != ids["too_big"] and not g.is_habit
    )
    assert tree.is_too_big(goals[ids["too_big"]], 20)
    assert tree.is_blocked(goals, goals[ids["blocked"]])
    assert goals[ids["due"]].due is not None and goals[ids["launch"]].due is not None
    assert goals[ids["habit"]].recurrence == "daily"
    today = store.today()
    assert today[0].goal.id == ids["one_thing"] and today[0].one_thing
    assert any(item.carried for item in today)
    week = [store.review(clock.today().subtract(days=n)) for n in range(1, 7)]
    assert sum(len(r.done) for r in week) >= 6
    assert sum(len(r.blocks) for r in week) >= 6
    assert any(r.interruptions for r in week)
    assert store.review().streak >= 2
    assert store.running_block() is None
    # Issue 17: two weeks of about 3 blocks a day, so calibration, the retro and the
    # suggestions have something to show.
    blocks = store.blocks_between(clock.today().subtract(days=14), clock.today().subtract(days=1))
    per_day = Counter(b.day for b in blocks)
    assert len(per_day) == 14 and set(per_day.values()) == {3}
    assert sum(1 for b in blocks if b.extensions) >= 5  # +5
    assert sum(len(b.interruptions) for b in blocks) >= 6
    assert all(b.planned_seconds for b in blocks)
    assert [(s.id, s.kind) for s in store.review().suggestions] == [
        (ids["too_big"], "split"),
        (ids["runs_past"], "split"),
        (ids["habit"], "step_up"),
        (ids["missed_habit"], "shrink"),
        (ids["fast_steps"], "step_up"),
    ]


async def test_the_app_opens_on_the_demo():
    clock = frozen_clock()
    store = Store.memory(clock)
    build_demo(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for words in (
            "Launch the cardamom bun",
            "Standardize the recipe",
            "Price the product",
            "Create marketing materials",
            "★ Ask three regulars",
            "↪2d Photograph",
            "⚠ Design the Instagram",  # too big (at 120 columns its #id wins over the words)
            "Done today (1)",
        ):
            assert words in text

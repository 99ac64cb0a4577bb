"""The Today pane changes only the lines that changed, and still shows exactly the plan."""

from __future__ import annotations

from textual.widgets import OptionList
from ui_helpers import SIZE, make_app, screen_text, small_plan

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store
from tui_microgoals.widgets.today_list import TodayList


def today_lines(app) -> list[str]:  # noqa: ANN001
    today = app.screen.query_one(TodayList)
    return [str(today.get_option_at_index(i).prompt) for i in range(today.option_count)]


async def test_one_thing_reorders_and_keeps_unchanged_options(
    store: Store, clock: FixedClock
) -> None:
    plan = small_plan(store)
    store.plan([plan.later])
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        today = app.screen.query_one(TodayList)
        before = {o.id: o for o in today.options}
        await pilot.press("j", "j")  # onto "Design the logo", the last open item
        assert today.goal_id == plan.later
        await pilot.press("o")
        await pilot.pause()
        lines = today_lines(app)
        assert lines[0].startswith("★ Design the logo")
        assert [line.split("  ")[0] for line in lines[1:3]] == [
            "○ Write the intro",
            "○ Pick a name",
        ]
        # Unchanged lines are the same options (they keep what they measured and drew);
        # the changed one is new; the highlight stayed on the goal.
        after = {o.id: o for o in today.options}
        assert after[f"goal-{plan.first}"] is before[f"goal-{plan.first}"]
        assert after[f"goal-{plan.later}"] is not before[f"goal-{plan.later}"]
        assert today.goal_id == plan.later and today.highlighted == 0
        assert "★ Design the logo" in screen_text(app)
        # Back again: the same order as before, the star gone.
        await pilot.press("o")
        await pilot.pause()
        assert [line.split("  ")[0] for line in today_lines(app)[:3]] == [
            "○ Write the intro",
            "○ Pick a name",
            "○ Design the logo",
        ]
        assert "★" not in screen_text(app)


async def test_a_changed_title_is_replaced_in_place(store: Store, clock: FixedClock) -> None:
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        today = app.screen.query_one(TodayList)
        ids = [o.id for o in today.options]
        second = today.options[1]
        store.edit_goal(plan.first, title="Write the [b]intro[/b] again")
        app.screen.refresh_state()
        await pilot.pause()
        assert [o.id for o in today.options] == ids  # the same lines, in place
        assert today.options[1] is second
        assert today_lines(app)[0].startswith("○ Write the [b]intro[/b] again")
        assert "Write the [b]intro[/b] again" in screen_text(app)
        # A finished item moves to the Done section: a new set of lines, all correct.
        store.mark_done(plan.first)
        app.screen.refresh_state()
        await pilot.pause()
        lines = today_lines(app)
        assert lines[0].startswith("○ Pick a name")
        assert lines[1] == "── Done today (1) ──"
        assert "Write the [b]intro[/b] again" in lines[2]
        assert isinstance(today, OptionList) and today.get_option_at_index(1).disabled


async def test_a_key_right_after_a_move_acts_on_the_new_item(
    store: Store, clock: FixedClock
) -> None:
    """j then o typed faster than the screen hears that the highlight moved."""
    from textual import events

    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.screen.query_one(TodayList).goal_id == plan.first
        for key in ("j", "o"):  # both queued before either is handled
            app._driver.send_message(events.Key(key, key))
        await pilot.pause()
        one = [i for i in store.today() if i.one_thing]
        assert [i.goal.id for i in one] == [plan.second]

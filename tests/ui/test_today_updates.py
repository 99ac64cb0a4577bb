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
        # Drawn so in Today itself (the Focus pane shows the title too).
        assert today_rows(app)[0][0].startswith("○ Write the [b]intro[/b] again")
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


def eight_items(store: Store) -> list[int]:
    """Eight micro-goals on today's list, in plan order."""
    launch = store.add_goal("Launch the newsletter")
    return [
        store.add_goal(f"Step {n}", parent=launch.id, minutes=10, today=True).id for n in range(8)
    ]


def today_rows(app) -> list[tuple[str, bool]]:  # noqa: ANN001
    """Today's rows as drawn on the screen: the text, and whether it is highlighted (drawn
    in the highlight's background)."""
    today = app.screen.query_one(TodayList)
    lit = today.get_visual_style("option-list--option", "option-list--option-highlighted")
    region = today.content_region
    strips = app.screen._compositor.render_strips()
    rows = []
    for strip in strips[region.y : region.bottom]:
        line = strip.crop(region.x, region.right)
        text = line.text.strip()
        if text:
            styles = [s.style for s in line if s.text.strip() and s.style]
            bright = bool(styles) and all(s.bgcolor == lit.rich_style.bgcolor for s in styles)
            rows.append((text, bright))
    return rows


def spy_lines(today: TodayList) -> list[int]:
    """The y of every line Today draws from now on (each call of its ``render_line``)."""
    drawn: list[int] = []
    render_line = today.render_line

    def spy(y: int):  # noqa: ANN202
        drawn.append(y)
        return render_line(y)

    today.render_line = spy  # type: ignore[method-assign]
    return drawn


async def test_a_reorder_draws_only_the_lines_that_moved(store: Store, clock: FixedClock) -> None:
    ids = eight_items(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        today = app.screen.query_one(TodayList)
        await pilot.press("j", "j", "j", "j")  # onto Step 4
        await pilot.pause()
        assert today.goal_id == ids[4]
        drawn = spy_lines(today)
        await pilot.press("o")  # Step 4 becomes the One Thing: to the top
        await pilot.pause()
        # The lines from the top to where it was show other items; the rest did not move
        # (Textual's own OptionList drew every visible line again).
        assert sorted(set(drawn)) == [0, 1, 2, 3, 4]
        rows = today_rows(app)
        assert [text.split("  ")[0] for text, _ in rows[:8]] == [
            "★ Step 4",
            "○ Step 0",
            "○ Step 1",
            "○ Step 2",
            "○ Step 3",
            "○ Step 5",
            "○ Step 6",
            "○ Step 7",
        ]
        assert [text.split("  ")[0] for text, lit in rows if lit] == ["★ Step 4"]
        assert today.goal_id == ids[4] and today.highlighted == 0
        # A line whose item changed in place (the star goes) is the only one drawn.
        drawn.clear()
        await pilot.press("o")
        await pilot.pause()
        assert [text.split("  ")[0] for text, _ in today_rows(app)[:5]] == [
            "○ Step 0",
            "○ Step 1",
            "○ Step 2",
            "○ Step 3",
            "○ Step 4",
        ]
        assert sorted(set(drawn)) == [0, 1, 2, 3, 4]
        assert [text.split("  ")[0] for text, lit in today_rows(app) if lit] == ["○ Step 4"]
        # The highlight moving draws the two lines it left and reached.
        drawn.clear()
        await pilot.press("j")
        await pilot.pause()
        assert sorted(set(drawn)) == [4, 5]
        assert [text.split("  ")[0] for text, lit in today_rows(app) if lit] == ["○ Step 5"]


async def test_a_click_after_a_reorder_picks_the_item_drawn_there(
    store: Store, clock: FixedClock
) -> None:
    """Each drawn line carries its option's index for the mouse: kept lines are stamped with
    the index they have now, not the one they were drawn at."""
    ids = eight_items(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        today = app.screen.query_one(TodayList)
        await pilot.press("j", "j", "j", "j", "j", "j", "o")  # Step 6 to the top
        await pilot.pause()
        assert today_rows(app)[3][0].startswith("○ Step 2")
        await pilot.click(TodayList, offset=(4, 3))
        await pilot.pause()
        assert today.goal_id == ids[2]
        assert [text.split("  ")[0] for text, lit in today_rows(app) if lit] == ["○ Step 2"]


async def test_done_moves_the_item_down_and_the_highlight_to_the_next(
    store: Store, clock: FixedClock
) -> None:
    ids = eight_items(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        today = app.screen.query_one(TodayList)
        await pilot.press("j")  # Step 1
        await pilot.press("x")
        await pilot.pause()
        rows = [text.split("  ")[0] for text, _ in today_rows(app)]
        assert rows[:2] == ["○ Step 0", "○ Step 2"]
        assert rows[7] == "── Done today (1) ──"
        assert rows[8].endswith("Step 1")
        assert "Step 1" not in " ".join(rows[:7])
        # The highlight goes to the first open item (as before this change), drawn so.
        assert today.goal_id == ids[0]
        assert [text.split("  ")[0] for text, lit in today_rows(app) if lit] == ["○ Step 0"]

"""A block survives a restart with the clock moved; the shell's changes show up live."""

from __future__ import annotations

from textual.widgets import Digits
from ui_helpers import SIZE, make_app, screen_text, small_plan

from tui_microgoals.core.store import Store
from tui_microgoals.screens.block_end import BlockEndScreen
from tui_microgoals.widgets.goal_tree import GoalTree
from tui_microgoals.widgets.today_list import TodayList


async def test_a_block_survives_quitting_and_reopening(tmp_path, clock):
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        clock.advance(minutes=3)
        await pilot.press("q")
    assert store.running_block() is not None  # quitting leaves it running

    clock.advance(minutes=4)  # the app is closed for four minutes
    reopened = Store.open(path, clock)
    app = make_app(reopened, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.6)
        assert app.screen.query_one("#focus-clock", Digits).value == "08:00"  # 15 - 3 - 4
        assert "Write the intro" in screen_text(app)
        assert reopened.running_block().goal == plan.first


async def test_a_block_that_ran_out_while_closed_asks_for_its_outcome(tmp_path, clock):
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    plan = small_plan(store)
    store.start_block(plan.first)
    clock.advance(hours=2)
    app = make_app(Store.open(path, clock), clock)
    bells = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0.6)
        assert isinstance(app.screen, BlockEndScreen)
        assert bells == []  # no bell for a block that ended long ago
        await pilot.press("enter")  # done
        await pilot.pause()
    block = Store.open(path, clock).blocks_on(clock.today())[-1]
    assert block.outcome == "done"
    assert (block.ended_at - block.started_at).total_seconds() == 15 * 60  # its estimate


async def test_a_change_from_another_process_shows_up_and_keeps_the_selection(tmp_path, clock):
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")  # highlight "Pick a name"
        today = app.screen.query_one(TodayList)
        assert today.goal_id == plan.second
        await pilot.press("tab", "down", "down")
        tree = app.screen.query_one(GoalTree)
        selected_in_tree = tree.goal_id

        shell = Store.open(path, clock)  # what `microgoals add ... --today` does
        quick = shell.add_goal("Reply to the printer", today=True, minutes=5)
        shell.add_goal("Buy stamps")
        await pilot.pause(1.2)

        text = screen_text(app)
        assert "Reply to the printer" in text and "Buy stamps" in text
        assert today.goal_id == plan.second
        assert tree.goal_id == selected_in_tree
        assert quick.id in [i.goal.id for i in store.today()]

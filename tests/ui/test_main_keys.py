"""Issue 12 on the main screen: every key acts on what is highlighted, nothing moves unseen."""

from __future__ import annotations

from textual.app import App
from ui_helpers import SIZE, make_app, small_plan

from tui_microgoals.screens.break_offer import BreakOfferScreen
from tui_microgoals.screens.confirm import ConfirmScreen
from tui_microgoals.screens.focus import FocusScreen
from tui_microgoals.screens.main import MainScreen
from tui_microgoals.widgets.goal_tree import GoalTree
from tui_microgoals.widgets.today_list import TodayList


def messages(app: App) -> str:
    return "\n".join(str(n.message) for n in app._notifications)


async def go_to_tree_goal(pilot, goal_id: int) -> GoalTree:  # noqa: ANN001
    """Tab to the Goals tree and move its cursor onto ``goal_id``."""
    await pilot.press("tab")
    tree = pilot.app.screen.query_one(GoalTree)
    for _ in range(50):
        if tree.goal_id == goal_id:
            return tree
        await pilot.press("j")
    raise AssertionError(f"goal {goal_id} not reached in the tree")


# -- trap 2: x acts on the highlight, not on the running block ---------------------------


async def test_x_on_another_today_item_marks_it_and_the_block_keeps_running(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "down")  # a block on "Write the intro"; highlight "Pick a name"
        assert app.screen.query_one(TodayList).goal_id == plan.second
        await pilot.press("x")
        await pilot.pause()
        assert store.goal(plan.second).status == "done"
        assert store.goal(plan.first).status == "open"
        block = store.running_block()
        assert block is not None and block.goal == plan.first
        assert isinstance(app.screen, MainScreen)  # no break offered: no block ended


async def test_x_on_another_goal_in_the_tree_marks_it_during_a_block(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await go_to_tree_goal(pilot, plan.later)
        await pilot.press("space")
        await pilot.pause()
        assert store.goal(plan.later).status == "done"
        assert store.running_block().goal == plan.first


async def test_x_on_the_running_goal_finishes_the_block_as_done(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        clock.advance(minutes=15)
        await go_to_tree_goal(pilot, plan.first)
        await pilot.press("x")
        await pilot.pause()
        assert store.running_block() is None
        assert store.blocks_on(clock.today())[-1].outcome == "done"
        assert store.goal(plan.first).status == "done"


async def test_x_in_focus_mode_finishes_the_block(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "down", "f")
        await pilot.pause()
        assert isinstance(app.screen, FocusScreen)
        clock.advance(minutes=15)
        await pilot.press("x")
        await pilot.pause()
        assert store.running_block() is None
        assert store.goal(plan.first).status == "done"
        assert store.goal(plan.second).status == "open"


# -- trap 3: < and > in Today do not re-parent goals the user cannot see --------------------


async def test_indent_and_outdent_in_today_move_nothing_and_say_where_they_work(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")  # "Pick a name": "Write the intro" is the sibling above
        assert app.screen.query_one(TodayList).goal_id == plan.second
        before = store.export()
        await pilot.press("greater_than_sign", "less_than_sign")
        await pilot.pause()
        assert store.export() == before
        assert store.goal(plan.second).parent == plan.launch
        assert "Goals tree" in messages(app)


# -- deleting a goal with a running block is refused before the confirmation ---------------


async def test_drop_of_a_goal_with_a_block_below_is_refused_before_the_dialog(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await go_to_tree_goal(pilot, plan.launch)
        await pilot.press("d")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert isinstance(app.screen, MainScreen)
        assert "block is running" in messages(app)
        assert store.goal(plan.launch).status == "open"


async def test_drop_of_the_running_goal_is_refused_before_the_dialog(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "d")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "block is running" in messages(app)


async def test_drop_of_another_goal_during_a_block_still_asks(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "down", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert store.goal(plan.second).status == "open"


async def test_break_offer_still_follows_a_finished_block(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        clock.advance(minutes=15)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, BreakOfferScreen)

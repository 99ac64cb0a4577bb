"""Issue 12 on the main screen: every key acts on what is highlighted, nothing moves unseen."""

from __future__ import annotations

import inspect

import pytest
from textual.app import App
from textual.widgets import Input
from ui_helpers import SIZE, make_app, screen_text, small_plan

from tui_microgoals.commands import BLOCK_COMMANDS, MAIN_COMMANDS, UNDO_COMMANDS
from tui_microgoals.screens.block_commands import BlockCommands
from tui_microgoals.screens.block_length import BlockLengthScreen
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
        clock.advance(minutes=5)  # (the block lasts the estimate, 15 min)
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


# -- adding beside, adding the first goal, reopening a dropped goal -------------------------


async def test_shift_a_adds_a_sibling_right_below_the_highlighted_goal(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        tree = await go_to_tree_goal(pilot, plan.first)
        await pilot.press("A")
        await pilot.pause()
        await pilot.press(*"Outline the intro", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        added = max(store.goals())
        assert store.goal(added).parent == plan.launch
        siblings = sorted(
            (g for g in store.goals().values() if g.parent == plan.launch),
            key=lambda g: g.position,
        )
        assert [g.id for g in siblings] == [plan.first, added, plan.second, plan.later]
        assert tree.goal_id == added
        assert added not in [i.goal.id for i in store.today()]


async def test_a_in_the_tree_still_adds_a_step_under_the_highlighted_goal(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_tree_goal(pilot, plan.later)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Sketch three logos", "enter")
        await app.workers.wait_for_complete()
        assert store.goal(max(store.goals())).parent == plan.later


async def test_a_in_an_empty_app_adds_a_top_level_goal_to_break_down(store, clock):
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Learn Spanish", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        (goal,) = store.goals().values()
        assert goal.parent is None
        assert store.today() == []  # a goal to break down, not a micro-goal for today
        tree = app.screen.query_one(GoalTree)
        assert app.screen.focused is tree and tree.goal_id == goal.id
        await pilot.press("a")  # the next a adds its first step
        await pilot.pause()
        await pilot.press(*"Find a course", "enter")
        await app.workers.wait_for_complete()
        assert store.goal(max(store.goals())).parent == goal.id


async def test_x_on_a_dropped_goal_in_the_tree_reopens_it(store, clock):
    plan = small_plan(store)
    store.drop(plan.later)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_tree_goal(pilot, plan.later)
        await pilot.press("x")
        await pilot.pause()
        assert store.goal(plan.later).status == "open"
        assert "Open again" in messages(app)


# -- enter and double click start a block; S asks for its length ----------------------------


async def test_enter_on_a_today_item_starts_its_block(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
        assert store.running_block().goal == plan.second


async def test_enter_on_the_running_item_opens_focus_mode(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert store.running_block().goal == plan.first
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, FocusScreen)
        assert len(store.blocks_on(clock.today())) == 1


async def test_double_click_starts_a_block_and_a_single_click_only_highlights(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        today = app.screen.query_one(TodayList)
        await pilot.click(TodayList, offset=(4, 1))  # the second line: "Pick a name"
        await pilot.pause()
        assert today.goal_id == plan.second
        assert store.running_block() is None
        await pilot.double_click(TodayList, offset=(4, 1))
        await pilot.pause()
        assert store.running_block().goal == plan.second


async def test_shift_s_asks_for_the_length_and_starts_the_block(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, BlockLengthScreen)
        box = app.screen.query_one(Input)
        assert app.screen.focused is box
        assert box.value == "15"  # the micro-goal's estimate
        await pilot.press("ctrl+u", *"45", "enter")
        await pilot.pause()
        block = store.running_block()
        assert block.goal == plan.first and block.planned_seconds == 45 * 60


async def test_shift_s_refuses_a_length_outside_5_to_90_in_the_dialog(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("S")
        await pilot.pause()
        await pilot.press("ctrl+u", *"120", "enter")
        await pilot.pause()
        assert isinstance(app.screen, BlockLengthScreen)
        assert "5 to 90" in screen_text(app)
        assert store.running_block() is None
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert store.running_block() is None


async def test_shift_s_on_a_parent_says_why_before_asking(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_tree_goal(pilot, plan.launch)
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "micro-goals" in messages(app)


# -- filter, hide done, K/J at an edge ------------------------------------------------------


def tree_lines(tree: GoalTree) -> list[str]:
    return [str(tree.get_node_at_line(i).label) for i in range(tree.last_line + 1)]


async def test_filter_lands_on_the_first_match(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"logo")
        await pilot.pause()
        tree = app.screen.query_one(GoalTree)
        assert tree.goal_id == plan.later
        await pilot.press("enter", "x")  # the cursor is where the keys act
        await pilot.pause()
        assert store.goal(plan.later).status == "done"


async def test_filter_on_a_parent_shows_its_steps(store, clock):
    plan = small_plan(store)
    store.add_goal("Unrelated", minutes=10)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"newsletter", "enter")
        await pilot.pause()
        tree = app.screen.query_one(GoalTree)
        lines = tree_lines(tree)
        for title in ("Launch the newsletter", "Write the intro", "Pick a name", "Design"):
            assert any(title in line for line in lines), title
        assert not any("Unrelated" in line for line in lines)
        assert tree.goal_id == plan.launch


async def test_filter_without_a_match_says_so(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"zebra")
        await pilot.pause()
        assert "No goal matches" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert "No goal matches" not in screen_text(app)
        assert "Pick a name" in screen_text(app)


async def test_hide_done_keeps_the_cursor_on_its_goal(store, clock):
    plan = small_plan(store)
    store.mark_done(plan.first)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        tree = await go_to_tree_goal(pilot, plan.later)
        await pilot.press("h")
        await pilot.pause()
        assert tree.goal_id == plan.later
        assert tree.cursor_node.data == plan.later


async def test_hide_done_moves_the_cursor_to_the_nearest_visible_goal(store, clock):
    plan = small_plan(store)
    store.mark_done(plan.second)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        tree = await go_to_tree_goal(pilot, plan.second)
        await pilot.press("h")
        await pilot.pause()
        assert tree.goal_id == plan.first  # the goal just above it, not the top of the tree


async def test_k_and_j_at_an_edge_say_why_nothing_moved(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("K")  # Today: "Write the intro" is first
        await pilot.pause()
        assert "top" in messages(app)
        await go_to_tree_goal(pilot, plan.later)
        await pilot.press("J")  # the last of its siblings
        await pilot.pause()
        assert "last" in messages(app)
        assert [i.goal.id for i in store.today()][:2] == [plan.first, plan.second]


# -- one hop from a key to its handler -----------------------------------------------------


def test_each_main_key_handler_lives_where_commands_py_says():
    """commands.py's docstring names the module of every main-screen key's handler."""
    block_keys = {c.action for c in BLOCK_COMMANDS} | {"abandon_block"}
    plan_keys = {"suggest_plan", "set_capacity"}
    undo_keys = {c.action for c in UNDO_COMMANDS}
    for command in MAIN_COMMANDS:
        if command.action.startswith("app."):
            continue
        handler = getattr(MainScreen, f"action_{command.action}")
        module = inspect.getmodule(handler).__name__
        if command.action in block_keys:
            assert module == "tui_microgoals.screens.block_commands", command.action
        elif command.action in plan_keys:
            assert module == "tui_microgoals.screens.plan_commands", command.action
        elif command.action in undo_keys:
            assert module == "tui_microgoals.screens.undo_commands", command.action
        else:
            assert module == "tui_microgoals.screens.main", command.action


def test_a_block_commands_screen_must_define_how_it_redraws():
    class Forgetful(BlockCommands):
        pass

    with pytest.raises(NotImplementedError, match="Forgetful must define refresh_state"):
        Forgetful().refresh_state()


async def test_the_status_line_counts_micro_goals_done_not_the_goal_they_complete(store, clock):
    """The toast and the review said "3 done today"; the status line said 4, counting the
    goal that completed with its last step."""
    plan = small_plan(store)
    for goal_id in (plan.first, plan.second, plan.later):
        store.mark_done(goal_id)
    assert store.goal(plan.launch).status == "done"
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "3 done today" in screen_text(app)

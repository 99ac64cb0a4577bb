"""Every command has one definition: its key, its footer text and its palette entry."""

from __future__ import annotations

from textual.command import CommandPalette
from ui_helpers import SIZE, make_app, screen_text, small_plan, tick

from tui_microgoals.app import MicroGoalsApp
from tui_microgoals.commands import FOCUS_COMMANDS, MAIN_COMMANDS
from tui_microgoals.core.store import Store
from tui_microgoals.screens.help import HelpScreen
from tui_microgoals.screens.main import MainScreen
from tui_microgoals.widgets.goal_tree import GoalTree
from tui_microgoals.widgets.today_list import TodayList

PRODUCT_KEYS = {
    "s",
    "x",
    "space",
    "p",
    "i",
    "a",
    "e",
    "t",
    "o",
    "d",
    "r",
    "tab",
    "slash",
    "question_mark",
    "q",
    "f",
    "plus",
    "X",
    "K",
    "J",
    "h",
    "u",
    "U",
    "ctrl+r",
}


def test_every_product_key_is_bound_to_an_action_that_exists():
    keys = {k for c in MAIN_COMMANDS for k in c.keys.split(",")}
    assert keys >= PRODUCT_KEYS
    for command in MAIN_COMMANDS:
        name = command.action.removeprefix("app.")
        owner = MicroGoalsApp if command.action.startswith("app.") else MainScreen
        assert hasattr(owner, f"action_{name}"), command.action
    for command in FOCUS_COMMANDS:
        from tui_microgoals.screens.focus import FocusScreen

        assert hasattr(FocusScreen, f"action_{command.action}"), command.action


async def test_palette_offers_the_screen_commands(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for command in MAIN_COMMANDS:
            if command.palette and command.action not in {
                "toggle_pause",
                "log_interruption",
                "extend_block",
                "abandon_block",
            }:
                assert f"{command.label} ({command.display_keys})" in titles
        assert "Pause (p)" not in titles  # no block runs yet
        await pilot.press("s")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Pause (p)" in titles


async def test_palette_runs_a_command(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Start (s)")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert store.running_block().goal == plan.first


async def test_help_lists_every_key(store, clock):
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for command in MAIN_COMMANDS[:10]:
            assert command.help[:30] in text
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_tab_switches_panes_and_jk_move(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        today = app.screen.query_one(TodayList)
        await pilot.press("j")
        assert today.goal_id == plan.second
        await pilot.press("k")
        assert today.goal_id == plan.first
        await pilot.press("tab")
        assert isinstance(app.screen.focused, GoalTree)
        await pilot.press("tab")
        assert isinstance(app.screen.focused, TodayList)


async def test_plan_one_thing_move_and_hide_done(store, clock):
    plan = small_plan(store)
    store.mark_done(plan.second)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        tree = app.screen.query_one(GoalTree)
        while tree.goal_id != plan.later:
            await pilot.press("j")
        await pilot.press("t")
        assert plan.later in [i.goal.id for i in store.today()]
        await pilot.press("o")
        assert store.today()[0].goal.id == plan.later and store.today()[0].one_thing
        await pilot.press("K")  # move up among siblings
        siblings = sorted(
            (g for g in store.goals().values() if g.parent == plan.launch),
            key=lambda g: g.position,
        )
        assert [g.id for g in siblings].index(plan.later) == 1
        await pilot.press("t")
        assert plan.later not in [i.goal.id for i in store.today()]
        assert "Pick a name" in screen_text(app)
        await pilot.press("h")
        await pilot.pause()
        tree_lines = [str(tree.get_node_at_line(i).label) for i in range(tree.last_line + 1)]
        assert not any("Pick a name" in line for line in tree_lines)


async def test_indent_and_outdent(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        tree = app.screen.query_one(GoalTree)
        while tree.goal_id != plan.second:
            await pilot.press("j")
        await pilot.press("greater_than_sign")
        assert store.goal(plan.second).parent == plan.first
        await pilot.press("less_than_sign")
        assert store.goal(plan.second).parent == plan.launch


async def test_filter_narrows_the_tree(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("slash", *"logo", "enter")
        await pilot.pause()
        tree = app.screen.query_one(GoalTree)
        labels = [str(tree.get_node_at_line(i).label) for i in range(tree.last_line + 1)]
        assert any("Design the logo" in s for s in labels)
        assert not any("Pick a name" in s for s in labels)
        assert tree.goal_id in (plan.launch, plan.later)
        await pilot.press("escape")
        await pilot.pause()
        labels = [str(tree.get_node_at_line(i).label) for i in range(tree.last_line + 1)]
        assert any("Pick a name" in s for s in labels)


async def test_theme_choice_is_remembered(tmp_path, clock):
    path = tmp_path / "db.json"
    app = make_app(Store.open(path, clock), clock)
    async with app.run_test(size=SIZE) as pilot:
        app.theme = "nord"
        await pilot.pause()
    assert Store.open(path, clock).settings()["theme"] == "nord"
    app = make_app(Store.open(path, clock), clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "nord"


async def test_usable_at_80_by_24(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        for words in ("Goals", "Today", "Focus", "Write the intro", "done today", "s Start"):
            assert words in text
        await pilot.press("s")
        await tick(pilot)
        assert "Focus block running" in screen_text(app)


async def test_tree_labels_follow_changes_without_a_rebuild(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        tree = app.screen.query_one(GoalTree)
        while tree.goal_id != plan.later:
            await pilot.press("j")
        node = tree.cursor_node
        await pilot.press("t")
        assert "• today" in str(node.label)
        await pilot.press("x")
        await pilot.pause()
        assert tree.cursor_node is node  # same node, relabelled
        assert str(node.label).startswith("✔ ")
        assert str(tree.root.children[0].label).count("1/3") == 1

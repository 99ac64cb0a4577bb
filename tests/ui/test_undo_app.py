"""Undo and redo in the app (issue 14): ``u`` puts back the newest change, whoever made it,
says what it undid, and the screen shows it at once; ``U`` and ``ctrl+r`` redo."""

from __future__ import annotations

import contextlib
import io

from textual.app import App
from textual.widgets import Digits
from ui_helpers import SIZE, make_app, screen_text, settled, shown, small_plan, tick

from tui_microgoals.core import timer
from tui_microgoals.core.store import Store
from tui_microgoals.entry import main as command_line
from tui_microgoals.screens.break_offer import BreakOfferScreen
from tui_microgoals.screens.confirm import ConfirmScreen
from tui_microgoals.screens.focus import FocusScreen
from tui_microgoals.screens.main import MainScreen
from tui_microgoals.widgets.goal_tree import GoalTree
from tui_microgoals.widgets.today_list import TodayList


def toasts(app: App) -> list[tuple[str, str]]:
    """Every notification so far: (text, severity)."""
    return [(str(n.message), n.severity) for n in app._notifications]


def last_toast(app: App) -> tuple[str, str]:
    return toasts(app)[-1]


def today_rows(app: App) -> list[str]:
    """The Today pane's lines as the user reads them (right half of the screen)."""
    width = app.size.width // 2
    return [line[width:] for line in screen_text(app).splitlines()]


def open_today(app: App, title: str) -> bool:
    """Whether ``title`` shows as an open item in Today (○), not under "Done today"."""
    return any(f"○ {title}" in row for row in today_rows(app))


def done_today(app: App, title: str) -> bool:
    return any("✔" in row and title in row for row in today_rows(app))


async def go_to_tree_goal(pilot, goal_id: int) -> GoalTree:  # noqa: ANN001
    await pilot.press("tab")
    tree = pilot.app.screen.query_one(GoalTree)
    for _ in range(50):
        if tree.goal_id == goal_id:
            return tree
        await pilot.press("j")
    raise AssertionError(f"goal {goal_id} not reached in the tree")


# -- one u puts a mistake back ------------------------------------------------------------


async def test_u_reopens_a_goal_marked_done_by_mistake_and_says_so(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down")
        assert app.screen.query_one(TodayList).goal_id == plan.second
        await pilot.press("x")
        await pilot.pause()
        assert store.goal(plan.second).status == "done"
        assert done_today(app, "Pick a name")
        await pilot.press("u")
        await pilot.pause()
        assert store.goal(plan.second).status == "open"
        assert last_toast(app) == ("undid: marked 'Pick a name' done", "information")
        assert open_today(app, "Pick a name") and not done_today(app, "Pick a name")
        assert "✔ 0 done today" in screen_text(app)  # the status line follows too


async def test_u_brings_back_a_whole_tree_dropped_by_mistake(store, clock):
    plan = small_plan(store)
    all_ids = (plan.launch, plan.first, plan.second, plan.later)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await go_to_tree_goal(pilot, plan.launch)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")  # drop
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert {store.goal(i).status for i in all_ids} == {"dropped"}
        assert "✗ Launch the newsletter" in screen_text(app)
        await pilot.press("u")
        await pilot.pause()
        assert {store.goal(i).status for i in all_ids} == {"open"}
        assert last_toast(app) == (
            "undid: dropped 'Launch the newsletter' (and 3 steps)",
            "information",
        )
        assert "✗" not in screen_text(app)  # no dropped marker left in the tree
        assert "◆ Launch the newsletter" in screen_text(app)


async def test_u_undoes_an_indent_made_by_mistake(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        tree = await go_to_tree_goal(pilot, plan.second)
        await pilot.press("greater_than_sign")
        await pilot.pause()
        assert store.goal(plan.second).parent == plan.first
        await pilot.press("u")
        await pilot.pause()
        assert store.goal(plan.second).parent == plan.launch
        assert last_toast(app) == (
            "undid: moved 'Pick a name' under 'Write the intro'",
            "information",
        )
        # The tree shows it back at its level, beside "Write the intro", still highlighted.
        assert tree.goal_id == plan.second
        assert "├ ○ Pick a name" in screen_text(app)


async def test_u_in_focus_mode_puts_a_finished_block_back_with_the_time_it_has_left(store, clock):
    plan = small_plan(store)  # "Write the intro": 15 minutes
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "f")
        await pilot.pause()
        assert isinstance(app.screen, FocusScreen)
        clock.advance(minutes=6)
        await pilot.press("x")  # meant to pause, say
        await pilot.pause()
        assert isinstance(app.screen, BreakOfferScreen)  # 6 minutes of focus earn one
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, FocusScreen)
        assert store.running_block() is None
        assert store.goal(plan.first).status == "done"
        clock.advance(minutes=1)  # the clock kept going
        await pilot.press("u")
        await pilot.pause()
        block = store.running_block()
        assert block is not None and block.goal == plan.first
        assert store.goal(plan.first).status == "open"
        assert timer.remaining_seconds(block, clock.now()) == 8 * 60
        assert app.screen.query_one("#focus-clock", Digits).value == "08:00"
        assert "Focus block running" in screen_text(app)
        assert "p Pause" in (await settled(pilot)).splitlines()[-1]  # the block's keys are back
        text, severity = last_toast(app)
        assert text.startswith("undid: ") and "'Write the intro'" in text
        assert severity == "information"
        await pilot.press("f")  # back on the main screen: the block runs there too
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "▶" in "\n".join(today_rows(app))
        assert app.screen.query_one("#focus-clock", Digits).value == "08:00"


async def test_u_in_focus_mode_takes_back_a_start(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f", "s")
        await pilot.pause()
        assert store.running_block() is not None
        await pilot.press("u")
        await pilot.pause()
        assert store.running_block() is None
        assert store.blocks_on(clock.today()) == []
        assert last_toast(app) == (
            "undid: started a block on 'Write the intro'",
            "information",
        )
        assert "No block running" in screen_text(app)
        assert "s Start" in (await settled(pilot)).splitlines()[-1]


# -- redo ---------------------------------------------------------------------------------


async def test_shift_u_and_ctrl_r_redo_what_u_undid(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "x", "u")
        await pilot.pause()
        assert store.goal(plan.second).status == "open"
        for redo in ("U", "ctrl+r"):
            await pilot.press(redo)
            await pilot.pause()
            assert store.goal(plan.second).status == "done", redo
            assert last_toast(app) == ("redid: marked 'Pick a name' done", "information")
            assert done_today(app, "Pick a name")
            await pilot.press("u")
            await pilot.pause()
            assert store.goal(plan.second).status == "open"
            assert open_today(app, "Pick a name")


async def test_u_with_nothing_to_undo_says_so_plainly(store, clock):
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("u")
        await pilot.pause()
        assert toasts(app) == [("nothing to undo", "information")]
        await pilot.press("U")
        await pilot.pause()
        assert last_toast(app) == ("nothing to redo", "information")
        assert isinstance(app.screen, MainScreen)


async def test_a_refused_undo_is_one_error_line_and_changes_nothing(store, clock):
    plan = small_plan(store)
    # A step put under the newest goal by a write no one undoes: undoing the goal's
    # addition would leave the step under a missing parent.
    with store._tx("set up the test", undoable=False):
        step = store.add_goal("Sketch three logos", parent=plan.later)
    before = store.export()
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("u")
        await pilot.pause()
        assert last_toast(app) == (
            f"cannot undo \"added 'Design the logo'\": goal {step.id} is under it now; "
            "nothing was changed",
            "error",
        )
        assert store.export() == before
        assert isinstance(app.screen, MainScreen)


# -- whichever process made the change ------------------------------------------------------


async def test_u_undoes_a_change_another_store_made_and_shows_it_at_once(tmp_path, clock):
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        assert open_today(app, "Pick a name")
        other = Store.open(path, clock)  # another process's store on the same file
        other.mark_done(plan.second)
        await pilot.press("u")  # no tick first: u itself reads the newest file
        await pilot.pause()
        assert last_toast(app) == ("undid: marked 'Pick a name' done", "information")
        assert open_today(app, "Pick a name") and not done_today(app, "Pick a name")
        assert Store.open(path, clock).goal(plan.second).status == "open"
        assert other.goal(plan.second).status == "open"
        entry = store.log(1)[0]
        assert entry.what == "undid: marked 'Pick a name' done" and entry.by == "app"


async def test_u_undoes_a_shell_command_run_while_the_app_is_open(tmp_path, clock):
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        with contextlib.redirect_stdout(io.StringIO()):
            assert command_line(["--db", str(path), "done", str(plan.first)]) == 0
        await tick(pilot)  # the app picks the shell's change up on its own
        # (The shell runs on the real clock: done on another day than the app's, so the
        # tree shows it, not "Done today".)
        assert "✔ Write the intro" in screen_text(app)
        await pilot.press("u")
        await pilot.pause()
        assert last_toast(app) == ("undid: marked 'Write the intro' done", "information")
        assert "✔ Write the intro" not in screen_text(app)
        assert open_today(app, "Write the intro")
        assert Store.open(path, clock).goal(plan.first).status == "open"


async def test_the_app_records_its_changes_as_made_by_the_app(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("down", "x")
        await pilot.pause()
        assert store.log(1)[0].by == "app"


# -- the keys are where a user looks for them -----------------------------------------------


async def test_help_lists_undo_and_redo(store, clock):
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        text = screen_text(app)
        assert "Undo the newest change to this database" in text
        assert "U / ctrl+r" in text


async def test_undo_shows_in_the_footer_at_80_columns_with_and_without_a_block(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        footer = await shown(pilot, lambda text: "u Undo" in text.splitlines()[-1])
        assert "u Undo" in footer.splitlines()[-1]
        await pilot.press("s")
        assert "u Undo" in (await settled(pilot)).splitlines()[-1]
        await pilot.press("f")
        assert "u Undo" in (await settled(pilot)).splitlines()[-1]


# -- the snapshot ----------------------------------------------------------------------------


def test_main_screen_after_an_undo(snap_compare):
    from test_snapshots import SIZE as SNAP_SIZE
    from test_snapshots import demo_app

    app = demo_app()
    store = app.session.store
    top = next(i for i in store.today() if not i.done)
    store.mark_done(top.goal.id)
    assert snap_compare(app, terminal_size=SNAP_SIZE, press=["u"])


async def test_u_takes_back_a_break_and_the_focus_pane_drops_it(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        clock.advance(minutes=10)  # (not 15: time up would ask how the block went first)
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, BreakOfferScreen)
        await pilot.press("b")  # take it
        await pilot.pause()
        assert "Break — stand up" in screen_text(app)
        await pilot.press("u")
        await pilot.pause()
        await tick(pilot)  # the clock's tick after the undo: a break taken back never rings
        assert last_toast(app) == ("undid: took a break until 09:15", "information")
        assert store.break_until() is None and app.session.break_until is None
        assert "Break — stand up" not in screen_text(app)
        assert "No block running" in screen_text(app)


async def test_a_block_started_during_a_break_ends_it_without_saying_break_over(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        clock.advance(minutes=10)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("b")  # take the break
        await pilot.pause()
        await tick(pilot)
        clock.advance(minutes=1)
        await pilot.press("s")  # back to work early
        await pilot.pause()
        await tick(pilot)
        assert store.running_block() is not None and app.session.break_until is None
        assert not any("Break over" in said for said, _ in toasts(app))


async def test_u_after_a_break_ran_out_still_reaches_the_block_finished_before(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        clock.advance(minutes=15)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("b")  # a 5-minute break
        await pilot.pause()
        await tick(pilot)  # the screen sees the break on
        clock.advance(minutes=6)
        await tick(pilot)  # the break is over (the app writes its end)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert store.break_until() is None
        await pilot.press("u")  # the break that ran out is passed by: the block's end
        await pilot.pause()
        # (no wait on every worker: the block runs again past its end, so its end-of-block
        # dialog opens, and the worker that asks waits for an answer)
        await pilot.pause()
        assert [t for t in toasts(app) if t[1] == "error"] == []
        assert store.goal(plan.first).status == "open"
        assert store.running_block() is not None


async def test_u_takes_back_a_theme_picked_in_the_palette(store, clock):
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        first = app.theme
        app.theme = "nord" if first != "nord" else "gruvbox"  # as the palette sets it
        await pilot.pause()
        picked = app.theme
        assert store.settings()["theme"] == picked
        await pilot.press("u")
        await pilot.pause()
        assert last_toast(app) == (f"undid: set theme to '{picked}'", "information")
        assert app.theme == first
        assert store.settings()["theme"] != picked
        await pilot.press("U")
        await pilot.pause()
        assert app.theme == picked

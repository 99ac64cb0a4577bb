"""Job 1 and 2: run a focused session from Today, one key at a time."""

from __future__ import annotations

from textual.widgets import Digits
from ui_helpers import SIZE, make_app, screen_text, small_plan, tick

from tui_microgoals.screens.block_end import BlockEndScreen
from tui_microgoals.screens.break_offer import BreakOfferScreen
from tui_microgoals.screens.main import MainScreen
from tui_microgoals.screens.note import NoteScreen
from tui_microgoals.widgets.today_list import TodayList


async def test_today_has_focus_and_s_starts_a_block_on_its_first_item(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen.focused, TodayList)
        await pilot.press("s")
        block = store.running_block()
        assert block is not None and block.goal == plan.first
        clock.advance(minutes=2, seconds=30)
        await pilot.pause(0.6)
        # The first item's estimate: 15 minutes (a block lasts it when it is 5-90).
        assert app.screen.query_one("#focus-clock", Digits).value == "12:30"
        assert "Focus block running" in screen_text(app)


async def test_pause_and_resume_stop_the_countdown(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        clock.advance(minutes=5)
        await pilot.press("p")
        assert store.running_block().paused
        clock.advance(minutes=10)
        await tick(pilot)
        assert app.screen.query_one("#focus-clock", Digits).value == "10:00"  # 15 - 5
        assert "Paused" in screen_text(app)
        await pilot.press("p")
        assert not store.running_block().paused
        clock.advance(minutes=1)
        await tick(pilot)
        assert app.screen.query_one("#focus-clock", Digits).value == "09:00"


async def test_interruption_is_logged_with_its_note(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "i")
        await pilot.pause()
        assert isinstance(app.screen, NoteScreen)
        await pilot.press(*"phone", "enter")
        await pilot.pause()
        block = store.running_block()
        assert [i.note for i in block.interruptions] == ["phone"]
        assert "1 interruption" in screen_text(app)


async def test_x_finishes_the_block_as_done_and_the_item_moves_to_done(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        clock.advance(minutes=12)
        await pilot.press("x")
        await pilot.pause()
        assert store.running_block() is None
        assert store.goal(plan.first).status == "done"
        assert isinstance(app.screen, BreakOfferScreen)
        await pilot.press("n")
        await pilot.pause()
        today = app.screen.query_one(TodayList)
        prompts = [str(today.get_option_at_index(i).prompt) for i in range(today.option_count)]
        done_at = next(i for i, p in enumerate(prompts) if "Done today (1)" in p)
        assert any("Write the intro" in p for p in prompts[done_at + 1 :])
        assert not any("Write the intro" in p for p in prompts[:done_at])
        assert today.goal_id == plan.second  # the highlight moves on to the next open item


async def test_time_up_rings_asks_once_and_done_offers_a_break(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    bells = []
    app.bell = lambda: bells.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await tick(pilot)
        clock.advance(minutes=20)
        await tick(pilot)
        assert isinstance(app.screen, BlockEndScreen)
        await tick(pilot)
        await tick(pilot)  # more ticks: still one dialog, one bell
        assert len(bells) == 1
        assert sum(isinstance(s, BlockEndScreen) for s in app.screen_stack) == 1
        await pilot.press(*"good", "enter")  # the cursor is in the reflection; enter: done
        await pilot.pause()
        block = store.blocks_on(clock.today())[-1]
        assert block.outcome == "done" and block.reflection == "good"
        assert store.goal(plan.first).status == "done"
        assert isinstance(app.screen, BreakOfferScreen)
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "Break" in screen_text(app)


async def test_five_more_minutes_then_not_done(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await tick(pilot)
        clock.advance(minutes=20)
        await tick(pilot)
        await pilot.press("ctrl+t")  # +5 min
        await tick(pilot)
        assert isinstance(app.screen, MainScreen)
        assert store.running_block().planned_seconds == 25 * 60
        clock.advance(minutes=5)
        await tick(pilot)
        assert isinstance(app.screen, BlockEndScreen)  # asked again after the extra time
        await pilot.press("ctrl+n")  # not done
        await pilot.pause()
        assert store.blocks_on(clock.today())[-1].outcome == "partial"
        assert store.goal(plan.first).status == "open"


async def test_plus_and_abandon_during_a_block(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "plus")
        assert store.running_block().planned_seconds == (15 + 5) * 60  # its estimate + 5
        await pilot.press("X")
        assert store.running_block() is None
        assert store.blocks_on(clock.today())[-1].outcome == "abandoned"


async def test_start_refused_when_blocked_or_when_a_block_runs(store, clock):
    plan = small_plan(store)
    waiting = store.add_goal("Send it", parent=plan.launch, minutes=10, after=[plan.later])
    store.plan([waiting.id])
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s", "down", "s")
        assert store.running_block().goal == plan.first
        assert "already running" in " ".join(str(n.message) for n in app._notifications)
        await pilot.press("X")  # abandon it
        today = app.screen.query_one(TodayList)
        while today.goal_id != waiting.id:
            await pilot.press("down")
        await pilot.press("s")
        assert store.running_block() is None
        assert "blocked" in " ".join(str(n.message) for n in app._notifications)

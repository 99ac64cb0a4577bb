"""Planning the day in the app: the P dialog, the morning nudge, the overcommitted header,
forecast markers in the tree and the capacity setting."""

from __future__ import annotations

from pathlib import Path

import pendulum
import pytest
from textual.widgets import SelectionList
from ui_helpers import SIZE, make_app, screen_text

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store
from tui_microgoals.screens import plan_commands
from tui_microgoals.screens.capacity import CapacityScreen
from tui_microgoals.screens.main import MainScreen
from tui_microgoals.screens.suggest import SuggestScreen


def three_steps(store: Store, first: str = "Write the intro") -> list[int]:
    """A goal with three micro-goals, nothing planned."""
    launch = store.add_goal("Launch the newsletter")
    return [
        store.add_goal(first, parent=launch.id, minutes=15).id,
        store.add_goal("Pick a name", parent=launch.id, minutes=10).id,
        store.add_goal("Design the logo", parent=launch.id, minutes=20).id,
    ]


def today_ids(store: Store) -> list[int]:
    return [i.goal.id for i in store.today()]


async def test_p_dialog_uncheck_one_accept_see_today(store: Store, clock: FixedClock) -> None:
    ids = three_steps(store)
    store.claim_morning_nudge()  # already offered today: only P opens it
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("P")
        await pilot.pause()
        assert isinstance(app.screen, SuggestScreen)
        text = screen_text(app)
        assert "Suggested plan for Fri 20 Nov" in text
        assert "45 min checked, of your usual 120 min of focus" in text
        assert "Write the intro  15m  next step of Launch the newsletter  (One Thing)" in text
        assert "Pick a name  10m  next step of Launch the newsletter" in text
        selection = app.screen.query_one(SelectionList)
        assert sorted(selection.selected) == sorted(ids)
        await pilot.press("down", "space")  # uncheck "Pick a name"
        await pilot.pause()
        assert "35 min checked" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert today_ids(store) == [ids[0], ids[2]]
        assert store.day(clock.today()).one_thing == ids[0]
        today_pane = screen_text(app)
        assert "★ Write the intro" in today_pane
        assert "○ Design the logo" in today_pane
        # Pressing P again: what is planned is shown checked (it cannot be unchecked, the
        # highlight skips it); the step left out is offered again.
        await pilot.press("P")
        await pilot.pause()
        assert "Write the intro  15m  planned" in screen_text(app)
        assert app.screen.query_one(SelectionList).highlighted == 2
        await pilot.press("enter")
        await pilot.pause()
        assert today_ids(store) == [ids[0], ids[2], ids[1]]


async def test_p_dialog_escape_changes_nothing(store: Store, clock: FixedClock) -> None:
    three_steps(store, first="[bold]x[/] $title")
    store.claim_morning_nudge()
    before = store.export()
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("P")
        await pilot.pause()
        assert "[bold]x[/] $title  15m" in screen_text(app)  # user text stays literal
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert store.export() == before


async def test_p_dialog_lists_too_big_steps_as_split_first(store: Store, clock: FixedClock) -> None:
    goal = store.add_goal("Write the book")
    store.add_goal("Outline", parent=goal.id, minutes=15, today=True)
    store.add_goal("Write chapter one", parent=goal.id, minutes=90)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("P")
        await pilot.pause()
        text = screen_text(app)
        assert "Split first (too big for one block):" in text
        assert "⚠ Write chapter one  90m" in text


async def test_morning_nudge_is_offered_once_a_day(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    three_steps(store)
    before = store.export()["tables"].get("days")
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await pilot.pause()
        app = pilot.app
        assert isinstance(app.screen, SuggestScreen)
        assert "Nothing planned yet today. How about this?" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert store.export()["tables"].get("days") == before
    # The same day, another start of the app: not offered again.
    again = Store.open(path, clock)
    async with make_app(again, clock).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert isinstance(pilot.app.screen, MainScreen)
    # The next morning it is offered again, and one key accepts it.
    clock.set(clock.now().add(days=1))
    tomorrow = Store.open(path, clock)
    async with make_app(tomorrow, clock).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(pilot.app.screen, SuggestScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MainScreen)
    assert len(tomorrow.today()) == 3


async def test_no_nudge_when_something_is_planned(store: Store, clock: FixedClock) -> None:
    ids = three_steps(store)
    store.plan([ids[1]])
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(pilot.app.screen, MainScreen)
    assert store.claim_morning_nudge()  # never used up


async def test_overcommitted_header(store: Store, clock: FixedClock) -> None:
    ids = three_steps(store)
    store.set_setting("capacity", 30)
    store.plan(ids)
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "Today · 45 min planned; you usually focus 30" in screen_text(pilot.app)
        # Done items no longer count; 30 of 30 is not over.
        store.mark_done(ids[0])
        pilot.app.screen.refresh_state()
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "min planned" not in text
        assert "─ Today ─" in text


async def test_forecast_markers_and_why(
    store: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    today = clock.today()
    soon = store.add_goal("Ship the zine", due=today.add(days=1))
    for n in range(6):
        store.add_goal(f"Page {n}", parent=soon.id, minutes=20)
    later = store.add_goal("Tidy the desk", due=today.add(days=30))
    store.add_goal("Sort the papers", parent=later.id, minutes=15, today=True)
    past = store.add_goal("File the taxes", due=today.subtract(days=2), minutes=15)
    store.set_setting("capacity", 60)
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "Ship the zine  ▲ at risk" in text
        assert "Tidy the desk  on track" in text
        assert "File the taxes  ✗ overdue" in text
        assert "Page 5  ▲ at risk" in text  # a step under a deadline, late itself
        assert "Page 0  on track" not in text  # quiet when on track under a deadline
        assert "Sort the papers  on track" not in text  # quiet under a healthy goal
        # The highlighted goal's forecast says why, on the pane's lower border.
        assert "▲ at risk: needs 2 more days of your usual 60 min" in text
        # Finishing steps changes the forecast (computed in a thread, then redrawn).
        for goal in list(store.goals().values()):
            if goal.parent == soon.id and goal.title in ("Page 0", "Page 1", "Page 2"):
                store.mark_done(goal.id)
        monkeypatch.setattr(plan_commands, "FORECAST_DELAY", 0.01)  # no pause to wait for
        pilot.app.screen.refresh_state()
        for _ in range(100):  # bounded: the forecast is a thread of a few ms here
            await pilot.pause(0.02)
            await pilot.app.workers.wait_for_complete()
            if "Ship the zine  on track" in screen_text(pilot.app):
                break
        assert "Ship the zine  on track" in screen_text(pilot.app)
        await pilot.press("tab")  # to the goals pane
        await pilot.press(*["down"] * 9)
        await pilot.pause()
        assert pilot.app.screen.query_one("#goals").goal_id == past.id
        assert "✗ overdue by 2 days" in screen_text(pilot.app)


async def test_capacity_setting(store: Store, clock: FixedClock) -> None:
    three_steps(store)
    store.claim_morning_nudge()
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(pilot.app.screen, CapacityScreen)
        assert "Now: 120 min a day." in screen_text(pilot.app)
        await pilot.press(*["backspace"] * 3, "minus", "5", "enter")
        await pilot.pause()
        assert "capacity must be a whole number from 1 to 1440" in screen_text(pilot.app)
        await pilot.press("backspace", "backspace", "x", "enter")
        await pilot.pause()
        assert "capacity must be a whole number, not 'x'" in screen_text(pilot.app)
        assert store.settings()["capacity"] == 120
        await pilot.press("backspace", "9", "0", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, MainScreen)
    assert store.settings()["capacity"] == 90


def work(store: Store, clock: FixedClock, goal: int, day: int, minutes: int) -> None:
    """A block of ``minutes`` on ``day`` November, then back to the test's morning."""
    morning = clock.now()
    clock.set(pendulum.datetime(2026, 11, day, 8, tz="UTC"))
    store.start_block(goal, minutes)
    clock.advance(minutes=minutes)
    store.stop_block("partial")
    clock.set(morning)


async def test_capacity_and_forecast_are_not_worked_out_on_a_key(
    store: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """At start both are; after a key, a second later (the timer's callback is run here
    rather than waited for), and what shows follows them."""
    notes = store.add_goal("Keep notes").id  # worked on, never planned
    for day, minutes in ((17, 20), (18, 40), (19, 60)):
        work(store, clock, notes, day, minutes)
    store.plan(three_steps(store))  # 45 min; the usual day: 40
    store.claim_morning_nudge()
    asked = {"capacity": 0, "forecast": 0}
    capacity, forecast_rows = store.capacity, plan_commands._forecast_rows

    def counted_capacity(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        asked["capacity"] += 1
        return capacity(*args, **kwargs)

    def counted_forecast(given):  # noqa: ANN001, ANN202
        asked["forecast"] += 1
        return forecast_rows(given)

    monkeypatch.setattr(store, "capacity", counted_capacity)
    monkeypatch.setattr(plan_commands, "_forecast_rows", counted_forecast)
    monkeypatch.setattr(plan_commands, "FORECAST_DELAY", 3600)  # fired by hand below
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = app.screen
        assert isinstance(main, MainScreen)
        assert "Today · 45 min planned; you usually focus 40" in screen_text(app)
        assert asked == {"capacity": 1, "forecast": 1}
        work(store, clock, notes, 16, 90)  # a fourth day: the usual day is now 50
        await pilot.press("o")  # a change: the One Thing
        await pilot.pause()
        assert "★ Write the intro" in screen_text(app)
        assert asked == {"capacity": 1, "forecast": 1}  # neither on the key's path
        assert "Today · 45 min planned; you usually focus 40" in screen_text(app)
        assert main._forecast_timer is not None
        main._plan_state_later()  # what the timer runs
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert asked == {"capacity": 2, "forecast": 1 + 1}
        text = screen_text(app)
        assert "min planned" not in text and "─ Today ─" in text  # 45 of 50: not over
        # Nothing changed since: a second run asks capacity (cheap: the store keeps it)
        # but forecasts nothing.
        main._plan_state_later()
        await app.workers.wait_for_complete()
        assert asked == {"capacity": 3, "forecast": 2}

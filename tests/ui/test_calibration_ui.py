"""Issue 17, calibrated estimates in the app: the goal form's hint as the estimate is typed,
and the line in the day's review."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static
from ui_helpers import SIZE, make_app, screen_text, small_plan

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store
from tui_microgoals.screens import plan_commands
from tui_microgoals.screens.goal_form import GoalFormScreen
from tui_microgoals.screens.review import ReviewScreen


def history(store: Store, clock: FixedClock, title: str, actual: int) -> int:
    """A top-level goal with five micro-goals estimated 10 min, each done in ``actual``."""
    root = store.add_goal(title)
    for n in range(5):
        goal = store.add_goal(f"{title} step {n}", parent=root.id, minutes=10)
        store.start_block(goal.id, 30)
        clock.advance(minutes=actual)
        store.stop_block("done")
    return root.id


def hint(app) -> str:  # noqa: ANN001
    return str(app.screen.query_one("#form-pace", Static).render())


async def test_the_goal_form_says_the_estimate_at_your_pace_as_it_is_typed(
    store: Store, clock: FixedClock
) -> None:
    slow = history(store, clock, "[b]Slow[/b]", 20)  # 2.0x (a title that looks like markup)
    history(store, clock, "Even", 10)  # 1.0x; the median of all ten: 1.5x
    small_plan(store)  # "Write the intro" (15 min) under "Launch the newsletter"
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")  # the first Today item: "Write the intro"
        await pilot.pause()
        assert isinstance(app.screen, GoalFormScreen)
        assert hint(app) == (
            "you usually take 1.5x your estimate: 15 → about 23 min (from 10 done micro-goals)"
        )
        box = app.screen.query_one("#field-minutes", Input)
        box.focus()
        await pilot.press("backspace", "backspace", "4", "0")
        assert "40 → about 60 min" in hint(app)
        await pilot.press("backspace", "backspace")
        assert hint(app) == "you usually take 1.5x your estimate (from 10 done micro-goals)"
        parent = app.screen.query_one("#field-parent", Input)
        parent.focus()
        parent.value = ""
        await pilot.press(*str(slow))
        await pilot.press("tab")
        app.screen.query_one("#field-minutes", Input).focus()
        await pilot.press("1", "5")
        assert hint(app) == (
            "under '[b]Slow[/b]' you usually take 2.0x your estimate: 15 → about 30 min "
            "(from 5 done micro-goals)"
        )
        assert "under '[b]Slow[/b]' you usually take 2.0x" in screen_text(app)


async def test_the_goal_form_says_when_there_is_not_enough_data_or_nothing_when_off(
    store: Store, clock: FixedClock
) -> None:
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")
        await pilot.pause()
        assert hint(app) == (
            "not enough data yet: 0 of 5 done micro-goals with an estimate and a block"
        )
        assert "not enough data yet: 0 of 5" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        store.set_setting("calibration", "off")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, GoalFormScreen)
        assert not app.screen.query_one("#form-pace", Static).display
        assert "not enough data" not in screen_text(app)


async def test_the_review_says_how_far_off_the_estimates_run(
    store: Store, clock: FixedClock
) -> None:
    history(store, clock, "Past", 14)
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        assert (
            "≈ Estimates: you usually take 1.4x your estimate "
            "(median of 5 done micro-goals; 1 top-level goal with its own)"
        ) in screen_text(app)


async def test_the_apps_forecast_goes_at_your_pace_and_back_when_turned_off(
    store: Store, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    ship = store.add_goal("Ship the zine", due=clock.today().add(days=1))
    for n in range(6):
        store.add_goal(f"Page {n}", parent=ship.id, minutes=15)
    history(store, clock, "Past", 20)  # 2.0x: 90 estimated minutes take about 180
    store.set_setting("capacity", 60)
    store.claim_morning_nudge()
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "Ship the zine  ▲ at risk" in text
        main = pilot.app.screen
        assert main.forecast_rows[ship.id].why == (
            "needs 3 more days of your usual 60 min; 2 left; 90m est., ~180m at your pace"
        )
        assert "▲ at risk: needs 3 more days of your usual 60 min; 2 …" in text
        store.set_setting("calibration", "off")
        monkeypatch.setattr(plan_commands, "FORECAST_DELAY", 0.01)  # no pause to wait for
        pilot.app.screen.refresh_state()
        for _ in range(100):  # bounded: the forecast is a thread of a few ms here
            await pilot.pause(0.02)
            await pilot.app.workers.wait_for_complete()
            if "Ship the zine  on track" in screen_text(pilot.app):
                break
        assert "Ship the zine  on track" in screen_text(pilot.app)
        assert "at your pace" not in main.forecast_rows[ship.id].why

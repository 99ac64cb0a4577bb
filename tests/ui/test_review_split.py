"""Splitting from the review asks for two steps or more and never completes the goal being
split (issue 12, trap 5: one step was added, and finishing it completed the 45-minute goal)."""

from __future__ import annotations

from ui_helpers import SIZE, make_app, screen_text

from tui_microgoals.core.store import Store
from tui_microgoals.screens.review import ReviewScreen
from tui_microgoals.screens.split import SplitScreen


def big_goal(store: Store) -> int:
    launch = store.add_goal("Launch the newsletter")
    big = store.add_goal("Write the welcome email", parent=launch.id, minutes=45, today=True)
    return big.id


async def open_split(pilot) -> SplitScreen:  # noqa: ANN001
    await pilot.pause()
    await pilot.press("r")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReviewScreen)
    await pilot.press("a")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, SplitScreen)
    return dialog


async def test_split_with_two_steps_then_finishing_the_first_leaves_the_goal_open(store, clock):
    big = big_goal(store)
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await open_split(pilot)
        assert "Split “Write the welcome email”" in screen_text(pilot.app)
        assert pilot.app.focused is not None and pilot.app.focused.id == "step-title"
        await pilot.press(*"Draft the opening", "tab", *"15", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SplitScreen)  # stays open for the next step
        text = screen_text(pilot.app)
        assert "1. Draft the opening · 15 min" in text
        assert pilot.app.focused is not None and pilot.app.focused.id == "step-title"
        await pilot.press(*"Write the sign-off", "enter")
        await pilot.pause()
        assert "2. Write the sign-off" in screen_text(pilot.app)
        assert [g.parent for g in store.goals().values()].count(big) == 0  # not yet saved
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReviewScreen)
        assert any("2 steps added" in str(n.message) for n in pilot.app._notifications)
    kids = sorted((g for g in store.goals().values() if g.parent == big), key=lambda g: g.id)
    assert [(g.title, g.minutes) for g in kids] == [
        ("Draft the opening", 15),
        ("Write the sign-off", None),
    ]
    store.mark_done(kids[0].id)
    assert store.goal(big).status == "open"


async def test_one_step_is_not_a_split(store, clock):
    big = big_goal(store)
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await open_split(pilot)
        await pilot.press(*"Draft the opening", "enter", "escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SplitScreen)
        assert "at least two steps" in screen_text(pilot.app)
        await pilot.press("escape")  # a second escape discards the one step
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReviewScreen)
    assert not [g for g in store.goals().values() if g.parent == big]
    assert store.goal(big).status == "open"


async def test_bad_minutes_say_so_in_one_line_and_keep_the_step(store, clock):
    big_goal(store)
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        dialog = await open_split(pilot)
        await pilot.press(*"Draft the opening", "tab", *"abc", "enter")
        await pilot.pause()
        assert "whole number of minutes" in screen_text(pilot.app)
        assert dialog.steps == []
        assert pilot.app.focused is not None and pilot.app.focused.id == "step-minutes"


async def test_letters_typed_into_the_split_dialog_act_on_nothing_below(store, clock):
    big_goal(store)
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        dialog = await open_split(pilot)
        await pilot.press(*"x a m w n t [ ] j k q r g", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SplitScreen)
        assert [s.title for s in dialog.steps] == ["x a m w n t [ ] j k q r g"]
    assert [s.kind for s in store.review().suggestions] == ["split"]  # nothing dismissed


async def test_home_and_end_edit_the_step_not_scroll_the_review(store, clock):
    big_goal(store)
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        dialog = await open_split(pilot)
        await pilot.press(*"opening", "home", *"Draft the ", "end", "!", "enter")
        await pilot.pause()
        assert [s.title for s in dialog.steps] == ["Draft the opening!"]

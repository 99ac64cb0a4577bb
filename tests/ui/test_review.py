"""The review screen on the demo week: today, other days, the week, suggestions, note, export;
and the celebrations when a micro-goal is finished."""

from __future__ import annotations

import pytest
from ui_helpers import SIZE, make_app, screen_text, small_plan

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.demo import build_demo
from tui_microgoals.core.store import Store
from tui_microgoals.screens.day_note import DayNoteScreen
from tui_microgoals.screens.goal_form import GoalFormScreen
from tui_microgoals.screens.review import ReviewScreen
from tui_microgoals.screens.reward import RewardScreen
from tui_microgoals.screens.split import SplitScreen


@pytest.fixture
def demo(store: Store) -> dict[str, int]:
    return build_demo(store)


def toasts(app) -> list[str]:  # noqa: ANN001
    return [str(n.message) for n in app._notifications]


async def open_review(pilot) -> str:  # noqa: ANN001
    await pilot.pause()
    await pilot.press("r")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReviewScreen)
    return screen_text(pilot.app)


async def test_review_of_today_shows_the_day(store, clock, demo):
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        text = await open_review(pilot)
    assert "Friday, November 20, 2026 today" in text
    assert "1 micro-goal done" in text and "9 focus min" in text and "planned 1/8 done" in text
    assert "streak 15 days" in text
    assert "★ One Thing: Ask three regulars to taste and rate it  not done" in text
    assert "Sketch one new pastry idea  14 due days in a row" in text
    # The done list: time, title and the path above it; the blocks table.
    assert "✔ 08:24  Fix the proofing time from the test notes  · Launch the" in text
    assert "08:15" in text and "Twelve minutes longer proof" in text
    assert "○ Photograph the buns in morning light  carried 2d" in text
    assert "split   Design the Instagram launch post" in text
    assert "step up Sketch one new pastry idea" in text
    assert "Focus minutes" in text and "Micro-goals done" in text
    assert "no note yet" in text


async def test_earlier_days_and_back_to_today(store, clock, demo):
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("left_square_bracket")
        for _ in range(20):  # bounded: the day's tables fill in over a few refreshes under load
            await pilot.pause()
            text = screen_text(pilot.app)
            if "Boxes cost more than I thought" in text:
                break
        assert "Thursday, November 19, 2026" in text and "today" not in text.splitlines()[0]
        assert "3 blocks" in text
        assert "Cloudy again" in text and "partial" in text
        assert "Boxes cost more than I thought" in text
        await pilot.press("left_square_bracket", "left_square_bracket")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "Tuesday, November 17" in text and "Second batch much better" in text
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert "Wednesday, November 18" in screen_text(pilot.app)
        await pilot.press("t")
        await pilot.pause()
        assert "Friday, November 20, 2026 today" in screen_text(pilot.app)
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, ReviewScreen)


async def test_week_view_sums_the_last_seven_days(store, clock, demo):
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("w")
        await pilot.pause()
        text = screen_text(pilot.app)
        week = store.history(clock.today(), days=7)
        assert "Week review · Sat Nov 14 – Fri Nov 20, 2026" in text
        minutes = round(sum(d.focus_minutes for d in week))
        done = sum(d.done for d in week)
        assert f"{done} micro-goals done · {minutes} focus min · 19 blocks" in text
        assert "Thu Nov 19   29 min" in text
        assert "Week        211 min    20      19        7" in text
        assert "Reflection" not in text  # the day's blocks give way to the week's days
        await pilot.press("w")
        await pilot.pause()
        assert "Friday, November 20, 2026" in screen_text(pilot.app)


async def test_dismissing_a_suggestion(store, clock, demo):
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("x")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "Design the Instagram launch post" not in text
        assert "step up Sketch one new pastry idea" in text
        assert "Dismissed for a week: Design the Instagram launch post" in toasts(pilot.app)
    assert [(s.id, s.kind) for s in store.review().suggestions] == [
        (demo["runs_past"], "split"),
        (demo["habit"], "step_up"),
        (demo["missed_habit"], "shrink"),
        (demo["fast_steps"], "step_up"),
    ]


async def test_acting_on_split_adds_its_steps_under_it(store, clock, demo):
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SplitScreen)
        assert "Split “Design the Instagram launch post”" in screen_text(pilot.app)
        await pilot.press(*"Pick the photo", "tab", *"15", "enter", *"Write the caption", "enter")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReviewScreen)
        assert "Design the Instagram launch post" not in screen_text(pilot.app)
    kids = [g for g in store.goals().values() if g.parent == demo["too_big"]]
    assert [(g.title, g.minutes) for g in kids] == [
        ("Pick the photo", 15),
        ("Write the caption", None),
    ]


async def test_acting_on_step_up_opens_the_edit_dialog(store, clock, demo):
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("tab", "down", "down", "a")  # tab: the suggestions (body first)
        await pilot.pause()
        assert isinstance(pilot.app.screen, GoalFormScreen)
        assert "Step up goal" in screen_text(pilot.app)
        await pilot.press("ctrl+a", "ctrl+k", *"Sketch two new pastry ideas", "ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReviewScreen)
    assert store.goal(demo["habit"]).title == "Sketch two new pastry ideas"
    assert (demo["habit"], "step_up") not in [(s.id, s.kind) for s in store.review().suggestions]


async def test_acting_on_a_block_that_ran_past_splits_it_with_one_key(store, clock, demo):
    """Issue 17: a time-based suggestion is acted on with one key, as the others are."""
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await open_review(pilot)
        text = screen_text(pilot.app)
        assert "split   Photograph the buns in morning light" in text
        assert "ran past its block 2 of its last 2 blocks (+5" in text
        await pilot.press("tab", "down", "a")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SplitScreen)
        assert "Split “Photograph the buns in morning light”" in screen_text(pilot.app)
        await pilot.press(*"Set up the light at 7:30", "enter", *"Shoot the buns", "enter")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReviewScreen)
    kids = [g.title for g in store.goals().values() if g.parent == demo["runs_past"]]
    assert kids == ["Set up the light at 7:30", "Shoot the buns"]
    assert demo["runs_past"] not in [s.id for s in store.review().suggestions]


async def test_acting_on_fast_steps_makes_the_next_step_bigger(store, clock, demo):
    """A goal whose steps went fast: one key edits its next step, the estimate first."""
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("tab", "end", "a")  # the last suggestion: Price the product
        await pilot.pause()
        assert isinstance(pilot.app.screen, GoalFormScreen)
        assert f"Step up goal {demo['next_step']}, the next step of goal" in screen_text(pilot.app)
        assert pilot.app.focused is not None and pilot.app.focused.id == "field-minutes"
        await pilot.press("ctrl+a", "ctrl+k", *"40", "ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReviewScreen)
    assert store.goal(demo["next_step"]).minutes == 40
    found = [(s.id, s.kind) for s in store.review().suggestions]
    assert (demo["fast_steps"], "step_up") not in found  # acted on: dismissed for a week


async def test_acting_on_shrink_edits_the_estimate(store: Store, clock: FixedClock):
    habit = store.add_goal("Run 10 km", minutes=20, every="daily")
    clock.advance(days=5)
    assert [s.kind for s in store.review().suggestions] == ["shrink"]
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(pilot.app.screen, GoalFormScreen)
        assert pilot.app.focused is not None and pilot.app.focused.id == "field-minutes"
        await pilot.press("ctrl+a", "ctrl+k", "5", "ctrl+s")
        await pilot.pause()
    assert store.goal(habit.id).minutes == 5


async def test_editing_the_note(store, clock, demo):
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DayNoteScreen)
        await pilot.press(*"Taste test [b]tomorrow[/b]", "enter", *"Good focus", "ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReviewScreen)
        text = screen_text(pilot.app)
        assert "Taste test [b]tomorrow[/b]" in text and "Good focus" in text
        await pilot.press("left_square_bracket", "n", *"yesterday", "ctrl+s")
        await pilot.pause()
    assert store.day(clock.today()).note == "Taste test [b]tomorrow[/b]\nGood focus"
    assert store.day(clock.today().subtract(days=1)).note == "yesterday"


async def test_setting_the_reward_in_the_app(store, clock):
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await open_review(pilot)
        await pilot.press("g")
        await pilot.pause()
        assert isinstance(pilot.app.screen, RewardScreen)
        await pilot.press("shift+tab", "backspace", "3", "tab", *"a walk outside", "enter")
        await pilot.pause()
        assert "After every 3 micro-goals: a walk outside" in toasts(pilot.app)
    assert store.settings()["reward"] == "a walk outside"
    assert store.settings()["reward_every"] == 3


async def test_celebrations_count_streak_reward_and_a_completed_goal(store, clock):
    plan = small_plan(store)
    store.set_setting("reward", "a walk outside")
    store.set_setting("reward_every", 2)
    store.plan([plan.later])
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("x")
        await pilot.pause()
        assert "Done: Write the intro\n1 done today · streak 1 day" in toasts(pilot.app)
        await pilot.press("x")
        await pilot.pause()
        assert "2 micro-goals done: a walk outside" in toasts(pilot.app)
        assert not any("complete" in t for t in toasts(pilot.app))
        await pilot.press("x")
        await pilot.pause()
        said = toasts(pilot.app)
        # The goal completed with its last step: said, and not counted as a fourth.
        assert "Done: Design the logo\n3 done today · streak 1 day" in said
        assert "Launch the newsletter: complete" in said
        await pilot.press("r")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "3 micro-goals done" in text
        assert "🏁 09:00  Launch the newsletter  complete" in text

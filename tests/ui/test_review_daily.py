"""The review as a daily driver (issue 12): it opens at its headline and the whole screen
scrolls by keyboard (trap 7); interruption notes are shown with their blocks (trap 8)."""

from __future__ import annotations

import pytest
from textual.containers import VerticalScroll
from ui_helpers import make_app, screen_text

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.demo import build_demo
from tui_microgoals.core.store import Store
from tui_microgoals.screens.review import ReviewScreen

SIZES = [(80, 24), (120, 40)]


def busy_day(store: Store, clock: FixedClock) -> dict[str, int]:
    """The demo week, then a long morning: six more blocks, each interrupted, one twice."""
    ids = build_demo(store)
    for n in range(6):
        goal = store.add_goal(f"Extra step {n}", minutes=15, today=True)
        store.start_block(goal.id, 15)
        clock.advance(minutes=5)
        store.interrupt(f"phone call {n}")
        if n == 0:
            clock.advance(minutes=2)
            store.interrupt()  # no note
        clock.advance(minutes=10)
        store.stop_block("done")
        clock.advance(minutes=5)
    return ids


async def open_review(pilot) -> ReviewScreen:  # noqa: ANN001
    await pilot.pause()
    await pilot.press("r")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


def body(screen: ReviewScreen) -> VerticalScroll:
    return screen.query_one("#review-body", VerticalScroll)


@pytest.mark.parametrize("size", SIZES)
async def test_the_review_opens_at_its_headline(store, clock, size):
    busy_day(store, clock)
    async with make_app(store, clock).run_test(size=size) as pilot:
        screen = await open_review(pilot)
        lines = screen_text(pilot.app).splitlines()
        assert body(screen).scroll_y == 0
        assert "Review · Friday, November 20, 2026 today" in lines[0]
        assert "7 micro-goals done" in lines[1]  # the summary line, then the streak
        assert any("streak 15 days" in line for line in lines[2:4])
        assert body(screen).max_scroll_y > 0  # there is more below to scroll to


@pytest.mark.parametrize("size", SIZES)
async def test_home_end_and_pages_scroll_the_whole_review(store, clock, size):
    busy_day(store, clock)
    async with make_app(store, clock).run_test(size=size) as pilot:
        screen = await open_review(pilot)
        scroll = body(screen)
        await pilot.press("end")
        await pilot.pause()
        assert scroll.scroll_y == scroll.max_scroll_y
        assert "Micro-goals done" in screen_text(pilot.app)  # the charts at the bottom
        await pilot.press("home")
        await pilot.pause()
        assert scroll.scroll_y == 0
        await pilot.press("pagedown")
        await pilot.pause()
        assert scroll.scroll_y > 0
        await pilot.press("pageup")
        await pilot.pause()
        assert scroll.scroll_y == 0


async def test_home_and_end_work_with_the_suggestions_focused(store, clock):
    busy_day(store, clock)
    async with make_app(store, clock).run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot)
        await pilot.press("tab")
        await pilot.pause()
        assert pilot.app.focused is not None
        assert pilot.app.focused.id == "review-suggestions"
        await pilot.press("end")
        await pilot.pause()
        assert body(screen).scroll_y == body(screen).max_scroll_y
        await pilot.press("home")
        await pilot.pause()
        assert body(screen).scroll_y == 0


async def test_j_k_and_arrows_scroll_the_review(store, clock):
    busy_day(store, clock)
    async with make_app(store, clock).run_test(size=(80, 24)) as pilot:
        screen = await open_review(pilot)
        scroll = body(screen)
        await pilot.press("j", "j", "down")
        await pilot.pause()
        assert scroll.scroll_y == 3
        await pilot.press("k", "up")
        await pilot.pause()
        assert scroll.scroll_y == 1


async def test_interruption_notes_are_shown_under_their_block(store, clock):
    busy_day(store, clock)
    async with make_app(store, clock).run_test(size=(120, 40)) as pilot:
        await open_review(pilot)
        text = screen_text(pilot.app)
    lines = text.splitlines()
    first = next(i for i, line in enumerate(lines) if "Extra step 0" in line and "done" in line)
    assert "2" in lines[first].split("Extra step 0")[1]  # the count column
    assert "09:05" in lines[first + 1] and "phone call 0" in lines[first + 1]
    assert "09:07" in lines[first + 2] and "no note" in lines[first + 2]
    assert "Extra step 1" in lines[first + 3]
    assert "09:27" in lines[first + 4] and "phone call 1" in lines[first + 4]


async def test_j_and_k_move_in_the_suggestions_when_they_have_focus(store, clock):
    busy_day(store, clock)
    async with make_app(store, clock).run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        await pilot.press("tab", "j", "j")  # the demo's: split, split, step up, shrink, step up
        await pilot.pause()
        assert screen.suggestion is not None and screen.suggestion.kind == "step_up"
        await pilot.press("k")
        await pilot.pause()
        assert screen.suggestion is not None and screen.suggestion.kind == "split"


async def test_a_day_before_the_first_use_says_there_is_no_record(store, clock):
    store.add_goal("Five push-ups", every="daily")
    store.add_goal("Write the intro", minutes=15, today=True)
    async with make_app(store, clock).run_test(size=(120, 40)) as pilot:
        await open_review(pilot)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "Thursday, November 19, 2026" in text
        assert "no record before Friday, November 20, 2026" in text
        assert "streak" not in text
        assert "due days in a row" not in text and "due day in a row" not in text
        assert "everything planned got done" not in text
        await pilot.press("t")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "no record before" not in text
        assert "streak 0 days" in text and "Five push-ups  0 due days in a row" in text


async def test_a_habit_started_later_is_not_shown_on_earlier_days(store, clock):
    store.add_goal("Write the intro", minutes=15, today=True)
    clock.advance(days=2)
    store.add_goal("Five push-ups", every="daily")
    async with make_app(store, clock).run_test(size=(120, 40)) as pilot:
        await open_review(pilot)
        assert "Five push-ups" in screen_text(pilot.app)
        await pilot.press("left_square_bracket")
        await pilot.pause()
        text = screen_text(pilot.app)
        assert "Five push-ups" not in text and "streak" in text

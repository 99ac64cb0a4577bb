"""The weekly retro in the review (``w``) on the seeded week of tests/retro_week.py: its
sections at 120x40 and 80x24, the week note written (user text shown literally), kept, and
undone from the main screen."""

from __future__ import annotations

import pendulum
import pytest
from retro_week import END, ZONE, seed_week
from ui_helpers import make_app, screen_text

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store
from tui_microgoals.screens.day_note import DayNoteScreen
from tui_microgoals.screens.review import ReviewScreen
from tui_microgoals.widgets.retro_panes import RetroMilestones

#: Sunday Nov 22, 10:00 in Berlin: the seeded week's last day.
NOW = pendulum.datetime(2026, 11, 22, 9, 0, tz="UTC")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW, ZONE)


@pytest.fixture
def store(clock: FixedClock) -> Store:
    store = Store.memory(clock)
    seed_week(store, clock)
    return store


async def open_week(pilot) -> str:  # noqa: ANN001
    await pilot.pause()
    await pilot.press("r", "w")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReviewScreen) and pilot.app.screen.week
    return screen_text(pilot.app)


async def whole_text(pilot) -> str:  # noqa: ANN001
    """Every row of the review, paging down from the top to the end."""
    await pilot.press("home")
    await pilot.pause()
    pages = [screen_text(pilot.app)]
    for _ in range(20):  # bounded
        await pilot.press("pagedown")
        await pilot.pause()
        pages.append(screen_text(pilot.app))
        if pages[-1] == pages[-2]:
            break
    return "\n".join(pages)


SECTIONS = (
    "Week review · Mon Nov 16 – Sun Nov 22, 2026",
    "🎉 Your 10th micro-goal done, on Mon Nov 16",
    "🎉 Goal completed: Write the guide",
    "🎉 Your longest streak so far: 4 days in a row with a micro-goal done",
    "9 micro-goals done · 72 focus min · 4 blocks · 5 interruptions",
    "Planned done",
    "Estimates",
    "1.2x your estimate",
    "median of 3",  # (wraps to the next row at 80 columns)
    "Interrupted by",
    "2× Phone call",
    "2× Slack",
    "1× Door bell",
    "Carried (days on the list)",
    "○ 7 days  Fix the bike",
    "✔ 3 days  Draft body",
    "Goals completed",
    "✔ Write the guide  Thu Nov 19",
    "Week note",
    "no week note yet: n writes one",
    "↻ Stretch  2 due days in a row",
)


@pytest.mark.parametrize("size", [(120, 40), (80, 24)])
async def test_every_section_of_the_retro_is_on_screen(store, clock, size) -> None:
    async with make_app(store, clock).run_test(size=size) as pilot:
        first = await open_week(pilot)
        text = await whole_text(pilot)
    assert first.splitlines()[0].strip() == SECTIONS[0]
    assert "🎉 Your 10th micro-goal done" in first  # the milestones come first
    missing = [s for s in SECTIONS if s not in text]
    assert missing == []
    # The days table: the week's figures, a row per day (columns as wide as they need).
    rows = {" ".join(line.split()) for line in text.splitlines()}
    assert "Tue Nov 17 34 min 2 2 2 2/4" in rows
    assert "Week 72 min 9 4 5 9/20" in rows


async def test_the_milestone_line_stands_out(store, clock) -> None:
    async with make_app(store, clock).run_test(size=(120, 40)) as pilot:
        await open_week(pilot)
        banner = pilot.app.screen.query_one(RetroMilestones)
        assert banner.display and banner.region.height == 3
        assert banner.styles.background != pilot.app.screen.styles.background
        await pilot.press("w")  # the day: no banner
        await pilot.pause()
        assert not banner.display


async def test_a_week_without_milestones_shows_no_banner(clock) -> None:
    async with make_app(Store.memory(clock), clock).run_test(size=(120, 40)) as pilot:
        text = await open_week(pilot)
        assert not pilot.app.screen.query_one(RetroMilestones).display
    assert "🎉" not in text and "nothing carried over several days" in text


async def test_writing_the_week_note_keeps_it_literally_and_undo_takes_it_back(
    store, clock
) -> None:
    note = "Less [b]Slack[/b], more outlines"
    async with make_app(store, clock).run_test(size=(120, 40)) as pilot:
        await open_week(pilot)
        await pilot.press("n")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, DayNoteScreen)
        assert dialog.heading == "Note for the week November 16 – November 22"
        await pilot.press(*note, "ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReviewScreen)
        assert note in await whole_text(pilot)
        assert store.retro(END).note == note
        assert store.day(END).note == ""  # the day's own note is another field
        # n again edits the same note; in the day view n is the day's note.
        await pilot.press("n")
        await pilot.pause()
        assert pilot.app.screen.query_one("#day-note").text == note
        await pilot.press("escape", "w", "n")
        await pilot.pause()
        assert pilot.app.screen.heading == "Note for Sunday, November 22"
        await pilot.press("escape", "escape")  # the dialog, then the review
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        assert store.retro(END).note == ""
        assert "undid: wrote the week note for the week ending today" in [
            str(n.message) for n in pilot.app._notifications
        ]
        text = await open_week(pilot)
        assert "no week note yet: n writes one" in await whole_text(pilot)
        assert note not in text

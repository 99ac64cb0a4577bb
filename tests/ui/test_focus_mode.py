"""Focus mode: `s` starts the highlighted goal, the countdown grows, notes are shown."""

from __future__ import annotations

from ui_helpers import make_app, screen_text, settled, small_plan, tick

from tui_microgoals.core.store import Store
from tui_microgoals.screens.focus import FocusScreen
from tui_microgoals.screens.main import MainScreen
from tui_microgoals.widgets.countdown import big_lines, big_scale
from tui_microgoals.widgets.focus_pane import focus_view, note_lines

NOTES = "\n".join(
    ["[red]not markup[/] and $dollar", "second line", "", "third line"]
    + [f"line {n}" for n in range(4, 10)]
)


def block_rows(text: str) -> list[str]:
    """The screen rows that hold block digits."""
    return [line for line in text.splitlines() if "██" in line]


async def test_s_in_focus_mode_starts_the_goal_highlighted_on_the_main_screen(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j")  # Today: from "Write the intro" to "Pick a name"
        await pilot.press("f")
        text = await settled(pilot)
        assert isinstance(app.screen, FocusScreen)
        assert "Press s to start 10 min on: Pick a name"  # its estimate in text
        assert "s Start" in text.splitlines()[-1]
        await pilot.press("s")
        await pilot.pause()
        block = store.running_block()
        assert block is not None and block.goal == plan.second
        assert isinstance(app.screen, FocusScreen)
        text = screen_text(app)
        assert "Focus block running" in text and "Pick a name" in text
        assert "s Start" not in text.splitlines()[-1]  # one block at a time


async def test_s_in_focus_mode_says_why_it_cannot_start(store, clock):
    plan = small_plan(store)
    store.add_goal("Waits", parent=plan.launch, after=[plan.first], today=True)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("tab")  # Goals: the cursor is on the parent goal
        await pilot.press("f")
        await pilot.pause()
        assert "Cannot start" in screen_text(app)
        await pilot.press("s")
        await pilot.pause()
        assert store.running_block() is None
        assert isinstance(app.screen, FocusScreen)


async def test_the_countdown_grows_with_the_terminal(store, clock):
    small_plan(store)
    rows = {}
    for size in ((80, 24), (120, 40), (200, 60)):
        app = make_app(store, clock)
        async with app.run_test(size=size) as pilot:
            assert not block_rows(screen_text(app))  # the pane keeps the 3-line digits
            await pilot.press("f")
            await pilot.pause()
            if store.running_block() is None:
                await pilot.press("s")
                await pilot.pause()
            text = screen_text(app)
            rows[size] = block_rows(text)
            # Everything else still shows, whole, beside the digits.
            for words in ("Focus block running", "Write the intro", "15 min planned", "f Back"):
                assert words in text, (size, words)
            assert all(len(line) <= size[0] for line in text.splitlines())
    assert 5 <= len(rows[(80, 24)]) < len(rows[(120, 40)]) < len(rows[(200, 60)])
    assert len(rows[(200, 60)]) >= 20


async def test_notes_are_shown_literally_and_cut(store, clock):
    plan = small_plan(store)
    store.edit_goal(plan.first, notes=NOTES)
    app = make_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[red]not markup[/] and $dollar" in text
        assert "second line" in text
        assert "third line …" in text
        assert "line 4" not in text
        await pilot.press("f")
        await pilot.pause()
        text = screen_text(app)
        assert "[red]not markup[/] and $dollar" in text
        assert "line 6 …" in text and "line 7" not in text
        await pilot.press("f")
        await pilot.press("j")  # a goal without notes: none are shown
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "second line" not in screen_text(app)


async def test_notes_follow_the_running_block(store, clock):
    plan = small_plan(store)
    store.edit_goal(plan.first, notes="weigh twice")
    store.start_block(plan.first)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("j")
        await tick(pilot)
        assert "weigh twice" in screen_text(app)


def test_note_lines_keeps_a_few_lines_and_says_there_is_more():
    assert note_lines("", 3) == ""
    assert note_lines("a\n\n  \nb", 3) == "a\nb"
    assert note_lines("a\nb\nc\nd", 3) == "a\nb\nc …"
    assert note_lines("a\nb\nc", 3) == "a\nb\nc"


def test_focus_view_shows_the_block_goal_else_the_highlighted_one():
    store = Store.memory()
    plan = small_plan(store)
    goals = store.goals()
    idle = focus_view(goals, None, plan.second, block_minutes=20, break_until=None, tz="UTC")
    assert idle.candidate == "Pick a name" and idle.why_not is None
    parent = focus_view(goals, None, plan.launch, block_minutes=20, break_until=None, tz="UTC")
    assert parent.candidate is None and "micro-goals" in (parent.why_not or "")
    block = store.start_block(plan.first)
    busy = focus_view(goals, block, plan.second, block_minutes=20, break_until=None, tz="UTC")
    assert busy.title == "Write the intro" and busy.candidate is None


def test_big_digits_fit_the_space_they_are_given():
    assert big_scale("20:00", 33, 40) == 0  # narrower than scale 1: the 3-line digits
    assert big_scale("20:00", 34, 5) == 1
    assert big_scale("20:00", 200, 12) == 2
    assert big_scale("1:05:00", 196, 60) == 4
    lines = big_lines("20:00", 2)
    assert len(lines) == 10 and {len(line) for line in lines} == {68}

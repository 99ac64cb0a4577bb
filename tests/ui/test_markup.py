"""Titles that look like markup are shown exactly as typed, in every pane and dialog."""

from __future__ import annotations

import pytest
from ui_helpers import SIZE, make_app, screen_text, tick

from tui_microgoals.screens.block_end import BlockEndScreen
from tui_microgoals.screens.confirm import ConfirmScreen
from tui_microgoals.screens.focus import FocusScreen
from tui_microgoals.screens.goal_form import GoalFormScreen
from tui_microgoals.screens.review import ReviewScreen

TITLES = ["[bold]x[/]", "a [/] b", "[link=x]"]


@pytest.fixture
def marked(store):
    """A parent and a child whose titles look like markup, planned for today."""
    ids = {}
    for title in TITLES:
        parent = store.add_goal(f"P {title}")
        child = store.add_goal(title, parent=parent.id, minutes=10, today=True)
        ids[title] = child.id
    return ids


@pytest.mark.parametrize("title", TITLES)
async def test_markup_titles_render_literally_everywhere(store, clock, marked, title):
    goal_id = marked[title]
    store.edit_goal(goal_id, notes=title)
    store.set_one_thing(goal_id)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        main = screen_text(app)
        assert main.count(title) >= 3  # the Goals tree, Today, and the Focus pane's hint
        assert f"P {title}" in main  # the parent's name beside the Today item

        await pilot.press("s")
        await tick(pilot)
        assert f"P {title} › {title}" in screen_text(app)  # the Focus pane's path

        await pilot.press("f")
        await tick(pilot)
        assert isinstance(app.screen, FocusScreen)
        assert title in screen_text(app)
        await pilot.press("f")

        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, GoalFormScreen)
        form = app.screen
        assert form.query_one("#field-title").value == title
        assert title in form.query_one("#field-notes").text
        await pilot.press("escape")

        await pilot.press("i", *"[b]no[/b]", "enter")
        await pilot.pause()
        clock.advance(minutes=20)
        await tick(pilot)
        assert isinstance(app.screen, BlockEndScreen)
        assert title in screen_text(app)
        await pilot.press("enter")  # done
        await pilot.pause()
        assert any(title in str(n.message) for n in app._notifications)  # the celebration
        await pilot.press("n")  # skip the break
        await pilot.pause()
        assert title in screen_text(app)  # in the Done section

        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        review = screen_text(app)
        assert title in review and f"P {title}" in review
        await pilot.press("escape")

        await pilot.press("tab", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        # The first goal in the tree is highlighted: whichever it is, its title is literal.
        assert any(f"P {t}" in screen_text(app) for t in TITLES)
        await pilot.press("escape")
    assert store.blocks_on(clock.today())[-1].interruptions[0].note == "[b]no[/b]"

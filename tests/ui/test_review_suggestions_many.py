"""The review's suggestion list measures only the options it can show for the layout (issue 16:
at XL it suggests ~1,300 splits), yet is drawn as before: as tall as its options up to 12 lines,
and every suggestion is still in it, reachable by scrolling."""

from __future__ import annotations

from textual.widgets import OptionList
from ui_helpers import SIZE, make_app

from tui_microgoals.screens.review import ReviewScreen
from tui_microgoals.widgets.suggestion_list import MAX_HEIGHT, SuggestionList


async def review_list(pilot) -> SuggestionList:  # noqa: ANN001
    await pilot.pause()
    await pilot.press("r")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ReviewScreen)
    return pilot.app.screen.query_one(SuggestionList)


def stock_height(suggestions: SuggestionList) -> int:
    """The height Textual's own list would take: every option measured, then capped."""
    width = suggestions.content_region.width
    size = suggestions.content_region.size
    inner = OptionList.get_content_height(suggestions, size, size, width)
    return min(inner + suggestions.styles.gutter.height, MAX_HEIGHT)


async def test_many_suggestions_fill_the_list_and_all_are_there(store, clock):
    for n in range(40):
        store.add_goal(f"Big job {n}", minutes=60)  # too big for a block: "split it"
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        suggestions = await review_list(pilot)
        assert len(suggestions.suggestions) == 40
        assert suggestions.outer_size.height == MAX_HEIGHT == stock_height(suggestions)
        assert suggestions.virtual_size.height >= 80  # all measured, to scroll through
        suggestions.focus()
        await pilot.press("end")
        await pilot.pause()
        assert suggestions.highlighted == 39


async def test_a_few_suggestions_take_their_own_height(store, clock):
    for n in range(2):
        store.add_goal(f"Big job {n}", minutes=60)
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        suggestions = await review_list(pilot)
        assert len(suggestions.suggestions) == 2
        assert suggestions.outer_size.height == stock_height(suggestions) < MAX_HEIGHT

"""The footer fits: no key's label is cut at 80 or 120 columns, on any screen, in any state."""

from __future__ import annotations

import pytest
from textual.widgets import Footer
from textual.widgets._footer import FooterKey
from ui_helpers import make_app, screen_text, settled, small_plan

from tui_microgoals.commands import FOCUS_COMMANDS, MAIN_COMMANDS, REVIEW_COMMANDS
from tui_microgoals.screens.focus import FocusScreen
from tui_microgoals.screens.main import MainScreen
from tui_microgoals.screens.review import ReviewScreen
from tui_microgoals.widgets.key_footer import Entry, fit_entries

#: Keys to press from the main screen, the screen they lead to, and its command table.
SCENES = {
    "main idle": ((), MainScreen, MAIN_COMMANDS),
    "main with a block": (("s",), MainScreen, MAIN_COMMANDS),
    "focus mode idle": (("f",), FocusScreen, FOCUS_COMMANDS),
    "focus mode with a block": (("s", "f"), FocusScreen, FOCUS_COMMANDS),
    "review": (("r",), ReviewScreen, REVIEW_COMMANDS),
}


def check_footer(app, width: int) -> list[str]:  # noqa: ANN001
    """Assert every shown key is whole, beside (not under) the palette key; their labels."""
    footer = app.screen.query_one(Footer)
    line = screen_text(app).splitlines()[-1]
    keys = [k for k in footer.query(FooterKey) if not k.has_class("-command-palette")]
    palette = next(k for k in footer.query(FooterKey) if k.has_class("-command-palette"))
    for key in keys:
        words = f"{key.key_display} {key.description}"
        assert key.region.right <= palette.region.x, (words, line)
        assert words in line, (words, line)
    assert palette.region.right <= width
    assert line.rstrip().endswith(f"{palette.key_display} {palette.description}".rstrip())
    return [key.description for key in keys]


@pytest.mark.parametrize("width", [80, 120])
@pytest.mark.parametrize("scene", SCENES)
async def test_no_footer_label_is_cut(store, clock, width, scene):
    small_plan(store)
    keys, screen_type, table = SCENES[scene]
    app = make_app(store, clock)
    async with app.run_test(size=(width, 30)) as pilot:
        await pilot.pause()
        await pilot.press(*keys)
        await settled(pilot)
        assert isinstance(app.screen, screen_type)
        shown = check_footer(app, width)
        for command in table:  # the keys ranked 0 always show, where they apply
            applies = app.screen.check_action(command.action, ()) is not False
            if command.show and command.rank == 0 and applies:
                assert command.label in shown, (scene, width, command.label, shown)


async def test_the_footer_refits_when_the_terminal_grows(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settled(pilot)
        narrow = check_footer(app, 80)
        assert "Quit" not in narrow
        await pilot.resize_terminal(200, 40)
        await pilot.pause()
        await settled(pilot)
        wide = check_footer(app, 200)
        assert "Quit" in wide and set(narrow) < set(wide)
        assert screen_text(app).splitlines()[-1].rstrip().endswith("^p palette")


def test_fit_keeps_the_lowest_ranks_in_table_order():
    entries = [Entry("a", "Aaaa", 2), Entry("b", "Bb", 0), Entry("c", "Cccccc", 1)]
    assert fit_entries(entries, 100) == [0, 1, 2]
    assert fit_entries(entries, 14) == [1, 2]  # "b Bb " + "c Cccccc " = 14
    assert fit_entries(entries, 13) == [0, 1]  # c does not fit: a (smaller) still does
    assert fit_entries(entries, 3) == []

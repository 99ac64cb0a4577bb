"""A dialog key typed again before its dialog appears opens no second dialog.

The dialogs open from workers, a moment after the key: ``d`` typed five times fast stacked
five confirmations, and the fuzz test, typing faster still under load, stacked thirty,
which overflowed the renderer's recursion (RecursionError drawing see-through screens).
"""

from __future__ import annotations

import pytest
from textual.screen import ModalScreen
from ui_helpers import make_app, small_plan, type_fast

from tui_microgoals.screens.main import MainScreen
from tui_microgoals.screens.review import ReviewScreen


def dialogs(app) -> list[str]:  # noqa: ANN001
    return [type(s).__name__ for s in app.screen_stack if isinstance(s, ModalScreen)]


@pytest.mark.parametrize(
    ("keys", "dialog"),
    [
        ("ddddd", "ConfirmScreen"),
        ("eeeee", "GoalFormScreen"),
        ("aaaaa", "GoalFormScreen"),
        ("PPPPP", "SuggestScreen"),
        ("ccccc", "CapacityScreen"),
        ("siiiii", "NoteScreen"),
    ],
)
async def test_a_dialog_key_typed_fast_opens_one_dialog(store, clock, keys, dialog):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        type_fast(app, list(keys))
        await pilot.pause()
        assert dialogs(app) == [dialog]
        await pilot.press("escape")
        await pilot.pause()
        assert dialogs(app) == [] and isinstance(app.screen, MainScreen)
        assert app.screen.check_action("add_goal", ()) is True  # the keys work again


@pytest.mark.parametrize(
    ("keys", "dialog"), [("nnnnn", "DayNoteScreen"), ("mmmmm", "ExportScreen")]
)
async def test_in_the_review_too(store, clock, keys, dialog, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        assert isinstance(app.screen, ReviewScreen)
        type_fast(app, list(keys))
        await pilot.pause()
        assert dialogs(app) == [dialog]

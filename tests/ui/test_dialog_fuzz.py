"""Sentences typed into every dialog stay in it (issue 12, trap 1 and its general rule).

For each dialog: seeded random sentences of printable ASCII (letters, digits, spaces and
every punctuation mark, ``+ - < > / ? [ ]`` included) are typed at once, as a fast typist
or a paste does. A dialog with a text field keeps all of it in the field, stays open and
changes nothing. A dialog without one (the confirmation, the break offer) may be answered by
a letter of the sentence (y / n / b): the store then holds exactly what that one key alone
would have saved, and the rest of the sentence reaches nothing.
Every dialog shows its own keys in its last line instead of the main screen's footer.
Reproduce one dialog alone: ``pytest tests/ui/test_dialog_fuzz.py -k confirm``.
"""

from __future__ import annotations

import random
import string
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import pytest
from textual.screen import Screen
from textual.widgets import Input, TextArea
from ui_helpers import SIZE, frozen_clock, make_app, screen_text, small_plan, tick, type_fast

from tui_microgoals.app import MicroGoalsApp
from tui_microgoals.core.oplog import GID
from tui_microgoals.core.store import Store
from tui_microgoals.screens.block_end import BlockEndScreen
from tui_microgoals.screens.break_offer import BreakOfferScreen
from tui_microgoals.screens.capacity import CapacityScreen
from tui_microgoals.screens.confirm import ConfirmScreen
from tui_microgoals.screens.day_note import DayNoteScreen
from tui_microgoals.screens.dialog_keys import KeyLine
from tui_microgoals.screens.goal_form import GoalFormScreen
from tui_microgoals.screens.note import NoteScreen
from tui_microgoals.screens.reward import RewardScreen
from tui_microgoals.screens.suggest import SuggestScreen

ALPHABET = string.ascii_letters + string.digits + string.punctuation + " "
SENTENCES = 4


def sentences(seed: int, count: int) -> list[str]:
    """The first holds every printable character once; the rest are random."""
    rng = random.Random(seed)
    every = list(ALPHABET)
    rng.shuffle(every)
    rest = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(8, 40))) for _ in range(count)]
    return ["".join(every), *rest]


@dataclass(frozen=True)
class Dialog:
    name: str
    keys: tuple[str, ...]  # what opens it from the main screen
    screen: type[Screen]
    minutes: int = 0  # then the clock moves on (a block runs out, a break is earned)
    then: tuple[str, ...] = ()  # and these keys open it
    text: bool = True  # starts in a text field
    answers: str = ""  # letters that answer it (dialogs without a text field)


DIALOGS = [
    Dialog("interruption-note", ("s", "i"), NoteScreen),
    Dialog("add-goal", ("a",), GoalFormScreen),
    Dialog("edit-goal", ("e",), GoalFormScreen),
    Dialog("capacity", ("c",), CapacityScreen),
    Dialog("day-note", ("r", "n"), DayNoteScreen),
    Dialog("reward", ("r", "g"), RewardScreen),
    Dialog("block-end", ("s",), BlockEndScreen, minutes=20),
    Dialog("suggested-plan", ("P",), SuggestScreen, text=False),
    Dialog(
        "confirm", ("tab", "down", "down", "down", "d"), ConfirmScreen, text=False, answers="yn"
    ),
    Dialog("break-offer", ("s",), BreakOfferScreen, 10, ("x",), text=False, answers="byn"),
]


def state(screens: list[Screen]) -> tuple[object, ...]:
    """What a stray key would change: each screen's focus and highlights, the filter."""
    state: list[object] = []
    for screen in screens:
        focused = screen.focused
        state.append((type(screen).__name__, focused.id if focused else None))
        for widget in screen.query("#today, #goals"):
            state.append(getattr(widget, "highlighted", None))
            node = getattr(widget, "cursor_node", None)
            state.append(node.data if node is not None else None)
        if hasattr(screen, "filter_text"):
            state.append((screen.filter_text, screen.show_done))
    return tuple(state)


async def with_dialog(dialog: Dialog, then: Callable[[MicroGoalsApp, object], Awaitable[None]]):
    """A fresh app on a small plan, the dialog open, then ``then(app, pilot)``."""
    clock = frozen_clock()
    store = Store.memory(clock)
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*dialog.keys)
        await pilot.pause()
        clock.advance(minutes=dialog.minutes)
        await pilot.press(*dialog.then)
        await tick(pilot)
        for _ in range(20):  # a dialog opens from a worker (which waits on it: not awaited)
            if isinstance(app.screen, dialog.screen):
                break
            await pilot.pause()
        assert isinstance(app.screen, dialog.screen), app.screen_stack
        await then(app, pilot)
    assert app._exception is None
    return store


@pytest.mark.parametrize("dialog", [d for d in DIALOGS if d.text], ids=lambda d: d.name)
async def test_a_sentence_typed_into_a_text_dialog_stays_in_its_field(dialog):
    async def type_sentences(app, pilot) -> None:
        shown = app.screen
        field = shown.focused
        assert isinstance(field, Input | TextArea), "a dialog with a text field starts in it"
        start = field.value if isinstance(field, Input) else field.text
        if isinstance(field, Input) and not field.selection.is_empty:
            start = ""  # a prefilled number (capacity) is selected: typing replaces it
        before, under = app.session.store.export(), state(app.screen_stack[:-1])
        keys = str(shown.query_one(KeyLine).render()).strip()
        assert screen_text(app).splitlines()[-1].strip() == keys  # its own footer
        typed = ""
        for sentence in sentences(len(dialog.name), SENTENCES):
            type_fast(app, list(sentence))
            await pilot.pause()
            typed += sentence
            assert app.screen is shown and shown.focused is field
            assert (field.value if isinstance(field, Input) else field.text) == start + typed
            assert app.session.store.export() == before
            assert state(app.screen_stack[:-1]) == under
        if dialog.screen is BlockEndScreen:
            return  # every answer of it saves: escape is "not done"
        await pilot.press("escape")
        await pilot.pause()
        assert shown not in app.screen_stack
        assert app.session.store.export() == before
        assert state(app.screen_stack) == under

    await with_dialog(dialog, type_sentences)


def answer(dialog: Dialog, sentence: str) -> str | None:
    """The key in the sentence that answers the dialog (the first one that does)."""
    return next((c for c in sentence if c in dialog.answers), None)


def without_gids(app: MicroGoalsApp) -> dict[str, object]:
    """The store's export less the global ids (random: each fresh database has its own)."""
    tables = app.session.store.export()["tables"]
    return {
        name: {key: {k: v for k, v in doc.items() if k != GID} for key, doc in table.items()}
        for name, table in tables.items()
    }


async def outcome(dialog: Dialog, typed: list[list[str]]) -> list[tuple[object, ...]]:
    """Before, and after typing each of ``typed`` at once into the dialog: the screens
    (with their focus and highlights, the dialog left out) and the store."""
    results: list[tuple[object, ...]] = []

    def look(app: MicroGoalsApp, shown: Screen) -> tuple[object, ...]:
        stack = app.screen_stack
        others = [s for s in stack if s is not shown]
        return [type(s).__name__ for s in stack], state(others), without_gids(app)

    async def type_them(app, pilot) -> None:
        shown = app.screen
        assert not isinstance(shown.focused, Input | TextArea)
        assert (
            screen_text(app).splitlines()[-1].strip()
            == str(shown.query_one(KeyLine).render()).strip()
        )  # its own footer
        results.append(look(app, shown))
        for keys in typed:
            type_fast(app, keys)
            await pilot.pause()
            await pilot.pause()  # what an answer leads to (a refresh, a toast) is drawn
            results.append(look(app, shown))

    await with_dialog(dialog, type_them)
    return results


@pytest.mark.parametrize("dialog", [d for d in DIALOGS if not d.text], ids=lambda d: d.name)
async def test_a_sentence_typed_into_a_dialog_without_a_field_does_only_its_answer(dialog):
    """Sentences that hold no answering letter are typed one after another into one dialog
    and change nothing; each that does is typed into a fresh one and must leave what that
    letter alone leaves."""
    typed = sentences(len(dialog.name), SENTENCES)
    quiet = [list(t) for t in typed if answer(dialog, t) is None]
    before, *after = await outcome(dialog, quiet)
    assert after == [before] * len(quiet)
    answered = [t for t in typed if answer(dialog, t) is not None][:2]
    expected: dict[str, tuple[object, ...]] = {}
    for sentence in answered:
        key = answer(dialog, sentence)
        assert key is not None
        if key not in expected:
            expected[key] = (await outcome(dialog, [[key]]))[1]
        assert (await outcome(dialog, [list(sentence)]))[1] == expected[key], sentence
        assert expected[key] != before  # the letter did answer it

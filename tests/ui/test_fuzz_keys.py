"""Keyboard fuzz: 10,000 seeded random keys and clicks through every screen and dialog.

Each seed is reproducible (``random.Random(seed)`` picks every key, click and clock move).
The clock moves forward, sometimes a long way (blocks run out, the end-of-block dialog
appears) and sometimes a little backwards. Every 500 keys the store must still satisfy its
invariants; at the end the app must not have died with an exception.
Reproduce one seed alone: ``pytest tests/ui/test_fuzz_keys.py -k 'seed-3'``.
"""

from __future__ import annotations

import os
import random
import unicodedata

import pytest
from textual import events
from textual.command import CommandPalette
from textual.keys import _character_to_key, _get_unicode_name_from_key
from ui_helpers import make_app, small_plan, tick

from tui_microgoals.app import MicroGoalsApp
from tui_microgoals.core import tree
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store
from tui_microgoals.screens.main import MainScreen

#: 8 seeds x 1,250 keys = 10,000 keys; the seeds run in parallel under xdist.
SEEDS = range(8)
KEYS_PER_SEED = 1_250
CHECK_EVERY = 500
#: Keys typed between two looks at the screen (a burst is drawn once).
BURST = int(os.environ.get("FUZZ_BURST", "12"))

#: Every key any screen binds, plus the keys widgets and dialogs react to.
MAP_KEYS = [
    *"sxpiXaetodfrhKJq?<>+/",
    "space",
    "shift+up",
    "shift+down",
    "tab",
    "shift+tab",
]
DIALOG_KEYS = ["d", "n", "b", "y", "+", "[", "]", "ctrl+s", "escape", "enter"]
MOVE_KEYS = ["up", "down", "left", "right", "home", "end", "pageup", "pagedown", "j", "k"]
TEXT = [
    "Write",
    "the intro",
    "15",
    "today",
    "tomorrow",
    "2026-13-45",
    "1, 2",
    "#3",
    "daily",
    "3/week",
    "[bold]x",
    "a [/] b",
    "[b",
    "[link=x]y",
    "€→ü",
    "中文",
    "👩‍💻",
    "e\u0301",
    "שלום",
]


def check_invariants(store: Store, clock: FixedClock) -> None:
    """A tree, no cycle, at most one running block, every reference valid."""
    goals = store.goals()
    assert tree.find_tree_problems(goals) == []
    assert sorted(g.id for g, _ in tree.walk(goals)) == sorted(goals)
    running = [b for b in store.blocks() if b.running]
    assert len(running) <= 1
    block = store.running_block()
    assert running == ([block] if block else [])
    if block is not None:
        assert block.goal in goals
    today = clock.today()
    for day in store.days().values():
        if day.date >= today:  # a delete cleans today and later; the past is history
            assert set(day.items) <= set(goals), day
            assert day.one_thing is None or day.one_thing in goals


def random_keys(rng: random.Random) -> tuple[list[str], bool]:
    """A burst of short runs of one kind, the way a person (or a cat) types.

    Returns the keys and whether to type them one at a time: the command palette is used
    at a person's pace, because Textual 8.2.8's palette has races of its own when keys
    arrive faster than its search (``pageup`` on an empty list raises ``KeyError``; its
    search worker queries ``CommandList`` after the palette closed). Those are upstream.
    """
    if rng.random() < 0.03:
        return ["ctrl+p", *rng.choice(["theme", "quit", "keys", "max", "done"]), "enter"], True
    keys: list[str] = []
    while len(keys) < BURST:
        kind = rng.random()
        if kind < 0.35:
            keys += [rng.choice(MAP_KEYS) for _ in range(rng.randint(1, 4))]
        elif kind < 0.55:
            keys += [rng.choice(MOVE_KEYS) for _ in range(rng.randint(1, 6))]
        elif kind < 0.75:
            keys += [rng.choice(DIALOG_KEYS) for _ in range(rng.randint(1, 3))]
        else:
            keys += [*rng.choice(TEXT), rng.choice(["enter", "tab", "ctrl+s", "escape", "space"])]
    return keys, False


def move_clock(rng: random.Random, clock: FixedClock) -> None:
    roll = rng.random()
    if roll < 0.1:
        clock.advance(seconds=-rng.randint(1, 120))  # set back a little
    elif roll < 0.25:
        clock.advance(minutes=rng.randint(5, 40))  # blocks run out
    else:
        clock.advance(seconds=rng.randint(0, 90))


def type_keys(app: MicroGoalsApp, keys: list[str]) -> None:
    """Queue a burst of keys at once, as a fast typist or a paste would.

    ``pilot.press`` waits for the app to go idle after every key, which costs ~30 ms of
    rendering each; a burst is drawn once. Keys are built the way ``pilot.press`` builds them.
    """
    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            char = unicodedata.lookup(_get_unicode_name_from_key(key))
        except KeyError:
            char = key if len(key) == 1 else None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)


async def fuzz(seed: int, store: Store, clock: FixedClock, keys: int) -> dict[str, int]:
    rng = random.Random(seed)
    app = make_app(store, clock)
    counts = {"keys": 0, "clicks": 0, "quits": 0, "checks": 0}

    async def no_quit() -> None:  # q and the palette's Quit would end the run early
        counts["quits"] += 1

    app.action_quit = no_quit  # type: ignore[method-assign]
    app.deliver_screenshot = lambda *a, **k: None  # type: ignore[method-assign]
    size = rng.choice([(80, 24), (120, 40)])
    async with app.run_test(size=size) as pilot:
        next_check = CHECK_EVERY
        while counts["keys"] < keys:
            burst, slowly = random_keys(rng)
            if slowly:
                await pilot.press(*burst)
                while isinstance(app.screen, CommandPalette):
                    await pilot.press("escape")
            else:
                type_keys(app, burst)
                await pilot.pause()
            counts["keys"] += len(burst)
            if rng.random() < 0.1:
                await pilot.click(offset=(rng.randrange(size[0]), rng.randrange(size[1])))
                counts["clicks"] += 1
            if rng.random() < 0.5:
                move_clock(rng, clock)
                if any(isinstance(s, MainScreen) for s in app.screen_stack):
                    await tick(pilot)
            if counts["keys"] >= next_check:
                check_invariants(store, clock)
                counts["checks"] += 1
                next_check += CHECK_EVERY
        check_invariants(store, clock)
    assert app._exception is None
    assert app.return_code in (None, 0)
    return counts


@pytest.mark.parametrize("seed", SEEDS, ids=lambda s: f"seed-{s}")
async def test_random_keys_never_crash_and_keep_the_store_sound(seed, tmp_path, clock, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the review's export key writes into the working folder
    # Half the seeds on the real file storage, half in memory.
    store = Store.open(tmp_path / "db.json", clock) if seed % 2 else Store.memory(clock)
    small_plan(store)
    store.add_goal("Tidy the desk", minutes=10, today=True)
    store.add_goal("Call the bank", minutes=5)
    counts = await fuzz(seed, store, clock, KEYS_PER_SEED)
    assert counts["keys"] >= KEYS_PER_SEED
    assert counts["checks"] >= KEYS_PER_SEED // CHECK_EVERY

"""Shared helpers for the Pilot tests: a frozen clock, a small plan, and the screen's text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pendulum
from textual.app import App

from tui_microgoals.app import MicroGoalsApp
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store

#: A Friday morning; UTC so the times on screen are the times in the test.
START = pendulum.datetime(2026, 11, 20, 9, 0, tz="UTC")
SIZE = (120, 40)


def frozen_clock() -> FixedClock:
    return FixedClock(START, "UTC")


@dataclass
class Plan:
    launch: int
    first: int
    second: int
    later: int


def small_plan(store: Store, first_title: str = "Write the intro") -> Plan:
    """A goal with three micro-goals, two of them on today's list."""
    launch = store.add_goal("Launch the newsletter")
    first = store.add_goal(first_title, parent=launch.id, minutes=15, today=True)
    second = store.add_goal("Pick a name", parent=launch.id, minutes=10, today=True)
    later = store.add_goal("Design the logo", parent=launch.id, minutes=20)
    return Plan(launch.id, first.id, second.id, later.id)


def make_app(store: Store, clock: FixedClock) -> MicroGoalsApp:
    return MicroGoalsApp(store, clock=clock, blink=False)


def screen_text(app: App) -> str:
    """What the top screen shows, as plain text (one line per terminal row)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text for strip in strips)


async def shown(pilot, wanted: Callable[[str], bool], rounds: int = 50) -> str:  # noqa: ANN001
    """The screen's text once ``wanted(text)`` holds, waiting on the app (bounded: a first
    frame can take a few refreshes under load); the last text if it never does."""
    text = screen_text(pilot.app)
    for _ in range(rounds):
        if wanted(text):
            break
        await pilot.pause()
        text = screen_text(pilot.app)
    return text


async def settled(pilot, rounds: int = 50) -> str:  # noqa: ANN001
    """The screen's text once its footer is drawn and a pause changes nothing more, waiting
    on the app (bounded): under load a new screen's footer is laid out a few refreshes
    after the screen itself."""
    text = screen_text(pilot.app)
    for _ in range(rounds):
        await pilot.pause()
        again = screen_text(pilot.app)
        if again == text and again.splitlines()[-1].strip():
            break
        text = again
    return text


async def tick(pilot) -> None:  # noqa: ANN001
    """Run the main screen's periodic check now instead of waiting half a second for it.

    The interval itself is exercised by the tests that wait for it (see test_restart_and_live).
    """
    from tui_microgoals.screens.main import MainScreen

    main = next(s for s in pilot.app.screen_stack if isinstance(s, MainScreen))
    main.tick()
    await pilot.pause()


def type_fast(app: App, keys: list[str] | str) -> None:
    """Queue keys all at once, as a fast typist or a paste does: each key is handled by
    whatever screen is on top when its turn comes, not when it was typed. (``pilot.press``
    waits for the app after every key, which hides that.) Keys are built as Pilot builds
    them, with the character itself for a printable one (Pilot gives ``+`` none);
    await ``pilot.pause()`` after."""
    import unicodedata

    from textual import events
    from textual.keys import _character_to_key, _get_unicode_name_from_key

    for typed in keys:
        key = _character_to_key(typed) if len(typed) == 1 and not typed.isalnum() else typed
        char: str | None = typed if len(typed) == 1 else None
        if char is None:
            try:
                char = unicodedata.lookup(_get_unicode_name_from_key(key))
            except KeyError:
                char = None
        event = events.Key(key, char)
        event.set_sender(app)
        app._driver.send_message(event)

"""Issue 13, finding 13: another process holds the writers' lock (stopped inside its write).

Before: each change waited for the lock on the event loop, up to 10 s, the screen frozen and
silent, and the start too. Now a change waits a moment only; then the wait moves to a thread,
the screen says who holds the lock and keeps answering keys, and the change is saved once the
lock is free, or refused with one line after the usual timeout, with what was typed kept.
"""

from __future__ import annotations

import os
import time
from contextlib import AbstractContextManager

from textual.widgets import Input
from ui_helpers import make_app, screen_text, small_plan

from tui_microgoals.core import journal
from tui_microgoals.core.store import Store
from tui_microgoals.screens.goal_form import GoalFormScreen
from tui_microgoals.screens.main import MainScreen
from tui_microgoals.widgets.goal_tree import GoalTree

HOLDER = f"microgoals process {os.getpid()} ("  # the lock is held from this process


def files(folder) -> dict[str, bytes]:  # noqa: ANN001
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def hold(path) -> AbstractContextManager[None]:  # noqa: ANN001
    """Take the lock as another writer would, and keep it until released."""
    held = journal.locked(str(path), 1.0)
    held.__enter__()
    return held


async def lock_waits_done(app) -> None:  # noqa: ANN001
    """Until the thread that waits for the lock is done (the dialogs' workers wait for
    their dialog, so not those)."""
    await app.workers.wait_for_complete([w for w in app.workers if w.group == "lock-wait"])


def release(held: AbstractContextManager[None]) -> None:
    held.__exit__(None, None, None)


async def test_a_change_waits_off_the_event_loop_and_is_saved_once_the_lock_is_free(
    tmp_path, clock, monkeypatch
):
    monkeypatch.setattr(journal, "LOCK_TIMEOUT_SECONDS", 60.0)  # never reached here
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    plan = small_plan(store)
    app = make_app(store, clock)
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        original = app.notify
        app.notify = lambda message, **kw: (notes.append(str(message)), original(message, **kw))  # type: ignore[method-assign]
        await pilot.pause()
        held = hold(path)
        try:
            before = files(tmp_path)
            await pilot.press("o")  # the One Thing: the highlighted first item
            await pilot.pause()
            waiting = [n for n in notes if n.startswith("Waiting for")]
            assert len(waiting) == 1 and HOLDER in waiting[0], notes
            assert "saved then" in waiting[0]
            await pilot.press("tab")  # the screen still answers keys
            await pilot.pause()
            assert isinstance(app.screen.focused, GoalTree)
            await pilot.press("tab", "down", "t")  # a second change waits behind the first
            await pilot.pause()
            assert files(tmp_path) == before  # nothing written while the lock is held
            assert store.storage.lock_timeout is not None
        finally:
            release(held)
        await lock_waits_done(app)
        await pilot.pause()
        listed = [(i.goal.id, i.one_thing) for i in store.today()]
        assert listed == [(plan.first, True)], listed  # "Pick a name" is off the list
        assert any(n.startswith("Off today's list") for n in notes), notes
    assert app._exception is None


async def test_a_dialog_whose_save_waits_keeps_its_text_and_saves_later(
    tmp_path, clock, monkeypatch
):
    monkeypatch.setattr(journal, "LOCK_TIMEOUT_SECONDS", 60.0)
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        held = hold(path)
        try:
            await pilot.press(*"Typed while locked", "ctrl+s")
            await pilot.pause()
            assert isinstance(app.screen, GoalFormScreen)
            line = str(app.screen.query_one("#form-error").render())
            assert "Waiting for" in line and HOLDER in line, line
            title = app.screen.query_one("#field-title", Input)
            await pilot.press("!")  # the dialog answers keys while the save waits
            assert title.value == "Typed while locked!"
            await pilot.press("ctrl+s")  # pressed again: still one save
        finally:
            release(held)
        await lock_waits_done(app)
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "Typed while locked" in screen_text(app)
    titles = [g.title for g in Store.open(path, clock).goals().values()]
    assert titles.count("Typed while locked!") + titles.count("Typed while locked") == 1, titles


async def test_a_lock_held_past_the_timeout_refuses_with_one_line_and_keeps_the_text(
    tmp_path, clock, monkeypatch
):
    monkeypatch.setattr(journal, "LOCK_TIMEOUT_SECONDS", 0.3)
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("e")
        await pilot.pause()
        title = app.screen.query_one("#field-title", Input)
        title.value = "Renamed while locked"
        held = hold(path)
        try:
            before = files(tmp_path)
            await pilot.press("ctrl+s")
            await lock_waits_done(app)  # the worker gives up after 0.3 s
            await pilot.pause()
            assert isinstance(app.screen, GoalFormScreen)
            assert title.value == "Renamed while locked"
            line = str(app.screen.query_one("#form-error").render())
            assert line.startswith("Not saved: ") and HOLDER in line and "Do not delete" in line
            assert "\n" not in line.strip()
            assert files(tmp_path) == before
        finally:
            release(held)
        await pilot.press("ctrl+s")  # free now: the same dialog saves
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert "Renamed while locked" in {g.title for g in Store.open(path, clock).goals().values()}


async def test_the_app_starts_at_once_while_the_lock_is_held(tmp_path, clock, monkeypatch):
    """The start claims the morning offer (a write): it no longer waits for the lock."""
    monkeypatch.setattr(journal, "LOCK_TIMEOUT_SECONDS", 30.0)
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    store.add_goal("Nothing planned yet", minutes=10)  # so the morning offer is due
    held = hold(path)
    try:
        app = make_app(store, clock)
        started = time.monotonic()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert "Nothing planned yet" in screen_text(app)
            assert time.monotonic() - started < 15  # (it waited 30 s before)
            await pilot.press("q")
    finally:
        release(held)
    assert app._exception is None

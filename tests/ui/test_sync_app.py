"""Sync in the app: on open, on a key and on quit, in the background; the status line says
how the last sync went; nothing at all when sync is not set up.

Two databases ("devices") share one temp folder, as Syncthing would keep it.
"""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from ui_helpers import make_app, screen_text, tick

from tui_microgoals import app as app_module
from tui_microgoals import syncing
from tui_microgoals.app import MicroGoalsApp
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.report import SUPERSEDED
from tui_microgoals.core.store import Store
from tui_microgoals.core.sync import Syncer


def device(
    tmp_path: Path, name: str, folder: Path, clock: FixedClock, *, plan: bool = True
) -> Store:
    """A database that syncs through ``folder``, with a goal on today's list (so that the
    morning's offer of a plan stays closed) unless not ``plan``."""
    (tmp_path / name).mkdir()
    store = Store.open(tmp_path / name / "db.json", clock)
    store.add_goal(f"Planned on the {name}", today=plan)
    Syncer(store).init(folder=folder)
    return store


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    shared = tmp_path / "shared"
    shared.mkdir()
    return shared


async def synced(pilot) -> None:  # noqa: ANN001
    """Wait for the sync that runs (started after the first frame), then let the main
    screen draw what it brought. (Only the sync's workers: a dialog's never ends.)"""
    await pilot.pause()
    for worker in [w for w in pilot.app.workers if w.group == syncing.GROUP]:
        await worker.wait()
    await tick(pilot)


def record_exits(app: MicroGoalsApp) -> list[str | None]:
    """What each ``app.exit`` says in the terminal after the app is gone."""
    said: list[str | None] = []
    real_exit = app.exit

    def exit(*args, message=None, **kwargs) -> None:  # noqa: ANN001, ANN002, ANN003
        said.append(None if message is None else str(message))
        real_exit(*args, message=message, **kwargs)

    app.exit = exit  # type: ignore[method-assign]
    return said


async def test_a_sync_on_open_brings_in_the_other_devices_goal(tmp_path, folder, clock):
    laptop = device(tmp_path, "laptop", folder, clock)
    desktop = device(tmp_path, "desktop", folder, clock)
    desktop.add_goal("Typed on the desktop", today=True)
    Syncer(desktop).run()
    laptop.add_goal("Typed on the laptop")
    app = make_app(laptop, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await synced(pilot)
        text = screen_text(app)
        assert "Typed on the desktop" in text
        assert "Typed on the laptop" in text
        assert "synced 09:00" in text
        assert "sync failed" not in text
    # And the laptop's goal went out: the desktop has it after its own sync.
    Syncer(desktop).run()
    titles = {g.title for g in desktop.goals().values()}
    assert {"Typed on the desktop", "Typed on the laptop"} <= titles


async def test_the_sync_key_brings_in_a_change_made_while_the_app_runs(tmp_path, folder, clock):
    laptop = device(tmp_path, "laptop", folder, clock)
    desktop = device(tmp_path, "desktop", folder, clock)
    app = make_app(laptop, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await synced(pilot)
        desktop.add_goal("Added on the desktop later")
        Syncer(desktop).run()
        await tick(pilot)
        assert "Added on the desktop later" not in screen_text(app)
        clock.advance(minutes=5)
        await pilot.press("y")
        await synced(pilot)
        text = screen_text(app)
        assert "Added on the desktop later" in text
        assert "synced 09:05" in text


async def test_a_failed_sync_is_shown_and_the_app_keeps_working(tmp_path, folder, clock):
    laptop = device(tmp_path, "laptop", folder, clock)
    app = make_app(laptop, clock)
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        real_notify = app.notify
        app.notify = lambda message, **kw: (notes.append(str(message)), real_notify(message, **kw))
        await synced(pilot)
        assert "synced 09:00" in screen_text(app)
        shutil.rmtree(folder)
        clock.advance(minutes=1)
        await pilot.press("y")
        await synced(pilot)
        text = screen_text(app)
        assert "sync failed 09:01: the sync folder is not there" in text
        # The whole line in a toast, once: the same failure again is not said again.
        said = [n for n in notes if n.startswith("Sync failed: ")]
        assert said == [f"Sync failed: the sync folder is not there: {folder}"]
        await pilot.press("y")
        await synced(pilot)
        assert len([n for n in notes if n.startswith("Sync failed: ")]) == 1
        # The app still works: a goal added by a key is saved and shown.
        await pilot.press("a")
        await pilot.press(*"Still works")
        await pilot.press("enter")
        await pilot.pause()
        await tick(pilot)
        assert "Still works" in screen_text(app)
        assert any(
            g.title == "Still works" for g in Store.open(laptop.path, clock).goals().values()
        )


async def test_a_superseded_value_is_said_in_a_toast(tmp_path, folder, clock):
    laptop = device(tmp_path, "laptop", folder, clock)
    desktop = device(tmp_path, "desktop", folder, clock, plan=False)  # (no plan to merge)
    goal = laptop.add_goal("Draft")
    Syncer(laptop).run()
    Syncer(desktop).run()
    laptop.edit_goal(goal.id, title="Draft on the laptop")
    clock.advance(minutes=1)
    # (Its own short number: the two machines number their goals each in turn.)
    on_desktop = next(g.id for g in desktop.goals().values() if g.title == "Draft")
    desktop.edit_goal(on_desktop, title="Draft on the desktop")
    Syncer(desktop).run()
    notes: list[str] = []
    app = make_app(laptop, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        real_notify = app.notify
        app.notify = lambda message, **kw: (notes.append(str(message)), real_notify(message, **kw))
        await synced(pilot)
        assert "Draft on the desktop" in screen_text(app)
        assert "1 value was superseded by another device's: see the review (r)" in notes
        # The review of the day lists it (and the day before, with none, does not).
        await pilot.press("r")
        await pilot.pause()
        text = screen_text(app)
        assert SUPERSEDED in text
        assert 'title: "Draft on the laptop" from' in text
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert SUPERSEDED not in screen_text(app)


async def test_quit_waits_for_the_last_sync_and_sends_what_changed(
    tmp_path, folder, clock, monkeypatch
):
    monkeypatch.setattr(app_module, "QUIT_SECONDS", 600)  # (a loaded machine: still in time)
    laptop = device(tmp_path, "laptop", folder, clock)
    desktop = device(tmp_path, "desktop", folder, clock)
    app = make_app(laptop, clock)
    exits = record_exits(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await synced(pilot)
        await pilot.press("a")
        await pilot.press(*"Added just before quitting")
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("q")
        assert app.quit_worker is not None
        await app.quit_worker.wait()
    assert exits == [None]  # nothing to say: it all went out
    Syncer(desktop).run()
    assert "Added just before quitting" in {g.title for g in desktop.goals().values()}


async def test_quit_does_not_hang_on_a_sync_that_never_ends(tmp_path, folder, clock, monkeypatch):
    laptop = device(tmp_path, "laptop", folder, clock)
    hung = threading.Event()
    release = threading.Event()

    def never_ends(self) -> None:  # noqa: ANN001
        hung.set()
        release.wait()
        raise RuntimeError("released")

    monkeypatch.setattr(Syncer, "run", never_ends)
    monkeypatch.setattr(app_module, "QUIT_SECONDS", 0.05)
    app = make_app(laptop, clock)
    exits = record_exits(app)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert app.session.sync.running
            await tick(pilot)
            assert "syncing…" in screen_text(app)
            await pilot.press("q")
            # The quit gives up after its bound (the sync's own worker never ends).
            assert app.quit_worker is not None
            await app.quit_worker.wait()
            assert not app.is_running
        assert hung.is_set()
        assert len(exits) == 1
        assert "nothing is lost, your changes go out with the next sync" in str(exits[0])
    finally:
        release.set()


async def test_q_twice_quits_at_once_during_the_last_sync(tmp_path, folder, clock, monkeypatch):
    laptop = device(tmp_path, "laptop", folder, clock)
    release = threading.Event()
    monkeypatch.setattr(Syncer, "run", lambda self: release.wait())
    monkeypatch.setattr(app_module, "QUIT_SECONDS", 600)  # only the second q ends it
    app = make_app(laptop, clock)
    exits = record_exits(app)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("q")
            await pilot.pause()
            assert app.is_running and not exits  # waits for the sync
            await pilot.press("q")
            await pilot.pause()
            assert not app.is_running
        assert len(exits) == 1
        assert "nothing is lost" in str(exits[0])
    finally:
        release.set()


async def test_no_sync_runs_when_sync_is_not_set_up(tmp_path, clock, monkeypatch):
    def no(self) -> None:  # noqa: ANN001
        raise AssertionError("no sync without a set-up")

    monkeypatch.setattr(Syncer, "run", no)
    monkeypatch.setattr(syncing, "_in_daemon_thread", no)
    (tmp_path / "only").mkdir()
    store = Store.open(tmp_path / "only" / "db.json", clock)
    store.add_goal("Alone", today=True)
    app = make_app(store, clock)
    exits = record_exits(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await tick(pilot)
        assert not app.session.sync.running
        assert "sync" not in screen_text(app).split("\n")[-2]
        await pilot.press("y")
        await pilot.pause()
        assert not [w for w in app.workers if w.group == syncing.GROUP]
        await pilot.press("q")
        assert not app.is_running  # at once: no last sync
    assert exits == [None]
    assert not (tmp_path / "only" / "db.sync").exists()


async def test_a_last_sync_that_fails_quits_at_once_and_says_nothing_is_lost(
    tmp_path, folder, clock
):
    laptop = device(tmp_path, "laptop", folder, clock)
    app = make_app(laptop, clock)
    exits = record_exits(app)
    async with app.run_test(size=(120, 40)) as pilot:
        await synced(pilot)
        shutil.rmtree(folder)
        await pilot.press("q")
        assert app.quit_worker is not None
        await app.quit_worker.wait()
        assert not app.is_running
    assert len(exits) == 1
    assert "did not go through before quitting: nothing is lost" in str(exits[0])

"""Issue 13, finding 13: another process holds the writers' lock (stopped inside its write).

Before: each change waited for the lock on the event loop, up to 10 s, the screen frozen and
silent, and the start too. Now a change waits a moment only; then the wait moves to a thread,
the screen says who holds the lock and keeps answering keys, and the change is saved once the
lock is free, or refused with one line after the usual timeout, with what was typed kept.
"""

from __future__ import annotations

import os
import threading
import time
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
from textual.widgets import Input
from ui_helpers import make_app, screen_text, small_plan, tick

from tui_microgoals.core import journal
from tui_microgoals.core.demo import build_demo
from tui_microgoals.core.store import Store
from tui_microgoals.saving import WAIT_GROUP
from tui_microgoals.screens.break_offer import BreakOfferScreen
from tui_microgoals.screens.capacity import CapacityScreen
from tui_microgoals.screens.day_note import DayNoteScreen
from tui_microgoals.screens.goal_form import GoalFormScreen
from tui_microgoals.screens.main import MainScreen
from tui_microgoals.screens.review import ReviewScreen
from tui_microgoals.screens.reward import RewardScreen
from tui_microgoals.screens.suggest import SuggestScreen
from tui_microgoals.widgets.goal_tree import GoalTree

HOLDER = f"microgoals process {os.getpid()} ("  # the lock is held from this process


def files(folder) -> dict[str, bytes]:  # noqa: ANN001
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def hold(path) -> AbstractContextManager[None]:  # noqa: ANN001
    """Take the lock as another writer would, and keep it until released."""
    held = journal.locked(str(path), 1.0)
    held.__enter__()
    return held


async def workers_done(app, group: str) -> None:  # noqa: ANN001
    """Until the app's workers of ``group`` are done (Textual waits for all of them when
    given none)."""
    workers = [w for w in app.workers if w.group == group]
    if workers:
        await app.workers.wait_for_complete(workers)


async def lock_waits_done(app) -> None:  # noqa: ANN001
    """Until the thread that waits for the lock is done (the dialogs' workers wait for
    their dialog, so not those)."""
    await workers_done(app, WAIT_GROUP)


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
            await workers_done(app, "dialog")
            assert app.session.saver.queue  # the morning offer's claim waits: not the user's
            await pilot.press("q")  # so q quits at once
            await pilot.pause()
            assert not app.is_running
    finally:
        release(held)
    assert app._exception is None


# -- every write path of the app waits for the lock, then saves ---------------------------
# Each test: another writer holds the lock while the user makes the change; nothing is
# written meanwhile and the screen says who holds it; once the lock is released the change
# lands. (Before, with the app's 0.05 s try, each of these failed at once or was dropped.)


def record(app) -> list[str]:  # noqa: ANN001
    """The app's notifications from now on, as text (kept: toasts expire on the real clock)."""
    notes: list[str] = []
    original = app.notify

    def notify(message, **kw):  # noqa: ANN001, ANN003, ANN202
        notes.append(str(message))
        return original(message, **kw)

    app.notify = notify
    return notes


def waited(notes: list[str]) -> bool:
    return any(n.startswith("Waiting for") and HOLDER in n for n in notes)


@pytest.fixture
def db(tmp_path, monkeypatch):  # noqa: ANN001, ANN201
    monkeypatch.setattr(journal, "LOCK_TIMEOUT_SECONDS", 60.0)  # never reached here
    return tmp_path / "db.json"


async def test_the_review_day_note_waits_and_is_saved(db, clock):
    store = Store.open(db, clock)
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        notes = record(app)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, DayNoteScreen)
        held = hold(db)
        try:
            await pilot.press(*"Slow day", "ctrl+s")
            await pilot.pause()
            assert waited(notes), notes
            assert Store.open(db, clock).day(clock.today()).note == ""
        finally:
            release(held)
        await lock_waits_done(app)
        await pilot.pause()
        assert "Note saved" in notes
        assert "Slow day" in screen_text(app)
    assert Store.open(db, clock).day(clock.today()).note == "Slow day"


async def test_the_review_dismissal_and_reward_wait_and_are_saved(db, clock):
    store = Store.open(db, clock)
    build_demo(store)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        notes = record(app)
        await pilot.press("r")
        await pilot.pause()
        dismissed = store.review().suggestions[0]
        held = hold(db)
        try:
            await pilot.press("x")
            await pilot.pause()
            await pilot.press("g")
            await pilot.pause()
            assert isinstance(app.screen, RewardScreen)  # keys still work while it waits
            await pilot.press("shift+tab", "backspace", "3", "tab", *"a walk", "enter")
            await pilot.pause()
            assert waited(notes), notes
        finally:
            release(held)
        await lock_waits_done(app)
        await pilot.pause()
        assert any(n.startswith("Dismissed for a week") for n in notes), notes
        assert "After every 3 micro-goals: a walk" in notes
    fresh = Store.open(db, clock)
    assert dismissed.id not in [s.id for s in fresh.review().suggestions]
    assert (fresh.settings()["reward_every"], fresh.settings()["reward"]) == (3, "a walk")


async def test_accepting_the_suggested_plan_waits_and_is_saved(db, clock):
    store = Store.open(db, clock)
    launch = store.add_goal("Launch the newsletter")
    steps = [store.add_goal(t, parent=launch.id, minutes=10).id for t in ("One", "Two")]
    store.claim_morning_nudge()  # only P offers it
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        notes = record(app)
        held = hold(db)
        try:
            await pilot.press("P")  # the suggestion is read without the lock
            await pilot.pause()
            assert isinstance(app.screen, SuggestScreen), notes
            await pilot.press("enter")
            await pilot.pause()
            assert waited(notes), notes
            assert isinstance(app.screen, MainScreen)
            assert Store.open(db, clock).today() == []
        finally:
            release(held)
        await lock_waits_done(app)
        await pilot.pause()
        assert "Planned 2 more item(s) for today" in notes
    assert [i.goal.id for i in Store.open(db, clock).today()] == steps


async def test_the_capacity_waits_and_is_saved(db, clock):
    store = Store.open(db, clock)
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        notes = record(app)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, CapacityScreen)
        held = hold(db)
        try:
            await pilot.press(*["backspace"] * 3, "9", "0", "enter")
            await pilot.pause()
            assert waited(notes), notes
            assert Store.open(db, clock).settings()["capacity"] == 120
        finally:
            release(held)
        await lock_waits_done(app)
        await pilot.pause()
        assert "Capacity set to 90 min a day" in notes
    assert Store.open(db, clock).settings()["capacity"] == 90


async def test_the_morning_offer_waits_for_the_lock_then_is_offered_once(db, clock):
    store = Store.open(db, clock)
    launch = store.add_goal("Launch the newsletter")
    store.add_goal("One", parent=launch.id, minutes=10)
    held = hold(db)
    try:
        app = make_app(store, clock)
        notes = record(app)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)  # painted, not waiting for the lock
            assert "Launch the newsletter" in screen_text(app)
            # The offer's worker has read the suggestion and asked to claim it (no dialog yet).
            await workers_done(app, "dialog")
            assert app.session.saver.waiting  # the claim of the offer waits
            assert notes == []  # no error (the suggestion is read without the lock), no toast
            release(held)
            held = None
            await lock_waits_done(app)
            await pilot.pause()
            assert isinstance(app.screen, SuggestScreen)
            assert "Nothing planned yet today" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
    finally:
        if held is not None:
            release(held)
    assert Store.open(db, clock).claim_morning_nudge() is False  # claimed: not offered again


async def test_taking_a_break_waits_and_the_break_is_kept(db, clock):
    store = Store.open(db, clock)
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        notes = record(app)
        await pilot.press("s")
        clock.advance(minutes=20)
        await tick(pilot)
        await pilot.press("enter")  # done
        await pilot.pause()
        assert isinstance(app.screen, BreakOfferScreen)
        ends = clock.now().add(minutes=5)
        held = hold(db)
        try:
            await pilot.press("b")
            await pilot.pause()
            assert waited(notes), notes
            assert "Break" in screen_text(app)  # the break runs from memory meanwhile
            assert Store.open(db, clock).break_until() is None
        finally:
            release(held)
        await lock_waits_done(app)
        await pilot.pause()
    assert Store.open(db, clock).break_until() == ends


async def test_the_theme_waits_and_is_remembered(db, clock):
    store = Store.open(db, clock)
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        notes = record(app)
        await pilot.pause()
        held = hold(db)
        try:
            app.theme = "nord"  # as the palette's theme picker does
            await pilot.pause()
            assert waited(notes), notes
        finally:
            release(held)
        await lock_waits_done(app)
    assert Store.open(db, clock).settings().get("theme") == "nord"


async def test_quitting_while_the_lock_is_held_does_not_hang_and_loses_nothing(db, clock):
    """The fold at quit is tidying only: tried a moment, then left (the journal is as
    durable as the main file)."""
    store = Store.open(db, clock)
    store.add_goal("first")  # a new file: written whole
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        store.add_goal("second")  # one line in the journal
        await pilot.pause()
        held = hold(db)
        main_file = db.read_bytes()
        started = time.monotonic()
        await pilot.press("q")
    try:
        assert time.monotonic() - started < 30  # the usual timeout here: 60 s
        assert db.read_bytes() == main_file  # not folded
        assert Path(f"{db}.journal").exists()
    finally:
        release(held)
    assert [g.title for g in Store.open(db, clock).goals().values()] == ["first", "second"]


async def test_quit_with_a_change_waiting_for_the_lock_warns_once(db, clock):
    store = Store.open(db, clock)
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        notes = record(app)
        await pilot.pause()
        held = hold(db)
        try:
            assert store.day(clock.today()).one_thing is None
            await pilot.press("o")  # the first item as the One Thing: waits for the lock
            await pilot.pause()
            await pilot.press("q")
            await pilot.pause()
            assert "1 change(s) still wait for the lock: q again quits without them" in notes
            assert app.is_running
        finally:
            release(held)
        await lock_waits_done(app)
        await pilot.pause()
        assert app.session.saver.queue == []
    assert Store.open(db, clock).day(clock.today()).one_thing == plan.first


async def test_a_dialog_saved_behind_a_waiting_change_says_so_and_saves_after_it(db, clock):
    """Found in tmux: ctrl+s in a form while another change already waited said nothing."""
    store = Store.open(db, clock)
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        held = hold(db)
        try:
            await pilot.press("o")  # waits for the lock
            await pilot.pause()
            await pilot.press("a")
            await pilot.pause()
            assert isinstance(app.screen, GoalFormScreen)
            await pilot.press(*"Queued", "ctrl+s")
            await pilot.pause()
            line = str(app.screen.query_one("#form-error").render())
            assert "Waiting for" in line and HOLDER in line, line
        finally:
            release(held)
        await lock_waits_done(app)
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    fresh = Store.open(db, clock)
    assert fresh.day(clock.today()).one_thing == plan.first
    assert [g.title for g in fresh.goals().values()].count("Queued") == 1


async def test_a_dialog_cancelled_while_its_save_waits_is_not_saved(db, clock):
    store = Store.open(db, clock)
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        held = hold(db)
        try:
            await pilot.press(*"Changed my mind", "ctrl+s")
            await pilot.pause()
            assert app.session.saver.waiting
            await pilot.press("escape")
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            assert app.session.saver.queue == []
        finally:
            release(held)
        await lock_waits_done(app)
        await pilot.pause()
        assert not app.session.saver.waiting
    assert "Changed my mind" not in [g.title for g in Store.open(db, clock).goals().values()]


async def test_a_note_refused_after_the_timeout_is_said_back(tmp_path, clock, monkeypatch):
    """The note's dialog has closed by then: the one line gives back what was typed."""
    monkeypatch.setattr(journal, "LOCK_TIMEOUT_SECONDS", 0.3)
    db = tmp_path / "db.json"
    store = Store.open(db, clock)
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        notes = record(app)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        held = hold(db)
        try:
            await pilot.press(*"Hard to keep", "ctrl+s")
            await lock_waits_done(app)  # the worker gives up after 0.3 s
            await pilot.pause()
        finally:
            release(held)
        refused = [n for n in notes if "has held" in n]
        assert len(refused) == 1, notes
        assert HOLDER in refused[0] and "Do not delete" in refused[0]
        assert refused[0].endswith("(the note was: Hard to keep)")
    assert Store.open(db, clock).day(clock.today()).note == ""


async def test_quitting_ends_the_wait_for_the_lock(db, clock):
    """q twice with a change waiting: the app goes, and so does the thread that waited (the
    process stayed, blank, until the lock was free or the wait timed out)."""
    store = Store.open(db, clock)
    small_plan(store)
    ended = threading.Event()
    wait_for_lock = store.storage.wait_for_lock

    def waits(cancelled=None):  # noqa: ANN001, ANN202
        try:
            wait_for_lock(cancelled)
        finally:
            ended.set()

    store.storage.wait_for_lock = waits  # type: ignore[method-assign]
    app = make_app(store, clock)
    held = hold(db)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            await pilot.press("o")  # waits for the lock
            await pilot.pause()
            assert app.session.saver.waiting
            await pilot.press("q", "q")  # warned, then quit without it
        assert ended.wait(timeout=30)  # the usual timeout here: 60 s
    finally:
        release(held)
    assert Store.open(db, clock).day(clock.today()).one_thing is None  # as the warning said

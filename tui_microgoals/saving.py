"""Changes to the store that never freeze the screen while another process holds the lock.

A change runs on the event loop, as every store call does (the store is not shared with
threads), but waits only a moment for the writers' lock. Held longer (another process
stopped inside its write, say), the wait moves to a thread worker, which touches nothing but
the lock; once the lock is free, the change runs again on the event loop. What waits is kept
in order: a change made meanwhile is saved after it. The screen says who holds the lock.

Every write the app makes goes through ``Saver.save`` (a screen's ``_apply``): a store call
made directly would fail at once while the lock is held, after ``TRY_SECONDS``. A change
that waited is run again whole, so each is one store call (one transaction), or harmless
to repeat.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual.app import App
from textual.screen import Screen
from textual.worker import get_current_worker

from tui_microgoals.core.errors import LockTimeout, MicrogoalsError
from tui_microgoals.core.store import Store

#: How long a change waits for the lock on the event loop before waiting in a thread.
TRY_SECONDS = 0.05
#: The group of the thread worker that waits for the lock (tests wait on it).
WAIT_GROUP = "lock-wait"


def waiting_line(holder: str) -> str:
    return f"Waiting for {holder} to finish: the change is saved then"


def nothing(_result: object) -> None:
    """Nothing more to do once saved (what was changed already shows), or refused (a
    break's end: the break runs from memory until the app closes)."""


@dataclass
class _Change:
    run: Callable[[], Any]
    done: Callable[[Any], object]
    failed: Callable[[MicrogoalsError], object]
    waiting: Callable[[str], object] | None


@dataclass
class Saver:
    store: Store
    #: The app whose workers wait and whose notifications say so (set by ``MicroGoalsApp``).
    app: App[Any] | None = None
    queue: list[_Change] = field(default_factory=list)
    #: A thread waits for the lock: nothing runs until it is back.
    waiting: bool = False
    _running: bool = field(default=False, repr=False)
    _line: str = field(default="", repr=False)  # what says who holds the lock

    def __post_init__(self) -> None:
        self.store.storage.lock_timeout = TRY_SECONDS

    def save(
        self,
        run: Callable[[], Any],
        done: Callable[[Any], object],
        failed: Callable[[MicrogoalsError], object],
        waiting: Callable[[str], object] | None = None,
    ) -> object:
        """Run ``run`` now, or after what already waits; then ``done(result)``, or
        ``failed(error)`` (a refusal, or the lock still held after the usual timeout).
        ``waiting(line)`` says who holds the lock (by default, a notification). A change
        saved from ``done`` runs after it, in order. Returns the change, for ``queued``
        and ``withdraw``."""
        change = _Change(run, done, failed, waiting)
        self.queue.append(change)
        if self.waiting:  # behind a change that waits: said too (a dialog stays open)
            self._say(change, self._line)
        elif not self._running:
            self._run()
        return change

    def users_waiting(self) -> int:
        """How many of the changes that wait are the user's: not those saved quietly
        (``waiting=nothing``: the morning offer's claim, which the app makes itself)."""
        return sum(1 for c in self.queue if c.waiting is not nothing)

    def queued(self, change: object) -> bool:
        """Whether ``change`` still waits to be saved."""
        return any(c is change for c in self.queue)

    def withdraw(self, change: object) -> None:
        """Not saved after all (its dialog was cancelled while it waited): safe, as what
        waits has changed nothing yet."""
        self.queue = [c for c in self.queue if c is not change]

    def apply(
        self,
        screen: Screen[Any],
        run: Callable[[], Any],
        redraw: Callable[[], object],
        then: Callable[[Any], object] | None,
        failed: Callable[[MicrogoalsError], object],
        waiting: Callable[[str], object] | None = None,
    ) -> None:
        """A screen's change: once saved, ``redraw()`` then ``then(result)``, unless the
        screen closed meanwhile (the screen below redraws itself when it shows again)."""

        def done(result: Any) -> None:
            if not screen.is_attached:
                return
            redraw()
            if then is not None:
                then(result)

        self.save(run, done, failed, waiting)

    def _run(self) -> None:
        """The changes in order, each run once to its end: a change is run again only
        after a ``LockTimeout``, which the storage raises before it changes anything."""
        assert self.app is not None, "MicroGoalsApp sets the saver's app"
        self._running = True
        try:
            while self.queue and not self.waiting:
                change = self.queue[0]
                try:
                    result = change.run()
                except LockTimeout as error:
                    self._wait_in_thread(change, error.holder)
                    return
                except MicrogoalsError as error:
                    self.queue.pop(0)
                    change.failed(error)
                    continue
                self.queue.pop(0)
                change.done(result)
        finally:
            self._running = False

    def _wait_in_thread(self, change: _Change, holder: str) -> None:
        assert self.app is not None
        self.waiting = True
        self._line = waiting_line(holder)
        self._say(change, self._line)
        self.app.run_worker(self._wait, thread=True, group=WAIT_GROUP, description="lock")

    def _say(self, change: _Change, line: str) -> None:
        assert self.app is not None
        if change.waiting is not None:
            change.waiting(line)
        else:
            self.app.notify(line, severity="warning", markup=False)

    def _wait(self) -> None:
        """In a thread: wait for the lock, then go on with the queue on the event loop.
        The app quitting cancels the worker, which ends the wait (the process would
        otherwise stay, blank, until the lock is free or the wait times out)."""
        assert self.app is not None
        worker = get_current_worker()
        try:
            self.store.storage.wait_for_lock(lambda: worker.is_cancelled)
        except MicrogoalsError as error:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._give_up, error)
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._resume)

    def _resume(self) -> None:
        self.waiting = False
        self._run()

    def _give_up(self, error: MicrogoalsError) -> None:
        """The lock still held after the usual timeout: every waiting change is refused
        (each says so: a dialog keeps its text)."""
        self.waiting = False
        waited, self.queue = self.queue, []
        for change in waited:
            change.failed(error)

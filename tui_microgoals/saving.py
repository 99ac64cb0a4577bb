"""Changes to the store that never freeze the screen while another process holds the lock.

A change runs on the event loop, as every store call does (the store is not shared with
threads), but waits only a moment for the writers' lock. Held longer (another process
stopped inside its write, say), the wait moves to a thread worker, which touches nothing but
the lock; once the lock is free, the change runs again on the event loop. What waits is kept
in order: a change made meanwhile is saved after it. The screen says who holds the lock.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from textual.app import App

from tui_microgoals.core.errors import LockTimeout, MicrogoalsError
from tui_microgoals.core.store import Store

#: How long a change waits for the lock on the event loop before waiting in a thread.
TRY_SECONDS = 0.05


def waiting_line(holder: str) -> str:
    return f"Waiting for {holder} to finish: the change is saved then"


@dataclass
class _Change:
    run: Callable[[], Any]
    done: Callable[[Any], object]
    failed: Callable[[MicrogoalsError], object]
    waiting: Callable[[str], object] | None


@dataclass
class Saver:
    store: Store
    queue: list[_Change] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.store.storage.lock_timeout = TRY_SECONDS

    @property
    def waits(self) -> bool:
        return bool(self.queue)

    def save(
        self,
        app: App[Any],
        run: Callable[[], Any],
        done: Callable[[Any], object],
        failed: Callable[[MicrogoalsError], object],
        waiting: Callable[[str], object] | None = None,
    ) -> None:
        """Run ``run`` now, or after what already waits; then ``done(result)``, or
        ``failed(error)`` (a refusal, or the lock still held after the usual timeout).
        ``waiting(line)`` says who holds the lock (by default, a notification)."""
        self.queue.append(_Change(run, done, failed, waiting))
        if len(self.queue) == 1:
            self._run(app)

    def _run(self, app: App[Any]) -> None:
        while self.queue:
            change = self.queue[0]
            try:
                result = change.run()
            except LockTimeout as error:
                line = waiting_line(error.holder)
                if change.waiting is not None:
                    change.waiting(line)
                else:
                    app.notify(line, severity="warning", markup=False)
                app.run_worker(lambda: self._wait(app), thread=True, group="lock-wait")
                return
            except MicrogoalsError as error:
                self.queue.pop(0)
                change.failed(error)
                continue
            self.queue.pop(0)
            change.done(result)

    def _wait(self, app: App[Any]) -> None:
        """In a thread: wait for the lock, then go on with the queue on the event loop."""
        try:
            self.store.storage.wait_for_lock()
        except MicrogoalsError as error:
            app.call_from_thread(self._give_up, error)
            return
        app.call_from_thread(self._run, app)

    def _give_up(self, error: MicrogoalsError) -> None:
        waited, self.queue = self.queue, []
        for change in waited:
            change.failed(error)

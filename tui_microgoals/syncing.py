"""Sync in the app: on open, every few minutes, on a key, and once more on quit.

A sync may take seconds (git over the network) or hang (a dead network): it never runs in
a key's handler. It runs in a daemon thread, on a ``Store`` of its own opened on the same
file (the Store is not shared with threads): to the app's store it is another process,
whose write the file lock serialises and the main screen's ``tick`` picks up and draws, as
it does a change made in a shell. A daemon thread, not a Textual thread worker: those run in
the event loop's executor, which the interpreter waits for on exit, so a hung sync would
keep the process alive after a quit. An async worker (group ``sync``) awaits the thread,
so tests wait for it as for any worker.

What the status line says comes from ``SyncLine``, which the main screen reads on its tick.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pendulum import DateTime
from textual.app import App

from tui_microgoals.core.clock import Clock
from tui_microgoals.core.errors import MicrogoalsError
from tui_microgoals.core.store import Store

if TYPE_CHECKING:
    from tui_microgoals.core.sync import SyncReport

#: How often the app syncs while it runs.
SYNC_EVERY_SECONDS = 5 * 60
#: How long a quit waits for its last sync before quitting anyway.
QUIT_SECONDS = 4.0
#: The group of the workers that await a sync (tests wait on it).
GROUP = "sync"
#: An error longer than this is cut on the status line (``microgoals sync --status`` has it).
ERROR_CHARS = 60


@dataclass(frozen=True)
class SyncLine:
    """What the status line says about sync: nothing until the first sync starts."""

    running: bool = False
    at: DateTime | None = None
    error: str | None = None

    @property
    def failed(self) -> bool:
        return self.error is not None and not self.running

    def text(self, tz: str) -> str | None:
        if self.running:
            return "syncing…"
        if self.at is None:
            return None
        when = self.at.in_timezone(tz).format("HH:mm")
        if self.error is None:
            return f"synced {when}"
        error = self.error if len(self.error) <= ERROR_CHARS else self.error[:ERROR_CHARS] + "…"
        return f"sync failed {when}: {error}"


def superseded_toast(report: SyncReport) -> str | None:
    n = len(report.superseded)
    if not n:
        return None
    were = "value was" if n == 1 else "values were"
    return f"{n} {were} superseded by another device's: see the review (r)"


def sync_once(path: Path, clock: Clock) -> SyncReport:
    """One sync, on a store of its own (see the module docstring). Runs in a thread."""
    from tui_microgoals.core.sync import Syncer

    store = Store.open(path, clock)
    store.actor = "sync"
    return Syncer(store).run()


def _in_daemon_thread(run: Callable[[], Any]) -> asyncio.Future[Any]:
    """``run()`` in a daemon thread; its result (or error) in the future on this loop."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()
    # Its error is said by the worker that awaits it; when none does any more (the app
    # quit), it is dropped without asyncio's "never retrieved".
    future.add_done_callback(lambda done: done.cancelled() or done.exception())

    def settle(error: BaseException | None, result: Any) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def main() -> None:
        try:
            result, error = run(), None
        except BaseException as caught:  # handed to the loop, which says it
            result, error = None, caught
        with contextlib.suppress(RuntimeError):  # the app quit meanwhile: nothing waits
            loop.call_soon_threadsafe(settle, error, result)

    threading.Thread(target=main, name="microgoals-sync", daemon=True).start()
    return future


class AppSync:
    """The app's syncs: at most one at a time; nothing at all when sync is not set up."""

    def __init__(self, store: Store, clock: Clock) -> None:
        #: The app whose workers await the syncs (set by ``MicroGoalsApp``).
        self.app: App[Any] | None = None
        self.store = store
        self.clock = clock
        self.line = SyncLine()
        self._running: asyncio.Future[Any] | None = None

    def set_up(self) -> bool:
        """Read each time: ``microgoals sync init`` in a shell starts the app's syncs."""
        if self.store.path is None:
            return False
        # (Imported here: the sync modules cost ~20 ms at start-up, for nothing without sync.)
        from tui_microgoals.core.sync import setup_of

        try:
            return setup_of(self.store) is not None
        except MicrogoalsError:  # the main screen says what is wrong with the file
            return False

    @property
    def running(self) -> bool:
        return self._running is not None and not self._running.done()

    def start(self) -> bool:
        """A sync now, in the background (not when one runs already). Whether one runs."""
        if self.running:
            return True
        if self.app is None or not self.set_up():
            return False
        self.app.run_worker(self._sync(), group=GROUP, description="sync")
        return True

    def _begin(self) -> asyncio.Future[Any]:
        path, clock = self.store.path, self.clock
        assert path is not None
        self.line = replace(self.line, running=True)
        self._running = _in_daemon_thread(lambda: sync_once(path, clock))
        return self._running

    async def _sync(self) -> None:
        running, before = self._begin(), self.line.error
        try:
            report = await asyncio.shield(running)
        except Exception as error:  # a bug in a sync must not end the app either: said
            line = str(error).splitlines()[0] if str(error) else type(error).__name__
            if not isinstance(error, MicrogoalsError):
                line = f"{type(error).__name__}: {line}"
            self.line = SyncLine(at=self.clock.now(), error=line)
            if line != before and self.app is not None:  # whole, once (offline: not again)
                self.app.notify(f"Sync failed: {line}", severity="warning", markup=False)
            return
        self.line = SyncLine(at=self.clock.now())
        toast = superseded_toast(report)
        if toast is not None and self.app is not None:
            self.app.notify(toast, severity="warning", timeout=10, markup=False)

    async def last_sync(self, seconds: float) -> bool:
        """On quit: the sync that runs, then one more (what changed since it began), both
        within ``seconds``. Whether it all went out in time."""
        if not self.set_up():
            return True
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        if self._running is not None:  # (its worker says how it ended)
            done, _ = await asyncio.wait({self._running}, timeout=seconds)
            if not done:
                return False
        running = self._begin()
        done, _ = await asyncio.wait({running}, timeout=max(0.0, deadline - loop.time()))
        # Failed (the folder gone, say): the changes wait for the next sync, as after a
        # timeout. (Retrieved, so that asyncio does not call it unseen.)
        return bool(done) and running.exception() is None

"""The Textual app: wires the store and the clock into the screens, and remembers the theme."""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Iterable
from functools import partial

from rich.text import Text
from textual import events
from textual.app import App, SystemCommand
from textual.screen import Screen
from textual.worker import Worker

from tui_microgoals.core.clock import Clock
from tui_microgoals.core.errors import MicrogoalsError
from tui_microgoals.core.store import Store
from tui_microgoals.saving import nothing
from tui_microgoals.screens.main import MainScreen
from tui_microgoals.session import Session
from tui_microgoals.syncing import QUIT_SECONDS, SYNC_EVERY_SECONDS

#: Said in the terminal when the last sync failed, or did not finish in time, on quit.
SYNC_LEFT = (
    "microgoals: the last sync did not go through before quitting: nothing is lost, "
    "your changes go out with the next sync"
)

#: Seconds a thread may hold the interpreter while another waits (Python's default: 0.005).
SWITCH_INTERVAL = 0.001
WARNINGS_EVERY_SECONDS = 1.0


class MicroGoalsApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "microgoals"

    #: When the last dialog closed, on the clock of Textual's events (see ``AnswerOnce``).
    dialog_closed_at: float = float("-inf")
    #: Told once that quitting drops the changes that wait for the lock (``action_quit``).
    _quit_warned = False
    #: The last sync before quitting runs (``action_quit``): another ``q`` quits now.
    _quitting = False
    quit_worker: Worker[None] | None = None

    def __init__(self, store: Store, clock: Clock | None = None, *, blink: bool = True) -> None:
        super().__init__()
        self.session = Session(store, clock or store.clock, blink=blink)
        self.session.saver.app = self  # its waits run in this app's workers
        self.session.sync.app = self  # and its syncs too
        # Damaged while open: show what was last read, refuse changes (MainScreen.tick says
        # so once), rather than fail on the next read.
        store.storage.keep_last_read = True
        store.actor = "app"  # who made each change, in the history (``microgoals log``)

    def on_mount(self) -> None:
        # The start (the first read, the screen's widgets) runs without the cyclic collector:
        # its passes over the objects being built took ~90 ms before the first frame (one
        # full pass ~50-70 ms, whatever the data's size), and found no garbage. After the
        # first frame all of it is frozen, out of every later pass (those took 20-110 ms in
        # keys at 30k documents), and the collector runs again (``_started``).
        gc.disable()
        # The forecast runs in a thread: a key's handler that waits on the disk gives the
        # lock to it, and by default gets it back only after 5 ms, for every wait (an edit
        # took ~180 ms instead of 30 at 30k documents while a forecast ran). 1 ms bounds it.
        sys.setswitchinterval(SWITCH_INTERVAL)
        theme = self.session.store.settings().get("theme")
        if theme in self.available_themes:
            self.theme = theme
        self.push_screen(MainScreen(self.session))
        self.call_after_refresh(self._started)
        self.set_interval(WARNINGS_EVERY_SECONDS, self.show_storage_warnings)
        # Sync (when set up): after the first frame, then every few minutes.
        self.call_after_refresh(self.session.sync.start)
        self.set_interval(SYNC_EVERY_SECONDS, self.session.sync.start)
        # Old history to the archive (once a week): after the first frame, off the loop.
        self.call_after_refresh(self._archive_if_due)

    def _started(self) -> None:
        gc.freeze()
        gc.enable()
        self.run_worker(_warm_up, thread=True, group="warm-up", exit_on_error=False)

    def _archive_if_due(self) -> None:
        store = self.session.store
        try:
            due = store.path is not None and store.archive_due()
        except MicrogoalsError:
            return  # (the main screen says what is wrong with the file)
        if due:
            self.run_worker(self._archive, thread=True, group="archive", exit_on_error=False)

    def _archive(self) -> None:
        """A pass on a Store of its own (to the app's store, another process's change)."""
        store = self.session.store
        assert store.path is not None
        try:
            Store.open(store.path, store.clock).archive_old()
        except MicrogoalsError as error:
            line = f"old history was not archived: {error}"
            self.call_from_thread(self.notify, line, severity="warning", markup=False)

    def show_storage_warnings(self) -> None:
        """What did not stop a save (a backup that could not be made), once each."""
        for line in self.session.store.storage.take_warnings():
            self.notify(line, severity="warning", timeout=10, markup=False)

    async def action_quit(self) -> None:
        """Changes still waiting for another process's lock would be lost: the first ``q``
        says so, the next quits. With sync set up, quits after a last sync (bounded)."""
        waiting = self.session.saver.users_waiting()
        if waiting and not self._quit_warned:
            self._quit_warned = True
            self.notify(
                f"{waiting} change(s) still wait for the lock: q again quits without them",
                severity="warning",
                markup=False,
            )
            return
        sync = self.session.sync
        if self._quitting or not sync.set_up():
            self.exit(message=Text(SYNC_LEFT) if self._quitting else None)
            return
        self._quitting = True
        self.notify(
            f"Syncing before quitting (at most {QUIT_SECONDS:g} s): q again quits now",
            markup=False,
        )
        self.quit_worker = self.run_worker(
            self._sync_then_quit(), group="quit", description="last sync"
        )

    async def _sync_then_quit(self) -> None:
        """Quit after the last sync, or after ``QUIT_SECONDS`` (a dead network) anyway:
        what did not go out waits in this database for the next sync."""
        went_out = await self.session.sync.last_sync(QUIT_SECONDS)
        self.exit(message=None if went_out else Text(SYNC_LEFT))

    def on_unmount(self) -> None:
        """Fold the journal, so that after a quit the main file alone holds everything.
        Tidying only (the journal is as durable): with the lock held by another process,
        tried a moment (the saver's ``TRY_SECONDS``) and left for a later fold."""
        with contextlib.suppress(MicrogoalsError):
            self.session.store.storage.fold()
        gc.unfreeze()  # the app is done with its data (and a test process goes on)
        gc.enable()  # (closed before its first frame)

    async def on_event(self, event: events.Event) -> None:
        """A key typed before the last dialog closed was typed into it: drop it, so the
        rest of a sentence never acts on the screen below. (Forwarded ones too: a key handed
        to the dialog's widget comes back here to be matched against the bindings of
        whatever screen is on top by then.)"""
        if isinstance(event, events.Key) and event.time <= self.dialog_closed_at:
            return
        await super().on_event(event)

    def watch_theme(self, theme: str) -> None:
        """The theme picked in the palette is remembered in the store."""
        session = getattr(self, "session", None)
        if session is None:
            return
        store = session.store
        try:
            if store.settings().get("theme") == theme:
                return
        except MicrogoalsError as error:
            self.notify(str(error), severity="error", markup=False)
            return
        session.saver.save(partial(store.set_setting, "theme", theme), nothing, self._refused)

    def _refused(self, error: MicrogoalsError) -> None:
        self.notify(str(error), severity="error", markup=False)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands, then the screen's: the same table its keys come from."""
        yield from super().get_system_commands(screen)
        for command in getattr(screen, "COMMANDS_TABLE", ()):
            if command.palette and screen.check_action(command.action, ()) is not False:
                yield SystemCommand(
                    f"{command.label} ({command.display_keys})",
                    command.help,
                    partial(screen.run_action, command.action),
                )


def _warm_up() -> None:
    """Import the review screen (and the week's retro it shows) while the app is idle after
    its first frame, in a thread: ~45 ms the first ``r`` would otherwise wait for."""
    import tui_microgoals.screens.review  # noqa: F401

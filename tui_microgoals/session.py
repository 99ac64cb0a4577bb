"""What the screens share while the app runs: the store, the clock and a little UI state."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from pendulum import DateTime

from tui_microgoals.core.clock import Clock
from tui_microgoals.core.errors import MicrogoalsError
from tui_microgoals.core.store import Store
from tui_microgoals.saving import Saver, nothing
from tui_microgoals.syncing import AppSync


@dataclass
class Session:
    store: Store
    clock: Clock
    #: False in tests and screenshots, so the text cursor is drawn the same every time.
    blink: bool = True
    #: Blocks whose end-of-block dialog was already shown (it is shown exactly once).
    asked: set[int] = field(default_factory=set)
    _break_until: DateTime | None = field(default=None, init=False, repr=False)
    #: Saves changes without freezing the screen while another process holds the lock.
    saver: Saver = field(init=False, repr=False)
    #: Syncs with the other devices, when sync is set up (in the background).
    sync: AppSync = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.saver = Saver(self.store)
        self.sync = AppSync(self.store, self.clock)
        try:
            self._break_until = self.store.break_until()
        except MicrogoalsError:
            self._break_until = None  # the main screen says what is wrong with the file

    def reread_break(self) -> None:
        """After an undo or redo, which may have taken the break back (or given it)."""
        self._break_until = self.store.break_until()

    @property
    def break_until(self) -> DateTime | None:
        """When the break taken ends. Kept in the store, so a break in progress survives a
        restart of the app; read once at start (only the app takes breaks)."""
        return self._break_until

    @break_until.setter
    def break_until(self, until: DateTime | None) -> None:
        if until == self._break_until:
            return
        self._break_until = until
        # Not kept (a full disk, say): the break still runs until the app closes.
        self.saver.save(partial(self.store.set_break_until, until), nothing, nothing)

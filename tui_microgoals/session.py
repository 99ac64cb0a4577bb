"""What the screens share while the app runs: the store, the clock and a little UI state."""

from __future__ import annotations

from dataclasses import dataclass, field

from pendulum import DateTime

from tui_microgoals.core.clock import Clock
from tui_microgoals.core.store import Store


@dataclass
class Session:
    store: Store
    clock: Clock
    #: False in tests and screenshots, so the text cursor is drawn the same every time.
    blink: bool = True
    #: Blocks whose end-of-block dialog was already shown (it is shown exactly once).
    asked: set[int] = field(default_factory=set)
    #: A break is not stored: it only lives while the app runs.
    break_until: DateTime | None = None

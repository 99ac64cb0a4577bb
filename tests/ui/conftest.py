"""UI tests run on a memory store with a frozen clock unless a test opens a file itself."""

from __future__ import annotations

import pytest
from ui_helpers import frozen_clock

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store


@pytest.fixture
def clock() -> FixedClock:
    return frozen_clock()


@pytest.fixture
def store(clock: FixedClock) -> Store:
    return Store.memory(clock)

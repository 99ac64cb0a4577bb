"""Shared fixtures: a frozen clock and a store on each storage (memory and the real file)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pendulum
import pytest
from hypothesis import settings

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store

# Property tests are reproducible and bounded: the same examples on every run.
settings.register_profile("microgoals", derandomize=True, database=None, deadline=None)
settings.load_profile("microgoals")

START = pendulum.datetime(2026, 11, 22, 9, 0, tz="UTC")  # a Sunday; 10:00 in Berlin
ZONE = "Europe/Berlin"


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START, ZONE)


@pytest.fixture(params=["memory", "file"])
def store(request: pytest.FixtureRequest, clock: FixedClock, tmp_path: Path) -> Store:
    """The same tests run on ``MemoryStorage`` and on ``DurableStorage``."""
    if request.param == "memory":
        return Store.memory(clock)
    return Store.open(tmp_path / "db.json", clock)


@pytest.fixture
def reopen(clock: FixedClock) -> Callable[[Store], Store]:
    """What a fresh process would see: a new Store on the same file (memory: the same one)."""

    def _reopen(store: Store) -> Store:
        return store if store.path is None else Store.open(store.path, clock)

    return _reopen

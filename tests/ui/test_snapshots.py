"""Snapshots of each screen on the demo data, with the clock frozen so they never drift.

Update them after an intended change with ``pytest tests/ui/test_snapshots.py --snapshot-update``
and look at the SVGs before committing.
"""

from __future__ import annotations

import pendulum

from tui_microgoals.app import MicroGoalsApp
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.demo import build_demo
from tui_microgoals.core.store import Store

NOW = pendulum.datetime(2026, 11, 20, 10, 0, tz="UTC")
SIZE = (120, 40)


def demo_app(*, block_minutes_ago: float | None = None) -> MicroGoalsApp:
    """The demo database at a fixed moment; optionally a block started some minutes ago."""
    clock = FixedClock(NOW, "UTC")
    store = Store.memory(clock)
    ids = build_demo(store)
    if block_minutes_ago is not None:
        clock.set(NOW.subtract(seconds=int(block_minutes_ago * 60)))
        store.start_block(ids["one_thing"])
        store.interrupt("Phone call")
        clock.set(NOW)
    return MicroGoalsApp(store, clock=clock, blink=False)


def test_main_screen(snap_compare):
    assert snap_compare(demo_app(), terminal_size=SIZE)


def test_main_screen_80x24(snap_compare):
    assert snap_compare(demo_app(), terminal_size=(80, 24))


def test_running_block(snap_compare):
    assert snap_compare(demo_app(block_minutes_ago=7.5), terminal_size=SIZE)


def test_end_of_block_dialog(snap_compare):
    assert snap_compare(demo_app(block_minutes_ago=21), terminal_size=SIZE, press=["_"])


def test_focus_mode(snap_compare):
    assert snap_compare(demo_app(block_minutes_ago=7.5), terminal_size=SIZE, press=["f"])


def test_help(snap_compare):
    assert snap_compare(demo_app(), terminal_size=SIZE, press=["question_mark"])

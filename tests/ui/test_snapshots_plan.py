"""Snapshots of the suggested-plan dialog and of the tree with forecast markers, on the demo
data with the clock frozen (see test_snapshots.py). Update with ``--snapshot-update``."""

from __future__ import annotations

import pendulum

from tui_microgoals.app import MicroGoalsApp
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.demo import build_demo
from tui_microgoals.core.store import Store

NOW = pendulum.datetime(2026, 11, 20, 10, 0, tz="UTC")
SIZE = (120, 40)


def demo_app(*, fresh_morning: bool = False) -> MicroGoalsApp:
    """The demo; ``fresh_morning`` takes today's planned items off (the carried one stays)."""
    clock = FixedClock(NOW, "UTC")
    store = Store.memory(clock)
    build_demo(store)
    if fresh_morning:
        for item in store.today():
            if not item.carried and not item.habit and not item.done:
                store.unplan(item.goal.id)
    return MicroGoalsApp(store, clock=clock, blink=False)


def test_plan_dialog(snap_compare):
    assert snap_compare(demo_app(fresh_morning=True), terminal_size=SIZE, press=["P"])


def test_tree_with_forecast_markers(snap_compare):
    # In the Goals pane, on the goal at risk: its reason shows on the pane's border.
    press = ["tab", *["down"] * 15]
    assert snap_compare(demo_app(), terminal_size=SIZE, press=press)

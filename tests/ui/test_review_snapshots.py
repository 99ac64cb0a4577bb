"""Snapshots of the review screen on the demo week, with the clock frozen.

Update with ``pytest tests/ui/test_review_snapshots.py --snapshot-update`` and look at the SVGs.
"""

from __future__ import annotations

from test_snapshots import SIZE, demo_app


def test_review_today(snap_compare):
    assert snap_compare(demo_app(), terminal_size=SIZE, press=["r"])


def test_review_earlier_day(snap_compare):
    keys = ["r", "left_square_bracket"]
    assert snap_compare(demo_app(), terminal_size=SIZE, press=keys)


def test_review_week(snap_compare):
    assert snap_compare(demo_app(), terminal_size=SIZE, press=["r", "w"])


def test_review_week_80x24(snap_compare):
    """The retro's top at 80x24: the milestones first, then the summary and the days."""
    assert snap_compare(demo_app(), terminal_size=(80, 24), press=["r", "w"])

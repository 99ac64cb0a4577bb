"""A sync after an old day's review read some months of the archive (issue 16): what the
sync settles must not depend on which months a view happened to read."""

from __future__ import annotations

from pathlib import Path

from synchelp import START, Device


def test_a_sync_after_an_old_days_review_keeps_the_waits_of_the_goals_it_read(
    tmp_path: Path,
) -> None:
    """Three old finished goals, each waiting for the one before, finished months apart.
    A review of the last one's day reads its month and the month of the goal it waits for
    (one wait further), not the first goal's: the sync's settling then took the middle
    goal's wait on a goal not in memory for a wait on a goal gone, removed it, and wrote
    the goal back to the main file."""
    shared = tmp_path / "shared"
    shared.mkdir()
    a = Device.make("a", tmp_path, 0, at=START.subtract(days=600))
    a.init(shared)
    first = a.store.add_goal("First, long ago", minutes=15)
    a.store.mark_done(first.id)
    a.at(START.subtract(days=450))
    middle = a.store.add_goal("Middle", minutes=15)
    a.store.depend(middle.id, first.id)
    a.store.mark_done(middle.id)
    a.at(START.subtract(days=300))
    last = a.store.add_goal("Last", minutes=15)
    a.store.depend(last.id, middle.id)
    a.store.mark_done(last.id)
    a.sync()
    a.at(START)
    a.store.add_goal("Today's step")
    assert a.store.archive_old()["archived"] >= 3
    store = a.reopen()
    store.review(START.subtract(days=300).date())
    goals = store.goals()
    assert middle.id in goals and first.id not in goals  # (the months read, and not)
    a.sync()
    after = a.reopen()
    after.read_history()
    assert after.goal(middle.id).after == [first.id]
    assert after.goal(last.id).after == [middle.id]

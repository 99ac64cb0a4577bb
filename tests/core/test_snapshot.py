"""A snapshot's goals are the same dict while no goal changed (screens compare by identity),
and a new, correct one after any change: ours, a deletion, another process's."""

from __future__ import annotations

from pathlib import Path

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store


def test_same_goals_until_a_goal_changes(store: Store) -> None:
    first = store.add_goal("Write")
    second = store.add_goal("Edit", parent=first.id)
    snap = store.snapshot()
    assert store.snapshot().goals is snap.goals
    store.plan([second.id])  # a day plan changed, no goal did
    assert store.snapshot().goals is snap.goals
    store.edit_goal(second.id, title="Edit twice")
    after_edit = store.snapshot().goals
    assert after_edit is not snap.goals
    assert snap.goals[second.id].title == "Edit"  # an old snapshot never changes
    assert after_edit[second.id].title == "Edit twice"
    store.delete(second.id)
    after_delete = store.snapshot().goals
    assert after_delete is not after_edit and second.id not in after_delete
    assert second.id in after_edit


def test_another_process_change_gives_a_new_dict(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "db.json"
    app = Store.open(path, clock)
    goal = app.add_goal("Write")
    snap = app.snapshot()
    shell = Store.open(path, clock)
    shell.mark_done(goal.id)
    fresh = app.snapshot().goals
    assert fresh is not snap.goals
    assert fresh[goal.id].status == "done" and snap.goals[goal.id].status == "open"
    assert app.snapshot().goals is fresh

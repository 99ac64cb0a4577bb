"""Syncs that bring changes to goals one device has archived (issue 16): the devices still
converge, and what the sync brought is what a fresh process reads."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from synchelp import START, Device, assert_converged, sync_until_quiet

OLD = START.subtract(days=400)


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Device, Device, dict[str, int]]:
    """An old finished project made on A 400 days ago and synced to B; then A archives."""
    shared = tmp_path / "shared"
    shared.mkdir()
    a = Device.make("a", tmp_path, 0, at=OLD)
    b = Device.make("b", tmp_path, -40, at=OLD)
    a.init(shared)
    b.init(shared)
    project = a.store.add_goal("Old project")
    step = a.store.add_goal("Old step", parent=project.id, minutes=20)
    a.store.mark_done(step.id)
    sync_until_quiet([a, b])
    for device in (a, b):
        device.at(START)
        device.reopen()
    a.store.add_goal("Today's step")  # (the horizon counts back from the newest record)
    a.store.archive_old()
    a.reopen()
    assert str(step.id) not in orjson.loads(a.db.read_bytes())["goals"]
    (on_b,) = [g.id for g in b.store.goals().values() if g.title == "Old step"]
    return a, b, {"project": project.id, "step": step.id, "step_on_b": on_b}


def titles(device: Device) -> dict[int, str]:
    store = device.reopen()
    store.read_history()
    return {i: g.title for i, g in store.goals().items()}


def test_an_edit_on_the_other_device_reaches_an_archived_goal(pair) -> None:
    a, b, ids = pair
    b.store.edit_goal(ids["step_on_b"], title="Old step, renamed")
    sync_until_quiet([a, b])
    assert_converged([a, b])
    assert titles(a)[ids["step"]] == "Old step, renamed"


def test_a_delete_on_the_other_device_reaches_an_archived_goal(pair) -> None:
    a, b, ids = pair
    b.store.delete(ids["step_on_b"])
    sync_until_quiet([a, b])
    assert_converged([a, b])
    assert ids["step"] not in titles(a)
    a.store.storage.fold()
    a.at(START.add(days=8))
    a.reopen().archive_old()
    assert ids["step"] not in titles(a)


def test_an_archived_goal_deleted_here_and_edited_there(pair) -> None:
    a, b, ids = pair
    a.store.delete(ids["step"])
    b.store.edit_goal(ids["step_on_b"], minutes=25)
    sync_until_quiet([a, b])
    assert_converged([a, b])


def test_a_sync_with_nothing_that_touches_the_archive_reads_no_archive(pair) -> None:
    a, b, ids = pair
    b.store.add_goal("new on b")
    b.sync()
    store = a.reopen()
    assert store.storage.history_unread()
    a.sync()
    assert store.storage.history_unread()


def test_a_sync_that_names_no_archived_goal_leaves_no_ghost_of_them(pair) -> None:
    """The archive's ids are known from its index: none is taken for a goal deleted here
    (a ghost), and a later edit there of an archived goal still finds it."""
    a, b, ids = pair
    b.store.add_goal("new on b")
    b.sync()
    store = a.reopen()
    a.sync()
    assert store.storage.history_unread()
    ghosts = (store._meta().get("sync") or {}).get("ghosts", {})
    assert ids["step"] not in ghosts.get("goals", {}).values(), ghosts
    b.store.edit_goal(ids["step_on_b"], title="Old step, renamed later")
    sync_until_quiet([a, b])
    assert_converged([a, b])
    assert titles(a)[ids["step"]] == "Old step, renamed later"


def test_a_new_step_under_an_archived_project_from_the_other_device(pair) -> None:
    """The change names the archived project only in its ``parent``: the archive is read
    and the step goes under the same project, not under a new one or the top level."""
    a, b, ids = pair
    (project_on_b,) = [g.id for g in b.store.goals().values() if g.title == "Old project"]
    b.store.add_goal("A late step", parent=project_on_b)
    sync_until_quiet([a, b])
    assert_converged([a, b])
    store = a.reopen()
    store.read_history()
    (late,) = [g for g in store.goals().values() if g.title == "A late step"]
    assert late.parent == ids["project"]
    assert sum(1 for g in store.goals().values() if g.title == "Old project") == 1

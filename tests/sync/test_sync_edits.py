"""Concurrent edits to one goal, and goals added offline on two devices (issue 15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from synchelp import START, Device, assert_converged, canonical, sync_until_quiet


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Device, Device]:
    """Two devices on one sync folder; B's clock is 40 s behind A's."""
    shared = tmp_path / "shared"
    shared.mkdir()
    a = Device.make("a", tmp_path, 0)
    b = Device.make("b", tmp_path, -40)
    a.init(shared)
    b.init(shared)
    return a, b


def shared_goal(a: Device, b: Device) -> tuple[int, int]:
    """A goal made on A and synced to B: its short number on each."""
    goal = a.store.add_goal("Write the report", minutes=20)
    a.sync()
    b.sync()
    (on_b,) = [g.id for g in b.store.goals().values() if g.title == "Write the report"]
    return goal.id, on_b


def test_a_title_on_one_device_and_an_estimate_on_the_other_are_both_kept(pair) -> None:
    a, b = pair
    on_a, on_b = shared_goal(a, b)
    a.at(START.add(minutes=5))
    b.at(START.add(minutes=6))
    a.store.edit_goal(on_a, title="Write the annual report")
    b.store.edit_goal(on_b, minutes=45)
    sync_until_quiet([a, b])
    for device, key in ((a, on_a), (b, on_b)):
        goal = device.store.goal(key)
        assert (goal.title, goal.minutes) == ("Write the annual report", 45)
    assert a.superseded() == [] and b.superseded() == []
    assert_converged([a, b])


@pytest.mark.parametrize("newer", ["a", "b"])
def test_the_same_field_on_both_the_newest_wins_and_the_other_is_listed(pair, newer) -> None:
    a, b = pair
    on_a, on_b = shared_goal(a, b)
    # B's clock is behind: its edit is the newer only when it is made well after A's.
    a.at(START.add(minutes=10 if newer == "a" else 5))
    b.at(START.add(minutes=5 if newer == "a" else 10))
    a.store.edit_goal(on_a, title="Title from A")
    b.store.edit_goal(on_b, title="Title from B")
    sync_until_quiet([a, b])
    kept, lost = ("Title from A", "Title from B")
    if newer == "b":
        kept, lost = lost, kept
    assert a.store.goal(on_a).title == kept
    assert b.store.goal(on_b).title == kept
    listed = a.superseded() + b.superseded()
    assert listed, "the losing title is listed"
    assert all(f'"{lost}"' in line and "lost to" in line for line in listed), listed
    assert any(f'"{kept}"' in line for line in listed)
    assert_converged([a, b])


def test_the_newest_by_clock_wins_even_when_it_syncs_first(pair) -> None:
    """The order of the syncs does not decide: the write with the newer clock does."""
    a, b = pair
    on_a, on_b = shared_goal(a, b)
    b.at(START.add(minutes=10))  # B: 9:59:20, A: 9:58 (A's edit is older)
    a.at(START.add(minutes=8))
    b.store.edit_goal(on_b, minutes=30)
    a.store.edit_goal(on_a, minutes=15)
    b.sync()  # the newer syncs first, the older comes in later
    a.sync()
    b.sync()
    assert a.store.goal(on_a).minutes == b.store.goal(on_b).minutes == 30
    assert any("15 from" in line and "lost to 30" in line for line in a.superseded())
    assert_converged([a, b])


def test_goals_added_offline_on_both_devices_never_collide_nor_renumber(pair) -> None:
    a, b = pair
    seen = {
        a.name: {g.id: g.title for g in (a.store.add_goal(f"A {i}") for i in range(5))},
        b.name: {g.id: g.title for g in (b.store.add_goal(f"B {i}") for i in range(4))},
    }
    parent = a.store.add_goal("A parent")
    a.store.add_goal("A child", parent=parent.id)
    seen[a.name][parent.id] = "A parent"
    assert set(seen["a"]) & set(seen["b"]), "both devices used the same short numbers"
    sync_until_quiet([a, b])
    for device in (a, b):
        titles = sorted(g.title for g in device.store.goals().values())
        assert titles == sorted(
            [*(f"A {i}" for i in range(5)), *(f"B {i}" for i in range(4)), "A parent", "A child"]
        )
        for key, title in seen[device.name].items():  # the numbers this device showed stand
            assert device.store.goal(key).title == title
    (child,) = [g for g in b.store.goals().values() if g.title == "A child"]
    assert b.store.goal(child.parent).title == "A parent"
    assert_converged([a, b])
    assert len(canonical(a.store)["goals"]) == 11


def test_a_goal_deleted_after_it_synced_is_deleted_on_the_other_device(pair) -> None:
    """Found by the convergence test: the delete went out under a made-up id (the goal was no
    longer in the database to give its global id), so the other device kept the goal."""
    a, b = pair
    on_a, on_b = shared_goal(a, b)
    a.store.edit_goal(on_a, minutes=25)  # an edit, then the delete, in one sync
    a.store.delete(on_a)
    sync_until_quiet([a, b])
    assert b.store.goals() == {}
    assert a.superseded() == b.superseded() == []
    assert_converged([a, b])
    assert not list((a.folder.parent / "shared").rglob("*.jsonl")) or all(
        f"{a.store._meta()['device']}.{on_a}" not in p.read_text()
        for p in (a.folder.parent / "shared").rglob("*.jsonl")
    ), "an operation went out under a made-up id"


def test_an_edit_beats_a_concurrent_delete_and_the_goal_comes_back_whole(pair) -> None:
    """Found by the convergence test: on the device that deleted, the goal came back with
    only the fields the other device edited (no title), as it kept nothing of what it held."""
    a, b = pair
    on_a, on_b = shared_goal(a, b)
    a.at(START.add(minutes=3))
    a.store.delete(on_a)
    b.at(START.add(minutes=5))
    b.store.mark_done(on_b)
    sync_until_quiet([a, b])
    (back,) = a.store.goals().values()
    assert (back.title, back.minutes, back.status) == ("Write the report", 20, "done")
    assert any("deleted on" in line and "so it was kept" in line for line in a.superseded())
    assert_converged([a, b])


def test_a_plan_naming_a_goal_deleted_on_the_other_device_stays_the_same_everywhere(pair):
    """Found by the convergence test: the device whose plan named a goal that a sync then
    deleted forgot that goal's global id, so its next change to the plan sent a made-up id."""
    a, b = pair
    book = a.store.add_goal("Book")
    step = a.store.add_goal("Intro", parent=book.id)
    other = a.store.add_goal("Other")
    sync_until_quiet([a, b])
    on_b = {g.title: g.id for g in b.store.goals().values()}
    a.store.delete(book.id)  # the book and its step
    b.store.plan([on_b["Intro"]])
    sync_until_quiet([a, b])
    assert_converged([a, b])
    b.store.plan([on_b["Other"]])
    sync_until_quiet([a, b])
    plan = assert_converged([a, b])["days"]
    (day,) = plan.values()
    goals = canonical(a.store)["goals"]
    assert len(day["items"]) == 2 and day["items"][0] not in goals  # (the deleted step)
    assert goals[day["items"][1]]["title"] == "Other"
    assert step.id not in a.store.goals() and other.id in a.store.goals()


def test_a_delete_sent_in_the_same_sync_that_brings_a_newer_edit_keeps_the_goal(pair) -> None:
    """Found by the convergence test: the device that deleted read the other's newer edit
    in the sync that sent its delete; the merge kept the goal but it was not put back here."""
    a, b = pair
    on_a, on_b = shared_goal(a, b)
    a.at(START.add(minutes=3))
    a.store.edit_goal(on_a, minutes=50)
    a.store.delete(on_a)
    b.at(START.add(minutes=5))
    b.store.edit_goal(on_b, minutes=50)  # (the same value: the merge changes nothing)
    b.sync()  # B's edit is in the folder before A's delete
    a.sync()
    (back,) = a.store.goals().values()
    assert (back.title, back.minutes) == ("Write the report", 50)
    sync_until_quiet([a, b])
    assert_converged([a, b])


def test_goals_planned_for_one_day_on_two_devices_are_all_kept(pair) -> None:
    """A day's plan merges goal by goal: each device's plan for today keeps its goals, and
    the list is in one order on both."""
    a, b = pair
    first = a.store.add_goal("Shared step", minutes=10)
    a.sync()
    b.sync()
    a.at(START.add(minutes=5))
    b.at(START.add(minutes=6))
    a.store.add_goal("Planned on A", minutes=10, today=True)
    b.store.add_goal("Planned on B", minutes=10, today=True)
    (shared_on_b,) = [g.id for g in b.store.goals().values() if g.title == "Shared step"]
    a.store.plan([first.id], a.store.clock.today())
    b.store.plan([shared_on_b], b.store.clock.today())
    sync_until_quiet([a, b])
    for device in (a, b):
        day = device.store.day(device.store.clock.today())
        titles = [device.store.goal(i).title for i in day.items]
        assert sorted(titles) == ["Planned on A", "Planned on B", "Shared step"]
    orders = [
        [d.store.goal(i).title for i in d.store.day(d.store.clock.today()).items] for d in (a, b)
    ]
    assert orders[0] == orders[1]
    assert a.superseded() == [] and b.superseded() == []
    assert_converged([a, b])


def test_an_edit_made_after_a_sync_wins_even_on_a_clock_behind(pair) -> None:
    """B's clock is 40 s behind A's. B reads A's edit, then edits the same field a second
    later by its own clock (that is, earlier by A's): the clock moved past what it read, so
    B's edit is the newest, and nothing is listed (B had read A's)."""
    a, b = pair
    on_a, on_b = shared_goal(a, b)
    a.at(START.add(minutes=5))
    a.store.edit_goal(on_a, title="A's title")
    a.sync()
    b.at(START.add(minutes=5))
    b.sync()
    assert b.store.goal(on_b).title == "A's title"
    b.at(START.add(minutes=5, seconds=1))
    b.store.edit_goal(on_b, title="B's title, after reading A's")
    sync_until_quiet([a, b])
    assert a.store.goal(on_a).title == b.store.goal(on_b).title == "B's title, after reading A's"
    assert a.superseded() == [] and b.superseded() == []

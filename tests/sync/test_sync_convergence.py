"""Convergence (issue 15): random offline work on three devices, synced in random orders,
ends with the same data everywhere, and every change is there or listed as superseded.

Three devices on one sync folder, each with its own database and clock (one ahead, one
behind). Hypothesis draws a run of steps: a command on one device (add a goal or a step,
edit a title or an estimate, move, done, reopen, drop, delete, plan, unplan, the one thing,
start and stop a block, tick a habit, change a setting, undo, redo) or a sync of one device;
then every device syncs, in a drawn order, until a round moves nothing.

The check of "nothing lost" follows titles (each one written is unique): a title a device
wrote is the goal's title at the end, or it was overwritten by a write that had read it
(a later edit, an undo), or it is listed as superseded by some sync; or its goal is gone.
"""

from __future__ import annotations

import contextlib
import os
import random
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from synchelp import START, Device, assert_converged, gid_maps, sync_until_quiet

from tui_microgoals.core import oplog
from tui_microgoals.core.errors import MicrogoalsError

#: A folder in memory when there is one: the examples write many small files, each with an
#: fsync, and the property is about the merge, not the disk (the other tests use the disk).
FAST_TMP = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
#: Seeds the device ids and gids (random in real use; fixed here so a failure repeats).
ID_SEED = 1
#: Each device's clock against the shared time: one ahead, one behind.
OFFSETS = (0.0, 95.0, -130.0)

pick = st.integers(0, 10_000)
COMMANDS = st.one_of(
    st.tuples(st.just("add"), st.integers(0, 3), pick),  # 0: top level, else under a goal
    st.tuples(st.just("habit_add"), pick),
    st.tuples(st.just("title"), pick),
    st.tuples(st.just("title"), st.integers(0, 3)),  # (mostly the goals all devices share)
    st.tuples(st.just("minutes"), st.integers(0, 3), st.sampled_from([None, 5, 45])),
    st.tuples(st.just("minutes"), pick, st.sampled_from([None, 5, 15, 20, 45])),
    st.tuples(st.just("move"), pick, st.sampled_from([-1, 1])),
    st.tuples(st.just("parent"), pick, pick),
    st.tuples(st.just("depend"), pick, pick),
    st.tuples(st.just("done"), pick),
    st.tuples(st.just("reopen"), pick),
    st.tuples(st.just("drop"), pick),
    st.tuples(st.just("delete"), pick),
    st.tuples(st.just("plan"), pick),
    st.tuples(st.just("unplan"), pick),
    st.tuples(st.just("one"), pick),
    st.tuples(st.just("start"), pick),
    st.tuples(st.just("stop"), st.sampled_from(["done", "partial"])),
    st.tuples(st.just("setting"), st.sampled_from(["capacity", "reward_every"]), pick),
    st.tuples(st.just("undo")),
    st.tuples(st.just("redo")),
)
STEPS = st.lists(
    st.one_of(
        st.tuples(st.integers(0, 2), COMMANDS),
        st.tuples(st.integers(0, 2), st.just(("sync",))),
    ),
    min_size=8,
    max_size=40,
)


@dataclass
class Title:
    """A title written by one device: on its goal (its short number there)."""

    device: int
    local: int
    value: str
    #: The titles the writing device had read when it wrote (its own, and what syncs brought).
    known: frozenset[int]
    serial: int


@dataclass
class World:
    devices: list[Device]
    folder_knows: set[int] = field(default_factory=set)
    knows: list[set[int]] = field(default_factory=list)
    titles: list[Title] = field(default_factory=list)
    seqs: list[int] = field(default_factory=list)
    counter: int = 0

    def fresh_title(self, device: int) -> str:
        self.counter += 1
        return f"{'ABC'[device]} {self.counter}"

    def record(self, device: int) -> None:
        """The titles the device's new log entries wrote (adds, edits, undos and redos)."""
        store = self.devices[device].store
        log = oplog.entries(store._ops_t._read_table())
        for entry in log:
            if entry.seq <= self.seqs[device] or entry.doc.get("sync"):
                continue
            for op in entry.ops:
                if op["t"] != "goals":
                    continue
                value: Any = None
                if op.get("f") == "title" and "a" in op:
                    value = op["a"]
                elif op.get("f") is None and isinstance(op.get("a"), dict):
                    value = op["a"].get("title")
                if isinstance(value, str):
                    serial = len(self.titles)
                    self.knows[device].add(serial)
                    self.titles.append(
                        Title(device, int(op["k"]), value, frozenset(self.knows[device]), serial)
                    )
        self.seqs[device] = max((e.seq for e in log), default=0)

    def sync(self, device: int) -> None:
        self.devices[device].sync()
        self.record(device)  # (a sync's own entries are marked: nothing is recorded)
        self.folder_knows |= self.knows[device]
        self.knows[device] |= self.folder_knows


def goal_at(store, n: int) -> int | None:
    keys = sorted(store.goals())
    return keys[n % len(keys)] if keys else None


def run(world: World, device: int, command: tuple[Any, ...]) -> None:
    store = world.devices[device].store
    name = command[0]
    target = goal_at(store, command[1]) if len(command) > 1 and type(command[1]) is int else None
    if name == "add":
        parent = goal_at(store, command[2]) if command[1] else None
        store.add_goal(world.fresh_title(device), parent=parent, minutes=15)
    elif name == "habit_add":
        store.add_goal(world.fresh_title(device), every="daily")
    elif target is None:
        return
    elif name == "title":
        store.edit_goal(target, title=world.fresh_title(device))
    elif name == "minutes":
        store.edit_goal(target, minutes=command[2])
    elif name == "move":
        store.move(target, command[2])
    elif name == "parent":
        store.edit_goal(target, parent=goal_at(store, command[2]))
    elif name == "depend":
        store.depend(target, goal_at(store, command[2]))
    elif name == "done":
        store.mark_done(target)
    elif name == "reopen":
        store.reopen(target)
    elif name == "drop":
        store.drop(target)
    elif name == "delete":
        store.delete(target)
    elif name == "plan":
        store.plan([target])
    elif name == "unplan":
        store.unplan(target)
    elif name == "one":
        store.set_one_thing(target)
    elif name == "start":
        store.start_block(target)
    elif name == "stop":
        store.stop_block(command[1])
    elif name == "setting":
        value = 30 + command[2] % 200 if command[1] == "capacity" else 1 + command[2] % 9
        store.set_setting(command[1], value)
    elif name == "undo":
        store.undo()
    elif name == "redo":
        store.redo()


def check_nothing_lost(world: World) -> None:
    final = world.devices[0]
    maps = [gid_maps(d.store) for d in world.devices]
    final_titles = {gid: goal.title for gid, goal in _by_gid(final).items()}
    writes: dict[str, list[Title]] = {}
    for title in world.titles:
        gid = maps[title.device]["goals"].get(title.local)
        if gid is not None:
            writes.setdefault(gid, []).append(title)
    listed = "\n".join(line for d in world.devices for line in d.superseded())
    for gid, titles in writes.items():
        if gid not in final_titles:
            continue  # (deleted, by a device that had read these writes or it would be back)
        for title in titles:
            if title.value == final_titles[gid]:
                continue
            if any(title.serial in later.known for later in titles if later is not title):
                continue  # overwritten by a write that had read it
            assert f'"{title.value}"' in listed, (
                f"title {title.value!r} of goal {gid} is neither kept ({final_titles[gid]!r})"
                f" nor overwritten knowingly nor listed as superseded:\n{listed}"
            )


def _by_gid(device: Device) -> dict[str, Any]:
    maps = gid_maps(device.store)["goals"]
    return {maps[key]: goal for key, goal in device.store.goals().items()}


@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(steps=STEPS, order=st.permutations([0, 1, 2]))
def test_three_devices_converge_whatever_they_did_offline(steps, order) -> None:
    ids = random.Random(ID_SEED)  # the same device ids and gids each run (ties break on them)
    with (
        tempfile.TemporaryDirectory(prefix="mg-converge-", dir=FAST_TMP) as tmp,
        mock.patch.object(oplog, "new_gid", lambda: f"{ids.getrandbits(128):032x}"),
        mock.patch.object(oplog, "new_device", lambda: f"{ids.getrandbits(64):016x}"),
    ):
        root = Path(tmp)
        shared = root / "shared"
        shared.mkdir()
        named = zip("abc", OFFSETS, strict=True)
        devices = [Device.make(name, root, offset) for name, offset in named]
        for device in devices:
            device.init(shared)
        world = World(devices, knows=[set(), set(), set()], seqs=[0, 0, 0])
        first = devices[0].store  # goals every device has, for the edits to meet on
        book = first.add_goal(world.fresh_title(0), minutes=20)
        first.add_goal(world.fresh_title(0), parent=book.id, minutes=15)
        first.add_goal(world.fresh_title(0), minutes=30)
        first.add_goal(world.fresh_title(0), every="daily")
        world.record(0)
        for device in (0, 1, 2, 0):
            world.sync(device)
        for n, (device, command) in enumerate(steps):
            now = START.add(seconds=37 * (n + 1))
            for each in devices:
                each.at(now)
            if command[0] == "sync":
                world.sync(device)
                continue
            with contextlib.suppress(MicrogoalsError):  # refused (a cycle, nothing to undo)
                run(world, device, command)
            world.record(device)
        later = START.add(seconds=37 * (len(steps) + 1))
        for each in devices:
            each.at(later)
        for _ in range(6):
            reports = [world.sync(i) or devices[i].reports[-1] for i in order]
            if all(not r.came_in and not r.went_out and not r.settled for r in reports):
                break
        else:
            raise AssertionError("still not quiet after 6 rounds of syncs")
        assert_converged(devices)
        check_nothing_lost(world)
        for device in devices:
            assert device.refused() == []


def test_the_canonical_form_tells_two_different_databases_apart(tmp_path: Path) -> None:
    """The comparison can fail: a change one device has not read yet shows."""
    shared = tmp_path / "shared"
    shared.mkdir()
    a, b = Device.make("a", tmp_path), Device.make("b", tmp_path, 60)
    a.init(shared)
    b.init(shared)
    goal = a.store.add_goal("Bake bread", minutes=20)
    sync_until_quiet([a, b])
    assert_converged([a, b])
    a.store.edit_goal(goal.id, minutes=25)
    try:
        assert_converged([a, b])
    except AssertionError as error:
        assert "minutes" in str(error)
    else:
        raise AssertionError("an edit not synced yet went unseen")


def test_the_check_of_nothing_lost_can_fail(monkeypatch) -> None:
    """Two devices retitle one goal offline: the losing title must be listed; with the
    listing hidden, the property fails."""
    steps = [(0, ("title", 0)), (1, ("title", 0)), (2, ("sync",))]
    play = test_three_devices_converge_whatever_they_did_offline.hypothesis.inner_test
    play(steps=steps, order=[0, 1, 2])  # as it is: kept or listed
    monkeypatch.setattr(Device, "superseded", lambda self: [])
    try:
        play(steps=steps, order=[0, 1, 2])
    except AssertionError as error:
        assert "nor listed as superseded" in str(error)
    else:
        raise AssertionError("a lost title went unnoticed")

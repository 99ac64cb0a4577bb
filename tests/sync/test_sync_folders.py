"""The sync folder as a sync tool delivers it (issue 15): files copied in any order,
half-copied last lines, parts before the parts they follow, conflict copies; hostile lines
refused; an old device coming back after the others folded; files 0600, folders 0700."""

from __future__ import annotations

import os
import random
import shutil
import stat
from pathlib import Path

import orjson
import pytest
from synchelp import START, Device, assert_converged, canonical, gid_maps, sync_until_quiet

from tui_microgoals.core import sync_files
from tui_microgoals.core.errors import MicrogoalsError
from tui_microgoals.core.sync import setup_of

CONFLICT = ".sync-conflict-20261129-101010-ABCDEFG"


def own_folder(device: Device) -> Path:
    setup = setup_of(device.store)
    assert setup is not None
    return setup.folder / sync_files.ROOT / device.store._meta()["device"]


def carry(source: Device, target_base: Path, rng: random.Random, *, whole: bool) -> None:
    """What a sync tool does with ``source``'s own folder, into another machine's copy of the
    sync folder: each file copied whole, or (unless ``whole``) not yet, or half (cut in the
    middle of a line), or as a conflict copy holding some of its lines."""
    mine = own_folder(source)
    there = target_base / sync_files.ROOT / mine.name
    there.mkdir(parents=True, exist_ok=True)
    for path in sorted(mine.iterdir()):
        blob = path.read_bytes()
        fate = "whole" if whole else rng.choice(["whole", "whole", "later", "half", "copy"])
        if fate == "later" or path.name.startswith("."):
            continue
        if fate == "half" and path.suffix == ".jsonl" and len(blob) > 2:
            lines = blob.splitlines(keepends=True)
            cut = sum(map(len, lines[:-1])) + rng.randint(1, len(lines[-1]) - 1)
            (there / path.name).write_bytes(blob[:cut])  # (its last line: half of it)
            continue
        if fate == "copy" and path.suffix == ".jsonl":
            lines = blob.splitlines(keepends=True)
            some = [line for line in lines if rng.random() < 0.6]
            name = path.name.replace(".jsonl", f"{CONFLICT}.jsonl")
            (there / name).write_bytes(b"".join(some))
            continue
        (there / path.name).write_bytes(blob)


def work(device: Device, rng: random.Random, n: int) -> None:
    """A few changes: goals added, titles and estimates edited, done, planned."""
    store = device.store
    for _ in range(n):
        goals = sorted(store.goals())
        what = rng.choice(["add", "add", "title", "minutes", "done", "plan"]) if goals else "add"
        try:
            if what == "add":
                store.add_goal(f"{device.name} {rng.randrange(10**6)}", minutes=15)
            elif what == "title":
                store.edit_goal(rng.choice(goals), title=f"{device.name} {rng.randrange(10**6)}")
            elif what == "minutes":
                store.edit_goal(rng.choice(goals), minutes=rng.choice([5, 20, 45]))
            elif what == "done":
                store.mark_done(rng.choice(goals))
            else:
                store.plan([rng.choice(goals)])
        except MicrogoalsError:
            pass


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_two_devices_converge_through_a_sync_tool_that_delivers_files_badly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    monkeypatch.setattr(sync_files, "PART_BYTES", 700)  # many parts: some arrive early
    rng = random.Random(seed)
    bases = {name: tmp_path / f"sync-{name}" for name in "ab"}
    for base in bases.values():
        base.mkdir()
    a, b = Device.make("a", tmp_path, 0), Device.make("b", tmp_path, -70)
    a.init(bases["a"])
    b.init(bases["b"])
    for n in range(8):
        for device in (a, b):
            device.at(START.add(minutes=3 * n, seconds=rng.randrange(60)))
        work(a, rng, rng.randint(0, 4))
        work(b, rng, rng.randint(0, 4))
        for device in rng.sample([a, b], 2):
            device.sync()
        carry(a, bases["b"], rng, whole=False)
        carry(b, bases["a"], rng, whole=False)
    for device in (a, b):
        device.at(START.add(hours=1))
    for _ in range(5):  # everything arrives at last
        carry(a, bases["b"], rng, whole=True)
        carry(b, bases["a"], rng, whole=True)
        reports = [a.sync(), b.sync()]
        if all(not r.came_in and not r.went_out for r in reports):
            break
    assert_converged([a, b])
    assert a.refused() == [] and b.refused() == [], "a half line or a copy is no damage"
    assert len(canonical(a.store)["goals"]) >= 1


def test_a_later_part_and_a_half_line_wait_for_what_they_follow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_files, "PART_BYTES", 700)
    bases = {name: tmp_path / f"sync-{name}" for name in "ab"}
    for base in bases.values():
        base.mkdir()
    a, b = Device.make("a", tmp_path, 0), Device.make("b", tmp_path, -70)
    a.init(bases["a"])
    b.init(bases["b"])
    for n in range(6):
        a.store.add_goal(f"Goal {n}", minutes=15)
        a.sync()
    parts = sorted(p for p in own_folder(a).iterdir() if p.name.startswith("log-"))
    assert len(parts) >= 3
    there = bases["b"] / sync_files.ROOT / own_folder(a).name
    there.mkdir(parents=True)
    shutil.copy(parts[-1], there / parts[-1].name)  # the newest part first
    blob = parts[0].read_bytes()
    (there / parts[0].name).write_bytes(blob[: blob.index(b"\n") + 40])  # a line and a half
    report = b.sync()
    assert report.waiting and report.refused == []
    assert len(b.store.goals()) == 1
    for part in parts:  # the rest arrives
        shutil.copy(part, there / part.name)
    report = b.sync()
    assert report.waiting == [] and report.refused == []
    assert sorted(g.title for g in b.store.goals().values()) == [f"Goal {n}" for n in range(6)]


def hostile_lines(device: str) -> list[bytes]:
    def entry(n: int, ops: list, **more) -> bytes:
        doc = {"n": n, "id": f"e{n}", "hlc": [1795424400000 + n, 0], "device": device}
        return orjson.dumps({**doc, "ops": ops, **more})

    return [
        b"this is not JSON at all",
        entry(1, [{"t": "passwords", "k": "x", "a": {"x": 1}}]),
        entry(2, [{"t": "goals", "k": "../../etc/passwd", "a": {"title": "x"}}]),
        entry(3, [{"t": "goals", "k": "a" * 32, "a": {"title": "x"}}], device="0" * 16),
        entry(4, [{"t": "goals", "k": "b" * 32, "f": "../title", "a": "x"}]),
        entry(5, [{"t": "goals", "k": "c" * 32, "a": {"title": "T" * (10 << 20)}}]),
        entry(6, [{"t": "goals", "k": "d" * 32, "a": {"title": "\x1b]52;c;aGk=\x07 evil"}}]),
        entry(7, [{"t": "meta", "k": "meta", "f": "next_goal", "a": 1}]),
    ]


def test_a_garbled_or_hostile_line_is_refused_and_reported_and_harms_nothing(
    tmp_path: Path,
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    a = Device.make("a", tmp_path)
    a.init(shared)
    a.store.add_goal("Mine", minutes=20)
    a.sync()
    before = canonical(a.store)
    intruder = "feedfacefeedface"
    folder = shared / sync_files.ROOT / intruder
    folder.mkdir(mode=0o700)
    (folder / "log-000000001.jsonl").write_bytes(b"\n".join(hostile_lines(intruder)) + b"\n")
    bad_name = shared / sync_files.ROOT / ".."
    assert bad_name.exists()  # (a folder named like a path is never a device: nothing to do)
    report = a.sync()
    assert len(report.refused) == len(hostile_lines(intruder)) - 1, report.refused
    assert report.came_in == 1  # the title with a terminal escape: taken, and read clean
    (evil,) = [g for g in a.store.goals().values() if "evil" in g.title]
    assert evil.title.isprintable()
    a.store.delete(evil.id)
    assert all(len(line) < 300 for line in report.refused)
    assert canonical(a.store)["goals"] == before["goals"]
    assert a.store.goal(1).title == "Mine"
    assert not (tmp_path / "etc").exists()
    a.store.add_goal("Still works")
    assert a.sync().went_out == 2  # (the delete, the add)


def test_an_old_device_merges_after_the_others_folded_and_a_new_one_gets_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_files, "PART_BYTES", 2000)
    monkeypatch.setattr(sync_files, "FOLD_BYTES", 6000)
    shared = tmp_path / "shared"
    shared.mkdir()
    a, b, c = (Device.make(n, tmp_path, off) for n, off in (("a", 0), ("b", 30), ("c", -45)))
    for device in (a, b, c):
        device.init(shared)
    first = a.store.add_goal("Shared from the start", minutes=20)
    rng = random.Random(7)
    for n in range(12):  # a few parts each, all read by C before it goes away
        for device in (a, b):
            device.at(START.add(minutes=n))
        work(a, rng, 3)
        work(b, rng, 3)
        a.sync()
        b.sync()
    sync_until_quiet([a, b, c])
    gid = gid_maps(a.store)["goals"][first.id]
    c_goal = next(k for k, g in gid_maps(c.store)["goals"].items() if g == gid)
    c.at(START.add(minutes=20))
    c.store.edit_goal(c_goal, minutes=45)  # C's offline change, older than what follows
    c.store.add_goal("C offline")
    for n in range(40):  # A and B work for weeks; C stays away
        for device in (a, b):
            device.at(START.add(days=n // 4, minutes=n))
        work(a, rng, 4)
        work(b, rng, 4)
        a.sync()
        b.sync()
    a.store.edit_goal(first.id, title="Renamed while C was away")
    sync_until_quiet([a, b])
    bases = [p for d in (a, b) for p in own_folder(d).iterdir() if p.name.startswith("base-")]
    assert bases, "A and B folded what C had read while C was away"
    for device in (a, b, c):
        device.at(START.add(days=12))
    sync_until_quiet([c, a, b])
    merged = assert_converged([a, b, c])
    titles = {g["title"] for g in merged["goals"].values()}
    assert {"Renamed while C was away", "C offline"} <= titles
    # now everyone has read everything: they fold, and a new device joins after that
    for device in (a, b, c):
        device.at(START.add(days=13))
    sync_until_quiet([a, b, c])
    folded = [p for d in (a, b) for p in own_folder(d).iterdir() if p.name.startswith("base-")]
    assert folded, "the test meant folding to happen"
    d = Device.make("d", tmp_path, 10, at=START.add(days=13))
    d.init(shared)
    sync_until_quiet([d, a, b, c])
    assert_converged([a, b, c, d])


def test_the_sync_folder_holds_files_0600_and_folders_0700(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    a, b = Device.make("a", tmp_path), Device.make("b", tmp_path, 20)
    for device in (a, b):
        device.init(shared)
        device.store.add_goal(f"Goal on {device.name}")
    old = os.umask(0)  # (the modes must not come from a permissive umask)
    try:
        sync_until_quiet([a, b])
    finally:
        os.umask(old)
    root = shared / sync_files.ROOT
    found = [root, *root.rglob("*")]
    assert len(found) >= 7
    for path in found:
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), (path, oct(mode))
    local = a.db.parent / "db.sync"
    for path in [local, *local.rglob("*")]:
        mode = stat.S_IMODE(path.lstat().st_mode)
        assert mode & 0o077 == 0, (path, oct(mode))
    shutil.rmtree(root)  # (and a lost folder is made again, the same way)
    a.sync()
    assert stat.S_IMODE(root.lstat().st_mode) == 0o700

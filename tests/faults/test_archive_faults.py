"""A kill (or a failing call) at each point of a second archive pass, looked at where the
crash-point harness does not look: ``backups/``, where the pass keeps the archive it
replaces. After the fault and one more pass, every copy kept there is whole and named by
its own id, and no temp file of a copy is left behind (each is as big as the archive)."""

from __future__ import annotations

import contextlib
import re
import shutil
from pathlib import Path

import pendulum
from fsfaults import Crash, Fault, Faults

from tui_microgoals.core.archive_file import ArchiveFile
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import MicrogoalsError
from tui_microgoals.core.store import Store

START = pendulum.datetime(2026, 11, 22, 9, 0, tz="UTC")
DB = "db.json"


def at(days: int) -> FixedClock:
    return FixedClock(START.add(days=days), "UTC")


def prepare(folder: Path) -> None:
    """A finished project from 200 days ago, archived; a backup that names that archive
    (so the pass must keep it); one more old project for the next pass to move."""
    store = Store.open(folder / DB, FixedClock(START.subtract(days=200), "UTC"))
    store.mark_done(store.add_goal("Old project", minutes=20).id)
    second = store.add_goal("Second old project", minutes=20)
    store.clock = at(0)
    store.depend(store.add_goal("Open", minutes=10).id, second.id)  # (holds it, for now)
    Store.open(folder / DB, at(0)).archive_old()
    store = Store.open(folder / DB, at(0))
    store.storage.fold()
    (folder / "backups").mkdir(exist_ok=True)
    shutil.copy2(folder / DB, folder / "backups" / "db-20261122-090000-auto.json")
    store.undepend(3, second.id)
    store.mark_done(second.id)


def second_pass(folder: Path) -> None:
    Store.open(folder / DB, at(130)).archive_old()


def check(folder: Path) -> None:
    backups = folder / "backups"
    assert sorted(p.name for p in backups.glob(".*.tmp")) == []
    for copy in backups.glob("db.json.archive.*"):
        head = ArchiveFile("a copy", copy.read_bytes()).head
        assert copy.name == f"db.json.archive.{head['id']}"
    store = Store.open(folder / DB, at(130))
    store.read_history()
    assert {g.title for g in store.goals().values()} >= {"Old project", "Second old project"}


def test_a_fault_at_any_point_of_a_pass_leaves_backups_whole_and_clean(tmp_path: Path) -> None:
    template = tmp_path / "template"
    template.mkdir()
    prepare(template)
    dry = Faults(None)
    folder = tmp_path / "dry"
    shutil.copytree(template, folder)
    with dry.active():
        second_pass(folder)
    # The copy: from making backups/ to the sync of that folder after the copy's rename.
    calls = [f"{call} {detail}" for call, detail in dry.points]
    first = calls.index("mkdir backups")
    renamed = next(
        n
        for n, c in enumerate(calls)
        if re.match(r"replace \.db\.json\.archive\.[0-9a-f]{16}\.", c)
    )
    in_backups = list(range(first + 1, renamed + 4))
    assert calls[renamed + 2].startswith("fsync "), calls[first : renamed + 3]
    failures = []
    for point in in_backups:
        for kind in ("crash", "torn", "ENOSPC"):
            folder = tmp_path / f"{point}-{kind}"
            shutil.copytree(template, folder)
            faults = Faults(Fault(point, kind))
            with faults.active(), contextlib.suppress(Crash, MicrogoalsError):
                second_pass(folder)
            try:
                Store.open(folder / DB, at(137)).archive_old()  # the next pass
                check(folder)
            except Exception as error:  # noqa: BLE001 - every point is reported
                call, detail = dry.points[point - 1]
                failures.append(f"{kind} at {point} ({call} {detail}): {error!r}"[:300])
            shutil.rmtree(folder)
    assert failures == []

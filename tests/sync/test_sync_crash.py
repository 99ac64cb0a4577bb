"""Kill -9 during a sync, on either side (issue 15): the real ``microgoals sync`` in a
subprocess dies just before its Nth write, fsync or replace (``crashsync.py``); then
nothing is lost, the next sync completes, and the devices converge."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from synchelp import START, Device, assert_converged, sync_until_quiet

HERE = Path(__file__).parent


def sync_process(device: Device, crash_at: int = 0, count: Path | None = None):
    env = {**os.environ, "MICROGOALS_DB": str(device.db), "MICROGOALS_TZ": "Europe/Berlin"}
    env.pop("MICROGOALS_DEBUG", None)
    env["CRASH_AT"] = str(crash_at)
    if count is not None:
        env["CRASH_COUNT"] = str(count)
    return subprocess.run(
        [sys.executable, str(HERE / "crashsync.py"), "sync"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def prepare(root: Path) -> tuple[Device, Device]:
    """A and B synced once; then each has changes of its own waiting to go out."""
    shared = root / "shared"
    shared.mkdir(parents=True)
    a, b = Device.make("a", root, 0), Device.make("b", root, 30)
    for device in (a, b):
        device.init(shared)
    book = a.store.add_goal("Book", minutes=20)
    sync_until_quiet([a, b])
    for device in (a, b):
        device.at(START.add(minutes=5))
    a.store.add_goal("A offline 1", parent=book.id)
    a.store.edit_goal(book.id, title="Book, second edition")
    a.store.plan([book.id])
    b.store.add_goal("B offline 1", minutes=15)
    b.store.set_setting("capacity", 95)
    (book_on_b,) = [g.id for g in b.store.goals().values() if g.title == "Book"]
    b.store.edit_goal(book_on_b, minutes=40)
    b.sync()  # B's changes are in the folder: A's sync both sends and takes in
    b.store.add_goal("B offline 2")  # and one more waits on B
    return a, b


WANTED = {"Book, second edition", "A offline 1", "B offline 1", "B offline 2"}


def points(tmp_path: Path, side: str) -> int:
    a, b = prepare(tmp_path / "dry")
    count = tmp_path / "count"
    result = sync_process(a if side == "a" else b, count=count)
    assert result.returncode == 0, result.stderr
    return int(count.read_text())


@pytest.mark.parametrize("side", ["a", "b"])
def test_a_sync_killed_at_any_write_loses_nothing_and_the_next_one_completes(
    tmp_path: Path, side: str
) -> None:
    total = points(tmp_path, side)
    assert total >= 8
    # every point passed once (18 a side); these keep the suite quick
    chosen = sorted({1, 2, 3, total // 4, total // 2, (3 * total) // 4, total - 1, total})
    for at in chosen:
        root = tmp_path / f"crash-{at}"
        a, b = prepare(root)
        victim = a if side == "a" else b
        died = sync_process(victim, crash_at=at)
        assert died.returncode == 137, (at, died.returncode, died.stderr)
        mine = {g.title for g in victim.reopen().goals().values()}
        assert {t for t in WANTED if t.startswith(f"{side.upper()} ")} <= mine, (at, mine)
        again = sync_process(victim)
        assert again.returncode == 0 and "Traceback" not in again.stderr, (at, again.stderr)
        for device in (a, b):
            device.reopen()
        sync_until_quiet([a, b])
        merged = assert_converged([a, b])
        titles = {g["title"] for g in merged["goals"].values()}
        assert titles == WANTED, (at, titles)
        assert merged["meta"]["settings"]["capacity"] == 95
        book = next(g for g in merged["goals"].values() if g["title"].startswith("Book"))
        assert book["minutes"] == 40
        assert a.refused() == [] and b.refused() == [], (at, a.refused(), b.refused())

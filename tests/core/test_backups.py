"""Backups and restore: independent copies, one database's backups only, a consistent copy of
the whole database, restore over a damaged database, clock jumps, and a full disk."""

from __future__ import annotations

import errno
import os
import time
from pathlib import Path
from typing import Any

import orjson
import pytest

from tui_microgoals.core import backup_names, storage_fold
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import StorageError
from tui_microgoals.core.storage import DurableStorage
from tui_microgoals.core.store import Store

HOUR = 3600.0


def storage_of(store: Store) -> DurableStorage:
    assert isinstance(store.storage, DurableStorage)
    return store.storage


def titles(path: Path, clock: FixedClock) -> list[str]:
    return [g.title for g in Store.open(path, clock).goals().values()]


class FakeTime:
    """``time.time`` for the storage's backup stamps and timing, moved by hand."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, start: float) -> None:
        self.now = start
        monkeypatch.setattr(time, "time", lambda: self.now)


# -- 1. a backup is an independent copy ------------------------------------------------------


def test_a_backup_is_not_changed_by_an_in_place_write_to_the_database(
    tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "goals.json"
    store = Store.open(path, clock)
    store.add_goal("one")  # a new file: written whole, and the first backup is made
    [backup] = storage_of(store).backups()
    kept = backup.read_bytes()
    assert orjson.loads(kept)["goals"]["1"]["title"] == "one"
    assert os.stat(path).st_nlink == 1
    with open(path, "r+b") as handle:  # as vim (two links), `>` or a sync tool writes
        handle.write(b"garbage")
    assert backup.read_bytes() == kept
    assert os.stat(backup).st_mode & 0o777 == 0o600


def test_a_backup_cut_off_by_a_kill_is_cleaned_up_by_the_next(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "goals.json"
    Store.open(path, clock).add_goal("one")
    folder = tmp_path / "backups"
    ours = folder / ".goals-20261122-090000-auto.json.x1y2.tmp"
    theirs = folder / ".goals-work-20261122-090000-auto.json.x1y2.tmp"
    for leftover in (ours, theirs):
        leftover.write_bytes(b"half a backup")
    monkeypatch.setattr(backup_names, "BACKUP_EVERY_SECONDS", 0)
    FakeTime(monkeypatch, time.time() + 10)
    Store.open(path, clock).add_goal("two")
    assert not ours.exists() and theirs.exists()


# -- 2. two databases in one folder ----------------------------------------------------------


def test_two_databases_in_one_folder_keep_to_their_own_backups(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeTime(monkeypatch, time.time())
    monkeypatch.setattr(backup_names, "BACKUP_EVERY_SECONDS", 0)
    home, work = (
        Store.open(tmp_path / "goals.json", clock),
        Store.open(tmp_path / "goals-work.json", clock),
    )
    storage_of(home).backups_kept = 2
    for n in range(2):
        fake.now += 10
        work.add_goal(f"work {n}")
    work_backups = storage_of(work).backups()
    assert len(work_backups) == 2
    for n in range(4):
        fake.now += 10
        home.add_goal(f"home {n}")
    home_backups = storage_of(home).backups()
    assert len(home_backups) == 2
    assert storage_of(work).backups() == work_backups  # rotating home left them alone
    assert all(b.exists() for b in work_backups)
    assert not set(home_backups) & set(work_backups)

    before = (tmp_path / "goals.json").read_bytes()
    with pytest.raises(StorageError, match="goals-work.json") as caught:
        storage_of(home).restore(work_backups[-1])
    assert "\n" not in str(caught.value)
    assert (tmp_path / "goals.json").read_bytes() == before


def test_a_backup_from_before_identities_is_matched_by_its_name(
    tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "goals.json"
    Store.open(path, clock).add_goal("mine")
    old = b'{"schema_version":1,"goals":{"1":{"title":"old"}}}'
    (tmp_path / "backups" / "goals-work-20261101-090000-auto.json").write_bytes(old)
    (tmp_path / "backups" / "goals-20261101-090000-auto.json").write_bytes(old)
    storage = storage_of(Store.open(path, clock))
    names = [b.name for b in storage.backups()]
    assert names[0] == "goals-20261101-090000-auto.json" and len(names) == 2
    with pytest.raises(StorageError, match="another database"):
        storage.restore(tmp_path / "backups" / "goals-work-20261101-090000-auto.json")
    assert titles(path, clock) == ["mine"]
    storage.restore(tmp_path / "backups" / "goals-20261101-090000-auto.json")
    assert titles(path, clock) == ["old"]


def test_a_backup_of_a_database_that_was_replaced_is_refused(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Same file name, another database (a new file made where the old one was moved away)."""
    path = tmp_path / "goals.json"
    Store.open(path, clock).add_goal("old")
    [old_backup] = storage_of(Store.open(path, clock)).backups()
    path.rename(tmp_path / "goals-old.json")
    Path(str(path) + ".journal").unlink(missing_ok=True)
    new = Store.open(path, clock)
    monkeypatch.setattr(backup_names, "BACKUP_EVERY_SECONDS", 10**9)
    new.add_goal("new")
    assert storage_of(new).backups() == []  # the old database's backup is not this one's
    with pytest.raises(StorageError, match="another database"):
        storage_of(new).restore(old_backup)
    assert titles(path, clock) == ["new"]


# -- 4. a consistent copy of the whole database ------------------------------------------------


def test_copy_to_folds_the_journal_into_one_file(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "goals.json"
    store = Store.open(path, clock)
    for n in range(3):
        store.add_goal(f"goal {n}")
    journal_file = Path(str(path) + ".journal")
    assert journal_file.exists()  # recent changes live in the journal
    files_before = {p: p.read_bytes() for p in (path, journal_file)}

    elsewhere = tmp_path / "usb"
    elsewhere.mkdir()
    copy = storage_of(store).copy_to(elsewhere)
    assert copy == elsewhere / "goals.json"
    assert os.stat(copy).st_mode & 0o777 == 0o600
    assert sorted(p.name for p in elsewhere.iterdir()) == ["goals.json"]
    assert titles(copy, clock) == ["goal 0", "goal 1", "goal 2"]
    assert {p: p.read_bytes() for p in files_before} == files_before  # the database untouched

    named = storage_of(store).copy_to(tmp_path / "moved.json")
    assert titles(named, clock) == ["goal 0", "goal 1", "goal 2"]
    for existing in (elsewhere, named, path):
        with pytest.raises(StorageError, match="already"):
            storage_of(store).copy_to(existing)
    assert titles(named, clock) == ["goal 0", "goal 1", "goal 2"]


def test_fold_leaves_one_file_with_everything(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "goals.json"
    store = Store.open(path, clock)
    for n in range(3):
        store.add_goal(f"goal {n}")
    assert Path(str(path) + ".journal").exists()
    storage_of(store).fold()
    assert not Path(str(path) + ".journal").exists()
    doc = orjson.loads(path.read_bytes())
    assert [g["title"] for g in doc["goals"].values()] == ["goal 0", "goal 1", "goal 2"]
    Store.memory(clock).storage.fold()  # the memory storage has nothing to fold


# -- 5. restore over a damaged database ------------------------------------------------------


def damaged_database(tmp_path: Path, clock: FixedClock, what: str) -> tuple[Path, Path, Path]:
    """A database with one backup and two later goals in the journal, then damaged."""
    path = tmp_path / "goals.json"
    store = Store.open(path, clock)
    store.add_goal("in the backup")
    [backup] = storage_of(store).backups()
    store.add_goal("only in the journal")
    store.add_goal("also only in the journal")
    journal_file = Path(str(path) + ".journal")
    if what == "main":
        path.write_bytes(path.read_bytes()[:20])
    elif what == "journal":
        with open(journal_file, "ab") as handle:
            handle.write(b"not json\n")
    elif what == "empty":
        path.write_bytes(b"")
    return path, journal_file, backup


@pytest.mark.parametrize("what", ["main", "journal", "empty", "nothing"])
def test_restore_works_over_a_damaged_database_and_sets_it_aside(
    tmp_path: Path, clock: FixedClock, what: str
) -> None:
    path, journal_file, backup = damaged_database(tmp_path, clock, what)
    main_before, journal_before = path.read_bytes(), journal_file.read_bytes()

    aside = storage_of(Store.open(path, clock)).restore(backup)
    assert titles(path, clock) == ["in the backup"]
    assert not journal_file.exists()
    assert [p.read_bytes() for p in aside] == [main_before, journal_before]
    assert all(p.parent == tmp_path / "backups" for p in aside)
    assert aside[0].name.endswith("-before-restore.json")
    assert aside[1].name == aside[0].name + ".journal"

    if what in ("main", "empty"):
        return
    # What was set aside can be put back, journal included.
    store = Store.open(path, clock)
    if what == "journal":
        journal_file_aside = aside[1]
        journal_file_aside.write_bytes(journal_before.removesuffix(b"not json\n"))
    storage_of(store).restore(aside[0])
    assert titles(path, clock) == [
        "in the backup",
        "only in the journal",
        "also only in the journal",
    ]


def test_restore_of_a_missing_database_needs_nothing_set_aside(
    tmp_path: Path, clock: FixedClock
) -> None:
    path, journal_file, backup = damaged_database(tmp_path, clock, "nothing")
    path.unlink()
    journal_file.unlink()
    assert storage_of(Store.open(path, clock)).restore(backup) == []
    assert titles(path, clock) == ["in the backup"]


# -- 6. clock jumps ----------------------------------------------------------------------------


def backups_made(store: Store) -> int:
    return len(storage_of(store).backups())


def test_a_backup_from_a_clock_that_ran_ahead_does_not_stop_backups(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeTime(monkeypatch, time.time())
    path = tmp_path / "goals.json"
    store = Store.open(path, clock)
    store.add_goal("one")
    assert backups_made(store) == 1
    # The clock was set to 2099 for a moment, and a backup was made then.
    fake.now, real = 4_102_444_800.0, fake.now
    monkeypatch.setattr(backup_names, "BACKUP_EVERY_SECONDS", 0)
    store = Store.open(path, clock)
    store.add_goal("two")
    monkeypatch.setattr(backup_names, "BACKUP_EVERY_SECONDS", 6 * HOUR)
    assert backups_made(store) == 2
    assert storage_of(store).backups()[-1].name.startswith("goals-2100")
    fake.now = real + 60
    store = Store.open(path, clock)  # a new process, the clock right again
    store.add_goal("three")  # the backup "from 2100" is not the last: that was a minute ago
    assert backups_made(store) == 2
    fake.now += 7 * HOUR
    store = Store.open(path, clock)
    store.add_goal("four")  # (on main: none until 2100)
    assert backups_made(store) == 3
    store.add_goal("five")
    assert backups_made(store) == 3
    fake.now += 7 * HOUR
    store = Store.open(path, clock)
    store.add_goal("six")
    assert backups_made(store) == 4
    assert storage_of(store).backups()[0].name.startswith("goals-2100")  # made before these


def test_a_backup_stamped_later_than_now_makes_one_due(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The clock went back: every backup is "from the future", so one is due now."""
    fake = FakeTime(monkeypatch, 4_102_444_800.0)  # 2100
    path = tmp_path / "goals.json"
    Store.open(path, clock).add_goal("one")
    fake.now = 1_795_000_000.0  # 2026
    store = Store.open(path, clock)
    store.add_goal("two")
    assert backups_made(store) == 2
    store.add_goal("three")
    assert backups_made(store) == 2


def test_rotation_keeps_the_backups_made_last_when_the_clock_went_back(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeTime(monkeypatch, 4_102_444_800.0)  # 2100
    path = tmp_path / "goals.json"
    store = Store.open(path, clock)
    storage_of(store).backups_kept = 3
    monkeypatch.setattr(backup_names, "BACKUP_EVERY_SECONDS", 0)
    for n in range(3):
        fake.now += 10
        store.add_goal(f"ahead {n}")
    monkeypatch.setattr(backup_names, "BACKUP_EVERY_SECONDS", 6 * HOUR)
    fake.now = 1_795_000_000.0  # back to 2026
    for n in range(3):
        store = Store.open(path, clock)
        storage_of(store).backups_kept = 3
        store.add_goal(f"now {n}")
        fake.now += 7 * HOUR
    names = [b.name for b in storage_of(store).backups()]
    assert len(names) == 3 and all(n.startswith("goals-2026") for n in names), names


# -- 14. a full disk while a backup is due ------------------------------------------------------


def test_a_backup_that_cannot_be_written_never_blocks_a_change(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "goals.json"
    store = Store.open(path, clock)
    store.add_goal("one")
    store.add_goal("two")  # in the journal
    monkeypatch.setattr(backup_names, "BACKUP_EVERY_SECONDS", 0)  # a backup is due at every save

    real_mkstemp = storage_fold.tempfile.mkstemp

    def no_space(*args: Any, **kwargs: Any) -> Any:  # a whole new file does not fit any more
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(storage_fold.tempfile, "mkstemp", no_space)
    store = Store.open(path, clock)
    store.add_goal("three")
    store.add_goal("four")
    assert len(storage_of(store).warnings) == 1  # warned once
    assert "backup" in storage_of(store).warnings[0]
    assert "No space left" in storage_of(store).warnings[0]
    monkeypatch.setattr(storage_fold.tempfile, "mkstemp", real_mkstemp)
    assert titles(path, clock) == ["one", "two", "three", "four"]


def test_the_identity_is_made_once_and_an_older_microgoals_reads_it_as_a_table(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "goals.json"
    store = Store.open(path, clock)
    store.add_goal("one")
    doc = orjson.loads(path.read_bytes())
    identity = doc["database"]
    assert list(identity) == ["1"] and identity["1"]["name"] == "goals.json"
    # What a microgoals from before identities checks: every other value a table of documents.
    tables = {k: v for k, v in doc.items() if k not in ("schema_version", "journal_id")}
    assert all(
        isinstance(t, dict) and all(isinstance(d, dict) for d in t.values())
        for t in tables.values()
    )
    assert all(key.isdecimal() for t in tables.values() for key in t)
    # Written back by such a microgoals (keys in another order), it stays the same database.
    path.write_bytes(orjson.dumps({"schema_version": 1, "journal_id": "x", **tables}))
    Path(f"{path}.journal").unlink(missing_ok=True)
    monkeypatch.setattr(backup_names, "BACKUP_EVERY_SECONDS", 0)
    FakeTime(monkeypatch, time.time() + 10)
    store = Store.open(path, clock)
    store.add_goal("two")
    assert orjson.loads(path.read_bytes())["database"] == identity
    # One backup as the file was made, one before migrating the version-1 file, one now.
    assert len(storage_of(store).backups()) == 3


def test_an_import_never_takes_another_databases_identity(
    tmp_path: Path, clock: FixedClock
) -> None:
    source = Store.memory(clock)
    source.add_goal("one")
    export = source.export()
    other = {"1": {"id": "0123456789abcdef", "name": "other.json"}}
    export["tables"]["database"] = other  # as a microgoals that saw it as a table exports it
    path = tmp_path / "goals.json"
    Store.open(path, clock).import_(export)
    identity = orjson.loads(path.read_bytes())["database"]
    assert identity["1"]["name"] == "goals.json" and identity != other
    assert titles(path, clock) == ["one"]


def test_a_fifo_named_like_a_backup_does_not_block_the_listing(
    tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "goals.json"
    store = Store.open(path, clock)
    store.add_goal("one")
    os.mkfifo(tmp_path / "backups" / "goals-20261101-090000-auto.json")
    assert len(storage_of(store).backups()) == 2  # (listed: it says nothing against it)


def test_restore_never_waits_on_a_fifo_at_the_journals_path(
    tmp_path: Path, clock: FixedClock
) -> None:
    """Setting the current files aside read them with a plain open: a FIFO at the
    journal's path hung the restore forever."""
    path, journal_file, backup = damaged_database(tmp_path, clock, "nothing")
    journal_file.unlink()
    os.mkfifo(journal_file)
    with pytest.raises(StorageError, match="FIFO"):
        storage_of(Store.open(path, clock)).restore(backup)


def test_a_copy_to_an_unknown_users_home_is_one_line(tmp_path: Path, clock: FixedClock) -> None:
    store = Store.open(tmp_path / "db.json", clock)
    store.add_goal("kept")
    with pytest.raises(StorageError, match="cannot use"):
        storage_of(store).copy_to("~nosuchuser-microgoals/copy.json")

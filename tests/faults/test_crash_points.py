"""The crash-point harness: every storage operation, through every crash point and every
error point of the filesystem calls it makes (``fsfaults.py``).

For each operation a dry run counts its points; then, for each point and each kind of fault
(a crash, a torn write, ENOSPC, EIO), the operation runs again on a fresh copy of the same
database with that fault injected, and a fresh store opened on what is left must find:

* the database readable, with every change acknowledged before the operation;
* the operation's change wholly there or wholly absent, never half (wholly there only if
  it was acknowledged, or not refused with "nothing was changed");
* the next write succeeding, and no leftover (a temp file) after it.

The operations: a commit (add, edit, a block), the first write of a new database, a fold
of the journal, a fold that makes a backup, a migration of an older file, a restore, an
import (a small one, and one of a few hundred goals: a large line), the fast ``add``, an
undo (alone, and with a fold) and a redo; each writes the summary too. For the commits,
the imports, the undo and the redo the operation log is checked as well: the change's entry
is there exactly when its data is (an undo is all or nothing: the data and its entry).
Run alone with ``pytest tests/faults -q -s`` to see the count of points covered.
"""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pendulum
import pytest
from fsfaults import Crash, Fault, Faults
from tinydb import TinyDB
from tinydb.table import Document

from tui_microgoals.core import backup_names, fastpath, journal
from tui_microgoals.core.clock import Clock, FixedClock
from tui_microgoals.core.errors import MicrogoalsError
from tui_microgoals.core.oplog import GID, OPS_TABLE
from tui_microgoals.core.store import Store

START = pendulum.datetime(2026, 11, 22, 9, 0, tz="UTC")
KINDS = ("crash", "torn", "ENOSPC", "EIO")
#: The errors a call can really meet, where it is not a full disk or an I/O error.
ERRORS = {"flock": ("ENOLCK", "EIO"), "open": ("ENOSPC", "EIO", "EACCES")}
WRITES = {"write", "sendfile", "copy_file_range"}
DB = "db.json"


def fixed_clock() -> FixedClock:
    return FixedClock(START, "UTC")


def history(store: Store) -> None:
    """A little of everything: goals at two levels, a plan, a finished block, settings."""
    book = store.add_goal("Write the book", due=pendulum.date(2027, 1, 5))
    intro = store.add_goal("Intro", parent=book.id, minutes=20)
    store.add_goal("Outline", parent=book.id, minutes=15, after=[intro.id])
    store.plan([intro.id])
    store.start_block(intro.id)
    store.stop_block("done", "went well")
    store.set_setting("capacity", 90)


@dataclass(frozen=True)
class Operation:
    name: str
    #: Makes the database the operation starts from, in an empty folder.
    prepare: Callable[[Path], None]
    #: The operation, from a fresh process's point of view: it opens the database itself.
    run: Callable[[Path], Any]
    #: Limits set for the operation (a fold every commit, a backup due): module, name, value.
    limits: tuple[tuple[Any, str, Any], ...] = ()
    #: Fields that differ between two runs of the operation (the real clock's time).
    unstable: tuple[str, ...] = ()
    #: Run on each copy of the prepared folder (a copy has new inodes: the summary beside
    #: the database no longer vouches for it until the next commit).
    copied: Callable[[Path], None] | None = None
    #: Whether the operation changes the data (a fold or a copy does not: what they must not
    #: do is lose or half-write anything).
    changes: bool = True
    #: Whether the operation log is part of what is checked: the change's entry is there
    #: exactly when its data is (each entry's random id aside).
    log: bool = False


def prepare_history(folder: Path) -> None:
    history(Store.open(folder / DB, fixed_clock()))


def prepare_nothing(folder: Path) -> None:
    pass


def prepare_old_format(folder: Path) -> None:
    with TinyDB(folder / DB) as old:  # a file from before schema_version existed
        old.table("goals").insert({"title": "from before", "status": "open", "after": []})


def prepare_with_backup(folder: Path) -> None:
    store = Store.open(folder / DB, fixed_clock())
    store.add_goal("in the backup")
    store.storage._compact()
    store.storage._backup("manual", (folder / DB).read_bytes())
    store.add_goal("after the backup")


def prepare_for_fast_add(folder: Path) -> None:
    history(Store.open(folder / DB, Clock()))  # the zone from $MICROGOALS_TZ, as the CLI


def summarize(folder: Path) -> None:
    Store.open(folder / DB, Clock()).set_setting("capacity", 90)  # a commit: a new summary


def restore_first_backup(folder: Path) -> None:
    store = Store.open(folder / DB, fixed_clock())
    store.storage.restore(store.storage.backups()[0])


EXPORT = {"format": "microgoals-export", "schema_version": 1, "tables": {}}


def import_export(folder: Path) -> None:
    source = Store.memory(fixed_clock())
    history(source)
    Store.open(folder / DB, fixed_clock()).import_(source.export())


def prepare_for_copy(folder: Path) -> None:
    prepare_history(folder)
    (folder / "out").mkdir()  # where the copy goes (a temp file a crash leaves there is not ours)


def copy_to(folder: Path) -> None:
    Store.open(folder / DB, fixed_clock()).storage.copy_to(folder / "out" / "copy.json")


def prepare_undone(folder: Path) -> None:
    prepare_history(folder)
    Store.open(folder / DB, fixed_clock()).undo()  # so there is something to redo


def undo(folder: Path) -> None:
    Store.open(folder / DB, fixed_clock()).undo()


def redo(folder: Path) -> None:
    Store.open(folder / DB, fixed_clock()).redo()


def import_large(folder: Path) -> None:
    """An import of a few hundred goals: one large journal line, and one large log entry."""
    source = Store.memory(fixed_clock())
    history(source)
    for n in range(100):
        parent = source.add_goal(f"project {n} " + "x" * 60, notes="n" * 200).id
        source.add_steps(parent, [(f"step {n}.{i}", 15) for i in range(3)])
    Store.open(folder / DB, fixed_clock()).import_(source.export())


def fold_on_quit(folder: Path) -> None:
    Store.open(folder / DB, fixed_clock()).storage.fold()


def fast_add(folder: Path) -> None:
    """As the command line does it: the fast path, else (it cannot say) the full one."""
    if fastpath.add_goal(str(folder / DB), "added fast", minutes=10) is None:
        Store.open(folder / DB, Clock()).add_goal("added fast", minutes=10)


def summarize_ahead(folder: Path) -> None:
    """A commit as the command line makes it, so the summary works out the undos and redos
    ahead; one that changes nothing (a change would end what can be redone)."""
    store = Store.open(folder / DB, Clock())
    store.steps_ahead = 1
    with store._tx("", undoable=False):
        store._meta_t.upsert(Document(store._meta(), doc_id=1))


def fast_step(redo: bool) -> Callable[[Path], None]:
    def step(folder: Path) -> None:
        """As the command line does it: the fast path, else the full one."""
        if fastpath.undo_step(str(folder / DB), redo=redo) is None:
            store = Store.open(folder / DB, Clock())
            store.actor = "cli redo" if redo else "cli undo"
            store.redo() if redo else store.undo()

    return step


def prepare_archivable(folder: Path) -> None:
    """A finished project from 200 days ago (goals, a plan, a block), then the history."""
    store = Store.open(folder / DB, FixedClock(START.subtract(days=200), "UTC"))
    old = store.add_goal("Old project")
    step = store.add_goal("Old step", parent=old.id, minutes=20)
    store.plan([step.id])
    store.start_block(step.id)
    store.stop_block("done", "long ago")
    store.clock = fixed_clock()
    history(store)


def prepare_archived(folder: Path) -> None:
    prepare_archivable(folder)
    Store.open(folder / DB, fixed_clock()).archive_old()


def prepare_archived_newest(folder: Path) -> None:
    """Archived right after its last change: undo's newest entry changes archived goals (a
    goal made today first: the horizon counts back from the newest record)."""
    Store.open(folder / DB, fixed_clock()).add_goal("Today's step")
    store = Store.open(folder / DB, FixedClock(START.subtract(days=200), "UTC"))
    old = store.add_goal("Old project")
    step = store.add_goal("Old step", parent=old.id, minutes=20)
    store.mark_done(step.id)
    Store.open(folder / DB, fixed_clock()).archive_old()
    assert str(old.id) not in orjson.loads((folder / DB).read_bytes())["goals"]


def prepare_archived_twice(folder: Path) -> None:
    prepare_archived(folder)
    store = Store.open(folder / DB, fixed_clock())
    store.reopen(2)  # (back in the main file, its old copy still in the archive)
    store.mark_done(2)


def prepare_for_fast_redo(folder: Path) -> None:
    prepare_for_fast_add(folder)
    Store.open(folder / DB, Clock()).undo()  # so there is something to redo


OPERATIONS = [
    Operation(
        "add",
        prepare_history,
        lambda f: Store.open(f / DB, fixed_clock()).add_goal("new", parent=1, minutes=10),
        log=True,
    ),
    Operation(
        "edit",
        prepare_history,
        lambda f: Store.open(f / DB, fixed_clock()).edit_goal(2, title="Intro, shorter"),
        log=True,
    ),
    Operation(
        "start a block",
        prepare_history,
        lambda f: Store.open(f / DB, fixed_clock()).start_block(3),
        log=True,
    ),
    Operation("undo", prepare_history, undo, log=True),
    Operation("redo", prepare_undone, redo, log=True),
    Operation(
        "undo with a fold",
        prepare_history,
        undo,
        limits=((journal, "JOURNAL_MAX_ENTRIES", 1),),
        log=True,
    ),
    Operation(
        "first write",
        prepare_nothing,
        lambda f: Store.open(f / DB, fixed_clock()).add_goal("the very first"),
    ),
    Operation(
        "fold",
        prepare_history,
        lambda f: Store.open(f / DB, fixed_clock()).add_goal("folded in"),
        limits=((journal, "JOURNAL_MAX_ENTRIES", 1),),
    ),
    Operation(
        "fold with a backup",
        prepare_history,
        lambda f: Store.open(f / DB, fixed_clock()).add_goal("backed up"),
        limits=((backup_names, "BACKUP_EVERY_SECONDS", 0),),
    ),
    Operation(
        "migrate",
        prepare_old_format,
        lambda f: Store.open(f / DB, fixed_clock()).add_goal("after the migration"),
    ),
    Operation("restore", prepare_with_backup, restore_first_backup),
    Operation("import", prepare_nothing, import_export, log=True),
    Operation("large import", prepare_nothing, import_large, log=True),
    Operation("fold on quit", prepare_history, fold_on_quit, changes=False),
    Operation(
        "archive",
        prepare_archivable,
        lambda f: Store.open(f / DB, fixed_clock()).archive_old(),
        changes=False,
    ),
    Operation(
        "archive again",
        prepare_archived_twice,
        lambda f: Store.open(f / DB, FixedClock(START.add(days=8), "UTC")).archive_old(),
        changes=False,
    ),
    Operation(
        "edit an archived goal",
        prepare_archived,
        lambda f: Store.open(f / DB, fixed_clock()).edit_goal(2, title="Old step, renamed"),
        log=True,
    ),
    Operation("undo on an archived goal", prepare_archived_newest, undo, log=True),
    Operation("backup --to", prepare_for_copy, copy_to, changes=False),
    Operation(
        "fast add",
        prepare_for_fast_add,
        fast_add,
        unstable=("created_at",),
        copied=summarize,
    ),
    Operation(
        "fast undo",
        prepare_for_fast_add,
        fast_step(redo=False),
        unstable=("at", "hlc"),
        copied=summarize_ahead,
        log=True,
    ),
    Operation(
        "fast redo",
        prepare_for_fast_redo,
        fast_step(redo=True),
        unstable=("at", "hlc"),
        copied=summarize_ahead,
        log=True,
    ),
]


# -- one run -------------------------------------------------------------------------------


def state(folder: Path, operation: Operation) -> dict[str, Any]:
    """What a fresh process reads: every table, less the fields that are not stable."""
    return state_of(folder / DB, operation.unstable, log=operation.log)


def state_of(path: Path, unstable: tuple[str, ...], *, log: bool = False) -> dict[str, Any]:
    store = Store.open(path, fixed_clock())
    tables = store.export()["tables"]
    # The device's id is made at random by a database's first write: two runs of a first
    # write (an import, a migration) make two (it is checked to be the one the log uses;
    # an export leaves it out).
    data = store.storage.read() or {}
    device = data.get("meta", {}).get("1", {}).get("device")
    if log:  # each entry less its id (random too)
        entries = data.get(OPS_TABLE, {})
        assert all(entry.get("device") == device for entry in entries.values())
        tables[OPS_TABLE] = {
            key: {name: value for name, value in entry.items() if name not in ("id", "device")}
            for key, entry in entries.items()
        }
        for entry in tables[OPS_TABLE].values():  # (a goal's global id is random: below)
            for op in entry.get("ops", []):
                for side in ("a", "b"):
                    if isinstance(op.get(side), dict):
                        op[side] = {k: v for k, v in op[side].items() if k != GID}
    tables = {name: table for name, table in tables.items() if table}  # no table = empty one
    for table in tables.values():
        for doc in table.values():
            for name in (*unstable, GID):  # (a goal's and a block's global id: random)
                doc.pop(name, None)
    return tables


def leftovers(folder: Path) -> list[str]:
    """Temp files beside the database (a backup's, in ``backups/``, goes with the next
    backup: it stands in no write's way), and any backup that is not whole."""
    found = [p.name for p in folder.glob("*") if p.name.endswith(".tmp")]
    for backup in folder.glob("backups/*.json"):
        try:
            orjson.loads(backup.read_bytes())
        except orjson.JSONDecodeError:
            found.append(backup.name)
    return sorted(found)


@contextlib.contextmanager
def limits(operation: Operation, monkeypatch: pytest.MonkeyPatch):
    with monkeypatch.context() as patch:
        for module, name, value in operation.limits:
            patch.setattr(module, name, value)
        yield


@dataclass
class Outcome:
    points: list[tuple[str, str]]
    result: str  # "ok", "refused: <message>" or "crash"


def run(operation: Operation, folder: Path, fault: Fault | None) -> Outcome:
    faults = Faults(fault)
    result = "ok"
    with faults.active():
        try:
            operation.run(folder)
        except Crash:
            result = "crash"
        except MicrogoalsError as error:
            result = f"refused: {error}"
    if fault is not None and fault.kind in ("crash", "torn"):
        assert result == "crash", f"the crash point was not reached: {result}"
    if fault is not None:
        assert faults.hit, "the point was not reached"
    return Outcome(faults.points, result)


def check_after_fault(
    operation: Operation,
    folder: Path,
    outcome: Outcome,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    now = state(folder, operation)  # readable, and not refused
    if outcome.result == "ok":
        assert now == after, "an acknowledged change is missing"
    elif outcome.result.startswith("refused") and "not changed" in outcome.result:
        assert now == before, f"said {outcome.result!r} but the change is there"
    else:
        assert now in (before, after), "the operation's change is half there"
    copy = folder / "out" / "copy.json"
    if copy.exists():  # a copy is whole, or not there at all
        assert state_of(copy, operation.unstable) == after, "a half-written copy"
    # The next write works and leaves nothing behind.
    store = Store.open(folder / DB, fixed_clock())
    next_id = store.add_goal("the next write").id
    assert store.goal(next_id).title == "the next write"
    assert leftovers(folder) == []
    reread = state(folder, operation)
    assert reread["goals"][str(next_id)]["title"] == "the next write"
    del reread["goals"][str(next_id)]
    for key, entry in list(reread.get(OPS_TABLE, {}).items()):
        if entry.get("what") == "added 'the next write'":
            del reread[OPS_TABLE][key]  # (its entry: the log goes on after it)
    kept = {k: v for k, v in reread.items() if v and k != "meta"}
    assert kept == {k: v for k, v in now.items() if k != "meta"}


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda op: op.name)
def test_every_crash_and_error_point(
    operation: Operation,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("MICROGOALS_TZ", "UTC")
    template = tmp_path / "template"
    template.mkdir()
    operation.prepare(template)

    def fresh(name: str) -> Path:
        folder = tmp_path / name
        shutil.copytree(template, folder, symlinks=True)
        if operation.copied is not None:
            operation.copied(folder)
        return folder

    with limits(operation, monkeypatch):
        before = state(fresh("before"), operation)
        clean = fresh("dry-run")
        dry = run(operation, clean, None)
        assert dry.result == "ok", dry.result
        if operation.name.startswith("fast"):
            # It took the fast path: the summary, never the main file.
            opened = [detail.split()[0] for call, detail in dry.points if call == "open"]
            assert "db.json.status" in opened and DB not in opened, opened
        after = state(clean, operation)
        assert (after != before) == operation.changes
        covered: dict[str, int] = {}
        failures: list[str] = []
        for at, (call, detail) in enumerate(dry.points, start=1):
            kinds = ["crash", *(["torn"] if call in WRITES else []), *ERRORS.get(call, KINDS[2:])]
            for kind in kinds:
                folder = fresh(f"{at}-{kind}")
                where = f"{kind} at point {at} ({call} {detail})"
                try:
                    outcome = run(operation, folder, Fault(at, kind))
                    check_after_fault(operation, folder, outcome, before, after)
                except Exception as error:  # noqa: BLE001 - every point is reported
                    failures.append(f"{where}: {type(error).__name__}: {error}".splitlines()[0])
                covered[kind] = covered.get(kind, 0) + 1
                shutil.rmtree(folder)
    with capsys.disabled():
        print(f"\n{operation.name}: {len(dry.points)} points, faults run: {covered}")
        for failure in failures:
            print(f"  FAIL {operation.name}: {failure}")
    assert failures == []
    assert len(dry.points) >= 3

"""Undo and redo on the operation log (issue 14): what they refuse, and that what they do
survives a fold, a restart and a migration; how far back the log reaches; its clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from tinydb.table import Document

from tui_microgoals.core import fastpath, oplog
from tui_microgoals.core.clock import Clock, FixedClock
from tui_microgoals.core.errors import Conflict
from tui_microgoals.core.oplog import OPS_TABLE
from tui_microgoals.core.storage import SCHEMA_VERSION
from tui_microgoals.core.store import Store
from tui_microgoals.core.store_undo import NothingToUndo


def log_of(store: Store) -> dict[str, Any]:
    return (store.storage.read() or {}).get(OPS_TABLE, {})


def data(store: Store) -> dict[str, Any]:
    """The export less meta's local fields (not undone: see ``oplog.LOCAL_FIELDS``)."""
    tables = store.export()["tables"]
    for doc in tables.get("meta", {}).values():
        for field in [f for f in doc if ("meta", f) in oplog.LOCAL_FIELDS]:
            del doc[field]
    return tables


# -- redo of a delete whose goal has finished blocks ------------------------------------


def test_redo_of_a_delete_that_kept_the_goals_finished_block(store: Store) -> None:
    """The store deletes a goal that had blocks (they stay, as history): undoing and redoing
    that delete must work too (it was refused: "block 1 was spent on it")."""
    goal = store.add_goal("Bake").id
    store.start_block(goal)
    store.stop_block("done")
    store.delete(goal)
    after = data(store)
    assert store.undo() == "undid: deleted 'Bake'"
    assert goal in store.goals()
    assert store.redo() == "redid: deleted 'Bake'"
    assert data(store) == after


# -- after a fold, a restart, a migration --------------------------------------------------


def three_changes(store: Store) -> tuple[int, int]:
    report = store.add_goal("Write the report").id
    step = store.add_goal("Outline", parent=report, minutes=15).id
    store.mark_done(step)
    return report, step


def test_undo_after_a_fold(tmp_path: Path, clock: FixedClock) -> None:
    store = Store.open(tmp_path / "db.json", clock)
    report, step = three_changes(store)
    store.storage.fold()
    assert store.undo() == "undid: marked 'Outline' done"
    assert store.goal(step).status == "open"
    store.storage.fold()
    assert store.undo() == "undid: added 'Outline'"
    assert store.redo() == "redid: added 'Outline'"
    fresh = Store.open(tmp_path / "db.json", clock)
    assert sorted(fresh.goals()) == [report, step]
    assert fresh.goal(step).status == "open"


def test_undo_after_a_restart_then_redo_in_another_process(
    tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "db.json"
    report, step = three_changes(Store.open(path, clock))
    assert Store.open(path, clock).undo() == "undid: marked 'Outline' done"
    assert Store.open(path, clock).undo() == "undid: added 'Outline'"
    assert Store.open(path, clock).redo() == "redid: added 'Outline'"
    fresh = Store.open(path, clock)
    assert fresh.goal(step).status == "open"
    assert [line.what for line in fresh.log()] == [
        "redid: added 'Outline'",
        "undid: added 'Outline'",
        "undid: marked 'Outline' done",
        "marked 'Outline' done",
        "added 'Outline'",
        "added 'Write the report'",
    ]
    assert [line.undone for line in fresh.log()][3:] == [True, False, False]


V1_GOALS = {
    "1": {"title": "from version 1", "status": "open", "after": [], "position": 0},
    "2": {"title": "its step", "status": "open", "after": [], "parent": 1, "position": 0},
}


def test_undo_after_a_migration_from_version_1(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "db.json"
    path.write_bytes(
        orjson.dumps(
            {"schema_version": 1, "goals": V1_GOALS, "meta": {"1": {"settings": {"capacity": 90}}}}
        )
    )
    store = Store.open(path, clock)
    before = data(store)
    with pytest.raises(NothingToUndo, match="nothing to undo"):
        store.undo()  # the log starts at the migration
    store.mark_done(2)
    store.set_setting("capacity", 60)
    assert orjson.loads(path.read_bytes())["schema_version"] == SCHEMA_VERSION
    assert list((tmp_path / "backups").glob("*.json"))  # the version-1 file, set aside
    assert Store.open(path, clock).undo() == "undid: set capacity to 60 minutes"
    fresh = Store.open(path, clock)
    assert fresh.undo() == "undid: marked 'its step' done"
    assert data(Store.open(path, clock)) == before
    with pytest.raises(NothingToUndo):
        fresh.undo()


def test_a_version_1_export_round_trips(clock: FixedClock) -> None:
    v1 = {
        "format": "microgoals-export",
        "schema_version": 1,
        "tables": {"goals": V1_GOALS, "meta": {"1": {"settings": {"capacity": 90}}}},
    }
    store = Store.memory(clock)
    assert store.import_(v1) == 2
    exported = store.export()
    assert exported["schema_version"] == SCHEMA_VERSION
    again = Store.memory(clock)
    again.import_(exported)
    assert again.export() == exported
    assert OPS_TABLE not in exported["tables"]
    assert again.undo() == "undid: imported 2 goals"
    assert again.goals() == {}
    assert again.redo() == "redid: imported 2 goals"
    assert again.export()["tables"]["goals"] == exported["tables"]["goals"]


# -- refusals: nothing changed, nothing logged -----------------------------------------------


def unlogged(store: Store, table: str, key: int, doc: dict[str, Any] | None) -> None:
    """A change the log does not know of (a hand edit of the file, a tool that is not
    microgoals): written straight to the table, outside ``Store._tx``."""
    with store.storage.transaction():
        if doc is None:
            store._table(table).remove(doc_ids=[key])
        else:
            store._table(table).upsert(Document(doc, doc_id=key))
    store._forget_caches()


def refused(store: Store, match: str, *, redo: bool = False) -> str:
    before, log = store.export(), log_of(store)
    with pytest.raises(Conflict, match=match) as caught:
        store.redo() if redo else store.undo()
    assert store.export() == before
    assert log_of(store) == log  # no entry either
    return str(caught.value)


def test_an_undo_that_would_make_a_cycle_is_refused(store: Store) -> None:
    a = store.add_goal("A").id
    b = store.add_goal("B").id
    store.depend(a, b)
    store.undepend(a, b)  # undoing this makes A wait for B again...
    unlogged(store, "goals", b, {**store.export()["tables"]["goals"][str(b)], "after": [a]})
    message = refused(store, "dependency cycle")  # ...while B waits for A
    assert message == (
        "cannot undo \"made 'A' no longer wait for 'B'\": it would make a dependency cycle; "
        "nothing was changed"
    )


def test_an_undo_that_would_put_a_goal_under_a_deleted_parent_is_refused(store: Store) -> None:
    parent = store.add_goal("Parent").id
    child = store.add_goal("Child", parent=parent).id
    store.edit_goal(child, parent=None)  # undoing this puts Child back under Parent...
    unlogged(store, "goals", parent, None)  # ...which is gone
    assert refused(store, "is gone") == (
        "cannot undo \"moved 'Child' to the top level\": its parent, goal 1, is gone; "
        "nothing was changed"
    )


def test_an_undo_of_a_change_made_since_is_refused(store: Store) -> None:
    goal = store.add_goal("Bake").id
    store.edit_goal(goal, title="Bake batch 3")
    unlogged(store, "goals", goal, {**store.export()["tables"]["goals"][str(goal)], "title": "X"})
    assert refused(store, "changed since") == (
        "cannot undo \"edited 'Bake' (title)\": goal 1 was changed since; nothing was changed"
    )


def test_an_undo_that_would_make_a_second_running_block_is_refused(store: Store) -> None:
    """Undoing the stop of block 1 while block 2 runs (started outside the log): refused
    because the running block changed since."""
    one = store.add_goal("One").id
    two = store.add_goal("Two").id
    store.start_block(one)
    store.stop_block("partial")
    running = {
        "goal": two,
        "planned_seconds": 1200,
        "started_at": "2026-03-02T09:00:00Z",
        "tz": "UTC",
        "day": "2026-03-02",
        "pauses": [],
        "interruptions": [],
        "ended_at": None,
        "outcome": None,
        "reflection": "",
    }
    unlogged(store, "blocks", 2, running)
    unlogged(store, "meta", 1, {**store._meta(), "running": 2})
    assert store.running_block() is not None
    refused(store, "the settings were changed since")


def test_a_redo_that_would_make_a_second_running_block_is_refused(store: Store) -> None:
    """An entry whose redo adds an unfinished block (as one merged from another device may)
    while another block runs: ``_check`` refuses it."""
    one = store.add_goal("One").id
    store.start_block(one)
    block = store.export()["tables"]["blocks"]["1"]
    seq = max(int(k) for k in log_of(store))
    other = {"id": "feedbeef", "what": "started a block elsewhere", "hlc": [1, 0]}
    with store.storage.transaction():  # the entry, and its undo (so it can be redone)
        store._ops_t.insert(
            Document({**other, "ops": [{"t": "blocks", "k": "9", "a": block}]}, doc_id=seq + 1)
        )
        store._ops_t.insert(Document({"id": "u", "undoes": "feedbeef", "ops": []}, doc_id=seq + 2))
    assert refused(store, "another block is running", redo=True) == (
        'cannot redo "started a block elsewhere": another block is running; stop it first; '
        "nothing was changed"
    )


def test_nothing_to_undo_or_redo(store: Store) -> None:
    with pytest.raises(NothingToUndo, match="nothing to undo"):
        store.undo()
    store.add_goal("A")
    with pytest.raises(NothingToUndo, match="nothing to redo"):
        store.redo()


# -- how far back --------------------------------------------------------------------------


def entries_at(*days: int) -> list[oplog.Entry]:
    """Log entries made ``days`` after the first (oldest first)."""
    return [
        oplog.Entry(i, {"id": str(i), "hlc": [day * oplog._DAY_MS, 0], "ops": []})
        for i, day in enumerate(days, start=1)
    ]


def test_keep_is_the_newest_entries_or_the_last_90_days_whichever_is_more(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert (oplog.KEEP_ENTRIES, oplog.KEEP_DAYS) == (1000, 90)
    monkeypatch.setattr(oplog, "KEEP_ENTRIES", 3)
    few = entries_at(0, 1, 2)
    assert oplog.keep(few) == few
    # Most within 90 days of the newest: all of those, more than 3.
    log = entries_at(0, 10, 200, 250, 260, 289, 290)
    assert [e.seq for e in oplog.keep(log)] == [3, 4, 5, 6, 7]
    # Few within 90 days: the newest 3 all the same.
    log = entries_at(0, 10, 20, 30, 300)
    assert [e.seq for e in oplog.keep(log)] == [3, 4, 5]


def test_a_fold_keeps_what_undo_needs(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(oplog, "KEEP_ENTRIES", 4)
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    for n in range(6):  # a year ago, a day apart
        store.add_goal(f"old {n}")
        clock.advance(days=1)
    clock.advance(days=300)
    for n in range(6):  # the last 90 days: all six kept, more than KEEP_ENTRIES
        store.add_goal(f"new {n}")
        clock.advance(days=14)
    store.storage.fold()
    fresh = Store.open(path, clock)
    assert len(log_of(fresh)) == 6
    assert [line.what for line in fresh.log()][-1] == "added 'new 0'"
    for n in reversed(range(6)):
        assert fresh.undo() == f"undid: added 'new {n}'"
    with pytest.raises(NothingToUndo):
        fresh.undo()
    assert len(fresh.goals()) == 6  # the old ones stay; only their undo is gone
    assert len(log_of(fresh)) == 12  # (each undo is an entry too)
    clock.advance(days=200)  # days by the newest entry's clock: only this one's 90 days...
    fresh.add_goal("much later")
    fresh.storage.fold()
    assert len(log_of(Store.open(path, clock))) == 4  # ...so the newest 4 entries are kept


def test_the_clock_of_the_log_never_goes_backwards(tmp_path: Path, clock: FixedClock) -> None:
    store = Store.open(tmp_path / "db.json", clock)
    store.add_goal("A")
    clock.advance(hours=-3)  # the wall clock jumps back
    store.add_goal("B")
    store.add_goal("C")
    clock.advance(days=-400)
    store.undo()
    clock.advance(days=500)
    store.redo()
    clocks = [doc["hlc"] for _, doc in sorted(log_of(store).items(), key=lambda kv: int(kv[0]))]
    assert len(clocks) == 5
    assert all(a < b for a, b in zip(clocks, clocks[1:], strict=False)), clocks
    assert clocks[1] == [clocks[0][0], 1] and clocks[3] == [clocks[0][0], 3]
    assert oplog.next_hlc([5, 7], 3) == [5, 8]
    assert oplog.next_hlc([5, 7], 6) == [6, 0]


def test_undo_of_the_fast_add(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MICROGOALS_TZ", clock.tz)
    path = tmp_path / "db.json"
    store = Store.open(path, Clock())  # as the CLI: the real clock, the zone from the env
    store.add_goal("Full path")
    before = data(store)
    goal = fastpath.add_goal(str(path), "Fast path", minutes=10)
    assert goal is not None, "the fast path was not taken"
    fresh = Store.open(path, clock)
    assert fresh.log()[0].what == "added 'Fast path'" and fresh.log()[0].by == "cli add"
    assert fresh.undo() == "undid: added 'Fast path'"
    assert data(Store.open(path, clock)) == before
    assert Store.open(path, clock).redo() == "redid: added 'Fast path'"
    assert [g.title for g in Store.open(path, clock).goals().values()] == [
        "Full path",
        "Fast path",
    ]


# -- a change the user did not make does not block undo -------------------------------------


def test_undo_reaches_past_a_break_that_ran_out(store: Store, clock: FixedClock) -> None:
    """The app ends a break that ran out with a write the user cannot undo; undoing the
    break was refused ("the settings were changed since"), and so every older change could
    no longer be undone. Undo now passes by a change that such a write overwrote."""
    goal = store.add_goal("Bake").id
    store.mark_done(goal)
    store.set_break_until(clock.now().add(minutes=10))
    clock.advance(minutes=11)
    store.set_break_until(None)  # the break ran out (session.py)
    # The break's end overwrote what taking it wrote: undo passes it by.
    assert store.undo() == "undid: marked 'Bake' done"
    assert store.break_until() is None
    assert store.goal(goal).status == "open"


def test_fast_adds_between_undos_keep_one_log(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The fast add numbers its entry from the summary's hint: after an undo, a redo and a
    fold (which trims the log) it still adds after the newest, and undo finds it first."""
    monkeypatch.setenv("MICROGOALS_TZ", clock.tz)
    monkeypatch.setattr(oplog, "KEEP_ENTRIES", 2)
    path = tmp_path / "db.json"
    Store.open(path, Clock()).add_goal("one")
    assert fastpath.add_goal(str(path), "two") is not None
    store = Store.open(path, Clock())
    assert store.undo() == "undid: added 'two'"
    store.add_goal("three")
    store.storage.fold()
    assert fastpath.add_goal(str(path), "four") is not None
    fresh = Store.open(path, Clock())
    assert [line.what for line in fresh.log()][:3] == [
        "added 'four'",
        "added 'three'",
        "undid: added 'two'",
    ]
    assert fresh.undo() == "undid: added 'four'"
    assert fresh.undo() == "undid: added 'three'"
    assert sorted(g.title for g in fresh.goals().values()) == ["one"]


def test_undo_keeps_the_unchanged_goals_parsed(clock: FixedClock) -> None:
    """An undo re-reads only what it changed: at L a whole parse froze the app for ~0.6 s."""
    store = Store.memory(clock)
    a, b = store.add_goal("A"), store.add_goal("B")
    before = store.snapshot().goals
    store.mark_done(a.id)
    assert store.snapshot().goals[b.id] is before[b.id]
    store.undo()
    after = store.snapshot()
    assert after.goals[b.id] is before[b.id]
    assert after.goals[a.id].status == "open"
    patched = dict(store.goals())
    store._forget_caches()  # the patched cache is what a whole parse gives
    assert store.goals() == patched


def test_an_entry_keeps_its_own_copy_of_what_it_wrote(clock: FixedClock) -> None:
    """The values after are the live documents': a later change made in place (TinyDB's
    update changes a stored document in place) must not rewrite the history that a fold
    writes out."""
    store = Store.memory(clock)
    goal = store.add_goal("A")
    data = store.storage.read() or {}
    data["goals"][str(goal.id)]["after"].append(99)
    added = oplog.entries(data[oplog.OPS_TABLE])[-1]
    assert added.ops[0]["a"]["after"] == []


@pytest.mark.parametrize(
    "ops",
    [
        "not a list",
        [5],
        [{"t": "goals", "k": "x1", "f": "title", "b": "A", "a": "B"}],
        [{"t": "schema_version", "k": "1", "a": {}}],
        [{"t": "ops", "k": "1", "a": {}}],
        [{"t": "goals", "k": "1", "f": 7, "a": 1}],
    ],
)
def test_a_damaged_or_hostile_entry_is_refused_with_one_line(clock: FixedClock, ops: Any) -> None:
    store = Store.memory(clock)
    store.add_goal("A")
    before = store.export()
    with store.storage.transaction():
        store._ops_t.insert(
            Document({"id": "bad", "what": "something odd", "ops": ops, "hlc": [0, 0]}, doc_id=99)
        )
    with pytest.raises(Conflict, match="its log entry is damaged; nothing was changed"):
        store.undo()
    assert store.export() == before

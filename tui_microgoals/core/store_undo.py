"""The store's operation log: each change recorded as it commits, undo, redo, the history.

See ``oplog`` for the entries. ``UndoLog`` is a part of ``Store``: the transaction calls
``_log_change`` just before it commits, so the entry goes into the same journal line as the
change it describes.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from tinydb.table import Document

from tui_microgoals.core import oplog, oplog_replay, tree
from tui_microgoals.core.clock import to_instant, to_iso
from tui_microgoals.core.errors import Conflict, CorruptDatabase, MicrogoalsError
from tui_microgoals.core.models import Goal
from tui_microgoals.core.oplog import ABSENT, OPS_TABLE, Entry
from tui_microgoals.core.oplog_replay import UndoRefused
from tui_microgoals.core.storage_archive import MOVABLE
from tui_microgoals.core.store_base import StoreBase, _LazyGoals

if TYPE_CHECKING:
    from pendulum import DateTime


class NothingToUndo(MicrogoalsError):
    """Undo (or redo) with nothing left to undo (or redo): not an error in the input."""


@dataclass(frozen=True)
class LogLine:
    """One entry of the history, for ``microgoals log`` and the app."""

    id: str
    at: DateTime | None
    what: str
    by: str
    host: str
    pid: int | None
    undone: bool

    def where(self) -> str:
        pid = f", pid {self.pid}" if self.pid is not None else ""
        return f"{self.by} on {self.host}{pid}"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "at": to_iso(self.at),
            "what": self.what,
            "by": self.by,
            "host": self.host,
            "pid": self.pid,
            "undone": self.undone,
        }


class UndoLog(StoreBase):
    """Part of ``Store``: see the module docstring."""

    def _tables(self) -> Mapping[str, Mapping[str, Any]]:
        return self.storage.read() or {}

    def _log_change(self) -> None:
        """Add the entry for the running transaction (nothing if it changed nothing)."""
        tables = self._tables()
        ops = oplog.operations(self.storage.befores, tables)
        seq, last = self._newest_entry(tables)
        floor = self._hlc_floor  # (a sync: the clock moves past every entry it read)
        if floor is not None and (last is None or floor > last):
            last = floor
        elif not ops:
            return
        # The entry's own copy: the values after are the live documents' (a later change
        # made in place must never rewrite history).
        ops = orjson.loads(orjson.dumps(ops))
        now = self.clock.now()
        entry = oplog.make_entry(
            last=last,
            wall_ms=int(now.timestamp() * 1000),
            at=to_iso(now) or "",
            device=self._device(),
            by=self.actor,
            what=self.what or "changed the data",
            ops=ops,
            undoable=self.undoable,
        )
        entry.update(self._entry_extra)
        self._ops_t.insert(Document(entry, doc_id=seq + 1))
        self._log_head = (self.storage.generation, seq + 1, entry["hlc"])

    def _newest_entry(self, tables: Mapping[str, Mapping[str, Any]]) -> tuple[int, Any]:
        """``oplog.newest``, kept from our own last entry while no other process wrote (a
        scan of a year's log costs a commit about a millisecond)."""
        head = self._log_head
        if head is not None and head[0] == self.storage.generation:
            return head[1], head[2]
        seq, last = oplog.newest(tables.get(OPS_TABLE, {}))
        self._log_head = (self.storage.generation, seq, last)
        return seq, last

    def _device(self) -> str:
        """This database's device id, made once (a local field: never logged or undone)."""
        meta = dict(self._meta_t.get(doc_id=1) or {})
        device = meta.get(oplog.DEVICE)
        if not isinstance(device, str) or not device:
            device = meta[oplog.DEVICE] = oplog.new_device()
            self._meta_t.upsert(Document(meta, doc_id=1))
        return device

    # -- undo and redo ----------------------------------------------------------------

    def undo(self) -> str:
        """Undo the newest change to this database that is not undone yet, whichever process
        made it; returns what was undone, in words ("undid: marked 'X' done")."""
        return self._step(redo=False)

    def redo(self) -> str:
        """Redo the change undone last; returns what was redone, in words."""
        return self._step(redo=True)

    def _step(self, *, redo: bool) -> str:
        with self._tx("", undoable=False):
            tables = self._tables()
            stacks = oplog.stacks(oplog.entries(tables.get(OPS_TABLE, {})))
            pile = stacks.undone if redo else stacks.done
            touched = {(op.get("t"), op.get("k")) for op in pile[-1].ops} if pile else set()
            archived = any(k not in tables.get(t, {}) for t, k in touched if t in MOVABLE)
            if archived and self.read_history():  # (it changes a document now archived)
                tables = self._tables()
            try:
                target, docs = prepare(stacks, tables, redo=redo)
            except Conflict:  # (a goal it refers to may be archived: a wait, a parent)
                if not self.read_history():
                    raise
                target, docs = prepare(stacks, self._tables(), redo=redo)
            self._write_docs(docs)
            done = oplog.said(target, redo=redo)
            self._relabel(done)
            self.undoable = True
            self._entry_extra = {oplog.marker(redo): target.id}
        self._patch_caches(docs)
        return done

    def _write_docs(self, docs: dict[tuple[str, str], Any]) -> None:
        for (name, key), doc in docs.items():
            table = self._table(name)

            def put(view: dict[int, Any], key: str = key, doc: Any = doc) -> None:
                if doc is ABSENT:
                    view.pop(int(key), None)
                else:
                    view[int(key)] = doc

            table._update_table(put)

    # -- the history ----------------------------------------------------------------

    def log(self, limit: int | None = None) -> list[LogLine]:
        """The history, newest first: what changed, when, and where."""
        log = oplog.entries(self._ops_t._read_table())
        stacks = oplog.stacks(log)
        undone = {e.id for e in stacks.undone}
        lines: list[LogLine] = []
        for entry in reversed(log):
            if limit is not None and len(lines) >= limit:
                break
            doc = entry.doc
            try:
                at = to_instant(doc.get("at"))
            except (TypeError, ValueError):
                at = None
            pid = doc.get("pid")
            lines.append(
                LogLine(
                    id=entry.id,
                    at=at,
                    what=entry.what,
                    by=str(doc.get("by") or "microgoals"),
                    host=str(doc.get("host") or "?"),
                    pid=pid if type(pid) is int else None,
                    undone=entry.id in undone,
                )
            )
        return lines


def prepare(
    stacks: oplog.Stacks,
    tables: Mapping[str, Mapping[str, Any]],
    *,
    redo: bool,
    free: int | None = None,
) -> tuple[Entry, dict[tuple[str, str], Any]]:
    """The entry an undo (or redo) acts on and the documents it writes (ABSENT: deleted),
    checked against ``tables``: ``NothingToUndo``, or ``Conflict`` saying why not. The one
    definition for ``UndoLog._step`` and the steps the summary works out ahead
    (``store_summary``) for the fast path."""
    verb = "redo" if redo else "undo"
    pile = stacks.undone if redo else stacks.done
    if not pile:
        raise NothingToUndo(f"nothing to {verb}")
    target = pile[-1]
    ops = target.ops if redo else oplog_replay.inverse(target.ops)
    try:
        if not ops:
            raise UndoRefused("its log entry is damaged")
        docs = oplog_replay.replay(ops, tables)
        _check(docs, tables, free)
    except UndoRefused as why:
        raise Conflict(f"cannot {verb} {_quote_what(target)}: {why}; nothing was changed") from None
    return target, docs


class Overlay(Mapping[str, Any]):
    """A table with some documents replaced (ABSENT: removed), without copying it; in the
    order a copy changed in place would have (new documents last)."""

    def __init__(self, base: Mapping[str, Any], changes: Mapping[str, Any]) -> None:
        self.base, self.changes = base, changes

    def __getitem__(self, key: str) -> Any:
        if key in self.changes:
            doc = self.changes[key]
            if doc is ABSENT:
                raise KeyError(key)
            return doc
        return self.base[key]

    def __contains__(self, key: object) -> bool:
        if key in self.changes:
            return self.changes[key] is not ABSENT  # type: ignore[index]
        return key in self.base

    def __iter__(self) -> Iterator[str]:
        changes = self.changes
        for key in self.base:
            if key not in changes or changes[key] is not ABSENT:
                yield key
        for key, doc in changes.items():
            if doc is not ABSENT and key not in self.base:
                yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def items(self) -> Iterator[tuple[str, Any]]:  # type: ignore[override]
        """(Without a look-up per key: the checks that scan every goal use it.)"""
        changes, base = self.changes, self.base
        for key, doc in base.items():
            if key in changes:
                doc = changes[key]
                if doc is ABSENT:
                    continue
            yield key, doc
        for key, doc in changes.items():
            if doc is not ABSENT and key not in base:
                yield key, doc


def overlaid(
    tables: Mapping[str, Mapping[str, Any]], docs: Mapping[tuple[str, str], Any]
) -> dict[str, Mapping[str, Any]]:
    """``tables`` as they are after writing ``docs`` (ABSENT: deleted), without copying."""
    changes: dict[str, dict[str, Any]] = {}
    for (name, key), doc in docs.items():
        changes.setdefault(name, {})[key] = doc
    view: dict[str, Mapping[str, Any]] = dict(tables)
    for name, changed in changes.items():
        view[name] = Overlay(tables.get(name, {}), changed)
    return view


def _quote_what(entry: Entry) -> str:
    return f'"{entry.what}"'


def _check(
    docs: dict[tuple[str, str], Any],
    tables: Mapping[str, Mapping[str, Any]],
    free: int | None = None,
) -> None:
    """Refuse what would break an invariant: a cycle, a goal under a missing parent, a step
    waiting for a missing goal, a block on a missing goal, two running blocks. ``free``
    (``free_ids`` of ``tables``, when known) spares the scan of every goal and block for a
    goal it deletes that nothing can refer to."""
    goals_raw = tables.get("goals", {})
    changed = {int(k): d for (t, k), d in docs.items() if t == "goals"}
    if changed:
        overlay = Overlay(goals_raw, {str(k): d for k, d in changed.items()})
        goals = _LazyGoals(overlay)
        free = free_after(free, docs)  # (what the docs refer to as well)
        for goal_id, doc in changed.items():
            if doc is ABSENT:
                if free is None or goal_id < free:
                    _check_gone(goal_id, overlay, tables, docs)
                continue
            try:
                goal = goals[goal_id]
            except (CorruptDatabase, KeyError, TypeError, ValueError, AttributeError):
                raise UndoRefused(f"goal {goal_id} would be damaged") from None
            if goal.parent is not None and goal.parent not in goals:
                raise UndoRefused(f"its parent, goal {goal.parent}, is gone")
            for after in goal.after:
                if after not in goals:
                    raise UndoRefused(f"goal {after}, which it waits for, is gone")
            if goal_id in _parents(goals, goal):
                raise UndoRefused("it would put a goal inside itself")
            if tree.would_cycle(goals, goal_id, goal.after):
                raise UndoRefused("it would make a dependency cycle")
    _check_running(docs, tables)


def _parents(goals: Mapping[int, Goal], goal: Goal) -> set[int]:
    """The ids above ``goal``, up to a root or to the first id met twice (a loop)."""
    seen: set[int] = set()
    parent = goal.parent
    while parent is not None and parent in goals and parent not in seen:
        seen.add(parent)
        parent = goals[parent].parent
    return seen


def _check_gone(
    goal_id: int,
    goals: Mapping[str, Any],
    tables: Mapping[str, Mapping[str, Any]],
    docs: dict[tuple[str, str], Any],
) -> None:
    for other_id, doc in goals.items():
        if doc.get("parent") == goal_id:
            raise UndoRefused(f"goal {other_id} is under it now")
        if goal_id in (doc.get("after") or ()):
            raise UndoRefused(f"goal {other_id} waits for it now")
    # A finished block may outlive its goal (``delete`` keeps them, as history); a running
    # one may not.
    for key, block in tables.get("blocks", {}).items():
        block = docs.get(("blocks", key), block)
        running = isinstance(block, dict) and block.get("ended_at") is None
        if running and block.get("goal") == goal_id:
            raise UndoRefused(f"block {key} is running on it")


def free_ids(tables: Mapping[str, Mapping[str, Any]]) -> int | None:
    """The goal id from which on ``_check_gone`` lets every goal go: the highest id a goal is
    under or waits for, or a running block is on, plus one. None when a reference is not a
    plain id (a damaged file: only ``_check_gone`` can say). The fast ``add`` plans the
    undo of its goal with it: a new goal's id is past every id handed out."""
    goals = list(tables.get("goals", {}).values())
    if not all(type(doc) is dict for doc in goals):
        return None
    afters = [after for after in [doc.get("after") for doc in goals] if after]
    if not all(type(after) is list for after in afters):
        return None
    refs = {0, *[doc.get("parent") for doc in goals]}.union(*afters)
    blocks = tables.get("blocks", {}).values()
    refs.update(b.get("goal") for b in blocks if isinstance(b, dict) and b.get("ended_at") is None)
    refs.discard(None)
    return max(refs) + 1 if all(type(ref) is int for ref in refs) else None


def free_after(free: int | None, docs: Mapping[tuple[str, str], Any]) -> int | None:
    """``free_ids`` once ``docs`` (ABSENT: deleted) are written over tables whose it was:
    raised past what the written documents refer to."""
    if free is None:
        return None
    written: dict[str, dict[str, Any]] = {}
    for (name, key), doc in docs.items():
        if doc is not ABSENT:
            written.setdefault(name, {})[key] = doc
    raised = free_ids(written)
    return None if raised is None else max(free, raised)


def _check_running(
    docs: dict[tuple[str, str], Any], tables: Mapping[str, Mapping[str, Any]]
) -> None:
    old_meta = tables.get("meta", {}).get("1", ABSENT)
    meta = docs.get(("meta", "1"), old_meta)
    running = meta.get("running") if isinstance(meta, dict) else None
    was = old_meta.get("running") if isinstance(old_meta, dict) else None
    if was is not None and was != running:
        block = docs.get(("blocks", str(was)), tables.get("blocks", {}).get(str(was), ABSENT))
        if isinstance(block, dict) and block.get("ended_at") is None:
            raise UndoRefused("another block is running; stop it first")
    for (name, key), doc in docs.items():
        if name != "blocks" or doc is ABSENT or doc.get("ended_at") is not None:
            continue
        if str(running) != key:
            raise UndoRefused("another block is running; stop it first")

"""The operation log: every change as field-level operations, so any change can be undone.

Each transaction that changes data adds one *entry* to the ``ops`` table, in the same
journal line as the change itself (so it is exactly as durable as the change)::

    {"id": "9f2c…", "at": "2026-11-29T10:04:05Z", "hlc": [1796…, 0], "device": "a1b2…",
     "host": "laptop", "pid": 4242, "by": "cli done", "what": "marked 'Bake' done",
     "ops": [{"t": "goals", "k": "7", "f": "status", "b": "open", "a": "done"}, …]}

An operation names a table, a document and a field, with the value before (``b``) and after
(``a``); a missing ``b`` or ``a`` means the field (or, without ``f``, the whole document)
did not exist. ``hlc`` is a hybrid logical clock (wall milliseconds, counter) that never goes
backwards, so entries from several devices can be ordered without trusting their clocks.

An undo is an entry too (``undoes``: the id of the entry it reverses), and so is a redo
(``redoes``); ``stacks`` reads the whole log into what can be undone and redone now.

This module is pure: no files, no TinyDB, no clock of its own.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping

TYPE_CHECKING = False
if TYPE_CHECKING:  # (the fast ``add`` imports this module: no typing, no dataclasses)
    from typing import Any

    Op = dict[str, Any]
    Tables = Mapping[str, Mapping[str, Any]]

OPS_TABLE = "ops"
#: The meta field holding this database's device id (made once; never exported or logged).
DEVICE = "device"
#: The machine's name, for the history ("cli done on laptop").
HOST = os.uname().nodename.split(".")[0] or "this machine"

#: Fields that belong to this database file alone: id counters (never handed out twice, so
#: never rolled back), the device's identity, and once-a-day flags. Not logged, not undone.
LOCAL_FIELDS = frozenset(
    {
        ("meta", "next_goal"),
        ("meta", "next_block"),
        ("meta", DEVICE),
        ("meta", "nudged_on"),
        ("meta", "sync"),
        ("goals", "gid"),
        ("blocks", "gid"),
    }
)

#: Local fields that a whole document's operation carries all the same: the global id a goal
#: or block gets when it is made (``sync_wire``) never changes, so it is never logged as a
#: change of its own (a sync may give an old document one), but a delete undone brings it
#: back with the document.
WHOLE_ONLY = frozenset({("goals", "gid"), ("blocks", "gid")})

#: Tables of one document holding fields that belong to no one change (the settings and
#: the counters): logged field by field even when the document is first made, so undoing
#: the first change never removes the document (and the counters with it).
FIELD_TABLES = frozenset({"meta"})

#: How far back undo reaches: at least this many entries, or this many days, whichever is more.
KEEP_ENTRIES = 1000
KEEP_DAYS = 90
_DAY_MS = 86_400_000


class _Absent:
    __slots__ = ()

    def __repr__(self) -> str:
        return "ABSENT"

    def __copy__(self) -> _Absent:
        return self

    def __deepcopy__(self, memo: object) -> _Absent:
        return self  # (one of a kind: compared with ``is``)


ABSENT: Any = _Absent()


# -- making entries ----------------------------------------------------------------------


def diff(table: str, key: str, before: Any, after: Any) -> list[Op]:
    """The operations that turn document ``before`` into ``after`` (either may be ABSENT)."""
    if table in FIELD_TABLES:  # (never made or removed as a whole: see FIELD_TABLES)
        before = {} if before is ABSENT else before
        after = {} if after is ABSENT else after
    if before is ABSENT and after is ABSENT:
        return []
    if before is ABSENT or after is ABSENT:
        op: Op = {"t": table, "k": key}
        if before is not ABSENT:
            op["b"] = _local_less(table, before)
        if after is not ABSENT:
            op["a"] = _local_less(table, after)
        return [op] if op.get("b", ABSENT) != op.get("a", ABSENT) else []
    ops = []
    for name in sorted(before.keys() | after.keys()):
        if (table, name) in LOCAL_FIELDS:
            continue
        old, new = before.get(name, ABSENT), after.get(name, ABSENT)
        if old == new and type(old) is type(new):
            continue
        op = {"t": table, "k": key, "f": name}
        if old is not ABSENT:
            op["b"] = old
        if new is not ABSENT:
            op["a"] = new
        ops.append(op)
    return ops


def _local_less(table: str, doc: Any, *, bare: bool = False) -> Any:
    """``doc`` without this database's own fields; a whole document's operation keeps its
    global id (``WHOLE_ONLY``) unless ``bare``."""
    if not isinstance(doc, dict):
        return doc
    dropped = LOCAL_FIELDS if bare else LOCAL_FIELDS - WHOLE_ONLY
    return {k: v for k, v in doc.items() if (table, k) not in dropped}


def operations(befores: Mapping[tuple[str, str], Any], tables: Tables) -> list[Op]:
    """The operations of a transaction, from each touched document's first state and the
    data as it is now."""
    ops: list[Op] = []
    for table, key in sorted(befores, key=lambda tk: (tk[0], _key_order(tk[1]))):
        if table == OPS_TABLE:
            continue
        after = tables.get(table, {}).get(key, ABSENT)
        ops.extend(diff(table, key, befores[table, key], after))
    return ops


def _key_order(key: str) -> tuple[int, str]:
    return (int(key), "") if key.isdecimal() else (0, key)


def make_entry(
    *,
    last: Any,
    wall_ms: int,
    at: str,
    device: str,
    by: str,
    what: str,
    ops: list[Op],
    undoable: bool = True,
) -> dict[str, Any]:
    """A new entry (see the module docstring), after the entry whose clock was ``last``.
    The one definition, for the store and the fast ``add`` alike."""
    entry: dict[str, Any] = {
        "id": os.urandom(8).hex(),
        "at": at,
        "hlc": next_hlc(last if is_hlc(last) else None, wall_ms),
        "device": device,
        "host": HOST,
        "pid": os.getpid(),
        "by": by,
        "what": what,
        "ops": ops,
    }
    if not undoable:
        entry["undoable"] = False
    return entry


def is_hlc(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(type(x) is int for x in value)


def new_device() -> str:
    return os.urandom(8).hex()


#: The field of a goal's or a block's global id (see ``WHOLE_ONLY`` and ``sync_wire``).
GID = "gid"


def new_gid() -> str:
    """A new global id: 128 random bits, as a UUID4 has, in hex."""
    return os.urandom(16).hex()


def next_hlc(last: list[int] | None, wall_ms: int) -> list[int]:
    """The clock value after ``last``: the wall clock when it moved on, else a counter.
    Never goes backwards, whatever the wall clock does."""
    if last is None or wall_ms > last[0]:
        return [wall_ms, 0]
    return [last[0], last[1] + 1]


# -- reading the log ---------------------------------------------------------------------


class Entry:
    """One entry as read from the ``ops`` table (``seq`` is its document id there)."""

    __slots__ = ("doc", "seq")

    def __init__(self, seq: int, doc: Mapping[str, Any]) -> None:
        self.seq, self.doc = seq, doc

    @property
    def id(self) -> str:
        return str(self.doc.get("id", self.seq))

    @property
    def what(self) -> str:
        what = self.doc.get("what")
        return what if isinstance(what, str) and what else "changed the data"

    @property
    def undoable(self) -> bool:
        return self.doc.get("undoable", True) is not False

    @property
    def ops(self) -> list[Op]:
        """Its operations; none if any is damaged (it cannot be undone then)."""
        ops = self.doc.get("ops")
        if not isinstance(ops, list) or not all(_well_formed(op) for op in ops):
            return []
        return ops


#: The tables an operation may name (anything else in the log is damage, or hostile).
DATA_TABLES = frozenset({"goals", "blocks", "days", "meta"})


def _well_formed(op: Any) -> bool:
    if not isinstance(op, dict) or op.get("t") not in DATA_TABLES:
        return False
    key, field = op.get("k"), op.get("f")
    keyed = isinstance(key, str) and key.isascii() and key.isdecimal()
    return keyed and (field is None or isinstance(field, str))


def entries(table: Mapping[str, Any]) -> list[Entry]:
    """The log's entries, oldest first."""
    found = [Entry(int(key), doc) for key, doc in table.items() if isinstance(doc, dict)]
    found.sort(key=lambda e: e.seq)
    return found


def said(target: Entry, *, redo: bool) -> str:
    """What an undo (or redo) of ``target`` says it did, and its own entry's ``what``."""
    return f"{'redid' if redo else 'undid'}: {target.what}"


def marker(redo: bool) -> str:
    """The field of an undo's (or redo's) entry: the id of the entry it reverses."""
    return "redoes" if redo else "undoes"


class Stacks:
    """What undo and redo would act on: the last of each list. ``push`` reads one more
    entry of the log (``stacks`` reads them all)."""

    __slots__ = ("by_id", "done", "undone")

    def __init__(self, done: list[Entry] | None = None, undone: list[Entry] | None = None):
        self.done: list[Entry] = done if done is not None else []
        self.undone: list[Entry] = undone if undone is not None else []
        self.by_id: dict[str, Entry] = {}

    def push(self, entry: Entry) -> None:
        """A change goes on the undo stack (and ends what could be redone), an undo moves
        its entry to the redo stack, a redo moves it back."""
        done, undone = self.done, self.undone
        undoes, redoes = entry.doc.get("undoes"), entry.doc.get("redoes")
        if isinstance(undoes, str):
            target = self.by_id.get(undoes)
            if target is not None and target in done:
                done.remove(target)
                undone.append(target)
        elif isinstance(redoes, str):
            target = self.by_id.get(redoes)
            if target is not None and target in undone:
                undone.remove(target)
                done.append(target)
        elif entry.undoable:
            self.by_id[entry.id] = entry
            done.append(entry)
            undone.clear()
        elif entry.ops:  # a change the user did not make (a break that ran out): the
            # changes it overwrote can no longer be undone or redone cleanly; undo passes them
            touched = _fields(entry)
            done[:] = [e for e in done if not _overlap(_fields(e), touched)]
            undone[:] = [e for e in undone if not _overlap(_fields(e), touched)]


def stacks(log: Iterable[Entry]) -> Stacks:
    """Replay the log (``Stacks.push``, entry by entry)."""
    found = Stacks()
    for entry in log:
        found.push(entry)
    return found


def _fields(entry: Entry) -> dict[tuple[Any, Any], set[Any]]:
    """The fields an entry wrote, by document (None: the whole document)."""
    found: dict[tuple[Any, Any], set[Any]] = {}
    for op in entry.ops:
        if isinstance(op, dict):
            found.setdefault((op.get("t"), op.get("k")), set()).add(op.get("f"))
    return found


def _overlap(a: dict[tuple[Any, Any], set[Any]], b: dict[tuple[Any, Any], set[Any]]) -> bool:
    for doc, fields in a.items():
        other = b.get(doc)
        if other is not None and (None in fields or None in other or fields & other):
            return True
    return False


def keep(log: list[Entry], unsent: int | None = None) -> list[Entry]:
    """The entries a fold keeps: the newest ``KEEP_ENTRIES`` and every one of the last
    ``KEEP_DAYS`` days (by the newest entry's clock, so a wrong wall clock cuts nothing),
    and every entry after ``unsent`` (the last one a sync sent: the rest must still go)."""
    if len(log) <= KEEP_ENTRIES:
        return log
    newest = max(_hlc_ms(e) for e in log)
    since = newest - KEEP_DAYS * _DAY_MS
    first_kept = len(log) - KEEP_ENTRIES
    last_sent = unsent if unsent is not None else 1 << 62
    return [
        e for i, e in enumerate(log) if i >= first_kept or _hlc_ms(e) >= since or e.seq > last_sent
    ]


def last_sent(tables: Tables) -> int | None:
    """The number of the last entry a sync sent to the other devices (None: no sync set
    up, or a first sync still to come: then everything is sent as it is, not as entries)."""
    meta = tables.get("meta", {}).get("1")
    setup = meta.get("sync") if isinstance(meta, dict) else None
    seq = setup.get("seq") if isinstance(setup, dict) else None
    return seq if type(seq) is int else None


def _hlc_ms(entry: Entry) -> int:
    hlc = entry.doc.get("hlc")
    if isinstance(hlc, list) and hlc and isinstance(hlc[0], int):
        return hlc[0]
    return 0


def newest(table: Mapping[str, Any]) -> tuple[int, Any]:
    """The newest entry's number (0: none yet) and clock (None: none, or unreadable)."""
    seq = max((int(k) for k in table), default=0)
    doc = table.get(str(seq)) if seq else None
    hlc = doc.get("hlc") if isinstance(doc, dict) else None
    return seq, hlc if is_hlc(hlc) else None

"""Undoing an entry of the operation log (``oplog``): its inverse, and the documents it
gives, checked against the data as it is now.

Pure, and light (the fast ``add`` replays its own undo, and the fast ``undo`` shares this):
no typing, no ``copy``.
"""

from __future__ import annotations

from tui_microgoals.core.oplog import (
    ABSENT,
    FIELD_TABLES,
    LOCAL_FIELDS,
    OPS_TABLE,
    _local_less,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from tui_microgoals.core.oplog import Op, Tables


class UndoRefused(Exception):
    """Why an undo or redo cannot be done; the data is left as it is."""


def inverse(ops: list[Op]) -> list[Op]:
    """The operations that take the data back: before and after swapped, in reverse order."""
    undo = []
    for op in reversed(ops):
        back = {k: v for k, v in op.items() if k not in ("a", "b")}
        if "a" in op:
            back["b"] = op["a"]
        if "b" in op:
            back["a"] = op["b"]
        undo.append(back)
    return undo


def replay(ops: list[Op], tables: Tables) -> dict[tuple[str, str], Any]:
    """The documents ``ops`` give when applied to ``tables`` (ABSENT: deleted), after
    checking that each field still holds what the operation expects to find.

    Raises ``UndoRefused`` when something was changed since (by a change that is not undone)
    or an operation is malformed; nothing is changed then. A field that already holds what
    the operation puts there (a break that ran out, by a write no one undoes) is no change
    since: nothing is lost by setting it."""
    docs: dict[tuple[str, str], Any] = {}
    for op in ops:
        table, key = op.get("t"), op.get("k")
        if not isinstance(table, str) or not isinstance(key, str) or table == OPS_TABLE:
            raise UndoRefused("its log entry is damaged")
        if (table, key) not in docs:
            current = tables.get(table, {}).get(key, ABSENT)
            if current is ABSENT and table in FIELD_TABLES:
                current = {}
            docs[table, key] = copied(current)
        doc = docs[table, key]
        field = op.get("f")
        if field is None:
            if not _expected(_local_less(table, doc, bare=True), _bare_op(table, op)):
                raise UndoRefused(changed_since(table, key))
            after = op.get("a", ABSENT)
            if after is not ABSENT and doc is not ABSENT:
                after = {**after, **{k: v for k, v in doc.items() if (table, k) in LOCAL_FIELDS}}
            docs[table, key] = copied(after)
            continue
        if not isinstance(field, str) or doc is ABSENT:
            raise UndoRefused(f"{_name(table, key)} is gone")
        if not _expected(doc.get(field, ABSENT), op):
            raise UndoRefused(changed_since(table, key))
        if "a" in op:
            doc[field] = copied(op["a"])
        else:
            doc.pop(field, None)
    return docs


def copied(value: Any) -> Any:
    """A deep copy of a document's value (JSON: dicts, lists, scalars; ABSENT is itself),
    without ``copy``, whose import costs the fast ``add`` (which replays its own undo)
    ~1.5 ms."""
    if isinstance(value, dict):
        return {k: copied(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(copied(v) for v in value)
    return value


def _bare_op(table: str, op: Op) -> Op:
    return {k: _local_less(table, v, bare=True) if k in ("a", "b") else v for k, v in op.items()}


def _expected(current: Any, op: Op) -> bool:
    """Whether ``current`` is what ``op`` finds before it, or already what it leaves (a
    None where it removes a field counts: the readers take a missing field as None)."""
    after = op.get("a", ABSENT)
    return current == op.get("b", ABSENT) or current == after or (current is None and "a" not in op)


def _name(table: str, key: str) -> str:
    names = {"goals": f"goal {key}", "blocks": f"block {key}", "days": "a day's plan"}
    return names.get(table, "the settings" if table == "meta" else f"{table} {key}")


def changed_since(table: str, key: str) -> str:
    return f"{_name(table, key)} {'were' if table == 'meta' else 'was'} changed since"

"""The merge: every device's operations, newest write per field wins, the same everywhere.

A *stamp* is ``[wall ms, counter, device]``: the hybrid clock of the entry that wrote a
field, then its device to break ties. Stamps are totally ordered, so whatever order the
entries arrive in, each field ends with the value of the greatest stamp: every device that
has read the same entries holds the same data.

``Replica`` keeps, for each document, the stamp of each field (its values live in the
database: only the stamps are needed to decide), the documents deleted (with what they held,
so they can come back), and what each device had read when it wrote (``seen``). That last
part tells a conflict from an ordinary overwrite: two devices wrote a field without either
having read the other's write. Conflicts are listed (``Superseded``), never silent.

A delete loses to a write its device had not read ("a concurrent edit beats a delete"): the
document comes back, and that is listed too.

Pure: the caller reads entries from the files and applies ``Merge.changes`` to the database.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tui_microgoals.core.oplog import ABSENT

Stamp = list[Any]  # [ms, counter, device]
#: The stamp of a field with no stamp of its own (the document's default, "" in ``stamps``).
DOC = ""


@dataclass(frozen=True)
class Superseded:
    """A value that lost to another device's concurrent write of the same field (or a
    delete that lost to an edit: ``field`` None)."""

    table: str
    key: str
    field: str | None
    lost: Any
    lost_by: str
    kept: Any
    kept_by: str
    hlc: list[int]

    def as_json(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "key": self.key,
            "field": self.field,
            "lost": None if self.lost is ABSENT else self.lost,
            "lost_by": self.lost_by,
            "kept": None if self.kept is ABSENT else self.kept,
            "kept_by": self.kept_by,
        }


@dataclass
class Merge:
    """What merging some entries changed: ``changes[(table, key)]`` is ``None`` for a
    document deleted, else the whole document as it is now (in wire fields)."""

    changes: dict[tuple[str, str], dict[str, Any] | None] = field(default_factory=dict)
    superseded: list[Superseded] = field(default_factory=list)
    entries: int = 0


class Replica:
    """See the module docstring. ``state`` is its JSON form (kept by ``sync``).

    ``partial`` holds what arrived for a document whose creation has not arrived yet (the
    creator's log is late): it is made when it does."""

    def __init__(self, state: Mapping[str, Any] | None = None) -> None:
        state = state or {}
        self.stamps: dict[str, dict[str, Stamp]] = dict(state.get("stamps", {}))
        self.gone: dict[str, dict[str, Any]] = dict(state.get("gone", {}))
        self.seen: dict[str, list[list[Any]]] = dict(state.get("seen", {}))
        self.partial: dict[str, dict[str, Any]] = dict(state.get("partial", {}))

    def state(self) -> dict[str, Any]:
        return {
            "stamps": self.stamps,
            "gone": self.gone,
            "seen": self.seen,
            "partial": self.partial,
        }

    # -- what a device had read ---------------------------------------------------------

    def note_seen(self, device: str, hlc: list[int], seen: Mapping[str, Any]) -> None:
        """Device ``device`` wrote its entries from ``hlc`` on having read ``seen``."""
        history = self.seen.setdefault(device, [])
        clean = {d: h for d, h in seen.items() if isinstance(d, str) and _is_hlc(h)}
        at = bisect.bisect_right([h[0] for h in history], list(hlc))
        if at == 0 or history[at - 1][1] != clean:
            history.insert(at, [list(hlc), clean])

    def had_seen(self, writer: Stamp, other: Stamp) -> bool:
        """Whether the entry stamped ``writer`` was written after reading ``other``."""
        if writer[2] == other[2]:
            return other[:2] <= writer[:2]
        history = self.seen.get(writer[2], [])
        at = bisect.bisect_right([h[0] for h in history], list(writer[:2])) - 1
        if at < 0:
            return False
        read = history[at][1].get(other[2])
        return read is not None and list(other[:2]) <= read

    # -- merging ------------------------------------------------------------------------

    def merge(
        self,
        entries: Iterable[Mapping[str, Any]],
        current: Mapping[tuple[str, str], Mapping[str, Any] | None],
    ) -> Merge:
        """Merge wire entries (already checked); ``current[(t, k)]`` is the document as the
        database holds it now, in wire fields (None or missing: not there)."""
        result = Merge()
        docs: dict[tuple[str, str], dict[str, Any] | None] = {}
        made: set[tuple[str, str]] = set()

        for entry in entries:
            result.entries += 1
            stamp = [*entry["hlc"], entry["device"]]
            seen = entry.get("seen") or {}
            self.note_seen(entry["device"], entry["hlc"], seen)
            for op in entry["ops"]:
                table, key = op["t"], op["k"]
                if (table, key) not in docs:
                    now = current.get((table, key))
                    if now is None:
                        now = self.partial.get(f"{table}/{key}")
                    docs[table, key] = dict(now) if now is not None else None
                if "f" in op:
                    fields = {op["f"]: op.get("a", ABSENT)}
                    self._write(result, docs, table, key, fields, stamp)
                elif "a" in op:
                    self._write(result, docs, table, key, dict(op["a"]), stamp, whole=True)
                    made.add((table, key))
                else:
                    self._delete(result, docs, table, key, stamp)
        for (table, key), doc in docs.items():
            ref = f"{table}/{key}"
            before = current.get((table, key))
            if before is None and doc is not None and table != "meta" and not self._made(ref):
                self.partial[ref] = doc  # (its creation has not arrived yet)
                continue
            self.partial.pop(ref, None)
            if doc != before:
                result.changes[table, key] = doc
        return result

    def _made(self, ref: str) -> bool:
        return self.stamps.get(ref, {}).get("+") is not None

    def _stamp(self, ref: str, name: str, doc: Mapping[str, Any]) -> Stamp | None:
        """The stamp of the write that gave field ``name`` its value: its own, or the one of
        the document's making when that gave it (a field no one wrote has none)."""
        stamps = self.stamps.get(ref)
        if stamps is None:
            return None
        return stamps.get(name) or (stamps.get(DOC) if name in doc else None)

    def _write(
        self,
        result: Merge,
        docs: dict[tuple[str, str], dict[str, Any] | None],
        table: str,
        key: str,
        fields: dict[str, Any],
        stamp: Stamp,
        *,
        whole: bool = False,
    ) -> None:
        ref = f"{table}/{key}"
        tomb = self.gone.get(ref)
        if tomb is not None:
            kept, stamps = tomb.setdefault("doc", {}), tomb.setdefault("stamps", {})
            wins = {
                name: value
                for name, value in fields.items()
                if (old := stamps.get(name) or (stamps.get(DOC) if name in kept else None)) is None
                or stamp > old
            }
            unread = stamp > tomb["s"] or not self.had_seen(tomb["s"], stamp)
            if not (wins and unread):
                # written before the delete by a device it had read, or a write that would
                # change nothing the document held: it stays gone (with what it held)
                for name, value in wins.items():
                    stamps[name] = stamp
                    if value is ABSENT:
                        kept.pop(name, None)
                    else:
                        kept[name] = value
                return
            if not self.had_seen(stamp, tomb["s"]):  # an edit the delete had not read
                result.superseded.append(
                    Superseded(
                        table, key, None, "deleted", tomb["s"][2], "kept", stamp[2], stamp[:2]
                    )
                )
            del self.gone[ref]
            self.stamps[ref] = dict(tomb.get("stamps") or {})
            docs[table, key] = dict(tomb.get("doc") or {})
        doc = docs[table, key]
        if doc is None:
            doc = {}
        # (A whole document is a document made: its fields are written like any others; a
        # day's plan made on two devices at once keeps the fields of both.)
        stamps = self.stamps.setdefault(ref, {})
        won = 0
        for name, value in fields.items():
            old = self._stamp(ref, name, doc)
            now = doc.get(name, ABSENT)
            if old is None or stamp > old:
                if old is not None and now != value and not self.had_seen(stamp, old):
                    result.superseded.append(
                        Superseded(table, key, name, now, old[2], value, stamp[2], stamp[:2])
                    )
                stamps[name] = stamp
                won += 1
                if value is ABSENT:
                    doc.pop(name, None)
                else:
                    doc[name] = value
            elif old != stamp and now != value and not self.had_seen(old, stamp):
                result.superseded.append(
                    Superseded(table, key, name, value, stamp[2], now, old[2], old[:2])
                )
        if whole and won == len(fields) and doc.keys() <= fields.keys():
            # (the usual new document: one stamp for all its fields)
            self.stamps[ref] = {DOC: stamp}
        if whole:
            made = self.stamps[ref].get("+")
            if made is None or stamp < made:
                self.stamps[ref]["+"] = stamp
        docs[table, key] = doc

    def _delete(
        self,
        result: Merge,
        docs: dict[tuple[str, str], dict[str, Any] | None],
        table: str,
        key: str,
        stamp: Stamp,
    ) -> None:
        ref = f"{table}/{key}"
        tomb = self.gone.get(ref)
        if tomb is not None:
            if stamp > tomb["s"]:
                tomb["s"] = stamp
            return
        stamps = self.stamps.get(ref, {})
        unread = [
            s for n, s in stamps.items() if n != "+" and (s > stamp or not self.had_seen(stamp, s))
        ]
        if unread:  # a write the delete had not read (or a later one): the document stays
            newest = max(unread)
            result.superseded.append(
                Superseded(table, key, None, "deleted", stamp[2], "kept", newest[2], stamp[:2])
            )
            return
        doc = docs[table, key]
        self.gone[ref] = {"s": stamp, "doc": dict(doc or {}), "stamps": dict(stamps)}
        self.stamps.pop(ref, None)
        self.partial.pop(ref, None)
        docs[table, key] = None


def _is_hlc(value: Any) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(type(x) is int for x in value)

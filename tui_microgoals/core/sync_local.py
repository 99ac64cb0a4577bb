"""The database's side of a sync: this device's log entries sent as wire entries, the
global ids of its goals and blocks, and merged documents written back (``sync`` runs these
inside its transaction)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tinydb.table import Document

from tui_microgoals.core import oplog, sync_files, sync_wire
from tui_microgoals.core.clock import to_iso
from tui_microgoals.core.errors import StorageError
from tui_microgoals.core.models import Block, Day, Goal
from tui_microgoals.core.sync_wire import GID, Ids

if TYPE_CHECKING:
    from tui_microgoals.core.store import Store
    from tui_microgoals.core.tracked import TrackedTable

#: The meta field (local to this database) that says where it syncs: ``{"kind": "folder" |
#: "git", "folder": path, "remote": url, "seq": the last log entry sent, "ghosts": ...}``.
SETUP = "sync"
#: Entries a base sends per line (a big database goes as several lines).
BASE_CHUNK = 500


class LocalSide:
    """``store`` as the sync reads and writes it (inside a transaction)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        #: What the documents this device deleted since the last sync held (wire fields,
        #: by ``(table, gid)``), for the merge: an edit on another device that beats the
        #: delete brings the whole document back (the tables no longer have it).
        self.deleted: dict[tuple[str, str], dict[str, Any]] = {}

    # -- sending ----------------------------------------------------------------------------

    def first(self) -> bool:
        """Whether this is the first sync (it sends everything this database holds)."""
        return not isinstance((self.store._meta().get(SETUP) or {}).get("seq"), int)

    def send(
        self, folder: sync_files.Folder, ids: Ids, state: dict[str, Any], device: str
    ) -> list[dict[str, Any]]:
        """This device's changes since the last sync, as wire entries, added to its files."""
        store = self.store
        meta = store._meta()
        setup = dict(meta.get(SETUP) or {})
        log = oplog.entries(store._ops_t._read_table())
        seq = setup.get("seq")
        n, _ = folder.last()
        seen = {d: m[1] for d, m in state["marks"].items() if d != device and m[1]}
        out: list[dict[str, Any]] = []
        if not isinstance(seq, int):  # the first sync: everything this database holds
            for entry_ops in _chunks(self.whole(ids), BASE_CHUNK):
                n += 1
                out.append(self.wire_entry(n, device, "joined", entry_ops, seen))
        else:
            pending = [e for e in log if e.seq > seq and not e.doc.get("sync")]
            _learn_gids(pending, ids)
            for entry in pending:
                for op in entry.ops:
                    if op.get("f") is None and "a" not in op and isinstance(op.get("b"), dict):
                        key = sync_wire.wire_key(op["t"], op["k"], ids)
                        if key is not None:
                            self.deleted[op["t"], key] = sync_wire.wire_doc(op["t"], op["b"], ids)
            for entry in pending:
                ops = [w for op in entry.ops for w in sync_wire.wire_ops(op, ids)]
                if ops:
                    n += 1
                    wire = self.wire_entry(n, device, entry.what, ops, seen)
                    wire["hlc"] = (
                        entry.doc.get("hlc") if oplog.is_hlc(entry.doc.get("hlc")) else wire["hlc"]
                    )
                    wire["at"] = entry.doc.get("at")
                    out.append(wire)
        setup["seq"] = max((e.seq for e in log), default=0)
        meta[SETUP] = setup
        store._meta_t.upsert(Document(meta, doc_id=1))
        _ensure_rising(out)
        folder.append(out)
        return out

    def wire_entry(
        self, n: int, device: str, what: str, ops: list[dict[str, Any]], seen: dict[str, Any]
    ) -> dict[str, Any]:
        now = self.store.clock.now()
        _, last = self.store._newest_entry(self.store._tables())
        entry = {
            "n": n,
            "id": oplog.new_gid(),
            "hlc": oplog.next_hlc(last, int(now.timestamp() * 1000)),
            "device": device,
            "host": oplog.HOST,
            "at": to_iso(now),
            "what": what,
            "ops": ops,
        }
        if seen:
            entry["seen"] = seen
        return entry

    def whole(self, ids: Ids) -> list[dict[str, Any]]:
        tables = self.store._tables()
        ops: list[dict[str, Any]] = []
        for table in ("goals", "blocks", "days", "meta"):
            for key, doc in tables.get(table, {}).items():
                if isinstance(doc, dict):
                    op = {"t": table, "k": key, "a": doc}
                    if table == "meta":  # (field by field: the settings are one document)
                        ops.extend(
                            w
                            for name, value in doc.items()
                            for w in sync_wire.wire_ops(
                                {"t": "meta", "k": key, "f": name, "a": value}, ids
                            )
                        )
                    else:
                        ops.extend(sync_wire.wire_ops(op, ids))
        return ops

    # -- ids --------------------------------------------------------------------------------

    def archived(self) -> dict[str, dict[int, str]] | None:
        """The global ids of the archive's goals and blocks (None: the archive does not
        say: read it)."""
        found: dict[str, dict[int, str]] | None
        found = getattr(self.store.storage, "archived_gids", dict)()
        return found if found is None else {k: found.get(k, {}) for k in ("goals", "blocks")}

    def needs_history(self, entries: list[dict[str, Any]]) -> bool:
        """Whether the archive must be read in before these entries are merged: one names
        an archived goal or block, or changes a day before the horizon (else the merge,
        the settling and the ids need only the main file, and the archive's ids)."""
        archived = self.archived()
        if archived is None:
            return True
        horizon = self.store.horizon()
        named = set(archived["goals"].values()) | set(archived["blocks"].values())
        if not named and horizon is None:
            return False
        for entry in entries:
            for op in entry["ops"]:
                if op["t"] == "days" and horizon is not None and op["k"] < horizon.isoformat():
                    return True
                if named.intersection(_words(op)):
                    return True
        return False

    def ids(self, device: str) -> Ids:
        """Every goal and block gets its global id (made here if it has none yet); the
        archive's, read in or not, keep theirs."""
        store = self.store
        gids: dict[str, dict[int, str]] = {}
        archived = self.archived() or {}
        for kind, table in (("goals", store._goals_t), ("blocks", store._blocks_t)):
            found: dict[int, str] = {}
            for key, doc in table._read_table().items():
                gid = doc.get(GID) if isinstance(doc, dict) else None
                if not isinstance(gid, str) or not gid:
                    gid = oplog.new_gid()
                    put_doc(table, int(key), {**doc, GID: gid})
                found[int(key)] = gid
            for local, gid in archived.get(kind, {}).items():
                found.setdefault(local, gid)
            ghosts = (store._meta().get(SETUP) or {}).get("ghosts", {}).get(kind, {})
            for gid, local in ghosts.items():
                if type(local) is int and local not in found:
                    found[local] = gid
            gids[kind] = found

        def make(kind: str, gid: str) -> int:
            return store._next_id("goal" if kind == "goals" else "block")

        ids = Ids(device, gids, make)
        return ids

    def remember(self, ids: Ids) -> None:
        """The gids of ids with no document here: handed out for a gid never seen (a block's
        goal deleted long ago), or of a goal deleted since (by this sync, or on this device),
        which a past day or a block may still name."""
        store = self.store
        meta = store._meta()
        setup = dict(meta.get(SETUP) or {})
        ghosts = {k: dict(v) for k, v in (setup.get("ghosts") or {}).items()}
        tables = store._tables()
        archived = self.archived() or {}
        changed = False
        for kind in ("goals", "blocks"):
            present = {*tables.get(kind, {}), *map(str, archived.get(kind, {}))}
            for gid, local in ids.ids.get(kind, {}).items():
                if str(local) not in present and ghosts.get(kind, {}).get(gid) != local:
                    ghosts.setdefault(kind, {})[gid] = local
                    changed = True
            for gid, local in list(ghosts.get(kind, {}).items()):
                if str(local) in present:
                    del ghosts[kind][gid]
                    changed = True
        if changed:
            setup["ghosts"] = ghosts
            meta[SETUP] = setup
            store._meta_t.upsert(Document(meta, doc_id=1))

    # -- merging into the database ----------------------------------------------------------

    def current(
        self, entries: list[dict[str, Any]], ids: Ids
    ) -> dict[tuple[str, str], dict[str, Any] | None]:
        tables = self.store._tables()
        found: dict[tuple[str, str], dict[str, Any] | None] = {}
        for entry in entries:
            for op in entry["ops"]:
                table, key = op["t"], op["k"]
                if (table, key) in found:
                    continue
                local = _find_local(table, key, ids)
                doc = tables.get(table, {}).get(local) if local is not None else None
                found[table, key] = (
                    sync_wire.wire_doc(table, doc, ids) if isinstance(doc, dict) else None
                )
        return found

    def apply(
        self, changes: Mapping[tuple[str, str], dict[str, Any] | None], ids: Ids
    ) -> list[str]:
        """Write the merged documents; returns one line for each that could not be read as
        its kind (a hostile or damaged device's): it is not written, the data stays whole."""
        store = self.store
        refused = []
        for (table, key), wire in sorted(changes.items(), key=lambda kv: _order(kv[0][0])):
            view = store._table(table)
            try:
                local = sync_wire.local_key(table, key, ids)
                old = view._read_table().get(local)
                if wire is None:
                    put_doc(view, int(local), None)
                    continue
                keep = {k: v for k, v in (old or {}).items() if (table, k) in sync_wire.NOT_CARRIED}
                doc = {**sync_wire.local_doc(table, wire, ids), **keep}
                if table in ("goals", "blocks"):
                    doc[GID] = key
                _readable(table, int(local), doc)
            except (sync_wire.BadOp, StorageError, ValueError, TypeError, KeyError) as why:
                refused.append(f"{_kind(table)} {key[:12]} as merged cannot be read ({why})")
                continue
            put_doc(view, int(local), doc)
        return refused


def _readable(table: str, key: int, doc: dict[str, Any]) -> None:
    """Raise if the store could not read ``doc`` back (the models tolerate the rest)."""
    if table == "goals":
        Goal.from_doc(key, doc)
    elif table == "blocks":
        Block.from_doc(key, doc)
    elif table == "days":
        Day.from_doc(doc)


def _kind(table: str) -> str:
    return {"goals": "goal", "blocks": "block", "days": "day"}.get(table, "the settings")


def put_doc(table: TrackedTable, key: int, doc: dict[str, Any] | None) -> None:
    """Write one document (None: remove it) as a part of the running transaction."""

    def update(view: dict[int, Any]) -> None:
        if doc is None:
            view.pop(key, None)
        else:
            view[key] = doc

    table._update_table(update)


def _words(op: Mapping[str, Any]) -> set[str]:
    """Every text of a wire operation that may be a global id: its key, its field's parts
    (``items/<gid>``) and its value's texts (``parent``, ``items_order``)."""
    found = {op["k"], *str(op.get("f") or "").split("/")}
    value = op.get("a")
    if isinstance(value, str):
        found.add(value)
    elif isinstance(value, list | dict):
        found.update(v for v in value if isinstance(v, str))
    return found


def _learn_gids(entries: list[oplog.Entry], ids: Ids) -> None:
    """The global ids of documents made or deleted since the last sync, from the log (a goal
    added and deleted in between is gone from the tables, but its entries must name it)."""
    for entry in entries:
        for op in entry.ops:
            if op["t"] in ("goals", "blocks") and "f" not in op:
                doc = op.get("a", op.get("b"))
                gid = doc.get(GID) if isinstance(doc, dict) else None
                if isinstance(gid, str) and gid:
                    ids.learn(op["t"], int(op["k"]), gid)


def _find_local(table: str, key: str, ids: Ids) -> str | None:
    if table == "meta":
        return "1"
    if table == "days":
        try:
            return sync_wire.local_key(table, key, ids)
        except ValueError:
            return None
    found = ids.ids.get(table, {}).get(key)
    return str(found) if found is not None else None


def _order(table: str) -> int:
    return (
        ("meta", "goals", "blocks", "days").index(table)
        if table in ("meta", "goals", "blocks", "days")
        else 9
    )


def _chunks(ops: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [ops[i : i + size] for i in range(0, len(ops), size)] or []


def _ensure_rising(entries: list[dict[str, Any]]) -> None:
    """Entries of one device go out with rising clocks (a clock set back cannot break it)."""
    last: list[int] | None = None
    for entry in entries:
        if last is not None and entry["hlc"] <= last:
            entry["hlc"] = [last[0], last[1] + 1]
        last = entry["hlc"]

"""Sync between machines through a folder (Syncthing, Nextcloud, Dropbox) or git.

One sync, under this database's sync lock:

1. with git, pull;
2. read what the other devices added to the folder since last time (``sync_files``);
3. in one transaction of the database: send this device's changes since the last sync (its
   operation log, with global ids: ``sync_wire``) to its own files, merge everything
   (``sync_replica``: the newest write of each field wins, conflicts listed) and write what
   changed; the log entry of that transaction is marked ``sync`` (it is never sent back);
4. settle what no single change could break but a merge can (``settle``): two running blocks,
   a parent loop, a dependency cycle, a goal under a missing parent;
5. note what this device has read (``device.json``), fold its own old parts once every
   device has read them, and with git, commit and push.

The merge state (each field's stamp) is a cache beside the database (``<name>.sync/``): if
it is lost, the next sync reads every device's files again and ends in the same place.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from tinydb.table import Document

from tui_microgoals.core import oplog, sync_files, sync_wire, tree
from tui_microgoals.core.clock import to_instant, to_iso
from tui_microgoals.core.errors import MicrogoalsError, SyncError
from tui_microgoals.core.models import Goal
from tui_microgoals.core.oplog import ABSENT
from tui_microgoals.core.sync_replica import Replica, Superseded
from tui_microgoals.core.sync_wire import GID, Ids
from tui_microgoals.core.text import quoted

if TYPE_CHECKING:
    from pendulum import Date, DateTime

    from tui_microgoals.core.store import Store
    from tui_microgoals.core.tracked import TrackedTable

#: The meta field (local to this database) that says where it syncs: ``{"kind": "folder" |
#: "git", "folder": path, "remote": url, "seq": the last log entry sent, "ghosts": ...}``.
SETUP = "sync"
#: Entries a base sends per line (a big database goes as several lines).
BASE_CHUNK = 500
STATE_VERSION = 1
#: How many superseded values the state keeps for the reviews (and for how many days).
KEEP_CONFLICTS = 500
KEEP_CONFLICT_DAYS = 60


@dataclass(frozen=True)
class Setup:
    kind: str
    folder: Path
    remote: str | None

    def where(self) -> str:
        return f"git {self.remote}" if self.kind == "git" else f"folder {self.folder}"


@dataclass
class SyncReport:
    came_in: int = 0
    went_out: int = 0
    superseded: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    settled: list[str] = field(default_factory=list)
    devices: int = 0
    pushed: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "in": self.came_in,
            "out": self.went_out,
            "superseded": self.superseded,
            "settled": self.settled,
            "refused": self.refused,
            "waiting": self.waiting,
            "devices": self.devices,
        }

    def lines(self) -> list[str]:
        out = [
            f"synced: {_count(self.came_in, 'change')} came in, {self.went_out} went out"
            f" ({_count(self.devices, 'device')})"
        ]
        out += [f"superseded: {line}" for line in self.superseded]
        out += [f"settled: {line}" for line in self.settled]
        out += [f"refused: {line}" for line in self.refused]
        out += [f"waiting: {line}" for line in self.waiting]
        return out


@dataclass(frozen=True)
class SyncStatus:
    setup: Setup | None
    device: str
    last_sync: DateTime | None
    last_error: str | None
    waiting: int
    devices: list[dict[str, Any]]

    def lines(self, today: Any, tz: str) -> list[str]:
        if self.setup is None:
            return ["sync is not set up (see `microgoals sync init --help`)"]
        when = (
            "never"
            if self.last_sync is None
            else self.last_sync.in_timezone(tz).format("ddd D MMM HH:mm")
        )
        out = [f"sync: {self.setup.where()}", f"last sync: {when}"]
        if self.last_error:
            out.append(f"last sync failed: {self.last_error}")
        out.append(f"waiting to go out: {_count(self.waiting, 'change')}")
        for device in self.devices:
            this = " (this machine)" if device["this"] else ""
            out.append(
                f"device {device['device'][:8]} on {device['host']}{this}: last sync "
                f"{device['last_sync'] or 'never'}"
            )
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "set_up": self.setup is not None,
            "where": self.setup.where() if self.setup else None,
            "device": self.device,
            "last_sync": to_iso(self.last_sync),
            "last_error": self.last_error,
            "waiting": self.waiting,
            "devices": self.devices,
        }


def local_dir(store: Store) -> Path:
    path = store.path
    if path is None:
        raise SyncError("a database in memory cannot sync")
    return path.parent / f"{path.stem}.sync"


def setup_of(store: Store) -> Setup | None:
    found = store._meta().get(SETUP)
    if not isinstance(found, dict) or found.get("kind") not in ("folder", "git"):
        return None
    return Setup(found["kind"], Path(str(found.get("folder"))), found.get("remote"))


class Syncer:
    """Sync ``store`` (see the module docstring)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.dir = local_dir(store)

    # -- setting up -------------------------------------------------------------------------

    def init(self, *, folder: Path | None = None, remote: str | None = None) -> Setup:
        if (folder is None) == (remote is None):
            raise SyncError("say where to sync: --git REMOTE or --folder PATH")
        self.dir.mkdir(mode=0o700, exist_ok=True)
        if remote is not None:
            setup = Setup("git", self.dir / "repo", remote)
            self._git(setup).setup()
        else:
            assert folder is not None
            folder = folder.expanduser().absolute()
            if not folder.is_dir():
                raise SyncError(f"no such folder: {folder} (make it, or let the sync tool make it)")
            setup = Setup("folder", folder, None)
        with self.store._tx("set up sync", undoable=False):
            meta = self.store._meta()
            meta[SETUP] = {"kind": setup.kind, "folder": str(setup.folder), "remote": remote}
            self.store._meta_t.upsert(Document(meta, doc_id=1))
            self.store._device()
        _remove(self.dir / "state.json")  # (a new start: everything is read again)
        return setup

    def _git(self, setup: Setup) -> Any:
        from tui_microgoals.core.sync_git import GitFolder

        return GitFolder(setup.folder, setup.remote)

    # -- syncing ----------------------------------------------------------------------------

    def run(self) -> SyncReport:
        setup = setup_of(self.store)
        if setup is None:
            raise SyncError(
                "sync is not set up: run `microgoals sync init --git REMOTE` or "
                "`microgoals sync init --folder PATH`"
            )
        self.dir.mkdir(mode=0o700, exist_ok=True)
        with self._locked():
            state = self._load_state()
            try:
                report = self._run(setup, state)
            except (MicrogoalsError, OSError) as error:
                state["last"] = {"at": self._now(), "error": _line(error)}
                self._save_state(state)
                if isinstance(error, MicrogoalsError):
                    raise
                raise SyncError(f"sync failed: {_line(error)}") from None
            state["last"] = {"at": self._now(), "error": None, "in": report.came_in}
            kept = [c for c in state.get("conflicts", []) if _recent(c, self.store)]
            kept += [{"at": self._now(), "line": line} for line in report.superseded]
            state["conflicts"] = kept[-KEEP_CONFLICTS:]
            self._save_state(state)
            return report

    def superseded_on(self, date: Date) -> list[str]:
        """The values that lost to another device's write in the syncs of a local day."""
        tz = self.store.clock.tz
        found = []
        for conflict in self._load_state().get("conflicts", []):
            at = _instant(conflict.get("at")) if isinstance(conflict, dict) else None
            if at is not None and at.in_timezone(tz).date() == date:
                found.append(str(conflict.get("line")))
        return found

    def _run(self, setup: Setup, state: dict[str, Any]) -> SyncReport:
        git = self._git(setup) if setup.kind == "git" else None
        if git is not None:
            git.pull()
        if not setup.folder.is_dir():
            raise SyncError(f"the sync folder is not there: {setup.folder}")
        store = self.store
        device = store._device()
        folder = sync_files.Folder(setup.folder, device)
        folder.prepare()
        reading = folder.read(state["marks"], state["offsets"])
        replica = Replica(state.get("replica"))
        report = SyncReport(refused=reading.refused, waiting=reading.waiting)
        hosts = {d: str(doc.get("host") or d[:8]) for d, doc in folder.devices().items()}
        with store._tx("synced", undoable=False):
            ids = self._ids(device)
            sent = self._send(folder, ids, state, device)
            report.went_out = len(sent)
            entries = [*reading.entries, *sent]
            current = self._current(entries, ids)
            merge = replica.merge(entries, current)
            report.came_in = sum(1 for e in reading.entries if e["device"] != device)
            floor = max((e["hlc"] for e in entries), default=None)
            self._apply(merge.changes, ids)
            self._remember(ids)
            report.superseded = [_said(s, hosts, ids, store) for s in merge.superseded]
            store._hlc_floor = floor
            store._entry_extra = {"sync": True}
            store._relabel(f"synced: {report.came_in} change(s) came in")
        store._hlc_floor = None
        store._forget_caches()
        state["marks"].update(reading.marks)
        _mark(state, device, sent)
        state["offsets"] = reading.offsets
        state["replica"] = replica.state()
        self._save_state(state)
        report.settled = self._settle(replica)
        if report.settled:  # (its own entry: sent like any change)
            with store._tx("sent", undoable=False):
                ids = self._ids(device)
                more = self._send(folder, ids, state, device)
                replica.merge(more, self._current(more, ids))
            _mark(state, device, more)
            report.went_out += len(more)
            state["replica"] = replica.state()
            self._save_state(state)
        devices = folder.devices()
        report.devices = len(devices)
        folder.write_acks(
            {
                "device": device,
                "host": oplog.HOST,
                "at": self._now(),
                "read": {d: m[0] for d, m in state["marks"].items()},
            }
        )
        others = [doc.get("read", {}).get(device, 0) for d, doc in devices.items() if d != device]
        folder.fold(min((n for n in others if type(n) is int), default=0) if others else 10**12)
        if git is not None:
            report.pushed = git.publish(f"microgoals: {oplog.HOST} synced")
        return report

    # -- sending ----------------------------------------------------------------------------

    def _send(
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
            for entry_ops in _chunks(self._whole(ids), BASE_CHUNK):
                n += 1
                out.append(self._wire_entry(n, device, "joined", entry_ops, seen))
        else:
            for entry in log:
                if entry.seq <= seq or entry.doc.get("sync"):
                    continue
                ops = [w for op in entry.ops for w in sync_wire.wire_ops(op, ids)]
                if ops:
                    n += 1
                    wire = self._wire_entry(n, device, entry.what, ops, seen)
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

    def _wire_entry(
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

    def _whole(self, ids: Ids) -> list[dict[str, Any]]:
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

    def _ids(self, device: str) -> Ids:
        """Every goal and block gets its global id (made here if it has none yet)."""
        store = self.store
        gids: dict[str, dict[int, str]] = {}
        for kind, table in (("goals", store._goals_t), ("blocks", store._blocks_t)):
            found: dict[int, str] = {}
            for key, doc in table._read_table().items():
                gid = doc.get(GID) if isinstance(doc, dict) else None
                if not isinstance(gid, str) or not gid:
                    gid = oplog.new_gid()
                    _put(table, int(key), {**doc, GID: gid})
                found[int(key)] = gid
            ghosts = (store._meta().get(SETUP) or {}).get("ghosts", {}).get(kind, {})
            for gid, local in ghosts.items():
                if type(local) is int and local not in found:
                    found[local] = gid
            gids[kind] = found
        made: dict[str, dict[str, int]] = {"goals": {}, "blocks": {}}

        def make(kind: str, gid: str) -> int:
            local = store._next_id("goal" if kind == "goals" else "block")
            made[kind][gid] = local
            return local

        ids = Ids(device, gids, make)
        ids.made = made  # type: ignore[attr-defined]
        return ids

    def _remember(self, ids: Ids) -> None:
        """Ids handed out for gids with no document here (a block's goal deleted long ago)."""
        store = self.store
        meta = store._meta()
        setup = dict(meta.get(SETUP) or {})
        ghosts = {k: dict(v) for k, v in (setup.get("ghosts") or {}).items()}
        tables = store._tables()
        changed = False
        for kind in ("goals", "blocks"):
            present = tables.get(kind, {})
            for gid, local in ids.made[kind].items():  # type: ignore[attr-defined]
                if str(local) not in present:
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

    def _current(
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

    def _apply(self, changes: Mapping[tuple[str, str], dict[str, Any] | None], ids: Ids) -> None:
        store = self.store
        for (table, key), wire in sorted(changes.items(), key=lambda kv: _order(kv[0][0])):
            try:
                local = sync_wire.local_key(table, key, ids)
            except sync_wire.BadOp:
                continue
            view = store._table(table)
            old = view._read_table().get(local)
            keep = {k: v for k, v in (old or {}).items() if (table, k) in sync_wire.NOT_CARRIED}
            if wire is None:
                _put(view, int(local), None)
                continue
            try:
                doc = {**sync_wire.local_doc(table, wire, ids), **keep}
            except sync_wire.BadOp:
                continue
            if table in ("goals", "blocks"):
                doc[GID] = key
            _put(view, int(local), doc)

    # -- settling ---------------------------------------------------------------------------

    def _settle(self, replica: Replica) -> list[str]:
        """Make the merged data whole again; every device settles the same way."""
        store = self.store
        said: list[str] = []
        with store._tx("settled after sync", undoable=False):
            tables = store._tables()
            said.extend(self._settle_blocks(tables))
            said.extend(self._settle_goals(tables, replica))
        store._forget_caches()
        return said

    def _settle_blocks(self, tables: Mapping[str, Mapping[str, Any]]) -> list[str]:
        store = self.store
        blocks = tables.get("blocks", {})
        running = sorted(
            (
                (str(doc.get("started_at")), str(doc.get(GID)), key)
                for key, doc in blocks.items()
                if isinstance(doc, dict) and doc.get("ended_at") is None
            ),
        )
        said = []
        for started, _, key in running[:-1]:
            kept_start = running[-1][0]
            doc = dict(blocks[key])
            doc["ended_at"] = max(kept_start, started)
            doc["outcome"] = "partial"
            doc["pauses"] = [
                [p[0], p[1] if p[1] is not None else doc["ended_at"]]
                for p in doc.get("pauses") or []
                if isinstance(p, list) and len(p) == 2
            ]
            _put(store._blocks_t, int(key), doc)
            said.append(
                f"block {key} was still running when block {running[-1][2]} started on another "
                "device: it ended then"
            )
        meta = store._meta()
        want = int(running[-1][2]) if running else None
        if meta.get("running") != want:
            meta["running"] = want
            store._meta_t.upsert(Document(meta, doc_id=1))
        return said

    def _settle_goals(self, tables: Mapping[str, Mapping[str, Any]], replica: Replica) -> list[str]:
        store = self.store
        raw = tables.get("goals", {})
        said = []

        def stamp(key: str, name: str) -> list[Any]:
            gid = raw[key].get(GID, key)
            stamps = replica.stamps.get(f"goals/{gid}", {})
            return stamps.get(name) or stamps.get("") or [0, 0, ""]

        def put(key: str, **fields: Any) -> None:
            _put(store._goals_t, int(key), {**raw[key], **fields})

        for key, doc in sorted(raw.items(), key=lambda kv: int(kv[0])):
            parent = doc.get("parent")
            if parent is not None and str(parent) not in raw:
                put(key, parent=None)
                said.append(f"goal {key}'s parent is gone: it is a top-level goal now")
        raw = store._tables().get("goals", {})
        for key in sorted(raw, key=int):
            loop = _parent_loop(raw, key)
            if loop:
                newest = max(loop, key=lambda k: (stamp(k, "parent"), raw[k].get(GID, "")))
                put(newest, parent=None)
                raw = store._tables().get("goals", {})
                said.append(
                    f"goal {newest} was moved under itself on two devices: "
                    "it is a top-level goal now"
                )
        goals = {int(k): Goal.from_doc(int(k), d) for k, d in raw.items()}
        for key in sorted(
            raw, key=lambda k: (stamp(k, "after"), raw[k].get(GID, "")), reverse=True
        ):
            goal = goals[int(key)]
            after = [a for a in goal.after if a in goals]
            if tree.would_cycle(goals, goal.id, after) or after != goal.after:
                keep = [a for a in after if not tree.would_cycle(goals, goal.id, [a])]
                put(key, after=keep)
                goals[goal.id] = Goal.from_doc(goal.id, {**raw[key], "after": keep})
                if len(keep) != len(after):
                    said.append(
                        f"goal {key} waited in a circle after a sync: that wait was removed"
                    )
        return said

    # -- status -----------------------------------------------------------------------------

    def status(self) -> SyncStatus:
        setup = setup_of(self.store)
        state = self._load_state()
        meta_setup = self.store._meta().get(SETUP) or {}
        seq = meta_setup.get("seq") if isinstance(meta_setup, dict) else None
        log = oplog.entries(self.store._ops_t._read_table())
        waiting = sum(
            1
            for e in log
            if (not isinstance(seq, int) or e.seq > seq) and not e.doc.get("sync") and e.ops
        )
        devices = []
        if setup is not None and setup.folder.is_dir():
            folder = sync_files.Folder(setup.folder, str(self.store._meta().get(oplog.DEVICE)))
            for device, doc in folder.devices().items():
                devices.append(
                    {
                        "device": device,
                        "host": str(doc.get("host") or "?"),
                        "last_sync": doc.get("at"),
                        "this": device == folder.device,
                    }
                )
        last = state.get("last") or {}
        return SyncStatus(
            setup=setup,
            device=str(self.store._meta().get(oplog.DEVICE) or ""),
            last_sync=_instant(last.get("at")),
            last_error=last.get("error"),
            waiting=waiting,
            devices=devices,
        )

    # -- the local state --------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Any:
        path = self.dir / "lock"
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise SyncError("another sync of this database is still running") from None
                    time.sleep(0.1)
            yield
        finally:
            os.close(fd)

    def _load_state(self) -> dict[str, Any]:
        fresh = {"version": STATE_VERSION, "marks": {}, "offsets": {}, "replica": {}}
        try:
            with open(self.dir / "state.json", "rb") as handle:
                state = orjson.loads(handle.read())
        except (OSError, orjson.JSONDecodeError):
            return fresh
        if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
            return fresh
        for name in ("marks", "offsets", "replica"):
            if not isinstance(state.get(name), dict):
                return fresh
        return state

    def _save_state(self, state: dict[str, Any]) -> None:
        self.dir.mkdir(mode=0o700, exist_ok=True)
        sync_files._replace(self.dir / "state.json", orjson.dumps(state))

    def _now(self) -> str | None:
        return to_iso(self.store.clock.now())


def _put(table: TrackedTable, key: int, doc: dict[str, Any] | None) -> None:
    """Write one document (None: remove it) as a part of the running transaction."""

    def update(view: dict[int, Any]) -> None:
        if doc is None:
            view.pop(key, None)
        else:
            view[key] = doc

    table._update_table(update)


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


def _parent_loop(raw: Mapping[str, Any], key: str) -> list[str]:
    seen: list[str] = []
    current: str | None = key
    while current is not None and current in raw:
        if current in seen:
            return seen[seen.index(current) :]
        seen.append(current)
        parent = raw[current].get("parent")
        current = str(parent) if parent is not None else None
    return []


def _recent(conflict: Any, store: Store) -> bool:
    at = _instant(conflict.get("at")) if isinstance(conflict, dict) else None
    return at is not None and (store.clock.now() - at).in_days() <= KEEP_CONFLICT_DAYS


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _mark(state: dict[str, Any], device: str, sent: list[dict[str, Any]]) -> None:
    if sent and sent[-1]["n"] > (state["marks"].get(device) or [0])[0]:
        state["marks"][device] = [sent[-1]["n"], sent[-1]["hlc"]]


def _chunks(ops: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [ops[i : i + size] for i in range(0, len(ops), size)] or []


def _ensure_rising(entries: list[dict[str, Any]]) -> None:
    """Entries of one device go out with rising clocks (a clock set back cannot break it)."""
    last: list[int] | None = None
    for entry in entries:
        if last is not None and entry["hlc"] <= last:
            entry["hlc"] = [last[0], last[1] + 1]
        last = entry["hlc"]


def _said(s: Superseded, hosts: Mapping[str, str], ids: Ids, store: Store) -> str:
    where = {"goals": "goal", "blocks": "block", "days": "the plan of", "meta": "the settings"}[
        s.table
    ]
    name = s.key if s.table == "days" else ""
    if s.table in ("goals", "blocks"):
        local = ids.ids.get(s.table, {}).get(s.key)
        name = str(local) if local is not None else s.key[:8]
        if s.table == "goals" and local is not None:
            with contextlib.suppress(Exception):
                name = f"{local} {quoted(store.goal(local).title)}"
    lost_on, kept_on = hosts.get(s.lost_by, s.lost_by[:8]), hosts.get(s.kept_by, s.kept_by[:8])
    if s.field is None:
        return f"{where} {name}: deleted on {lost_on} but edited on {kept_on}, so it was kept"
    return (
        f"{where} {name} {s.field}: {_short(s.lost)} from {lost_on} lost to "
        f"{_short(s.kept)} from {kept_on}"
    )


def _short(value: Any) -> str:
    if value is ABSENT:
        return "(none)"
    text = orjson.dumps(value).decode()
    return text if len(text) <= 60 else text[:57] + "..."


def _instant(value: Any) -> DateTime | None:
    try:
        return to_instant(value)
    except (TypeError, ValueError):
        return None


def _line(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()

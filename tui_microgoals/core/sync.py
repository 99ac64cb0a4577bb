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
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from tinydb.table import Document

from tui_microgoals.core import oplog, sync_files
from tui_microgoals.core.clock import to_iso
from tui_microgoals.core.errors import MicrogoalsError, SyncError
from tui_microgoals.core.sync_local import SETUP, LocalSide
from tui_microgoals.core.sync_replica import Replica
from tui_microgoals.core.sync_report import (
    Setup,
    SyncReport,
    SyncStatus,
    instant,
    said,
    worth_saying,
)
from tui_microgoals.core.sync_settle import Settler

if TYPE_CHECKING:
    from pendulum import Date

    from tui_microgoals.core.store import Store

__all__ = ["SETUP", "Setup", "SyncReport", "SyncStatus", "Syncer", "local_dir", "setup_of"]

STATE_VERSION = 1
#: The file beside the merge state that keeps the superseded values for the reviews.
CONFLICTS = "superseded.json"
#: How many superseded values the state keeps for the reviews (and for how many days).
KEEP_CONFLICTS = 500
KEEP_CONFLICT_DAYS = 60
#: A device that has not synced for this long no longer holds back folding.
KNOWN_DAYS = 180


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
            device = self.store._device()
            meta = self.store._meta()
            meta[SETUP] = {"kind": setup.kind, "folder": str(setup.folder), "remote": remote}
            if self._claimed_elsewhere(setup, device):  # (a copy of a database that syncs)
                meta[oplog.DEVICE] = oplog.new_device()
            self.store._meta_t.upsert(Document(meta, doc_id=1))
        _remove(self.dir / "state.json")  # (a new start: everything is read again)
        return setup

    def _claimed_elsewhere(self, setup: Setup, device: str) -> str | None:
        """Where the database that syncs as ``device`` lives, if not here: a copy of a
        database (a backup restored on another machine, a copied folder) has its device id,
        and two databases writing one device's files would lose entries."""
        doc = sync_files.Folder(setup.folder, device).devices().get(device, {})
        host, path = doc.get("host"), doc.get("path")
        if not isinstance(host, str) or not isinstance(path, str):
            return None
        if host == oplog.HOST and path == str(self.store.path):
            return None
        return f"{path} on {host}"

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
            self._save_state(state)
            if report.superseded:
                kept = [c for c in self._conflicts() if _recent(c, self.store)]
                kept += [{"at": self._now(), "line": line} for line in report.superseded]
                sync_files._replace(self.dir / CONFLICTS, orjson.dumps(kept[-KEEP_CONFLICTS:]))
            return report

    def _conflicts(self) -> list[Any]:
        """The superseded values kept for the reviews (a small file of their own: the review
        of a day reads it, not the merge state)."""
        try:
            with open(self.dir / CONFLICTS, "rb") as handle:
                found = orjson.loads(handle.read())
        except (OSError, orjson.JSONDecodeError):
            return []
        return found if isinstance(found, list) else []

    def superseded_on(self, date: Date) -> list[str]:
        """The values that lost to another device's write in the syncs of a local day."""
        tz = self.store.clock.tz
        found = []
        for conflict in self._conflicts():
            at = instant(conflict.get("at")) if isinstance(conflict, dict) else None
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
        if (elsewhere := self._claimed_elsewhere(setup, device)) is not None:
            raise SyncError(
                f"this database syncs as the same device as {elsewhere}: it looks like a "
                "copy; run `microgoals sync init` here to make it a device of its own"
            )
        folder = sync_files.Folder(setup.folder, device)
        folder.prepare()
        reading = folder.read(state["marks"], state["offsets"])
        replica = Replica(state.get("replica"))
        report = SyncReport(refused=reading.refused, waiting=reading.waiting)
        hosts = {d: str(doc.get("host") or d[:8]) for d, doc in folder.devices().items()}
        local = LocalSide(store)
        with _no_floor_after(store), store._tx("synced", undoable=False):
            if local.first() or local.needs_history(reading.entries):
                store.read_history()  # (what is archived here: sent, or changed elsewhere)
            ids = local.ids(device)
            sent = local.send(folder, ids, state, device)
            report.went_out = len(sent)
            entries = [*reading.entries, *sent]
            current = local.current(entries, ids)
            filled = [ref for ref in local.deleted if current.get(ref) is None]
            for ref in filled:
                current[ref] = local.deleted[ref]
            merge = replica.merge(entries, current)
            for ref in filled:  # kept by an edit that beat the delete: it is not here yet
                if ref not in merge.changes and f"{ref[0]}/{ref[1]}" not in replica.gone:
                    merge.changes[ref] = current[ref]
            report.came_in = sum(1 for e in reading.entries if e["device"] != device)
            floor = max((e["hlc"] for e in entries), default=None)
            report.refused += local.apply(merge.changes, ids)
            local.remember(ids)
            report.superseded = [
                said(s, hosts, ids, store) for s in merge.superseded if worth_saying(s)
            ]
            store._hlc_floor = floor
            store._entry_extra = {"sync": True}
            store._relabel(f"synced: {report.came_in} change(s) came in")
        store._forget_caches()
        state["marks"].update(reading.marks)
        _mark(state, device, sent)
        state["offsets"] = reading.offsets
        state["replica"] = replica.state()
        self._save_state(state)
        report.settled = Settler(store).settle(replica)
        if report.settled:  # (its own entry: sent like any change)
            with store._tx("sent", undoable=False):
                ids = local.ids(device)
                more = local.send(folder, ids, state, device)
                replica.merge(more, local.current(more, ids))
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
                "path": str(store.path),
                "at": self._now(),
                "read": {d: m[0] for d, m in state["marks"].items()},
            }
        )
        others = [
            doc.get("read", {}).get(device, 0)
            for d, doc in devices.items()
            if d != device and isinstance(doc.get("read"), dict) and self._recent(doc.get("at"))
        ]
        folder.fold(min((n for n in others if type(n) is int), default=0) if others else 10**12)
        if git is not None:
            report.pushed = git.publish(f"microgoals: {oplog.HOST} synced")
        return report

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
            last_sync=instant(last.get("at")),
            last_error=last.get("error"),
            waiting=waiting,
            devices=devices,
            unpushed=self._git(setup).ahead() if setup is not None and setup.kind == "git" else 0,
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

    def _recent(self, at: Any) -> bool:
        """Whether a device synced in the last ``KNOWN_DAYS`` (one gone longer does not hold
        back folding: it reads the folded base when it comes back)."""
        when = instant(at)
        return when is not None and (self.store.clock.now() - when).in_days() <= KNOWN_DAYS

    def _now(self) -> str | None:
        return to_iso(self.store.clock.now())


def _recent(conflict: Any, store: Store) -> bool:
    at = instant(conflict.get("at")) if isinstance(conflict, dict) else None
    return at is not None and (store.clock.now() - at).in_days() <= KEEP_CONFLICT_DAYS


@contextlib.contextmanager
def _no_floor_after(store: Store) -> Any:
    """The clock floor a sync sets for its own log entry (outside the transaction, whose
    end writes that entry), gone once it ends, committed or not."""
    try:
        yield
    finally:
        store._hlc_floor = None


def _mark(state: dict[str, Any], device: str, sent: list[dict[str, Any]]) -> None:
    if sent and sent[-1]["n"] > (state["marks"].get(device) or [0])[0]:
        state["marks"][device] = [sent[-1]["n"], sent[-1]["hlc"]]


def _line(error: BaseException) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _remove(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()

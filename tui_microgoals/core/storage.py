"""Durable TinyDB storage: atomic replace, a cross-process lock, cached reads, schema versions.

Stock ``JSONStorage`` rewrites the file in place (a kill mid-write leaves broken JSON),
re-parses the whole file on every query and lets two processes overwrite each other.
``DurableStorage`` instead:

* commits a transaction by appending the documents it changed, as one fsynced line, to a
  journal beside the database (``<db>.journal``); a line is complete or ignored, so a kill
  mid-append loses only the unacknowledged commit; each line is checksummed and checked with
  the loader's rules when replayed, so the journal never folds into a file the loader refuses;
* folds the journal into the database now and then ("compaction"): a temp file in the same
  folder, fsynced, ``os.replace``-d over the database, the folder fsynced, so the main file
  is always a whole version; a journal belongs to one version of the main file (its id),
  so a stale journal left by a crash mid-compaction is never replayed twice;
* serialises writers across processes with ``flock`` on a lock file beside the database
  (and on its folder, so deleting the lock file lets no second writer in);
  ``transaction()`` takes the lock, reloads if another process wrote, and commits once;
* re-parses only what changed: the main file when its (inode, mtime, size) changed, else
  only the new journal lines;
* records ``schema_version``; refuses a newer one without touching the file; migrates an
  older one after a backup;
* reports a zero-byte, truncated or invalid file instead of treating it as empty, and
  anything but a regular file (``journal.open_regular``: no symlink followed, no FIFO waited
  on);
* keeps rotating backups: independent copies (their own files, fsynced) of the main file
  as compaction writes it, each recording which database it is (an id made once, and the
  file's name), so two databases in one folder never touch each other's backups.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from collections.abc import Callable, Iterator
from copy import deepcopy
from json.decoder import scanstring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import MemoryStorage as _TinyMemoryStorage
from tinydb.storages import Storage
from tinydb.table import Table

from tui_microgoals.core import journal, oplog
from tui_microgoals.core.errors import (
    READ_ONLY,
    CorruptDatabase,
    LockTimeout,
    NewerSchema,
    ReadOnlyDatabase,
    StorageError,
)
from tui_microgoals.core.journal import (
    BACKUPS_KEPT,
    DATABASE_KEY,
    JOURNAL_KEY,
    SCHEMA_KEY,
    SCHEMA_VERSION,
    SUMMARY_FORMAT,
)
from tui_microgoals.core.oplog import ABSENT

# The limits (journal length, backup interval, lock timeout) are ``journal``'s, which the
# fast path shares: tests set them there.

CHANGE_LOG_LENGTH = 32

Tables = dict[str, dict[str, Any]]
Changes = dict[str, set[str]]


class _TrackedIds(dict):  # type: ignore[type-arg]
    """The int-keyed view TinyDB's updaters expect, over the str-keyed table, noting keys."""

    def __init__(self, raw: dict[str, Any]) -> None:
        super().__init__()
        self.raw = raw
        self.touched: set[str] = set()
        #: Each touched document as it was before (ABSENT: it did not exist), for the
        #: operation log.
        self.befores: dict[str, Any] = {}

    def _touch(self, key: str, *, copy: bool = False) -> None:  # noqa: A002
        self.touched.add(key)
        if key not in self.befores:
            doc = self.raw.get(key, ABSENT)
            self.befores[key] = deepcopy(doc) if copy else doc

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self.raw

    def __getitem__(self, doc_id: object) -> Any:
        key = str(doc_id)
        self._touch(key, copy=True)  # the caller may change it in place
        return self.raw[key]

    def __setitem__(self, doc_id: object, doc: Any) -> None:
        key = str(doc_id)
        self._touch(key)
        self.raw[key] = doc

    def __delitem__(self, doc_id: object) -> None:
        key = str(doc_id)
        self._touch(key)
        del self.raw[key]

    def pop(self, doc_id: object, *default: Any) -> Any:
        key = str(doc_id)
        self._touch(key)
        return self.raw.pop(key, *default)

    def keys(self):  # type: ignore[override]
        return [int(k) for k in self.raw]

    def __iter__(self):  # type: ignore[override]
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.raw)

    def items(self):  # type: ignore[override]
        return [(k, self[k]) for k in self.keys()]

    def clear(self) -> None:
        for key in self.raw:
            self._touch(key)
        self.raw.clear()


class TrackedTable(Table):
    """A TinyDB table whose writes touch only the changed documents, and say which.

    Stock ``Table._update_table`` copies the whole table twice per write (10 ms at 10k
    documents); this one edits the stored dict in place and tells a storage that keeps a
    journal which documents to log.
    """

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        tables = self._storage.read()
        if tables is None:
            tables = {}
        view = _TrackedIds(tables.setdefault(self.name, {}))
        updater(view)
        note = getattr(self._storage, "note_changes", None)
        if note is not None:
            note(self.name, view.touched, view.befores)
        self._storage.write(tables)
        self.clear_cache()


def _migrate_0_to_1(tables: Tables) -> Tables:
    """Version 0 is a plain TinyDB file from before versions were recorded: same tables."""
    return tables


def _migrate_1_to_2(tables: Tables) -> Tables:
    """Version 2 adds the operation log (``oplog``): it starts empty, so undo reaches back to
    the first change made after the migration."""
    return tables


MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {0: _migrate_0_to_1, 1: _migrate_1_to_2}


_describe = journal.describe


class _Recording:
    """What the running transaction touched: each document as it was before its first
    change (ABSENT: it did not exist), for the operation log (see ``oplog``)."""

    def __init__(self) -> None:
        self.befores: dict[tuple[str, str], Any] = {}

    def _record(self, table: str, befores: dict[str, Any]) -> None:
        for key, doc in befores.items():
            self.befores.setdefault((table, key), doc)


class MemoryStorage(_Recording, _TinyMemoryStorage):
    """TinyDB's memory storage with the transaction interface of ``DurableStorage``."""

    path: Path | None = None
    generation = 0
    damage: StorageError | None = None
    keep_last_read = False
    lock_timeout: float | None = None

    def wait_for_lock(self, cancelled: Callable[[], bool] | None = None) -> None:
        """No lock in memory: see ``DurableStorage.wait_for_lock``."""

    def __init__(self) -> None:
        _Recording.__init__(self)
        _TinyMemoryStorage.__init__(self)
        self._depth = 0

    def note_changes(self, table: str, keys: set[str], befores: dict[str, Any]) -> None:
        self._record(table, befores)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        snapshot = orjson.loads(orjson.dumps(self.memory)) if self.memory is not None else None
        self._depth, self.befores = 1, {}
        try:
            yield
        except BaseException:
            self.memory = snapshot  # all or nothing, like the file storage
            self.generation += 1
            raise
        finally:
            self._depth, self.befores = 0, {}

    def changed(self) -> bool:
        return False

    def fold(self) -> None:
        """Nothing to fold: see ``DurableStorage.fold``."""

    def take_warnings(self) -> list[str]:
        return []


class DurableStorage(_Recording, Storage):
    """See the module docstring. ``path`` may be a symlink: the target is what gets replaced."""

    def __init__(self, path: str | os.PathLike[str], *, backups: int = BACKUPS_KEPT) -> None:
        _Recording.__init__(self)
        self.given_path = Path(path).expanduser()
        self.backups_kept = backups
        self._data: Tables | None = None
        self._stamp: tuple[int, int, int] | None = None  # of the main file as loaded
        self._journal_id: str | None = None  # the version of the main file
        self._jpos = 0  # bytes of the journal applied (always at a line end)
        self._jstamp: tuple[int, int, int] | None = None  # of the journal as last read
        self._jentries = 0
        self._jstale = False  # a journal that belongs to another version of the main file
        self._depth = 0
        self._dirty = False
        self._full = False  # a write came without a list of changed documents
        self._pending: Changes = {}
        self._noted = False
        self._last_backup: float | None = None
        self._database_id: str | None = None  # as the main file records it
        self._backup_warned = False
        #: Problems that did not stop a save (a backup that could not be written), one line
        #: each, for the caller to show once: see ``take_warnings``.
        self.warnings: list[str] = []
        #: False for a storage that only reads a backup to restore it.
        self.keeps_backups = True
        #: For a reader that stays open (the app): once the files become unreadable after a
        #: good read, reads go on with what was last read and ``damage`` says why; every
        #: transaction is refused with ``ReadOnlyDatabase`` until the files read again.
        self.keep_last_read = False
        self.damage: StorageError | None = None
        #: How long a change waits for another writer's lock (None: the usual
        #: ``LOCK_TIMEOUT_SECONDS``); the app waits a moment only, then in a thread.
        self.lock_timeout: float | None = None
        #: Bumped whenever data on disk replaces or changes what is in memory, or the memory
        #: is dropped; not by our own writes, so callers can keep derived caches across them.
        self.generation = 0
        self._change_log: list[tuple[int, Changes | None]] = []
        #: Makes the small summary written beside the database after each commit, from the
        #: data and the documents the commit changed (None: unknown, a whole-file write).
        self.summarize: Callable[[Tables, Changes | None], dict[str, Any]] | None = None

    # -- paths -------------------------------------------------------------------------

    @property
    def path(self) -> Path:
        """The real file: a symlinked database is written through to its target."""
        return Path(os.path.realpath(self.given_path))

    @property
    def lock_path(self) -> Path:
        path = self.path
        return path.with_name(path.name + ".lock")

    @property
    def journal_path(self) -> Path:
        path = self.path
        return path.with_name(path.name + ".journal")

    @property
    def backup_dir(self) -> Path:
        return self.path.parent / "backups"

    # -- the TinyDB Storage interface ---------------------------------------------------

    def read(self) -> Tables | None:
        if self._depth == 0:
            try:
                self._refresh()
            except StorageError as error:
                if not self.keep_last_read or self._data is None:
                    raise
                self.damage = error  # (what was last read is one whole version: see above)
                return self._data
            self.damage = None
        return self._data

    def note_changes(self, table: str, keys: set[str], befores: dict[str, Any]) -> None:
        """Called by ``TrackedTable`` just before ``write``: which documents changed, and
        what they were before."""
        self._pending.setdefault(table, set()).update(keys)
        self._record(table, befores)
        self._noted = True

    def write(self, data: Tables) -> None:
        if not self._noted:
            self._full = True
        self._noted = False
        if self._depth:
            self._data = data
            self._dirty = True
            return
        with self.transaction():  # a write outside a transaction replaces everything
            self._data, self._dirty, self._full = data, True, True

    def close(self) -> None:
        pass

    # -- transactions -------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Hold the lock, start from the newest data on disk, commit once at the end.

        If the body raises, or the commit fails, nothing reaches the disk and the next read
        starts again from the file.
        """
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        with self._locked():
            try:
                self._refresh()
            except StorageError as error:
                if not self.keep_last_read or self._data is None:
                    raise
                self.damage = error
                raise ReadOnlyDatabase(f"{READ_ONLY}; nothing was changed") from error
            self.damage = None
            self._clean_temp_files()
            self._depth, self._dirty, self._full, self._pending = 1, False, False, {}
            self.befores = {}
            try:
                yield
                if self._dirty:
                    self._commit()
            except BaseException:
                self._forget()
                raise
            finally:
                self._depth, self._dirty, self._full, self._pending = 0, False, False, {}
                self.befores = {}

    def changed(self) -> bool:
        """Whether the files on disk differ from what was last loaded (cheap: two stats)."""
        try:
            return (
                self._data is None
                or self._stat(self.path) != self._stamp
                or self._stat(self.journal_path) != self._jstamp
            )
        except StorageError:
            return True

    def changes_since(self, generation: int) -> Changes | None:
        """The documents changed on disk since ``generation``; None when unknown (reloaded)."""
        merged: Changes = {}
        if generation == self.generation:
            return merged
        entries = [c for g, c in self._change_log if g > generation]
        if len(entries) != self.generation - generation:
            return None
        for changes in entries:
            if changes is None:
                return None
            for table, keys in changes.items():
                merged.setdefault(table, set()).update(keys)
        return merged

    def _bump(self, changes: Changes | None) -> None:
        self.generation += 1
        self._change_log.append((self.generation, changes))
        del self._change_log[:-CHANGE_LOG_LENGTH]

    def _forget(self) -> None:
        self._data, self._stamp, self._jstamp = None, None, None
        self._bump(None)

    def _locked(self) -> contextlib.AbstractContextManager[None]:
        timeout = self.lock_timeout
        return journal.locked(
            str(self.path), journal.LOCK_TIMEOUT_SECONDS if timeout is None else timeout
        )

    def wait_for_lock(self, cancelled: Callable[[], bool] | None = None) -> None:
        """Return once no other writer holds the lock (LockTimeout after the usual time,
        or once ``cancelled()``). Touches nothing but the lock: safe in a thread while
        another reads the data."""
        with journal.locked(str(self.path), journal.LOCK_TIMEOUT_SECONDS, cancelled):
            pass

    # -- loading ------------------------------------------------------------------------

    @staticmethod
    def _stat(path: Path) -> tuple[int, int, int] | None:
        return journal.stat(str(path))

    def _refresh(self) -> None:
        stamp = self._stat(self.path)
        if self._data is not None and stamp == self._stamp:
            if self._stat(self.journal_path) == self._jstamp:
                return
            changes = self._read_journal()
            if changes is not None:
                if changes:
                    self._bump(changes)
                return
        for _ in range(10):
            self._load(stamp)
            # A writer may have folded the journal into a new main file while we read:
            # then what we read is a mix of versions. Read again.
            again = self._stat(self.path)
            if again == stamp:
                return
            stamp = again
        raise LockTimeout(f"{self.path} keeps changing while being read; try again")

    def _load(self, stamp: tuple[int, int, int] | None) -> None:
        """Read the main file and replay its journal."""
        if stamp is None:
            if self._stamp is not None:
                raise StorageError(
                    f"the database file {self.path} disappeared while in use; "
                    "nothing was written (restore it or a backup, then try again)"
                )
            data: Tables = {}
            journal_id = None
        else:
            try:
                raw = journal.read_regular(str(self.path))
            except OSError as error:
                raise StorageError(f"cannot read {self.path}: {_describe(error)}") from None
            data, journal_id = self._decode(raw)
        self._data, self._stamp, self._journal_id = data, stamp, journal_id
        self._jpos, self._jstamp, self._jentries, self._jstale = 0, None, 0, False
        if self._read_journal() is None:
            raise CorruptDatabase(f"the journal {self.journal_path} changed while being read")
        self._bump(None)

    def _read_journal(self) -> Changes | None:
        """Apply the journal's new complete lines; None if it was replaced (reload all)."""
        path = self.journal_path
        try:
            with open(journal.open_regular(str(path), os.O_RDONLY), "rb") as handle:
                st = os.fstat(handle.fileno())
                stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
                if self._jstamp is not None and (
                    stamp[0] != self._jstamp[0] or stamp[2] < self._jpos
                ):
                    return None
                handle.seek(self._jpos)
                chunk = handle.read()
        except FileNotFoundError:
            if self._jpos:
                return None  # folded into a new main file by another process
            self._jstamp = None
            return {}
        except OSError as error:
            raise StorageError(f"cannot read {path}: {_describe(error)}") from None
        if self._jstale:
            self._jstamp = stamp
            return {}
        changes: Changes = {}
        lines = chunk.split(b"\n")
        try:
            for line in lines[:-1]:  # the last piece has no newline yet: not a whole entry
                if not self._jstale:
                    self._apply_journal_line(line, self._jpos, changes)
                self._jpos += len(line) + 1
        except CorruptDatabase:
            if changes:  # the whole lines before the damaged one were read in
                self._bump(changes)
            raise
        # Only now: a damaged line leaves the stamp unset, so the next read meets it again
        # (stamped, it was skipped, and the next commit appended after it).
        self._jstamp = stamp
        return changes

    def _apply_journal_line(self, line: bytes, at: int, changes: Changes) -> None:
        try:
            entry = journal.parse_line(line, orjson.loads)
        except ValueError as error:  # (orjson.JSONDecodeError is one)
            reason = "it is not JSON" if isinstance(error, orjson.JSONDecodeError) else error
            raise CorruptDatabase(
                f"the journal {self.journal_path} is damaged (the line at byte {at}: "
                f"{reason}); the files were left untouched; see `microgoals backups`"
            ) from None
        if "base" in entry:  # the header
            if entry["base"] != self._journal_id:
                self._jstale = True  # left by a crash mid-compaction: already in the main file
            return
        assert self._data is not None
        for name, docs in entry["tables"].items():
            table = self._data.setdefault(name, {})
            for key, doc in docs.items():
                if doc is None:
                    table.pop(key, None)
                else:
                    table[key] = doc
            changes.setdefault(name, set()).update(docs)
        self._jentries += 1

    def _decode(self, raw: bytes) -> tuple[Tables, str | None]:
        where = f"the database {self.path}"
        advice = "it was left untouched; see `microgoals backups` to restore one"
        if not raw.strip():
            raise CorruptDatabase(f"{where} is empty ({len(raw)} bytes); {advice}")
        try:
            doc = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise CorruptDatabase(
                f"{where} is not valid JSON (truncated or damaged: {error}); {advice}"
            ) from None
        if not isinstance(doc, dict):
            raise CorruptDatabase(f"{where} is not a microgoals database; {advice}")
        version = doc.pop(SCHEMA_KEY, 0)
        journal_id = doc.pop(JOURNAL_KEY, None)
        self._database_id = _database_id(doc.pop(DATABASE_KEY, None))
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise CorruptDatabase(f"{where} has a bad schema_version {version!r}; {advice}")
        if version > SCHEMA_VERSION:
            raise NewerSchema(
                f"{where} has schema version {version}, newer than this microgoals "
                f"understands ({SCHEMA_VERSION}); upgrade microgoals. The file was not touched."
            )
        for name, table in doc.items():
            problem = journal.table_problem(name, table)
            if problem:
                raise CorruptDatabase(f"{where}: {problem}; {advice}")
        if version < SCHEMA_VERSION:
            self._backup(f"before-v{SCHEMA_VERSION}", raw)
            for step in range(version, SCHEMA_VERSION):
                doc = MIGRATIONS[step](doc)  # written with the next commit
            journal_id = None  # forces a full write
        return doc, journal_id if isinstance(journal_id, str) else None

    # -- committing ---------------------------------------------------------------------

    def _commit(self) -> None:
        assert self._data is not None
        changes = None if self._full else self._pending
        if not self._must_compact():
            self._append()
        elif self._must_fold():
            self._compact()
        else:  # only a backup is due: one that cannot be written must not stop the change
            try:
                self._compact(keep=True)
            except StorageError as error:
                cause = error.__context__  # (the OSError)
                why = _describe(cause) if isinstance(cause, OSError) else str(error)
                self._warn_backup(f"{self.path.name} could not be rewritten: {why}")
                self._append()
        self._full, self._pending = False, {}
        self._write_summary(changes)

    def _must_compact(self) -> bool:
        """The rule the fast path of ``microgoals add`` follows too, from the summary."""
        return journal.must_compact(
            {**self.journal_state(), "full": self._full}, self._last_backup_time
        )

    def _must_fold(self) -> bool:
        """Whether the commit must rewrite the main file even when no backup is due."""
        return journal.must_fold({**self.journal_state(), "full": self._full})

    def journal_state(self) -> dict[str, Any]:
        """What the choice between appending to the journal and compacting depends on; in
        the summary after each commit, for the fast path."""
        return {
            "format": SUMMARY_FORMAT,
            "main": self._stamp,
            "journal": self._jstamp,
            "schema": SCHEMA_VERSION,
            "journal_id": self._journal_id,
            "stale": self._jstale,
            "entries": self._jentries,
            "jpos": self._jpos,
        }

    def _write_summary(self, changes: Changes | None) -> None:
        """Refresh ``<db>.status``: what ``summarize`` makes of the data, stamped with the
        version of the files it describes, so a reader can trust it without parsing them.

        A cache, not a record: no fsync, and when it cannot be made it is removed (readers
        then take the slow path)."""
        path = str(self.path)
        try:
            if self.summarize is None or self._data is None:
                raise ValueError("no summary")
            doc = {**self.journal_state(), **self.summarize(self._data, changes)}
        except Exception:  # noqa: BLE001 - never let the cache break a committed save
            journal.drop_summary(path)
            return
        journal.write_summary(path, doc)

    def _append(self) -> None:
        """One fsynced line with the changed documents (None for a deleted one)."""
        assert self._data is not None
        entry = {
            "tables": {
                name: {key: self._data.get(name, {}).get(key) for key in sorted(keys)}
                for name, keys in self._pending.items()
                if keys
            }
        }
        new = self._jstamp is None
        blob = journal.line(orjson.dumps(entry))
        if new:
            blob = journal.header(self._journal_id) + blob
        try:
            stamp = journal.append(str(self.path), blob, new=new)
        except StorageError:
            self._forget()  # the next transaction reloads, sees any torn line, and compacts
            raise
        self._jpos += len(blob)
        self._jstamp = stamp
        self._jentries += 1

    def _compact(self, data: Tables | None = None, *, keep: bool = False) -> None:
        """Write everything as a new main file and start a new journal.

        ``keep``: if it fails before the file is replaced, keep what is in memory (the
        caller appends to the journal instead)."""
        data = _trim_log(self._data if data is None else data)
        path = self.path
        journal_id = secrets.token_hex(8)
        database_id = self._database_id or secrets.token_hex(8)
        blob = self._main_blob(data, database_id, path.name, journal_id)
        tmp_name, replaced = None, False
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                journal.keep_owner(fd, str(path.parent), self._old_stat(path))
                handle.write(blob)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_name, path)
            tmp_name, replaced = None, True
        except OSError as error:
            if replaced or not keep:
                self._forget()
            raise StorageError(
                f"could not save {path}: {_describe(error)}; the file on disk was not changed"
            ) from None
        finally:
            if tmp_name is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp_name)
        # The new version is in: the folder's sync makes the rename durable, and a failure
        # there must not report the save as failed (it is not undone).
        with contextlib.suppress(OSError):
            self._fsync_folder(path.parent)
        # The old journal now belongs to an old version: remove it (if this fails, its
        # header no longer matches and it is ignored).
        with contextlib.suppress(OSError):
            os.unlink(self.journal_path)
        self._data, self._journal_id, self._database_id = data, journal_id, database_id
        self._stamp = self._stat(path)
        self._jpos, self._jstamp, self._jentries, self._jstale = 0, None, 0, False
        if self._backup_due():
            self._backup("auto", blob)

    @staticmethod
    def _main_blob(data: Tables, database_id: str, name: str, journal_id: str) -> bytes:
        """A whole main file: the schema version and the database's identity first."""
        identity = {DATABASE_KEY: {"1": {"id": database_id, "name": name}}}
        if DATABASE_KEY in data:  # (an export by a microgoals that saw it as a table)
            data = {key: table for key, table in data.items() if key != DATABASE_KEY}
        return orjson.dumps(
            {SCHEMA_KEY: SCHEMA_VERSION, **identity, JOURNAL_KEY: journal_id, **data}
        )

    @staticmethod
    def _old_stat(path: Path) -> os.stat_result | None:
        """The file a compaction replaces: its owner and mode are kept."""
        try:
            return os.stat(path)
        except OSError:
            return None

    @staticmethod
    def _fsync_folder(folder: Path) -> None:
        journal.fsync_folder(str(folder))

    def _clean_temp_files(self) -> None:
        """Temp files left by a writer that was killed; safe to remove while we hold the lock."""
        path = self.path
        for stale in path.parent.glob(f".{path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()

    # -- backups, a copy of the whole database, restore ------------------------------------

    def take_warnings(self) -> list[str]:
        """The warnings not shown yet (a backup that could not be made), each once."""
        taken = []
        while self.warnings:  # (a worker thread's save may add one meanwhile)
            taken.append(self.warnings.pop(0))
        return taken

    def _warn_backup(self, problem: str) -> None:
        if not self._backup_warned:
            self._backup_warned = True
            self.warnings.append(f"no backup was made ({problem}); your change was saved")

    def backups(self) -> list[Path]:
        """This database's backups, in the order they were made: those named for it whose
        recorded identity (database id, file name) does not say they are another's."""
        mine = head_identity(_head(self.path))[0], self.path.name
        folder = self.backup_dir
        found = [folder / name for name in journal.backup_names(str(self.path))]
        return [b for b in found if _belongs(head_identity(_head(b)), mine)]

    def _last_backup_time(self) -> float:
        if self._last_backup is None:
            self._last_backup = journal.last_backup_time(str(self.path))
        return self._last_backup

    def _backup_due(self) -> bool:
        return self.keeps_backups and journal.backup_due(self._last_backup_time())

    def _backup(self, reason: str, blob: bytes) -> Path | None:
        """Keep ``blob`` (a whole main file) under ``backups/`` as an independent copy: a file
        of its own, fsynced, that no later write to the database can change. One that cannot
        be made is a warning (``warnings``), never an error: the save itself has happened."""
        if not self.keeps_backups:
            return None
        when = journal.now()
        self._last_backup = when  # tried: not again at every commit of this process
        try:
            stamp = journal.backup_stamp(when)
            target = self.backup_dir / f"{self.path.stem}-{stamp}-{reason}.json"
            self._make_backup_dir()
            if not target.exists():  # (one a second)
                _write_new(target, blob)
            for old in self.backups()[: -self.backups_kept]:
                old.unlink()
                Path(f"{old}.journal").unlink(missing_ok=True)
            return target
        except OSError as error:
            self._warn_backup(f"{self.backup_dir}: {_describe(error)}")
            return None

    def _make_backup_dir(self) -> None:
        """``backups/`` (0700), without the temp files of a backup cut off by a kill (we hold
        the lock: no one else is writing one)."""
        self.backup_dir.mkdir(mode=0o700, exist_ok=True)
        digits = "[0-9]" * 8  # (not ``.goals-work-*``: that database's, under its own lock)
        for stale in self.backup_dir.glob(f".{self.path.stem}-{digits}-*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()

    def _set_aside(self) -> list[Path]:
        """Copy the main file and its journal, byte for byte, into ``backups/`` as a
        ``before-restore`` backup (the journal beside it as ``<backup>.journal``)."""
        stamp = journal.backup_stamp(journal.now())
        name = f"{self.path.stem}-{stamp}-before-restore"
        count = 1
        while (self.backup_dir / f"{name}.json").exists():
            count += 1
            name = f"{self.path.stem}-{stamp}-before-restore-{count}"
        aside: list[Path] = []
        try:
            self._make_backup_dir()
        except OSError as error:
            raise StorageError(
                f"cannot make {self.backup_dir}: {_describe(error)}; nothing was changed"
            ) from None
        for source, target in (
            (self.path, self.backup_dir / f"{name}.json"),
            (self.journal_path, self.backup_dir / f"{name}.json.journal"),
        ):
            try:  # (a FIFO or a planted link at the path is refused, never read)
                raw = journal.read_regular(str(source))
            except FileNotFoundError:
                continue
            except OSError as error:
                raise StorageError(
                    f"cannot read {source} to set it aside: {_describe(error)}; nothing was changed"
                ) from None
            try:
                _write_new(target, raw)
            except OSError as error:
                for done in aside:
                    with contextlib.suppress(OSError):
                        done.unlink()
                raise StorageError(
                    f"cannot set {source} aside in {self.backup_dir}: {_describe(error)}; "
                    "nothing was changed"
                ) from None
            aside.append(target)
        return aside

    def restore(self, backup: Path) -> list[Path]:
        """Replace the database with ``backup`` (read whole and checked first, with its
        journal if it was set aside with one). The current database is not loaded, since it
        may be why a backup is wanted: its file and journal are set aside byte for byte in
        ``backups/``. Returns what was set aside. Another database's backup is refused."""
        reader = DurableStorage(backup)
        reader.keeps_backups = False
        if not backup.is_file():
            raise StorageError(f"{backup} is not a file; nothing was changed")
        reader._load(reader._stat(reader.path))
        assert reader._data is not None
        with self._locked():
            current = head_identity(_head(self.path))[0]
            theirs = head_identity(_head(backup))
            named_for_another = (
                theirs[1] is None  # (recorded nothing: from before identities were)
                and backup.resolve().parent == self.backup_dir.resolve()
                and journal.backup_stamp_of(backup.name, self.path.stem) is None
            )
            if named_for_another or not _belongs(theirs, (current, self.path.name)):
                name = self.path.name
                if theirs[1] == name:  # the same name, another id: the file was replaced
                    raise StorageError(
                        f"{backup.name} is a backup of another database that was called {name} "
                        f"(id {theirs[0]}; this one is {current}); nothing was changed (to "
                        f"restore it anyway, move {name} and its journal away first)"
                    )
                raise StorageError(
                    f"{backup.name} is a backup of another database"
                    f"{f' ({theirs[1]})' if theirs[1] else ''}, not of {name}; nothing was changed"
                )
            aside = self._set_aside()
            self._database_id = current or theirs[0]
            self._compact(reader._data)
            self._bump(None)
        return aside

    def fold(self) -> None:
        """Fold the journal into the main file, so that the main file alone holds everything
        (the app does this when it quits)."""
        with self._locked():
            self._refresh()
            if self._jstamp is not None:
                self._compact()
                self._write_summary(None)

    def copy_to(self, destination: str | os.PathLike[str]) -> Path:
        """A consistent copy of the whole database, the journal folded in, as one new file
        (0600): ``destination`` itself, or a file of the database's name in that folder.
        Never over an existing file. Returns the file written."""
        try:
            target = Path(destination).expanduser()
            if target.is_dir():
                target = target / self.path.name
        except (OSError, RuntimeError) as error:  # (~nosuchuser, a name too long)
            raise StorageError(f"cannot use {destination}: {error}; nothing was written") from None
        with self._locked():
            if not self.path.exists():
                raise StorageError(f"there is no database at {self.path}; nothing was written")
            self._refresh()
            assert self._data is not None
            database_id = self._database_id or secrets.token_hex(8)
            blob = self._main_blob(self._data, database_id, target.name, secrets.token_hex(8))
            if os.path.lexists(target):
                raise StorageError(f"{target} already exists; nothing was written")
            try:
                _write_new(target, blob)
            except FileExistsError:
                raise StorageError(f"{target} already exists; nothing was written") from None
            except OSError as error:
                raise StorageError(
                    f"could not write {target}: {_describe(error)}; nothing was written"
                ) from None
        return target


def _trim_log(data: Tables | None) -> Tables:
    """The data a fold writes: the operation log cut to what undo must reach (``oplog.keep``)."""
    assert data is not None
    log = data.get(oplog.OPS_TABLE)
    if not log or len(log) <= oplog.KEEP_ENTRIES:
        return data
    kept = oplog.keep(oplog.entries(log))
    return {**data, oplog.OPS_TABLE: {str(e.seq): log[str(e.seq)] for e in kept}}


def _write_new(target: Path, blob: bytes) -> None:
    """Write ``blob`` as the new file ``target`` (0600), whole or not at all: a temp file in
    the same folder, fsynced, then linked to its name, which fails if the name is taken."""
    folder = target.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(tmp_name, target)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
    with contextlib.suppress(OSError):  # the file is written: a failed sync must not say not
        journal.fsync_folder(str(folder))


def _head(path: Path) -> bytes:
    """The first bytes of a file, where a main file records which database it is; nothing
    from what is not a regular file (a FIFO must not block a listing)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError:
        return b""
    try:
        return os.read(fd, 1024) if os.fstat(fd).st_mode & 0o170000 == 0o100000 else b""
    except OSError:
        return b""
    finally:
        os.close(fd)


def head_identity(head: bytes) -> tuple[str | None, str | None]:
    """(database id, file name) as the start of a main file or backup records them; None
    for what it does not record (a file from before they were, or a damaged one)."""
    prefix = f'{{"{SCHEMA_KEY}":'.encode()
    if not head.startswith(prefix):
        return None, None
    text = head[len(prefix) :].decode("utf-8", "replace")
    digits = len(text) - len(text.lstrip("0123456789"))
    key = f',"{DATABASE_KEY}":{{"1":{{"id":"'
    if not digits or not text.startswith(key, digits):
        return None, None
    start = digits + len(key)
    database_id = _database_id({"1": {"id": text[start : start + 16]}})
    key = '","name":"'
    if database_id is None or not text.startswith(key, start + 16):
        return None, None
    try:
        name, _ = scanstring(text, start + 16 + len(key))
    except ValueError:
        return database_id, None
    return database_id, name


def _database_id(identity: Any) -> str | None:
    """The id in a main file's ``database`` document, if it is one we made."""
    try:
        value = identity["1"]["id"]
    except (TypeError, KeyError):
        return None
    ok = isinstance(value, str) and len(value) == 16 and all(c in HEX for c in value)
    return value if ok else None


HEX = frozenset("0123456789abcdef")


def _belongs(theirs: tuple[str | None, str | None], mine: tuple[str | None, str]) -> bool:
    """Whether a backup recording ``theirs`` can be the database ``mine``: nothing recorded
    says otherwise (backups from before identities were recorded match by name only)."""
    their_id, their_name = theirs
    my_id, my_name = mine
    return (their_name is None or their_name == my_name) and (
        their_id is None or my_id is None or their_id == my_id
    )

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
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

from tui_microgoals.core import journal, journal_entry, oplog, summary_file
from tui_microgoals.core.backup_names import BACKUPS_KEPT
from tui_microgoals.core.errors import (
    READ_ONLY,
    CorruptDatabase,
    LockTimeout,
    NewerSchema,
    ReadOnlyDatabase,
    StorageError,
)
from tui_microgoals.core.journal import DATABASE_KEY, JOURNAL_KEY, SCHEMA_KEY, SCHEMA_VERSION
from tui_microgoals.core.storage_backups import Backups, database_id_of
from tui_microgoals.core.tracked import MemoryStorage as MemoryStorage
from tui_microgoals.core.tracked import TrackedTable as TrackedTable
from tui_microgoals.core.tracked import _Recording

# The limits (journal length, lock timeout) are ``journal``'s and the backup interval is
# ``backup_names``', which the fast path shares: tests set them there.

CHANGE_LOG_LENGTH = 32

Tables = dict[str, dict[str, Any]]
Changes = dict[str, set[str]]


def _migrate_0_to_1(tables: Tables) -> Tables:
    """Version 0 is a plain TinyDB file from before versions were recorded: same tables."""
    return tables


def _migrate_1_to_2(tables: Tables) -> Tables:
    """Version 2 adds the operation log (``oplog``): it starts empty, so undo reaches back to
    the first change made after the migration."""
    return tables


MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {0: _migrate_0_to_1, 1: _migrate_1_to_2}


_describe = journal.describe


class DurableStorage(Backups, _Recording, Storage):
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
            with self._joined():
                yield
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
        self._database_id = database_id_of(doc.pop(DATABASE_KEY, None))
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
            "format": summary_file.SUMMARY_FORMAT,
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
            summary_file.drop_summary(path)
            return
        summary_file.write_summary(path, doc)

    def _append(self) -> None:
        """One fsynced line with the changed documents (None for a deleted one)."""
        assert self._data is not None
        tables = {
            name: {key: self._data.get(name, {}).get(key) for key in sorted(keys)}
            for name, keys in self._pending.items()
            if keys
        }
        try:
            stamp, size = journal_entry.append(
                str(self.path),
                tables,
                journal_id=self._journal_id,
                new=self._jstamp is None,
                dumps=orjson.dumps,
            )
        except StorageError:
            self._forget()  # the next transaction reloads, sees any torn line, and compacts
            raise
        self._jpos += size
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


def _trim_log(data: Tables | None) -> Tables:
    """The data a fold writes: the operation log cut to what undo must reach (``oplog.keep``)."""
    assert data is not None
    log = data.get(oplog.OPS_TABLE)
    if not log or len(log) <= oplog.KEEP_ENTRIES:
        return data
    kept = oplog.keep(oplog.entries(log))
    return {**data, oplog.OPS_TABLE: {str(e.seq): log[str(e.seq)] for e in kept}}

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

This module is the face: TinyDB's ``Storage`` interface, transactions and the lock, what
changed since a generation, and the commit, which appends one journal line or has the main
file rewritten. ``DurableStorage`` is made of parts, one module each, that share the state
declared in ``storage_state``: ``storage_load`` (reading the main file and replaying the
journal), ``storage_fold`` (writing the whole main file) and ``storage_backups`` (backups,
a copy of the database, restore). The rules they share with the fast path of ``microgoals
add`` are in ``journal``, ``backup_names`` and ``summary_file``.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
from tinydb.storages import Storage

from tui_microgoals.core import journal, journal_entry, summary_file
from tui_microgoals.core.backup_names import BACKUPS_KEPT
from tui_microgoals.core.errors import READ_ONLY, ReadOnlyDatabase, StorageError
from tui_microgoals.core.journal import SCHEMA_VERSION
from tui_microgoals.core.storage_archive_pass import Archiving
from tui_microgoals.core.storage_backups import Backups
from tui_microgoals.core.storage_fold import Folding
from tui_microgoals.core.storage_load import Loading
from tui_microgoals.core.storage_state import Changes, Tables
from tui_microgoals.core.tracked import MemoryStorage as MemoryStorage
from tui_microgoals.core.tracked import TrackedTable as TrackedTable
from tui_microgoals.core.tracked import _Recording

if TYPE_CHECKING:
    from tui_microgoals.core.archive_file import ArchiveFile

# The limits (journal length, lock timeout) are ``journal``'s and the backup interval is
# ``backup_names``', which the fast path shares: tests set them there.

CHANGE_LOG_LENGTH = 32

_describe = journal.describe


class DurableStorage(Loading, Folding, Archiving, Backups, _Recording, Storage):
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
        self._head: dict[str, Any] | None = None  # the archive's record (storage_archive)
        self._gone: dict[str, set[str]] = {}
        self._cold: dict[str, set[str]] | None = None
        self._whole = False  # the whole archive is read in
        self._months: set[str] = set()  # the archive's chunks read in
        self._file: ArchiveFile | None = None  # the archive file named, its index read
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
        """Close the archive file kept open (a later read opens it again)."""
        self._forget_file(self._file)
        self._file = None

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

    # -- committing ---------------------------------------------------------------------

    def _commit(self) -> None:
        assert self._data is not None
        changes = None if self._full else self._pending
        for name, keys in self._pending.items():
            table = self._data.get(name, {})
            for key in keys:
                self._touched(name, key, deleted=key not in table)
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

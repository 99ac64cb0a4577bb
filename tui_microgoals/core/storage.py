"""Durable TinyDB storage: atomic replace, a cross-process lock, cached reads, schema versions.

Stock ``JSONStorage`` rewrites the file in place (a kill mid-write leaves broken JSON),
re-parses the whole file on every query and lets two processes overwrite each other.
``DurableStorage`` instead:

* writes a temp file in the same folder, fsyncs it, ``os.replace``-s it over the
  database and fsyncs the folder, so the file on disk is always a whole version;
* serialises writers across processes with ``flock`` on a lock file beside the database;
  ``transaction()`` takes the lock, reloads if another process wrote, and commits once;
* re-parses only when the file's (inode, mtime, size) changed;
* records ``schema_version``; refuses a newer one without touching the file; migrates an
  older one after a backup;
* reports a zero-byte, truncated or invalid file instead of treating it as empty;
* keeps rotating backups (hard links to the replaced versions, so they cost nothing).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import MemoryStorage as _TinyMemoryStorage
from tinydb.storages import Storage

from tui_microgoals.core.errors import CorruptDatabase, LockTimeout, NewerSchema, StorageError

SCHEMA_VERSION = 1
SCHEMA_KEY = "schema_version"
BACKUP_EVERY_SECONDS = 6 * 3600
BACKUPS_KEPT = 10
LOCK_TIMEOUT_SECONDS = 10.0

Tables = dict[str, dict[str, Any]]


def _migrate_0_to_1(tables: Tables) -> Tables:
    """Version 0 is a plain TinyDB file from before versions were recorded: same tables."""
    return tables


MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {0: _migrate_0_to_1}


def _describe(error: OSError) -> str:
    return error.strerror or errno.errorcode.get(error.errno or 0, str(error))


class MemoryStorage(_TinyMemoryStorage):
    """TinyDB's memory storage with the transaction interface of ``DurableStorage``."""

    path: Path | None = None
    generation = 0

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        snapshot = orjson.loads(orjson.dumps(self.memory)) if self.memory is not None else None
        try:
            yield
        except BaseException:
            self.memory = snapshot  # all or nothing, like the file storage
            self.generation += 1
            raise

    def changed(self) -> bool:
        return False


class DurableStorage(Storage):
    """See the module docstring. ``path`` may be a symlink: the target is what gets replaced."""

    def __init__(self, path: str | os.PathLike[str], *, backups: int = BACKUPS_KEPT) -> None:
        self.given_path = Path(path).expanduser()
        self.backups_kept = backups
        self._data: Tables | None = None
        self._stamp: tuple[int, int, int] | None = None
        self._depth = 0
        self._dirty = False
        self._last_backup: float | None = None
        #: Bumped whenever the in-memory data is replaced by what is on disk, or dropped;
        #: not by our own writes, so callers can keep derived caches across them.
        self.generation = 0

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
    def backup_dir(self) -> Path:
        return self.path.parent / "backups"

    # -- the TinyDB Storage interface ---------------------------------------------------

    def read(self) -> Tables | None:
        if self._depth == 0:
            self._refresh()
        return self._data

    def write(self, data: Tables) -> None:
        if self._depth:
            self._data = data
            self._dirty = True
            return
        with self._locked():
            self._commit(data)

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
            self._refresh()
            self._clean_temp_files()
            self._depth, self._dirty = 1, False
            try:
                yield
                if self._dirty:
                    assert self._data is not None
                    self._commit(self._data)
            except BaseException:
                self._forget()
                raise
            finally:
                self._depth, self._dirty = 0, False

    def changed(self) -> bool:
        """Whether the file on disk differs from what was last loaded (cheap: one stat)."""
        try:
            return self._stat() != self._stamp
        except StorageError:
            return True

    def _forget(self) -> None:
        self._data, self._stamp = None, None
        self.generation += 1

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        folder = self.path.parent
        if not folder.is_dir():
            raise StorageError(f"the folder of the database does not exist: {folder}")
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise StorageError(
                f"cannot write in {folder}: {_describe(error)}; the database was not changed"
            ) from None
        try:
            deadline = time.monotonic() + LOCK_TIMEOUT_SECONDS
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise LockTimeout(
                            f"another microgoals process has held {self.path} for "
                            f"{LOCK_TIMEOUT_SECONDS:.0f} s; try again"
                        ) from None
                    time.sleep(0.005)
            yield
        finally:
            os.close(fd)  # closing releases the flock

    # -- loading ------------------------------------------------------------------------

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        except OSError as error:
            raise StorageError(f"cannot read {self.path}: {_describe(error)}") from None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def _refresh(self) -> None:
        stamp = self._stat()
        if self._data is not None and stamp == self._stamp:
            return
        if stamp is None:
            if self._stamp is not None:
                raise StorageError(
                    f"the database file {self.path} disappeared while in use; "
                    "nothing was written (restore it or a backup, then try again)"
                )
            self._data, self._stamp = {}, None
            self.generation += 1
            return
        try:
            raw = self.path.read_bytes()
        except OSError as error:
            raise StorageError(f"cannot read {self.path}: {_describe(error)}") from None
        self._data = self._decode(raw)
        self._stamp = stamp
        self.generation += 1

    def _decode(self, raw: bytes) -> Tables:
        where = f"the database {self.path}"
        advice = "it was left untouched; restore a backup with `microgoals restore`"
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
        if not isinstance(version, int) or isinstance(version, bool) or version < 0:
            raise CorruptDatabase(f"{where} has a bad schema_version {version!r}; {advice}")
        if version > SCHEMA_VERSION:
            raise NewerSchema(
                f"{where} has schema version {version}, newer than this microgoals "
                f"understands ({SCHEMA_VERSION}); upgrade microgoals. The file was not touched."
            )
        for name, table in doc.items():
            if not isinstance(table, dict) or not all(isinstance(d, dict) for d in table.values()):
                raise CorruptDatabase(f"{where}: table {name!r} is not a set of documents; {advice}")
        if version < SCHEMA_VERSION:
            self._backup(reason=f"before-v{SCHEMA_VERSION}")
            for step in range(version, SCHEMA_VERSION):
                doc = MIGRATIONS[step](doc)  # written with the next commit
        return doc

    # -- committing ---------------------------------------------------------------------

    def _commit(self, data: Tables) -> None:
        path = self.path
        blob = orjson.dumps({SCHEMA_KEY: SCHEMA_VERSION, **data})
        self._maybe_backup()
        tmp_name = None
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            with os.fdopen(fd, "wb") as handle:
                handle.write(blob)
                handle.flush()
                os.fsync(handle.fileno())
            with contextlib.suppress(OSError):
                os.chmod(tmp_name, self._mode(path))
            os.replace(tmp_name, path)
            tmp_name = None
            self._fsync_folder(path.parent)
        except OSError as error:
            self._forget()
            raise StorageError(
                f"could not save {path}: {_describe(error)}; the file on disk was not changed"
            ) from None
        finally:
            if tmp_name is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp_name)
        self._data = data
        self._stamp = self._stat()

    @staticmethod
    def _mode(path: Path) -> int:
        try:
            return os.stat(path).st_mode & 0o777
        except OSError:
            return 0o600

    @staticmethod
    def _fsync_folder(folder: Path) -> None:
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

    def _clean_temp_files(self) -> None:
        """Temp files left by a writer that was killed; safe to remove while we hold the lock."""
        path = self.path
        for stale in path.parent.glob(f".{path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()

    # -- backups ------------------------------------------------------------------------

    def backups(self) -> list[Path]:
        """Backups of this database, oldest first."""
        if not self.backup_dir.is_dir():
            return []
        return sorted(self.backup_dir.glob(f"{self.path.stem}-*.json"))

    def _maybe_backup(self) -> None:
        if self._last_backup is None:
            existing = self.backups()
            self._last_backup = existing[-1].stat().st_mtime if existing else 0.0
        if time.time() - self._last_backup >= BACKUP_EVERY_SECONDS:
            self._backup(reason="auto")

    def _backup(self, reason: str) -> Path | None:
        """Keep the current file under ``backups/``; a hard link when the filesystem allows."""
        path = self.path
        if not path.exists():
            return None
        try:
            self.backup_dir.mkdir(exist_ok=True)
            stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
            target = self.backup_dir / f"{path.stem}-{stamp}-{reason}.json"
            if not target.exists():
                try:
                    os.link(path, target)
                except OSError:
                    shutil.copy2(path, target)
            self._last_backup = time.time()
            for old in self.backups()[: -self.backups_kept]:
                old.unlink()
            return target
        except OSError:
            return None  # a backup that cannot be made must not stop the save itself

    def restore(self, backup: Path) -> None:
        """Replace the database with ``backup`` (which is validated first), atomically."""
        raw = backup.read_bytes()
        self._decode(raw)
        with self._locked():
            self._backup(reason="before-restore")
            doc = orjson.loads(raw)
            doc.pop(SCHEMA_KEY, None)
            self._commit(doc)
            self.generation += 1

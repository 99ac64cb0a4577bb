"""Backups, a copy of the whole database, and restore: the part of ``DurableStorage`` that
writes whole files beside the database (see ``storage``'s docstring for the rules); their
names and when one is due are ``backup_names``'."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from json.decoder import scanstring  # type: ignore[attr-defined]
from pathlib import Path
from typing import Any

from tui_microgoals.core import backup_names, journal
from tui_microgoals.core.errors import StorageError
from tui_microgoals.core.journal import DATABASE_KEY, SCHEMA_KEY
from tui_microgoals.core.storage_fold import main_blob
from tui_microgoals.core.storage_state import StorageState

_describe = journal.describe


class Backups(StorageState):
    """Part of ``DurableStorage``: its backups, ``copy_to`` and ``restore``."""

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
        found = [folder / name for name in backup_names.listed(str(self.path))]
        return [b for b in found if _belongs(head_identity(_head(b)), mine)]

    def _last_backup_time(self) -> float:
        if self._last_backup is None:
            self._last_backup = backup_names.last_backup_time(str(self.path))
        return self._last_backup

    def _backup_due(self) -> bool:
        return self.keeps_backups and backup_names.backup_due(self._last_backup_time())

    def _backup(self, reason: str, blob: bytes) -> Path | None:
        """Keep ``blob`` (a whole main file) under ``backups/`` as an independent copy: a file
        of its own, fsynced, that no later write to the database can change. One that cannot
        be made is a warning (``warnings``), never an error: the save itself has happened."""
        if not self.keeps_backups:
            return None
        when = backup_names.now()
        self._last_backup = when  # tried: not again at every commit of this process
        try:
            stamp = backup_names.backup_stamp(when)
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
        stamp = backup_names.backup_stamp(backup_names.now())
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
        from tui_microgoals.core import storage  # (the class this is part of)

        reader = storage.DurableStorage(backup)
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
                and backup_names.backup_stamp_of(backup.name, self.path.stem) is None
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
            # (the archive the backup names: the current one, or the copy kept of it)
            self._head, self._gone = reader._head, reader._gone
            self._forget_history()
            self._compact(reader._data)
            self._bump(None)
        return aside

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
            self._merge_archive()  # the copy holds everything, the archive's history too
            assert self._data is not None
            database_id = self._database_id or secrets.token_hex(8)
            blob = main_blob(self._data, database_id, target.name, secrets.token_hex(8))
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
    database_id = database_id_of({"1": {"id": text[start : start + 16]}})
    key = '","name":"'
    if database_id is None or not text.startswith(key, start + 16):
        return None, None
    try:
        name, _ = scanstring(text, start + 16 + len(key))
    except ValueError:
        return database_id, None
    return database_id, name


def database_id_of(identity: Any) -> str | None:
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

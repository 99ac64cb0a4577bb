"""A pass of the archive (``storage_archive``: the file, the rules; ``archive_rule``: what
moves): write the new archive whole, keep the one it replaces for the backups that name it,
then fold the main file without what moved."""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tui_microgoals.core import archive_file, journal
from tui_microgoals.core.archive_file import ARCHIVE_FORMAT, MOVABLE, ArchiveFile
from tui_microgoals.core.errors import CorruptDatabase, StorageError
from tui_microgoals.core.storage_archive import ArchiveReading, is_archive_id
from tui_microgoals.core.storage_state import Tables

_describe = journal.describe


class Archiving(ArchiveReading):
    """Part of ``DurableStorage``: the archive read on demand, and a pass."""

    def archive(
        self,
        choose: Callable[[Tables], tuple[dict[str, set[str]], str, dict[str, Any]]],
        summarize: Callable[[Tables], dict[str, Any]] = lambda _: {},
    ) -> int:
        """Move what ``choose`` picks (keys by table, the date before which days went, the
        figures to keep) to a new archive, then fold the main file without them; the
        figures ``summarize`` makes of all the new archive holds are kept too. Returns the
        number of documents the archive holds."""
        with self._locked():
            self._refresh()
            self._clean_temp_files()
            self._merge_archive()
            assert self._data is not None and self._cold is not None
            data = self._data
            moving, before, kept = choose(data)
            tables: Tables = {}
            for name in MOVABLE:
                keys = moving.get(name, set()) | self._cold.get(name, set())
                table = data.get(name, {})
                tables[name] = {k: table[k] for k in sorted(keys, key=int) if k in table}
            kept = {**kept, **summarize(tables)}
            old = self._head
            head = {
                "format": ARCHIVE_FORMAT,
                "id": secrets.token_hex(8),
                "previous": old["id"] if old else None,
                "database": self._database_id,
            }
            blob = archive_file.encode(head, tables)
            self._write_archive(blob)
            # The archive is in: the main file may now let go of what moves. What the archive
            # held that no longer moves (a step of a project reopened since, a day after a
            # horizon moved back) is written back to it: a tree is wholly in one file, and
            # every day from the horizon on is in the main file. (The archive keeps its copy
            # until the next pass: one a killed fold falls back on holds all the last held.)
            self._head = {"id": head["id"], "before": before, "kept": kept}
            self._gone = {}
            self._cold = {name: moving.get(name, set()) & set(tables[name]) for name in MOVABLE}
            self._forget_file(self._file)  # (all is read: no need to keep the new one open)
            self._file = None
            self._months = set(ArchiveFile(f"the archive {self.archive_path}", blob).chunks)
            self._whole = True
            self._compact()
            self._write_summary(None)
            self._bump(None)
            self._drop_unnamed_copies()
            return sum(len(t) for t in tables.values())

    def _write_archive(self, blob: bytes) -> None:
        path = self.archive_path
        self._keep_archive(path)  # the one it replaces stays readable for a restored backup
        try:
            write_whole(path, blob)
        except OSError as error:
            raise StorageError(
                f"could not write the archive {path}: {_describe(error)}; nothing was moved"
            ) from None

    def _keep_archive(self, path: Path) -> None:
        """A copy of the archive file under its own id (whichever main file named it: the
        current one, one a restore replaced, a backup's), unless one is kept already."""
        raw = _read_file(path)
        if raw is None:
            return
        try:
            found = self._decode_archive(path, raw).head.get("id")
        except CorruptDatabase:  # not ours to read, but not ours to destroy either
            found = None
        archive_id = found if is_archive_id(found) else f"unreadable-{secrets.token_hex(4)}"
        kept = self._archive_backup(archive_id)
        # (a copy cut off by a kill: as big as the archive; we hold the lock)
        for stale in self.backup_dir.glob(f".{path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()
        if kept.exists():
            return
        try:
            kept.parent.mkdir(mode=0o700, exist_ok=True)
            write_whole(kept, raw)
        except OSError as error:
            raise StorageError(
                f"could not keep a copy of the archive in {kept.parent}: {_describe(error)}; "
                "nothing was moved"
            ) from None

    def _drop_unnamed_copies(self) -> None:
        """The archives kept under ``backups/`` that no backup of the main file names: a
        copy is kept for a restored backup, and passes are weekly (a year would keep 52
        copies of a growing file). Any backup whose record cannot be read keeps them all."""
        named: set[str] = set()
        try:
            for backup in self.backups():
                with open(journal.open_regular(str(backup), os.O_RDONLY), "rb") as handle:
                    head = handle.read(HEAD_BYTES)
                found = NAMED.search(head)
                if found is None and b'"archive":' in head:
                    return  # (a record this cannot read: keep everything)
                if found is not None:
                    named.add(found.group(1).decode())
            copies = list(self.backup_dir.glob(f"{self.archive_path.name}.*"))
        except (OSError, StorageError):  # (a FIFO named like a backup: keep everything)
            return
        for copy in copies:
            archive_id = copy.name.rsplit(".", 1)[1]
            if is_archive_id(archive_id) and archive_id not in named:
                with contextlib.suppress(OSError):
                    copy.unlink()


#: Where a main file (and so a backup) records its archive's id: in its first bytes, after
#: the schema version, the database's identity and the journal id (``main_blob``).
HEAD_BYTES = 4096
NAMED = re.compile(rb'"archive":\{"1":\{"id":"([0-9a-f]{16})"')


def _read_file(path: Path) -> bytes | None:
    """An archive file's bytes (``journal.read_regular``: no symlink followed); None when
    there is none."""
    try:
        return journal.read_regular(str(path))
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StorageError(f"cannot read the archive {path}: {_describe(error)}") from None


def write_whole(path: Path, blob: bytes) -> None:
    """Replace ``path`` with ``blob`` so that it is always one whole version: a temp file in
    the same folder, fsynced, ``os.replace``-d, the folder fsynced. New files are 0600."""
    tmp_name = None
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as handle:
            try:
                old = os.stat(path)
            except OSError:
                old = None
            journal.keep_owner(fd, str(path.parent), old)
            handle.write(blob)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp_name, path)
        tmp_name = None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
    with contextlib.suppress(OSError):
        journal.fsync_folder(str(path.parent))

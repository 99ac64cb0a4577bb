"""Folding the journal into the main file ("compaction"): everything is written as a new main
file (a temp file in the same folder, fsynced, ``os.replace``-d over the database, the
folder fsynced) with a new journal id, so the old journal, now part of it, is never
replayed on top. The part of ``DurableStorage`` that writes the main file; the rules are in
``storage``'s docstring. The operation log is cut to what undo must reach
(``oplog.keep``), and when a backup is due it is a copy of the file just written.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any

import orjson

from tui_microgoals.core import journal, oplog
from tui_microgoals.core.errors import StorageError
from tui_microgoals.core.journal import DATABASE_KEY, JOURNAL_KEY, SCHEMA_KEY, SCHEMA_VERSION
from tui_microgoals.core.storage_archive import ARCHIVE_KEY
from tui_microgoals.core.storage_state import StorageState, Tables

_describe = journal.describe


class Folding(StorageState):
    """Part of ``DurableStorage``: ``fold`` and the compaction a commit makes."""

    def fold(self) -> None:
        """Fold the journal into the main file, so that the main file alone holds everything
        (the app does this when it quits)."""
        with self._locked():
            self._refresh()
            if self._jstamp is not None:
                self._compact()
                self._write_summary(None)

    def _compact(self, data: Tables | None = None, *, keep: bool = False) -> None:
        """Write everything as a new main file and start a new journal.

        ``keep``: if it fails before the file is replaced, keep what is in memory (the
        caller appends to the journal instead)."""
        data = trim_log(self._data if data is None else data)
        path = self.path
        journal_id = secrets.token_hex(8)
        database_id = self._database_id or secrets.token_hex(8)
        blob = main_blob(self._hot(data), database_id, path.name, journal_id, self._head_to_write())
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
        journal.clean_temp_files(str(self.path))


def main_blob(
    data: Tables,
    database_id: str,
    name: str,
    journal_id: str,
    archive: dict[str, Any] | None = None,
) -> bytes:
    """A whole main file: the schema version and the database's identity first; the record
    of its archive (``storage_archive``), if it has one."""
    identity = {DATABASE_KEY: {"1": {"id": database_id, "name": name}}}
    if DATABASE_KEY in data or ARCHIVE_KEY in data:  # (an export by a microgoals that saw
        data = {k: t for k, t in data.items() if k not in (DATABASE_KEY, ARCHIVE_KEY)}  # tables)
    head = {ARCHIVE_KEY: {"1": archive}} if archive is not None else {}
    return orjson.dumps(
        {SCHEMA_KEY: SCHEMA_VERSION, **identity, JOURNAL_KEY: journal_id, **head, **data}
    )


def trim_log(data: Tables | None) -> Tables:
    """The data a fold writes: the operation log cut to what undo must reach (``oplog.keep``)."""
    assert data is not None
    log = data.get(oplog.OPS_TABLE)
    if not log or len(log) <= oplog.KEEP_ENTRIES:
        return data
    kept = oplog.keep(oplog.entries(log), oplog.last_sent(data))
    return {**data, oplog.OPS_TABLE: {str(e.seq): log[str(e.seq)] for e in kept}}

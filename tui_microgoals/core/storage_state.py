"""The written contract between the parts of ``DurableStorage``: the state they share and the
methods one part calls in another. Declarations only: ``DurableStorage.__init__``
(``storage.py``) sets the state up, and each part reads and writes it:

* ``storage.py``: the face (TinyDB's ``Storage``, transactions, the lock) and the commit
  that appends one journal line;
* ``storage_load.py``: reading the main file and replaying the journal;
* ``storage_fold.py``: writing the whole main file (a fold);
* ``storage_backups.py``: backups, a copy of the database, restore.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui_microgoals.core.journal import Stamp

if TYPE_CHECKING:
    from tui_microgoals.core.archive_file import ArchiveFile

Tables = dict[str, dict[str, Any]]
Changes = dict[str, set[str]]


class StorageState:
    """What the parts of ``DurableStorage`` share (the comments in its ``__init__`` say what
    each is)."""

    # The files as last read or written.
    _data: Tables | None
    _stamp: Stamp | None
    _journal_id: str | None
    _database_id: str | None
    _jpos: int
    _jstamp: Stamp | None
    _jentries: int
    _jstale: bool
    _depth: int
    # The archive (``storage_archive``): the main file's record of it (None: no archive),
    # the keys deleted since it was written, and the archive's documents read into
    # ``_data`` and unchanged since (None: not read).
    _head: dict[str, Any] | None
    _gone: dict[str, set[str]]
    _cold: dict[str, set[str]] | None
    _whole: bool
    _months: set[str]
    _file: ArchiveFile | None
    # Backups.
    backups_kept: int
    keeps_backups: bool
    warnings: list[str]
    _last_backup: float | None
    _backup_warned: bool

    if TYPE_CHECKING:  # (defined by one part, called by another)

        @property
        def path(self) -> Path: ...
        @property
        def journal_path(self) -> Path: ...
        @property
        def backup_dir(self) -> Path: ...
        def _locked(self) -> contextlib.AbstractContextManager[None]: ...
        def _bump(self, changes: Changes | None) -> None: ...
        def _forget(self) -> None: ...
        def _write_summary(self, changes: Changes | None) -> None: ...
        @staticmethod
        def _stat(path: Path) -> Stamp | None: ...
        def _refresh(self) -> None: ...
        def _compact(self, data: Tables | None = None, *, keep: bool = False) -> None: ...
        def _backup_due(self) -> bool: ...
        def _backup(self, reason: str, blob: bytes) -> Path | None: ...
        def backups(self) -> list[Path]: ...
        def _touched(self, table: str, key: str, *, deleted: bool) -> None: ...
        def _hot(self, data: Tables) -> Tables: ...
        def _forget_history(self) -> None: ...
        @staticmethod
        def _forget_file(file: ArchiveFile | None) -> None: ...
        def _head_to_write(self) -> dict[str, Any] | None: ...
        def _merge_archive(
            self, chunks: Callable[[ArchiveFile], set[str]] | None = None
        ) -> bool: ...
        def _clean_temp_files(self) -> None: ...
        def _write_summary(self, changes: Changes | None) -> None: ...

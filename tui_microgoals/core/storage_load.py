"""Reading the database: the main file decoded, checked and migrated, then its journal
replayed on top; after that, only what changed is read again (the main file when its stamp
changed, else the journal's new lines). The part of ``DurableStorage`` that loads; the
rules are in ``storage``'s docstring.

Each journal line is checked with the loader's rules (``journal.parse_line``) before it is
applied, and only whole lines are; a journal whose header names another version of the main
file (left by a crash mid-compaction) is already in it and is skipped. A file from an older
schema is backed up, then migrated in memory (written by the next commit); a newer one is
refused untouched.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import orjson

from tui_microgoals.core import journal
from tui_microgoals.core.errors import CorruptDatabase, LockTimeout, NewerSchema, StorageError
from tui_microgoals.core.journal import DATABASE_KEY, JOURNAL_KEY, SCHEMA_KEY, SCHEMA_VERSION
from tui_microgoals.core.storage_archive import ARCHIVE_KEY, head_of
from tui_microgoals.core.storage_backups import database_id_of
from tui_microgoals.core.storage_state import Changes, StorageState, Tables


def _migrate_0_to_1(tables: Tables) -> Tables:
    """Version 0 is a plain TinyDB file from before versions were recorded: same tables."""
    return tables


def _migrate_1_to_2(tables: Tables) -> Tables:
    """Version 2 adds the operation log (``oplog``): it starts empty, so undo reaches back to
    the first change made after the migration."""
    return tables


MIGRATIONS: dict[int, Callable[[Tables], Tables]] = {0: _migrate_0_to_1, 1: _migrate_1_to_2}


_describe = journal.describe


class Loading(StorageState):
    """Part of ``DurableStorage``: ``_refresh`` brings what is in memory up to the files."""

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
        if self._cold is not None:  # the history was read: read it again under the new file
            months, whole = set(self._months), self._whole
            self._forget_history()
            try:
                self._merge_archive(None if whole else lambda _: months)
            except StorageError:
                # (an archive gone bad: refused where the past is asked for, not in every
                # change to today; what came in before it failed goes back out, else the
                # next fold writes it into the main file)
                for name, keys in (self._cold or {}).items():
                    for key in keys:
                        data.get(name, {}).pop(key, None)
                self._forget_history()
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
                self._touched(name, key, deleted=doc is None)
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
        self._head = head_of(doc.pop(ARCHIVE_KEY, None))
        self._gone = {t: set(keys) for t, keys in (self._head or {}).get("gone", {}).items()}
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

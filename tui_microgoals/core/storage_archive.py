"""The archive: old history kept in a second file, read only when a view asks for it.

Documents the start of the app does not need (whole finished goal trees, the days and blocks
before a date) move from the main file to ``<db>.archive``. The main file records which
version of the archive belongs with it, in a header shaped as a table (``ARCHIVE_KEY``): the
archive's id, the date before which days were moved (``before``), a few figures kept from the
moved documents (``kept``) and the keys deleted since the archive was written (``gone``).

The rules that keep it whole:

* the main file wins: a document in both files is the main file's (a goal reopened after it
  was archived is written to the main file, the archive keeps its old copy until the next
  pass); a key in ``gone`` hides the archive's copy;
* a pass writes the new archive first (temp file, fsync, ``os.replace``, folder fsync), then
  folds the main file without the moved documents. A kill between the two leaves a main file
  that still holds them and an archive one version newer than it names; the archive records
  the version it replaced (``previous``), so that pair is recognised and read;
* a new archive never drops a document the main file does not hold: what was archived stays
  archived until it is written again, or until a pass finds it no longer moves (then the
  fold writes it back to the main file, and the pass after drops the archive's copy);
* the archive it replaced is kept under ``backups/``, so a restored backup of the main file
  finds the archive it names.

This is the part of ``DurableStorage`` that reads and writes the archive; ``archive_rule``
decides what moves.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Collection, Iterator
from datetime import date
from pathlib import Path
from typing import Any, BinaryIO, TypeGuard

from tui_microgoals.core import archive_file, journal
from tui_microgoals.core.archive_file import ARCHIVE_KEY as ARCHIVE_KEY
from tui_microgoals.core.archive_file import MOVABLE as MOVABLE
from tui_microgoals.core.archive_file import UNDATED, ArchiveFile
from tui_microgoals.core.errors import CorruptDatabase, StorageError
from tui_microgoals.core.storage_state import Changes, StorageState, Tables

_describe = journal.describe


def head_of(raw: Any) -> dict[str, Any] | None:
    """The archive header of a main file (its ``ARCHIVE_KEY`` table), checked: every field
    the start, a save or the weekly pass reads (a file name, dates, document keys)."""
    if raw is None:
        return None
    head = raw.get("1") if isinstance(raw, dict) else None
    gone = head.get("gone", {}) if isinstance(head, dict) else None
    kept = head.get("kept", {}) if isinstance(head, dict) else None
    if (
        not isinstance(head, dict)
        or not is_archive_id(head.get("id"))
        or not _is_date(head.get("before"))
        or not isinstance(gone, dict)
        or not all(isinstance(v, list) and all(map(_is_key, v)) for v in gone.values())
        or not isinstance(kept, dict)
        or ("made" in kept and not _is_date(kept["made"]))
    ):
        raise CorruptDatabase("the database's archive header is damaged; see `microgoals backups`")
    return head


def is_archive_id(value: Any) -> TypeGuard[str]:
    """An archive's id as a pass makes it (16 hex digits): part of a file name."""
    return isinstance(value, str) and len(value) == 16 and all(c in HEX for c in value)


HEX = frozenset("0123456789abcdef")


def _is_key(value: Any) -> bool:
    return isinstance(value, str) and value.isascii() and value.isdigit()


def _is_date(value: Any) -> bool:
    try:
        date.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


class ArchiveReading(StorageState):
    """Part of ``DurableStorage``: the archive's file and the history read on demand (a pass:
    ``storage_archive_pass``)."""

    @property
    def archive_path(self) -> Path:
        path = self.path
        return path.with_name(path.name + ".archive")

    def _archive_backup(self, archive_id: str) -> Path:
        return self.backup_dir / f"{self.path.name}.archive.{archive_id}"

    # -- the state the other parts keep up ----------------------------------------------

    def history_unread(self) -> bool:
        """Whether an archive holds documents this process has not read yet."""
        if self._data is None:
            self.read()  # type: ignore[attr-defined]
        return self._head is not None and not self._whole

    def horizon(self) -> str | None:
        """The ISO date before which days (and their blocks) may be in the archive."""
        if self._data is None:
            self.read()  # type: ignore[attr-defined]
        return self._head["before"] if self._head is not None else None

    def kept(self) -> dict[str, Any]:
        """The figures kept from the archived documents (empty without an archive)."""
        if self._data is None:
            self.read()  # type: ignore[attr-defined]
        return dict(self._head.get("kept", {})) if self._head is not None else {}

    def archived_keys(self, table: str) -> Collection[str]:
        """The keys of the archive's documents read in and unchanged since (empty while the
        history is unread). Not a copy: read it, never change it."""
        return self._cold.get(table, ()) if self._cold else ()

    def deleted_since(self, table: str, key: str) -> bool:
        """Whether the document was deleted since the archive was written (so it is in
        neither file: no need to read the archive to look for it)."""
        return key in self._gone.get(table, ())

    def _touched(self, table: str, key: str, *, deleted: bool) -> None:
        """A document written (or deleted) by a commit or a journal line: no longer the
        archive's clean copy; a deletion hides the archive's copy (``gone``)."""
        if self._head is None:
            return
        if self._cold is not None:
            self._cold.get(table, set()).discard(key)
        if deleted and table in MOVABLE:
            self._gone.setdefault(table, set()).add(key)

    def _head_to_write(self) -> dict[str, Any] | None:
        if self._head is None:
            return None
        gone = {t: sorted(keys, key=int) for t, keys in self._gone.items() if keys}
        return {**self._head, "gone": gone}

    def _hot(self, data: Tables) -> Tables:
        """What the main file holds: all but the archive's unchanged documents."""
        if not self._cold:
            return data
        return {
            name: {k: v for k, v in table.items() if k not in self._cold.get(name, ())}
            if name in self._cold
            else table
            for name, table in data.items()
        }

    # -- reading ------------------------------------------------------------------------

    @contextlib.contextmanager
    def _opened(self) -> Iterator[ArchiveFile | None]:
        """The archive the main file names (None: none), the lock held (unless the running
        transaction holds it) and the data fresh: no pass replaces the files meanwhile."""
        if self._data is None:
            self.read()  # type: ignore[attr-defined]
        with contextlib.ExitStack() as stack:
            if self._head is not None and not self._depth:
                stack.enter_context(self._locked())
                self._refresh()
            yield self._archive_file(self._head["id"]) if self._head is not None else None

    def load_history(self, chunks: Callable[[ArchiveFile], set[str]] | None = None) -> bool:
        """Read the archive's documents in under what the main file holds: those of the
        chunks ``chunks`` picks from the file (and the chunks of the goals they refer to),
        or all of them. Changes nothing on disk. Returns whether it read anything."""
        if self._whole or self._head is None:
            return False
        with self._opened():
            return self._merge_archive(chunks)

    def load_days(self, start: str, end: str) -> bool:
        """Read in the archive's days from ``start`` to ``end`` (ISO dates), their blocks
        and the goals finished then."""
        return self.load_history(lambda file: file.for_days(start, end))

    def load_goals(self, ids: Collection[int]) -> bool:
        """Read in the archive's goals ``ids`` (with their trees)."""
        return self.load_history(lambda file: file.for_goals(ids))

    def archived_gids(self) -> dict[str, dict[int, str]] | None:
        """The global ids of the archive's goals and blocks by table and id, those deleted
        since left out ({}: no archive; None: the archive does not say, read it whole)."""
        with self._opened() as file:
            found = file.gids() if file is not None else {"goals": {}}
        if not found:
            return None
        return {
            name: {i: g for i, g in ids.items() if str(i) not in self._gone.get(name, ())}
            for name, ids in found.items()
        }

    def replaced_copies(self) -> tuple[Tables, set[int]]:
        """The archive's copies of the goals and days the main file holds now, or that were
        deleted since the pass (the figures it kept counted them as they were then), and
        which of those goals had steps in the archive. Reads only their chunks (a tree is
        whole in one); nothing is read in."""
        found: Tables = {"goals": {}, "days": {}}
        parents: set[int] = set()
        with self._opened() as file:
            if file is None or self._head is None or self._data is None:
                return found, parents
            cold = self._cold or {}
            wanted = {
                name: (set(self._data.get(name, {})) - cold.get(name, set()))
                | self._gone.get(name, set())
                for name in ("goals", "days")
            }
            horizon = date.fromisoformat(self._head["before"]).toordinal()
            wanted["days"] = {k for k in wanted["days"] if int(k) < horizon}
            months = file.for_goals(int(k) for k in wanted["goals"])
            months |= {m for k in wanted["days"] if (m := _month_of(int(k)))}
            for month in sorted(months & set(file.chunks)):
                chunk = file.chunk(month)
                for name in ("goals", "days"):
                    docs = chunk.get(name, {})
                    found[name].update({k: docs[k] for k in wanted[name] if k in docs})
                parents.update(d.get("parent") for d in chunk.get("goals", {}).values())
        return found, {p for p in parents if type(p) is int}

    def in_archive(self, goal_id: int) -> bool:
        """Whether the archive holds the goal (read in or not), and it was not deleted."""
        with self._opened() as file:
            held = file is not None and bool(file.for_goals([goal_id]))
        return held and str(goal_id) not in self._gone.get("goals", ())

    def history_share(self) -> tuple[int, int]:
        """How many of the archive's chunks are read in, of how many (0 of 0: none yet)."""
        return len(self._months), len(self._file.chunks) if self._file is not None else 0

    def read_from(self, last: str) -> str | None:
        """The first month of the archive's days read in such that every month from it to
        ``last`` ("YYYY-MM") is (None: ``last`` is not, or the whole archive is)."""
        file = self._file
        if self._whole or file is None:
            return None
        first = None
        for month in sorted((m for m in file.chunks if UNDATED < m <= last), reverse=True):
            if month not in self._months:
                break
            first = month
        return first

    def _merge_archive(self, chunks: Callable[[ArchiveFile], set[str]] | None = None) -> bool:
        """Put the chunks' documents under the main file's (``_data``); see the rules. The
        chunks of the goals they refer to come too, and of the goals those wait for (no
        further: a goal's own waits decide only whether it waits), so no goal read in lacks
        its parent, nor a day its goals. Returns whether it read anything."""
        assert self._data is not None
        head = self._head
        if head is None:
            self._cold, self._whole = {}, True
            return False
        file = self._archive_file(head["id"])  # (unread stays unread if this fails)
        if self._cold is None:
            self._cold = {name: set() for name in MOVABLE}
        found: Changes = {}
        try:
            if chunks is None:
                self._merge_chunks(file, set(file.chunks), found)
            else:
                self._merge_chunks(file, chunks(file), found)
                goals = self._data.setdefault("goals", {})
                seeds = archive_file.references(self._data, {**found, "goals": ()})
                seeds |= {int(k) for k in found.get("goals", ())}
                self._merge_chunks(file, file.for_goals(self._missing(seeds)), found)
                waits = archive_file.waits(goals, seeds)
                self._merge_chunks(file, file.for_goals(self._missing(waits)), found)
        finally:  # (a chunk that fails: those read before it are read, and said so)
            self._whole = self._months >= set(file.chunks)
            if found:  # (the store's caches parse only what came in)
                self._bump(found)
        return bool(found)

    def _missing(self, ids: set[int]) -> list[int]:
        """The goals of ``ids`` not in memory, nor deleted."""
        assert self._data is not None
        known, hidden = self._data.get("goals", {}), self._gone.get("goals", set())
        return [i for i in ids if str(i) not in known and str(i) not in hidden]

    def _merge_chunks(
        self, file: ArchiveFile, names: set[str], found: Changes | None = None
    ) -> Changes:
        """Put the chunks ``names`` not read yet under the main file's documents; the keys
        of the documents they brought, by table, added to ``found``."""
        found = {} if found is None else found
        # (a month read under an archive a pass has replaced since may not be in this one)
        for name in sorted((names & file.chunks.keys()) - self._months):
            self._merge_chunk(file.chunk(name), found)
            self._months.add(name)
        return found

    def _merge_chunk(self, tables: Tables, found: dict[str, set[str]]) -> None:
        assert self._data is not None and self._cold is not None
        for name, docs in tables.items():
            table = self._data.setdefault(name, {})
            hidden = self._gone.get(name, set())
            cold = {k: doc for k, doc in docs.items() if k not in table and k not in hidden}
            if cold:  # (older first, in place: tables are shared with the store's views)
                merged = {**cold, **table}
                table.clear()
                table.update(merged)
            self._cold[name] |= cold.keys()
            found.setdefault(name, set()).update(cold)

    def _forget_history(self) -> None:
        """Nothing of the archive read in any more (a new main file is read)."""
        self._forget_file(self._file)
        self._cold, self._whole, self._months, self._file = None, False, set(), None

    @staticmethod
    def _forget_file(file: ArchiveFile | None) -> None:
        if file is not None:
            file.close()

    def _archive_file(self, wanted: str) -> ArchiveFile:
        """The archive the main file names: the current file, or the copy kept when it was
        replaced; one newer by a pass killed before its fold is read too."""
        if self._file is not None:
            if self._file.head.get("id") == wanted:
                return self._file
            self._forget_file(self._file)
            self._file = None
        newer: ArchiveFile | None = None
        for path in (self.archive_path, self._archive_backup(wanted)):
            handle = _open_file(path)
            if handle is None:
                continue
            try:
                file = self._decode_archive(path, handle)
            except BaseException:
                handle.close()
                raise
            if wanted == file.head.get("id"):
                self._forget_file(newer)
                self._file = file
                return file
            if wanted == file.head.get("previous") and path == self.archive_path:
                newer = file
            else:
                file.close()
        if newer is not None:
            # A pass was killed between writing it and folding the main file, and the copy
            # of the one it replaced is gone: the next fold names it (it holds all the one it
            # replaced held, but what was deleted). Only when the copy is gone: a restored
            # backup names the one before, which holds what was deleted since.
            assert self._head is not None
            self._head = {**self._head, "id": newer.head["id"]}
            self._file = newer
            return newer
        raise CorruptDatabase(
            f"the archive {self.archive_path} is missing or belongs to another version of the "
            "database: old history cannot be read (today's data is fine); restore the archive "
            "from a copy made with `microgoals backup --to`"
        )

    def _decode_archive(self, path: Path, raw: bytes | BinaryIO) -> ArchiveFile:
        file = ArchiveFile(f"the archive {path}", raw)
        if file.head.get("database") not in (None, self._database_id):
            raise CorruptDatabase(
                f"the archive {path} belongs to another database; it was left untouched"
            )
        return file


def _open_file(path: Path) -> BinaryIO | None:
    """An archive file open to read (no symlink followed); None when there is none."""
    try:
        return os.fdopen(journal.open_regular(str(path), os.O_RDONLY), "rb", buffering=0)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StorageError(f"cannot read the archive {path}: {_describe(error)}") from None


def _month_of(ordinal: int) -> str | None:
    """The chunk of a day's document, by its key (the date's ordinal)."""
    try:
        return date.fromordinal(ordinal).isoformat()[:7]
    except (ValueError, OverflowError):
        return None

"""The archive file's layout: one header line, then the old history in chunks by month, so
a view that asks for a few months reads only theirs (``storage_archive`` keeps the state).

* The header (``{"archive": {...}}``, one line) holds the archive's record (id, the one it
  replaced, the database's id) and its index: each chunk's place in the body
  (``chunks``: name -> [offset, length]), the goal ids each chunk holds (``goals``), and
  which chunks hold the goals finished in a month (``finished``).
* A chunk (``"YYYY-MM"``) holds that month's days, the blocks of its days, and the whole
  top-level goal trees whose last goal was finished that month. So a goal read in brings its
  whole tree (its parent, its steps), and the goals finished in a month are found through
  ``finished`` (a tree finished in March may hold a step done in January).
* A file written before the chunks (one JSON document, no newline) reads as one chunk.

The whole file is still written as one (``write_whole``): a chunk is never replaced alone.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Mapping
from typing import Any, BinaryIO

import orjson

from tui_microgoals.core import journal
from tui_microgoals.core.errors import CorruptDatabase, StorageError
from tui_microgoals.core.storage_state import Tables

ARCHIVE_KEY = "archive"
ARCHIVE_FORMAT = "microgoals-archive"
#: The tables whose documents may move to the archive.
MOVABLE = ("goals", "blocks", "days")
#: The chunk of documents without a date (none a pass makes: a hand-edited file).
UNDATED = "0000-00"
#: The one chunk of a file written before the chunks.
WHOLE = "*"
#: The chunk of the global ids (sync's) of the goals and blocks: ``{table: {id: gid}}``,
#: so a sync names archived documents without reading them.
GIDS = "gids"


def encode(head: dict[str, Any], tables: Tables) -> bytes:
    """The archive file: ``head`` (its record) with the index, then the chunks."""
    chunks: dict[str, Tables] = {}

    def put(month: str, name: str, key: str, doc: Any) -> None:
        chunks.setdefault(month, {n: {} for n in MOVABLE})[name][key] = doc

    for key, doc in tables.get("days", {}).items():
        put(_month(doc.get("date")), "days", key, doc)
    for key, doc in tables.get("blocks", {}).items():
        put(_month(doc.get("day")), "blocks", key, doc)
    goals = tables.get("goals", {})
    trees: dict[str, list[str]] = {}
    for key in goals:
        trees.setdefault(_root(goals, key), []).append(key)
    finished: dict[str, set[str]] = {}
    where: dict[str, list[int]] = {}
    for keys in trees.values():
        ends = [_finished(goals[k]) for k in keys]
        month = max(ends)
        for key, end in zip(keys, ends, strict=True):
            put(month, "goals", key, goals[key])
            finished.setdefault(end, set()).add(month)
            where.setdefault(month, []).append(int(key))
    gids = {
        name: {k: doc["gid"] for k, doc in tables.get(name, {}).items() if doc.get("gid")}
        for name in ("goals", "blocks")
    }
    body: list[bytes] = []
    places: dict[str, list[int]] = {}
    offset = 0
    for month in [*sorted(chunks), GIDS]:
        blob = orjson.dumps(gids if month == GIDS else chunks[month])
        places[month] = [offset, len(blob)]
        body.append(blob)
        offset += len(blob)
    index = {
        "chunks": places,
        "goals": {m: sorted(ids) for m, ids in sorted(where.items())},
        "finished": {m: sorted(c) for m, c in sorted(finished.items())},
    }
    return b"\n".join([orjson.dumps({ARCHIVE_KEY: {**head, **index}}), b"".join(body)])


def _month(value: Any) -> str:
    return value[:7] if isinstance(value, str) and len(value) >= 7 else UNDATED


def _finished(doc: Any) -> str:
    """The month a goal was finished (done, else dropped)."""
    return _month(doc.get("done_on") or doc.get("dropped_at"))


def _root(goals: dict[str, Any], key: str) -> str:
    """The top-level goal of ``key``'s tree within the archive (a loop stops where seen)."""
    seen = {key}
    while True:
        parent = goals[key].get("parent")
        if parent is None or str(parent) not in goals or str(parent) in seen:
            return key
        key = str(parent)
        seen.add(key)


class ArchiveFile:
    """One archive file read: its record and index parsed, its chunks parsed when asked."""

    def __init__(self, where: str, source: bytes | BinaryIO) -> None:
        """``source``: the file's bytes, or the file open (its chunks are read when asked:
        a pass replaces the file, never writes it in place, so the open one stays whole)."""
        self.where = where
        self._source = source
        first, whole = self._first_line()
        try:
            doc = orjson.loads(first)
        except orjson.JSONDecodeError as error:
            raise self._damaged(str(error)) from None
        head = doc.get(ARCHIVE_KEY) if isinstance(doc, dict) else None
        if not isinstance(head, dict) or head.get("format") != ARCHIVE_FORMAT:
            raise CorruptDatabase(f"{where} is not a microgoals archive; it was left untouched")
        self.head: dict[str, Any] = head
        self._parsed: dict[str, Tables] = {}
        if whole:  # (written before the chunks: one document)
            tables = doc.get("tables")
            if not isinstance(tables, dict):
                raise CorruptDatabase(f"{where} is not a microgoals archive; it was left untouched")
            self.chunks: dict[str, tuple[int, int]] = {WHOLE: (0, 0)}
            self._parsed[WHOLE] = self._checked(tables)
            self._gids = None
            self._where_goal = dict.fromkeys(map(int, tables.get("goals", {})), WHOLE)
            self._finished: dict[str, list[str]] = {}
            return
        self._start = len(first) + 1
        self.chunks, self._where_goal, self._finished = self._index(head)
        self._goals_of: dict[str, list[int]] = head["goals"]
        self._gids = head["chunks"].get(GIDS)

    def _first_line(self) -> tuple[bytes, bool]:
        """The header line, and whether it is the whole file (one document)."""
        source = self._source
        if isinstance(source, bytes):
            newline = source.find(b"\n")
            return (source, True) if newline < 0 else (source[:newline], False)
        pieces: list[bytes] = []
        while piece := self._read(sum(map(len, pieces)), 1 << 16):
            newline = piece.find(b"\n")
            if newline >= 0:
                pieces.append(piece[:newline])
                return b"".join(pieces), False
            pieces.append(piece)
        return b"".join(pieces), True

    def _read(self, offset: int, length: int) -> bytes:
        source = self._source
        if isinstance(source, bytes):
            return source[offset : offset + length]
        try:
            return os.pread(source.fileno(), length, offset)
        except OSError as error:
            raise StorageError(f"cannot read {self.where}: {journal.describe(error)}") from None

    def _size(self) -> int:
        source = self._source
        size = len(source) if isinstance(source, bytes) else os.fstat(source.fileno()).st_size
        return size - self._start

    def close(self) -> None:
        if not isinstance(self._source, bytes):
            self._source.close()

    def _index(
        self, head: dict[str, Any]
    ) -> tuple[dict[str, tuple[int, int]], dict[int, str], dict[str, list[str]]]:
        chunks, where, finished = head.get("chunks"), head.get("goals"), head.get("finished")
        size = self._size()
        months = set(chunks) - {GIDS} if isinstance(chunks, dict) else set()
        if (
            not isinstance(chunks, dict)
            or not all(
                isinstance(p, list)
                and len(p) == 2
                and all(type(n) is int and n >= 0 for n in p)
                and p[0] + p[1] <= size
                for p in chunks.values()
            )
            or not isinstance(where, dict)
            or not all(
                m in months and isinstance(ids, list) and all(type(i) is int for i in ids)
                for m, ids in where.items()
            )
            or not isinstance(finished, dict)
            or not all(
                isinstance(ms, list) and all(m in months for m in ms) for ms in finished.values()
            )
        ):
            raise self._damaged("its index is not one")
        by_goal = {i: m for m, ids in where.items() for i in ids}
        if len(by_goal) != sum(map(len, where.values())):
            raise self._damaged("its index gives a goal two chunks")
        return {m: (p[0], p[1]) for m, p in chunks.items() if m != GIDS}, by_goal, finished

    def _damaged(self, why: str) -> CorruptDatabase:
        return CorruptDatabase(f"{self.where} is damaged ({why}); it was left untouched")

    def chunk(self, name: str) -> Tables:
        """A chunk's documents by table (parsed once; never change them)."""
        tables = self._parsed.get(name)
        if tables is None:
            offset, length = self.chunks[name]
            blob = self._read(self._start + offset, length)
            if len(blob) != length:
                raise self._damaged(f"cut short in its chunk {name}")
            try:
                tables = orjson.loads(blob)
            except orjson.JSONDecodeError as error:
                raise self._damaged(str(error)) from None
            if not isinstance(tables, dict):
                raise self._damaged(f"its chunk {name} is not one")
            tables = self._parsed[name] = self._belongs(name, self._checked(tables))
        return tables

    def _belongs(self, name: str, tables: Tables) -> Tables:
        """The chunk holds what its index says: the days and blocks of its month, the goals
        the index gives it (a view reads a month's chunk only: one that held another month's
        day would show that day empty, and a note written on it would replace it)."""
        days, blocks = tables.get("days", {}), tables.get("blocks", {})
        goals = {int(k) for k in tables.get("goals", {})}
        if (
            any(_month(doc.get("date")) != name for doc in days.values())
            or any(_month(doc.get("day")) != name for doc in blocks.values())
            or goals != set(self._goals_of.get(name, ()))
        ):
            raise self._damaged(f"its chunk {name} holds what its index does not say")
        return tables

    def _checked(self, tables: dict[str, Any]) -> Tables:
        for name, table in tables.items():
            problem = journal.table_problem(name, table)
            if problem or name not in MOVABLE:
                raise CorruptDatabase(f"{self.where}: {problem or f'unknown table {name!r}'}")
        return tables

    def gids(self) -> dict[str, dict[int, str]]:
        """The goals' and blocks' global ids by table and id (none in a file written before
        them: a sync then reads the whole archive)."""
        place = self._gids
        if place is None:
            return {}
        blob = self._read(self._start + place[0], place[1])
        try:
            found = orjson.loads(blob)
        except orjson.JSONDecodeError as error:
            raise self._damaged(str(error)) from None
        if not isinstance(found, dict) or not all(
            isinstance(v, dict) and all(k.isdigit() and isinstance(g, str) for k, g in v.items())
            for v in found.values()
        ):
            raise self._damaged("its global ids are not a table")
        return {name: {int(k): g for k, g in v.items()} for name, v in found.items()}

    def tables(self) -> Tables:
        """Every chunk's documents by table, as one (a new dict; the documents are shared)."""
        out: Tables = {name: {} for name in MOVABLE}
        for name in sorted(self.chunks):
            for table, docs in self.chunk(name).items():
                out[table].update(docs)
        return out

    def for_days(self, start: str, end: str) -> set[str]:
        """The chunks of the days from ``start`` to ``end`` (ISO dates): the months' own, and
        those holding the goals finished in them."""
        if WHOLE in self.chunks:
            return {WHOLE}
        low, high = start[:7], end[:7]
        months = {m for m in self.chunks if low <= m <= high}
        months |= {c for m, found in self._finished.items() if low <= m <= high for c in found}
        return months

    def for_goals(self, ids: Iterable[int]) -> set[str]:
        """The chunks holding these goals (those it does not hold: none)."""
        return {m for i in ids if (m := self._where_goal.get(i)) is not None}


def references(tables: Tables, keys: Mapping[str, Collection[str]]) -> set[int]:
    """The goal ids the days and blocks ``keys`` (by table) of ``tables`` refer to."""
    ids: set[int] = set()
    for key in keys.get("days", ()):
        day = tables["days"][key]
        for field in ("items", "off", "habits_done"):
            value = day.get(field)
            if isinstance(value, list):
                ids.update(i for i in value if type(i) is int)
        if type(day.get("one_thing")) is int:
            ids.add(day["one_thing"])
    for key in keys.get("blocks", ()):
        goal = tables["blocks"][key].get("goal")
        if type(goal) is int:
            ids.add(goal)
    return ids


def waits(goals: Mapping[str, Any], ids: Collection[int]) -> set[int]:
    """The goals that the goals ``ids`` (those of ``goals``) wait for."""
    found: set[int] = set()
    for goal_id in ids:
        after = goals.get(str(goal_id), {}).get("after")
        if isinstance(after, list):
            found.update(i for i in after if type(i) is int)
    return found

"""Tables that say which documents a write touched, and storages that record what each was.

``TrackedTable`` edits the stored dict in place and tells the storage which documents it
changed (for the journal) and what each was before (for the operation log, ``oplog``).
``MemoryStorage`` is TinyDB's, with the transaction interface of ``DurableStorage``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from copy import deepcopy
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import MemoryStorage as _TinyMemoryStorage
from tinydb.table import Table

from tui_microgoals.core.errors import StorageError
from tui_microgoals.core.oplog import ABSENT


class _TrackedIds(dict):  # type: ignore[type-arg]
    """The int-keyed view TinyDB's updaters expect, over the str-keyed table, noting keys."""

    def __init__(self, raw: dict[str, Any]) -> None:
        super().__init__()
        self.raw = raw
        self.touched: set[str] = set()
        #: Each touched document as it was before (ABSENT: it did not exist), for the
        #: operation log.
        self.befores: dict[str, Any] = {}

    def _touch(self, key: str, *, copy: bool = False) -> None:  # noqa: A002
        self.touched.add(key)
        if key not in self.befores:
            doc = self.raw.get(key, ABSENT)
            self.befores[key] = deepcopy(doc) if copy else doc

    def __contains__(self, doc_id: object) -> bool:
        return str(doc_id) in self.raw

    def __getitem__(self, doc_id: object) -> Any:
        key = str(doc_id)
        self._touch(key, copy=True)  # the caller may change it in place
        return self.raw[key]

    def __setitem__(self, doc_id: object, doc: Any) -> None:
        key = str(doc_id)
        self._touch(key)
        self.raw[key] = doc

    def __delitem__(self, doc_id: object) -> None:
        key = str(doc_id)
        self._touch(key)
        del self.raw[key]

    def pop(self, doc_id: object, *default: Any) -> Any:
        key = str(doc_id)
        self._touch(key)
        return self.raw.pop(key, *default)

    def keys(self):  # type: ignore[override]
        return [int(k) for k in self.raw]

    def __iter__(self):  # type: ignore[override]
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.raw)

    def items(self):  # type: ignore[override]
        return [(k, self[k]) for k in self.keys()]

    def clear(self) -> None:
        for key in self.raw:
            self._touch(key)
        self.raw.clear()


class TrackedTable(Table):
    """A TinyDB table whose writes touch only the changed documents, and say which.

    Stock ``Table._update_table`` copies the whole table twice per write (10 ms at 10k
    documents); this one edits the stored dict in place and tells a storage that keeps a
    journal which documents to log.
    """

    def _update_table(self, updater: Callable[[dict[int, Any]], None]) -> None:
        tables = self._storage.read()
        if tables is None:
            tables = {}
        view = _TrackedIds(tables.setdefault(self.name, {}))
        updater(view)
        note = getattr(self._storage, "note_changes", None)
        if note is not None:
            note(self.name, view.touched, view.befores)
        self._storage.write(tables)
        self.clear_cache()


class _Recording:
    """What the running transaction touched: each document as it was before its first
    change (ABSENT: it did not exist), for the operation log (see ``oplog``)."""

    def __init__(self) -> None:
        self.befores: dict[tuple[str, str], Any] = {}
        self._depth = 0

    def _record(self, table: str, befores: dict[str, Any]) -> None:
        for key, doc in befores.items():
            self.befores.setdefault((table, key), doc)

    @contextlib.contextmanager
    def _joined(self) -> Iterator[None]:
        """A transaction inside another: it joins the outer one (commits with it)."""
        self._depth += 1
        try:
            yield
        finally:
            self._depth -= 1


class MemoryStorage(_Recording, _TinyMemoryStorage):
    """TinyDB's memory storage with the transaction interface of ``DurableStorage``."""

    path: Path | None = None
    generation = 0
    damage: StorageError | None = None
    keep_last_read = False
    lock_timeout: float | None = None

    def wait_for_lock(self, cancelled: Callable[[], bool] | None = None) -> None:
        """No lock in memory: see ``DurableStorage.wait_for_lock``."""

    def __init__(self) -> None:
        _Recording.__init__(self)
        _TinyMemoryStorage.__init__(self)

    def note_changes(self, table: str, keys: set[str], befores: dict[str, Any]) -> None:
        self._record(table, befores)

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        if self._depth:
            with self._joined():
                yield
            return
        snapshot = orjson.loads(orjson.dumps(self.memory)) if self.memory is not None else None
        self._depth, self.befores = 1, {}
        try:
            yield
        except BaseException:
            self.memory = snapshot  # all or nothing, like the file storage
            self.generation += 1
            raise
        finally:
            self._depth, self.befores = 0, {}

    def changed(self) -> bool:
        return False

    def fold(self) -> None:
        """Nothing to fold: see ``DurableStorage.fold``."""

    def take_warnings(self) -> list[str]:
        return []

"""Export to and import from the portable JSON document (``microgoals export/import``)."""

from __future__ import annotations

from typing import Any

import orjson

from tui_microgoals.core import bounds, journal, tree
from tui_microgoals.core.errors import Conflict, InputError
from tui_microgoals.core.models import Block, Day, Goal
from tui_microgoals.core.oplog import DEVICE, OPS_TABLE
from tui_microgoals.core.storage import SCHEMA_VERSION
from tui_microgoals.core.store_base import StoreBase, counted

EXPORT_FORMAT = "microgoals-export"
#: The schema versions an export may have: version 2 added only the operation log, which an
#: export leaves out, so a version-1 export imports as it is.
EXPORT_VERSIONS = (1, 2)
#: Meta fields an export leaves out and an import drops: this database's device id and
#: where it syncs (another database is another device, set up on its own).
OWN = frozenset({DEVICE, "sync"})


class ExchangeMixin(StoreBase):
    """The whole database as one document, and back into an empty one."""

    def export(self) -> dict[str, Any]:
        """Every goal, day, block and setting; not the operation log (a history of this
        database, not data to carry to another), nor this database's device id and sync
        setup."""
        self.read_history()  # (the archive's old history too)
        # (a table emptied again, say by an undo, is no table); in one order whatever the
        # order the documents were read in (an archive's and the main file's, say)
        tables = {
            k: dict(sorted(v.items(), key=lambda item: int(item[0])))
            for k, v in sorted((self.storage.read() or {}).items())
            if k != OPS_TABLE and v
        }
        meta = tables.get("meta", {}).get("1")
        if isinstance(meta, dict) and not OWN.isdisjoint(meta):  # (this database's own)
            meta = {k: v for k, v in meta.items() if k not in OWN}
            tables["meta"] = {**tables["meta"], "1": meta}
        return {
            "format": EXPORT_FORMAT,
            "schema_version": SCHEMA_VERSION,
            "tables": orjson.loads(orjson.dumps(tables)),
        }

    def is_empty(self) -> bool:
        return not (
            self._goals_t._read_table()
            or self._blocks_t._read_table()
            or self._days_t._read_table()
        )

    def import_(self, doc: Any) -> int:
        """Load an export into an empty database, ids kept; returns the number of goals."""
        if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
            raise InputError('not a microgoals export (no "format": "microgoals-export")')
        if doc.get("schema_version") not in EXPORT_VERSIONS:
            raise InputError(
                f"export has schema version {doc.get('schema_version')!r}; "
                f"expected one of {', '.join(map(str, EXPORT_VERSIONS))}"
            )
        tables = doc.get("tables")
        if not isinstance(tables, dict):
            raise InputError("export has no tables")
        try:
            for name, table in tables.items():  # what the file storage would refuse to load
                docs = table.values() if isinstance(table, dict) else [None]
                if not all(isinstance(d, dict) for d in docs):
                    raise InputError(f"export table {name!r} is not a set of documents")
            bounds.check_tables(tables)  # (before orjson meets a number it cannot write)
            for name, table in tables.items():
                if problem := journal.table_problem(name, table):
                    raise InputError(f"export: {problem}")
            tables = orjson.loads(orjson.dumps(tables))  # our own copy: later edits stay ours
            tables.pop(OPS_TABLE, None)
            if isinstance(tables.get("meta", {}).get("1"), dict):
                for name in OWN:  # (each database makes its own)
                    tables["meta"]["1"].pop(name, None)
            goals = {int(k): Goal.from_doc(int(k), v) for k, v in tables.get("goals", {}).items()}
            for k, v in tables.get("blocks", {}).items():
                Block.from_doc(int(k), v)
            for v in tables.get("days", {}).values():
                Day.from_doc(v)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise InputError(f"export has a malformed document: {error}") from None
        if problems := tree.find_tree_problems(goals):
            raise InputError(f"export is inconsistent: {problems[0]}")
        with self._tx(f"imported {counted(len(goals), 'goal')}"):
            self.read_history()  # (a database whose history is all archived is not empty)
            if not self.is_empty():
                raise Conflict("the database is not empty; import only into a new database")
            for name, table in tables.items():

                def put(view: dict[int, Any], table: dict[str, Any] = table) -> None:
                    for key, doc in table.items():
                        view[int(key)] = doc

                self._table(name)._update_table(put)  # (noted document by document: undoable)
        self._forget_caches()
        return len(goals)

"""Undo and redo on the operation log (issue 14): what they refuse, and that what they do
survives a fold, a restart and a migration; how far back the log reaches; its clock."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pendulum
import pytest

from tui_microgoals.core import fastpath, oplog
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import Conflict
from tui_microgoals.core.oplog import OPS_TABLE
from tui_microgoals.core.storage import SCHEMA_VERSION
from tui_microgoals.core.store import Store
from tui_microgoals.core.store_undo import NothingToUndo


def log_of(store: Store) -> dict[str, Any]:
    return (store.storage.read() or {}).get(OPS_TABLE, {})


def data(store: Store) -> dict[str, Any]:
    """The export less meta's local fields (not undone: see ``oplog.LOCAL_FIELDS``)."""
    tables = store.export()["tables"]
    for doc in tables.get("meta", {}).values():
        for field in [f for f in doc if ("meta", f) in oplog.LOCAL_FIELDS]:
            del doc[field]
    return tables


# -- redo of a delete whose goal has finished blocks ------------------------------------


def test_redo_of_a_delete_that_kept_the_goals_finished_block(store: Store) -> None:
    """The store deletes a goal that had blocks (they stay, as history): undoing and redoing
    that delete must work too (it was refused: "block 1 was spent on it")."""
    goal = store.add_goal("Bake").id
    store.start_block(goal)
    store.stop_block("done")
    store.delete(goal)
    after = data(store)
    assert store.undo() == "undid: deleted 'Bake'"
    assert goal in store.goals()
    assert store.redo() == "redid: deleted 'Bake'"
    assert data(store) == after

"""The summary written beside the file after each commit, for the fast paths of
``microgoals status``, ``microgoals add`` and ``microgoals undo`` / ``redo`` (see
``fastpath.py``): the steps of undo and redo worked out ahead by the command line's commits
(``steps_ahead``), and by every commit ``free_ids``, with which the fast ``add`` works out
the undo of its own goal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tui_microgoals.core import lightjson, oplog, timer
from tui_microgoals.core.errors import MicrogoalsError
from tui_microgoals.core.models import Block, Goal
from tui_microgoals.core.oplog import ABSENT, OPS_TABLE, Entry
from tui_microgoals.core.store_base import StoreBase
from tui_microgoals.core.store_undo import free_after, free_ids, overlaid, prepare

#: How many undos (and redos) in a row an undo's summary works out ahead for the fast path;
#: other commands' one (a step that deletes a goal something may refer to, one below
#: ``free_ids``, scans every goal and block: ~5 ms at L).
STEPS_AHEAD = 4
#: A step bigger than this (an import's undo) is left to the full path: the summary stays
#: small, since ``status`` reads all of it.
STEP_BYTES = 8192
#: The tables ``free_ids`` reads.
TABLES = ("goals", "blocks")


class SummaryMixin(StoreBase):
    """Builds the summary; ``Store`` hands ``_summary`` to the durable storage."""

    def _summary(
        self, data: dict[str, dict[str, Any]], changes: dict[str, set[str]] | None
    ) -> dict[str, Any]:
        """What the fast paths of ``microgoals status`` and ``microgoals add`` need (see
        ``fastpath.py``), written beside the file after each commit."""
        try:
            return {
                "running": self._running_summary(data),
                "add": self._add_summary(data, changes),
                "day": self.clock.day_hint(),
                "undo": self._undo_summary(data, changes),
            }
        except BaseException:
            self._roots = self._free = None  # maybe half updated: the next starts afresh
            raise

    def _running_summary(self, data: Mapping[str, Mapping[str, Any]]) -> dict[str, Any] | None:
        meta = data.get("meta", {}).get("1", {})
        doc = data.get("blocks", {}).get(str(meta.get("running")))
        if not doc or doc.get("ended_at") is not None:
            return None
        block = Block.from_doc(int(meta["running"]), doc)
        goal = data.get("goals", {}).get(str(block.goal))
        title = Goal.from_doc(block.goal, goal).title if goal else f"goal {block.goal}"
        now = self.clock.now()
        running: dict[str, Any] = {"goal": block.goal, "title": title}
        if block.paused:
            running["remaining_seconds"] = timer.remaining_seconds(block, now)
        else:
            # While it runs, remaining = ends - now: the same formula as timer.py's, and
            # like it never more than the block's length (the clock may be set back).
            paused = timer.paused_seconds(block, now)
            ends = block.started_at.add(seconds=block.planned_seconds + paused)
            running["ends"] = ends.timestamp()
            running["planned"] = block.planned_seconds
        return running

    def _add_summary(
        self, data: dict[str, dict[str, Any]], changes: dict[str, set[str]] | None
    ) -> dict[str, Any]:
        """What ``add_goal`` reads for a top-level goal: the meta document (the id counter)
        and the top-level goals' highest position; plus a bound on the goal ids in use.

        Kept up to date from the goals each commit changed (and those other processes
        changed, as far as the storage knows them), so a commit does not scan every goal.
        """
        goals = data.get("goals", {})
        keys: set[str] | None = None
        if self._roots is not None and changes is not None:
            foreign = self.storage.changes_since(self._roots[0])  # type: ignore[union-attr]
            if foreign is not None:
                keys = changes.get("goals", set()) | foreign.get("goals", set())
        if keys is None:
            positions = {k: d.get("position") for k, d in goals.items() if d.get("parent") is None}
            bound = max(map(int, goals), default=0)
        else:
            assert self._roots is not None
            _, positions, bound = self._roots
            bound = _follow(positions, bound, goals, keys)
        self._roots = (self.storage.generation, positions, bound)
        return {
            "meta": data.get("meta", {}).get("1"),
            "top": max(_top(positions), self._archived_top()),
            "bound": bound,
            "ops": self._newest_entry(data),
        }

    def _undo_summary(
        self, data: dict[str, dict[str, Any]], changes: dict[str, set[str]] | None
    ) -> dict[str, Any]:
        """The next undos in a row, and the next redos in a row, worked out ahead for the
        fast path (by the command line's store: ``steps_ahead``), each step as ``_step``
        would make it, from ``prepare``; and ``free_ids``, with which the fast ``add`` works
        out the undo of its own goal."""
        free = self._free_ids(data, changes)
        if not self.steps_ahead:
            return {"undo": [], "redo": [], "free": free}
        log = oplog.entries(data.get(OPS_TABLE, {}))
        return {
            "undo": self._steps_ahead(data, log, free, redo=False),
            "redo": self._steps_ahead(data, log, free, redo=True),
            "free": free,
        }

    def _free_ids(
        self, data: dict[str, dict[str, Any]], changes: dict[str, set[str]] | None
    ) -> int | None:
        """``free_ids(data)``, or a bound past it: kept from commit to commit like
        ``_roots``, raised by what each commit (ours, or another process's) wrote, so a
        commit does not scan every goal and block."""
        known = self._free
        keys: dict[str, set[str]] | None = None
        if known is not None and changes is not None:
            foreign = self.storage.changes_since(known[0])  # type: ignore[union-attr]
            if foreign is not None:
                keys = {t: changes.get(t, set()) | foreign.get(t, set()) for t in TABLES}
        if keys is None or known is None:
            free = free_ids(data)
        else:
            written = {t: {k: data[t][k] for k in keys[t] if k in data.get(t, {})} for t in TABLES}
            raised = free_ids(written)
            free = None if raised is None or known[1] is None else max(known[1], raised)
        self._free = (self.storage.generation, free)
        return free

    def _steps_ahead(
        self, data: dict[str, dict[str, Any]], log: list[Entry], free: int | None, *, redo: bool
    ) -> list[dict[str, Any]]:
        """Up to ``steps_ahead`` steps, each on the data the ones before it leave: what it
        writes (``tables``, None: deleted), the operations its log entry holds, what it
        says, and the summary's parts it changes (the running block, the hint for ``add``,
        ``free_ids``: a bound, raised by what the steps so far wrote)."""
        assert self._roots is not None  # (``_add_summary`` ran first)
        _, positions, bound = self._roots
        positions = dict(positions)
        stacks = oplog.stacks(log)
        written: dict[tuple[str, str], Any] = {}
        steps: list[dict[str, Any]] = []
        while len(steps) < self.steps_ahead:
            view = overlaid(data, written)
            try:
                target, docs = prepare(stacks, view, redo=redo, free=free)
            except MicrogoalsError:  # nothing to undo, or a refusal: the full path says it
                break
            befores = {(t, k): view.get(t, {}).get(k, ABSENT) for t, k in docs}
            written.update(docs)
            view = overlaid(data, written)
            ops = oplog.operations(befores, view)
            if not ops:
                break
            keys = {k for t, k in docs if t == "goals"}
            bound = _follow(positions, bound, view.get("goals", {}), keys)
            tables: dict[str, dict[str, Any]] = {}
            for (name, key), doc in sorted(docs.items(), key=lambda item: item[0]):
                tables.setdefault(name, {})[key] = None if doc is ABSENT else doc
            free = free_after(free, docs)
            step = {
                "id": target.id,
                "what": oplog.said(target, redo=redo),
                "tables": tables,
                "ops": ops,
                "running": self._running_summary(view),
                "meta": view.get("meta", {}).get("1"),
                "top": max(_top(positions), self._archived_top()),
                "bound": bound,
                "free": free,
            }
            if len(lightjson.dumps(step)) > STEP_BYTES:
                break
            steps.append(step)
            stacks.push(Entry(0, {oplog.marker(redo): target.id}))
        return steps


def _follow(positions: dict[str, Any], bound: int, goals: Mapping[str, Any], keys: Any) -> int:
    """Update the top-level goals' positions and the id bound for the goals ``keys`` as
    ``goals`` has them now; returns the bound."""
    for key in keys:
        doc = goals.get(key)
        if doc is not None and doc.get("parent") is None:
            positions[key] = doc.get("position")
        else:
            positions.pop(key, None)
        if doc is not None:
            bound = max(bound, int(key))
    return bound


def _top(positions: dict[str, Any]) -> int:
    return max((p for p in positions.values() if type(p) is int), default=-1)

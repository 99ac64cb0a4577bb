"""The summary written beside the file after each commit, for the fast paths of
``microgoals status`` and ``microgoals add`` (see ``fastpath.py``).
"""

from __future__ import annotations

from typing import Any

from tui_microgoals.core import timer
from tui_microgoals.core.models import Block, Goal
from tui_microgoals.core.store_base import StoreBase


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
            }
        except BaseException:
            self._roots = None  # maybe half updated: the next summary starts afresh
            raise

    def _running_summary(self, data: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
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
            for key in keys:
                doc = goals.get(key)
                if doc is not None and doc.get("parent") is None:
                    positions[key] = doc.get("position")
                else:
                    positions.pop(key, None)
                if doc is not None:
                    bound = max(bound, int(key))
        self._roots = (self.storage.generation, positions, bound)
        return {
            "meta": data.get("meta", {}).get("1"),
            "top": max((p for p in positions.values() if type(p) is int), default=-1),
            "bound": bound,
            "ops": self._newest_entry(data),
        }

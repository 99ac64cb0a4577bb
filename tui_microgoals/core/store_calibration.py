"""The user's calibration (``core/calibration``), kept like the store's other caches: worked
out once, and again only after a goal or a block changed (or the setting did).

``calibration()`` is the one place its inputs are read, so that an archive of old goals and
blocks can later feed the same pure ``calibrate`` from samples it keeps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui_microgoals.core import calibration, timer
from tui_microgoals.core.calibration import Calibration
from tui_microgoals.core.models import Block
from tui_microgoals.core.store_base import StoreBase


class CalibrationMixin(StoreBase):
    #: (what it was worked out from, the calibration): see ``calibration``.
    _calibration_cache: tuple[tuple[Any, ...], Calibration] | None = None
    #: Each ended block's focus by its key: (the fields it rests on, goal, seconds), so a
    #: new figure after a change parses only the blocks that changed (an ended block's
    #: focus is its goal, start, end and pauses: the clock plays no part).
    _block_focus: dict[str, tuple[tuple[Any, ...], int, float]] | None = None

    if TYPE_CHECKING:

        def settings(self) -> dict[str, Any]: ...

    def calibration(self) -> Calibration | None:
        """The user's pace against their estimates; None when the setting is off. Below
        ``calibration.MIN_SAMPLES`` samples it has no ratio (``enough`` is false)."""
        if self.settings()["calibration"] != "on":
            return None
        goals = self.goals()  # (first: it follows another process's changes)
        raw = self._blocks_t._read_table()
        key = (self.storage.generation, self._goal_edits, self._block_saves, id(raw), len(raw))
        cached = self._calibration_cache
        if cached is not None and (cached[0] == key or self._only_history_since(cached[0], key)):
            self._calibration_cache = (key, cached[1])
            return cached[1]
        # (the archive's goals count by the ratios kept of them, read in or not: the same
        # figures whatever a view has read; finished trees have no estimate to calibrate)
        kept: dict[str, Any] = getattr(self.storage, "kept", dict)()
        archived = kept.get("ratios")
        cold = getattr(self.storage, "archived_keys", lambda _: ())("goals")
        if cold:  # (a tree is wholly in one file: a goal's root is where the goal is)
            goals = {i: g for i, g in goals.items() if str(i) not in cold}
        samples = calibration.samples_of(goals, self._focus_by_goal(raw))
        found = calibration.calibrate(samples, archived if isinstance(archived, dict) else None)
        self._calibration_cache = (key, found)
        return found

    def _only_history_since(self, then: tuple[Any, ...], now: tuple[Any, ...]) -> bool:
        """Whether all that changed from ``then`` to ``now`` (calibration's keys) is the
        archive's history read in, which the kept ratios count already (an old day's review
        leaves the figure as it was)."""
        if then[1:4] != now[1:4]:  # (a goal or block of ours saved, the table read afresh)
            return False
        changes = getattr(self.storage, "changes_since", lambda _: None)(then[0])
        if not changes:  # (unknown, or a change of ours)
            return False
        cold = getattr(self.storage, "archived_keys", lambda _: ())
        return all(key in cold(table) for table, keys in changes.items() for key in keys)

    def _focus_by_goal(self, raw: Any) -> dict[int, float]:
        """``calibration.focus_by_goal`` over every ended block, each block's focus worked
        out once (a parse and the timer's sum: ~50 µs a block)."""
        known = self._block_focus or {}
        kept: dict[str, tuple[tuple[Any, ...], int, float]] = {}
        focus: dict[int, float] = {}
        now = self.clock.now()
        cold = getattr(self.storage, "archived_keys", lambda _: ())("blocks")
        for k, doc in raw.items():
            if doc.get("ended_at") is None or k in cold:  # (archived: counted by kept ratios)
                continue
            pauses = doc.get("pauses")  # (as text: a copy, mostly empty)
            mark = (doc.get("goal"), doc.get("started_at"), doc["ended_at"], pauses and str(pauses))
            seen = known.get(k)
            if seen is None or seen[0] != mark:
                block = Block.from_doc(int(k), doc)
                seen = (mark, block.goal, timer.focus_seconds(block, now))
            kept[k] = seen
            focus[seen[1]] = focus.get(seen[1], 0.0) + seen[2]
        self._block_focus = kept
        return focus

"""The user's calibration (``core/calibration``), kept like the store's other caches: worked
out once, and again only after a goal or a block changed (or the setting did).

``calibration()`` is the one place its inputs are read, so that an archive of old goals and
blocks can later feed the same pure ``calibrate`` from samples it keeps.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tui_microgoals.core import calibration
from tui_microgoals.core.calibration import Calibration
from tui_microgoals.core.models import DONE, Block
from tui_microgoals.core.store_base import StoreBase


class CalibrationMixin(StoreBase):
    #: (what it was worked out from, the calibration): see ``calibration``.
    _calibration_cache: tuple[tuple[Any, ...], Calibration] | None = None

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
        if cached is not None and cached[0] == key:
            return cached[1]
        # Only the ended blocks of done goals with an estimate are parsed (``samples_from``
        # picks the micro-goals among them).
        wanted = {gid for gid, g in goals.items() if g.status == DONE and g.minutes}
        blocks = [
            Block.from_doc(int(k), doc)
            for k, doc in raw.items()
            if doc.get("goal") in wanted and doc.get("ended_at") is not None
        ]
        found = calibration.calibrate(calibration.samples_from(goals, blocks, self.clock.now()))
        self._calibration_cache = (key, found)
        return found

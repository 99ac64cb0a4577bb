"""The weekly retro's reads and its one write, the week note (see ``retro.py``, imported
when a retro is asked for: the app's start does not need it, ~6 ms)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pendulum import Date

from tui_microgoals.core.models import Day
from tui_microgoals.core.store_base import StoreBase

if TYPE_CHECKING:
    from tui_microgoals.core.retro import Retro


class RetroMixin(StoreBase):
    if TYPE_CHECKING:

        def settings(self) -> dict[str, Any]: ...
        def _set_day_text(self, field: str, text: str, date: Date, words: str) -> Day: ...

    def retro(self, end: Date | None = None) -> Retro:
        """The retro of the 7 days ending on ``end`` (default today): the blocks of those
        days (and a few weeks before, for estimates) and the goals' index, no full scan."""
        from tui_microgoals.core.retro import ESTIMATE_LOOKBACK_DAYS, week_retro, week_start

        end = end or self.clock.today()
        # Its milestones count every micro-goal done ever, and the longest streak ever: the
        # archive's too (a week view reads it, as an old day's review does).
        self.read_history()
        first = week_start(end).subtract(days=ESTIMATE_LOOKBACK_DAYS)
        return week_retro(
            self.goals(),
            self.days(),
            self.blocks_between(first, end),
            end,
            self.clock.now(),
            self.settings()["block_minutes"],
            self._review_index(),
        )

    def set_week_note(self, note: str, end: Date | None = None) -> str:
        """The note of the week ending on ``end``: a field of that day's document, so undo
        and sync carry it as they carry the day note."""
        end = end or self.clock.today()
        words = f"the week note for the week ending {self._on_day(end)}"
        return self._set_day_text("week_note", note, end, words).week_note

"""The weekly retro's reads and its one write, the week note (see ``retro.py``, imported
when a retro is asked for: the app's start does not need it, ~6 ms)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from pendulum import Date

from tui_microgoals.core import retro_kept
from tui_microgoals.core.kept_runs import Runs
from tui_microgoals.core.models import Day
from tui_microgoals.core.planner import CARRY_WINDOW_DAYS
from tui_microgoals.core.store_base import StoreBase

if TYPE_CHECKING:
    from tui_microgoals.core.retro import Retro


class RetroMixin(StoreBase):
    if TYPE_CHECKING:

        def settings(self) -> dict[str, Any]: ...
        def _set_day_text(self, field: str, text: str, date: Date, words: str) -> Day: ...
        def archived_share(self) -> retro_kept.Archived | None: ...
        def kept_runs(self, date: Date) -> Runs | None: ...

    def retro(self, end: Date | None = None) -> Retro:
        """The retro of the 7 days ending on ``end`` (default today): the blocks of those
        days (and a few weeks before, for estimates) and the goals' index, no full scan."""
        from tui_microgoals.core.retro import ESTIMATE_LOOKBACK_DAYS, Past, week_retro, week_start

        end = end or self.clock.today()
        start = week_start(end)
        first = start.subtract(days=ESTIMATE_LOOKBACK_DAYS)
        # Its milestones count every micro-goal done ever, and the longest streak ever: the
        # archive's share is kept as figures when the week and what it looks back on (its
        # carried items, its estimates) are after the horizon; else the archive is read.
        archived = self.archived_share()
        if archived is None:
            self.read_history()
            past = None
        else:  # (what the week and its look-back need, and back while a streak on it runs)
            self.history_from(min(first, start.subtract(days=CARRY_WINDOW_DAYS)), end)
            self.history_for_runs(end)
            cold = self.storage.archived_keys  # type: ignore[union-attr]
            exists = functools.cache(self._exists)
            past = Past(archived, exists, self.kept_runs(end), cold("goals"), cold("days"))
        return week_retro(
            self.goals(),
            self.days(),
            self.blocks_between(first, end),
            end,
            self.clock.now(),
            self.settings()["block_minutes"],
            self._review_index(),
            past,
        )

    def _exists(self, goal_id: int) -> bool:
        """Whether a goal is here, in the main file or the archive (a habit's occurrences
        count while it exists)."""
        if goal_id in self._goal_view():
            return True
        return bool(getattr(self.storage, "in_archive", lambda _: False)(goal_id))

    def set_week_note(self, note: str, end: Date | None = None) -> str:
        """The note of the week ending on ``end``: a field of that day's document, so undo
        and sync carry it as they carry the day note."""
        end = end or self.clock.today()
        words = f"the week note for the week ending {self._on_day(end)}"
        return self._set_day_text("week_note", note, end, words).week_note

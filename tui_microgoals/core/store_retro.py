"""The weekly retro's reads and its one write, the week note (see ``retro.py``, imported
when a retro is asked for: the app's start does not need it, ~6 ms)."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from pendulum import Date

from tui_microgoals.core import retro_kept
from tui_microgoals.core.kept_runs import Runs
from tui_microgoals.core.models import Day, Goal
from tui_microgoals.core.planner import CARRY_WINDOW_DAYS
from tui_microgoals.core.review_index import GoalIndex
from tui_microgoals.core.store_base import StoreBase

if TYPE_CHECKING:
    from tui_microgoals.core.retro import Retro


class RetroMixin(StoreBase):
    if TYPE_CHECKING:

        def settings(self) -> dict[str, Any]: ...
        def _set_day_text(self, field: str, text: str, date: Date, words: str) -> Day: ...
        def archived_share(self, start: Date) -> retro_kept.Archived | None: ...
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
        archived = self.archived_share(min(first, start.subtract(days=CARRY_WINDOW_DAYS)))
        if archived is None:
            self.read_history()
            goals, days, index, past = self.goals(), self.days(), self._review_index(), None
        else:
            goals, days, index = self._main_only()
            past = Past(archived, functools.cache(self._exists), self.kept_runs(end))
        return week_retro(
            goals,
            days,
            self.blocks_between(first, end),
            end,
            self.clock.now(),
            self.settings()["block_minutes"],
            index,
            past,
        )

    def _main_only(self) -> tuple[dict[int, Goal], dict[Date, Day], GoalIndex]:
        """The goals and days of the main file (an old day's review may have read some of
        the archive's in: the kept figures count those)."""
        cold = self.storage.archived_keys("goals")  # type: ignore[union-attr]
        cold_days = self.storage.archived_keys("days")  # type: ignore[union-attr]
        if not cold and not cold_days:
            return self.goals(), self.days(), self._review_index()
        goals = {i: g for i, g in self.goals().items() if str(i) not in cold}
        days = {d: day for d, day in self.days().items() if str(day.doc_id) not in cold_days}
        return goals, days, GoalIndex(goals.values())

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

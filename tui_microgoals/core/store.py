"""The store: every change to goals, day plans and blocks, each one a single transaction.

``Store(db, clock)`` takes its TinyDB and its clock as arguments. With ``DurableStorage``
each public method that writes holds the cross-process lock, starts from the newest file on
disk and commits once, so two processes never lose each other's changes. Ids come from
counters kept in the file: they are never reused, even after a delete.

The code is split by aggregate, one mixin each, over ``StoreBase`` (``store_base.py``: the
tables, caches, the transaction and the shared reads): ``store_goals``, ``store_days``,
    CalibrationMixin,
    ExchangeMixin,
    SummaryMixin,
    RetroMixin,
    UndoLog,
    ArchiveMixin,
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pendulum import Date
from tinydb import TinyDB

from tui_microgoals.core.clock import Clock
from tui_microgoals.core.models import Block, Day, Goal
from tui_microgoals.core.settings import check_block_minutes as check_block_minutes
from tui_microgoals.core.storage import DurableStorage
from tui_microgoals.core.store_archive import ArchiveMixin
from tui_microgoals.core.store_blocks import BlocksMixin
from tui_microgoals.core.store_calibration import CalibrationMixin
from tui_microgoals.core.store_days import DaysMixin
from tui_microgoals.core.store_exchange import EXPORT_FORMAT as EXPORT_FORMAT
from tui_microgoals.core.store_exchange import ExchangeMixin
from tui_microgoals.core.store_goals import UNSET as UNSET
from tui_microgoals.core.store_goals import GoalsMixin
from tui_microgoals.core.store_retro import RetroMixin
from tui_microgoals.core.store_settings import DEFAULT_SETTINGS as DEFAULT_SETTINGS
from tui_microgoals.core.store_settings import DISMISS_DAYS as DISMISS_DAYS
from tui_microgoals.core.store_settings import SettingsMixin
from tui_microgoals.core.store_summary import SummaryMixin
from tui_microgoals.core.store_undo import UndoLog
from tui_microgoals.core.text import MAX_ESTIMATE_MINUTES as MAX_ESTIMATE_MINUTES
from tui_microgoals.core.text import check_minutes as check_minutes


@dataclass(frozen=True)
class Snapshot:
    """Everything the screens draw, read at one moment."""

    goals: dict[int, Goal]
    days: dict[Date, Day]
    running: Block | None
    settings: dict[str, Any]


class Store(
    GoalsMixin,
    DaysMixin,
    BlocksMixin,
    SettingsMixin,
    CalibrationMixin,
    ExchangeMixin,
    SummaryMixin,
    RetroMixin,
    UndoLog,
    ArchiveMixin,
):
    """One face for every aggregate; see the module docstring for where each part lives."""

    def __init__(self, db: TinyDB, clock: Clock | None = None) -> None:
        super().__init__(db, clock)
        if isinstance(self.storage, DurableStorage):
            self.storage.summarize = self._summary

    def snapshot(self) -> Snapshot:
        """A copy of the goals (the store patches its own dict on later writes): the same
        copy while no goal changed, so a screen can tell "nothing changed" by identity. The
        archive's goals a view of the past read in are not in it: the tree shows the same
        whatever was read."""
        goals = self.goals()
        key = (self.storage.generation, self._goal_edits)
        if self._goals_copy is None or self._goals_copy[0] != key:
            cold = getattr(self.storage, "archived_keys", lambda _: ())("goals")
            kept = {i: g for i, g in goals.items() if str(i) not in cold} if cold else dict(goals)
            self._goals_copy = (key, kept)
        return Snapshot(self._goals_copy[1], self.days(), self.running_block(), self.settings())

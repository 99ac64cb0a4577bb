"""Moving old history to the archive (``storage_archive``; what moves: ``archive_rule``)."""

from __future__ import annotations

from typing import Any

from pendulum import Date

from tui_microgoals.core import archive_rule
from tui_microgoals.core.kept_runs import Runs, runs_of
from tui_microgoals.core.store_base import StoreBase

#: A pass is due this many days after the last one (or, before the first, once the main
#: file holds this many goals, blocks and days).
ARCHIVE_EVERY_DAYS = 7
ARCHIVE_FIRST_AT = 3000


class ArchiveMixin(StoreBase):
    """A pass, and the hooks by which the store reads the archive when something asks for
    the past (declared in ``StoreBase``, which calls them)."""

    def read_history(self) -> bool:
        """Read the archive's old history in, if there is one not read yet (whatever asks
        for the past: an old day's review, an id not in the main file, export, sync).
        Returns whether it read anything."""
        if not getattr(self.storage, "history_unread", lambda: False)():
            return False
        self.storage.load_history()  # type: ignore[union-attr]
        self._forget_caches()
        return True

    def history_from(self, date: Date) -> None:
        """Read the archive in if days from ``date`` on may be in it."""
        horizon = self.horizon()
        if horizon is not None and date < horizon:
            self.read_history()

    def horizon(self) -> Date | None:
        """The first day whose plan and blocks are all in the main file (None: all are)."""
        before = getattr(self.storage, "horizon", lambda: None)()
        return Date.fromisoformat(before) if before else None

    def _archived_top(self) -> int:
        """The highest position of an archived top-level goal (-1: none)."""
        kept: dict[str, Any] = getattr(self.storage, "kept", dict)()
        top = kept.get("top", -1)
        return top if type(top) is int else -1

    def kept_runs(self) -> Runs | None:
        """The streaks' runs across the horizon as the last pass kept them, while the days
        before it are unread (None: every day is read, or there is no archive)."""
        if not getattr(self.storage, "history_unread", lambda: False)():
            return None
        return runs_of(self.storage.kept(), self.storage.horizon())  # type: ignore[union-attr]

    def _known(self, *ids: int | None) -> None:
        """Read the archive in when a goal id given is not in the main file (and was not
        deleted since the archive was written)."""
        view = self._goal_view()
        if any(i is not None and i not in view and not self._deleted(i) for i in ids):
            self.read_history()

    def _deleted(self, goal_id: int) -> bool:
        """A goal deleted since the archive was written: in neither file."""
        deleted = getattr(self.storage, "deleted_since", None)
        return deleted is not None and deleted("goals", str(goal_id))

    def archive_due(self) -> bool:
        """Whether a pass would be worth its cost now (cheap: no parse)."""
        if not hasattr(self.storage, "archive"):
            return False
        made = self.storage.kept().get("made")  # type: ignore[union-attr]
        if isinstance(made, str):  # (one made under a clock that ran ahead: due now)
            today, last = self.clock.today(), Date.fromisoformat(made)
            return last > today or last <= today.subtract(days=ARCHIVE_EVERY_DAYS)
        tables = self.storage.read() or {}
        size = sum(len(tables.get(name, {})) for name in archive_rule.MOVABLE)
        return size >= ARCHIVE_FIRST_AT

    def archive_old(self) -> dict[str, Any]:
        """Move what today's screen never needs to the archive; what it holds after."""
        archive = getattr(self.storage, "archive", None)
        if archive is None:
            return {"archived": 0, "before": None}
        today = self.clock.today()

        def choose(data: dict[str, dict[str, Any]]) -> archive_rule.Choice:
            kept = {**self.storage.kept(), "made": today.isoformat()}  # type: ignore[union-attr]
            return archive_rule.choose(data, today, kept)

        count = archive(choose)
        self._forget_caches()
        return {"archived": count, "before": self.storage.horizon()}  # type: ignore[union-attr]

"""Moving old history to the archive (``storage_archive``; what moves: ``archive_rule``)."""

from __future__ import annotations

from typing import Any

from pendulum import Date

from tui_microgoals.core import retro_kept, review
from tui_microgoals.core.archive_file import MOVABLE
from tui_microgoals.core.kept_runs import Runs, runs_of
from tui_microgoals.core.models import Goal
from tui_microgoals.core.models_day import Day
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

    def history_from(self, date: Date, end: Date | None = None) -> None:
        """Read in the archive's days from ``date`` to ``end`` (or on), if some may be in it:
        their blocks, the goals finished then, and the goals they refer to (their months)."""
        horizon = self.horizon()
        if horizon is None or date >= horizon:
            return
        last = horizon.subtract(days=1) if end is None else min(end, horizon.subtract(days=1))
        load_days = getattr(self.storage, "load_days", None)
        if load_days is None:
            self.read_history()
        else:
            load_days(date.isoformat(), last.isoformat())

    def history_for_runs(self, date: Date) -> None:
        """Read in earlier months of the archive while a streak on ``date`` (the days with
        something done, or an open habit's) may run back past what is read: a review of an
        old day counts them as one that read the whole archive would."""
        horizon = self.horizon()
        if horizon is None or date >= horizon:
            return
        while (start := self.history_read_from(date)) is not None and self._run_reaches(
            date, start
        ):
            day = start.subtract(days=1).isoformat()
            if not self.storage.load_days(day, day):  # type: ignore[union-attr]
                return  # (no day of that month is archived, nor a goal finished then)

    def _run_reaches(self, date: Date, start: Date) -> bool:
        """Whether a streak on ``date`` may run on before ``start``."""
        days = self.days()
        active = review.done_days(self._review_index(), days)
        if date.subtract(days=review.streak(active, date)) <= start:
            return True
        done: dict[int, set[Date]] = {}
        for day in days.values():
            for habit in day.habits_done:
                done.setdefault(habit, set()).add(day.date)
        goals = self.goals()
        # (a habit's run reaches back that far if days done before ``start`` would make it
        # longer: for one due weekly, the 13 days between two done days in a run)
        before = {start.subtract(days=n) for n in range(1, 15)}
        for habit, dates in done.items():
            goal = goals.get(habit)
            if goal is not None and goal.is_habit:
                count = review.habit_streak(goal, dates, date)
                if count and review.habit_streak(goal, dates | before, date) > count:
                    return True
        return False

    def archived_share(self) -> retro_kept.Archived | None:
        """The archive's share of the retro's all-time counts (None: read the archive
        instead: there is none, all of it is read, or the pass kept no figures)."""
        if not getattr(self.storage, "history_unread", lambda: False)():
            return None
        kept = retro_kept.of_doc(self.storage.kept())  # type: ignore[union-attr]
        if kept is None:
            return None
        copies, parents = self.storage.replaced_copies()  # type: ignore[union-attr]
        goals = [Goal.from_doc(int(k), v) for k, v in copies["goals"].items()]
        days = [Day.from_doc(v) for v in copies["days"].values()]
        return kept.minus(retro_kept.figures(goals, days, parents))

    def history_read_from(self, date: Date) -> Date | None:
        """The first day from which every day up to ``date`` is in memory (None: all are,
        or ``date`` is not)."""
        month = getattr(self.storage, "read_from", lambda _: None)(date.isoformat()[:7])
        return Date.fromisoformat(f"{month}-01") if month else None

    def horizon(self) -> Date | None:
        """The first day whose plan and blocks are all in the main file (None: all are)."""
        before = getattr(self.storage, "horizon", lambda: None)()
        return Date.fromisoformat(before) if before else None

    def _archived_top(self) -> int:
        """The highest position of an archived top-level goal (-1: none)."""
        kept: dict[str, Any] = getattr(self.storage, "kept", dict)()
        top = kept.get("top", -1)
        return top if type(top) is int else -1

    def kept_runs(self, date: Date) -> Runs | None:
        """The streaks' runs across the horizon as the last pass kept them, for a streak on
        ``date``, while the days before it are unread (None: every day is read, there is no
        archive, or ``date`` is before the horizon: ``history_for_runs`` reads what a streak
        on it needs)."""
        horizon = self.horizon()
        if horizon is None or date < horizon:
            return None
        if not getattr(self.storage, "history_unread", lambda: False)():
            return None
        return runs_of(self.storage.kept(), self.storage.horizon())  # type: ignore[union-attr]

    def _known(self, *ids: int | None) -> None:
        """Read the archive in when a goal id given is not in the main file (and was not
        deleted since the archive was written)."""
        view = self._goal_view()
        missing = [i for i in ids if i is not None and i not in view and not self._deleted(i)]
        if missing:
            self._read_goals(missing)

    def _read_goals(self, ids: list[int]) -> bool:
        """Read in the archive's goals ``ids`` (their trees, what they refer to)."""
        load_goals = getattr(self.storage, "load_goals", None)
        if load_goals is None:
            return self.read_history()
        return bool(load_goals(ids))

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
        size = sum(len(tables.get(name, {})) for name in MOVABLE)
        return size >= ARCHIVE_FIRST_AT

    def archive_old(self) -> dict[str, Any]:
        """Move what today's screen never needs to the archive; what it holds after."""
        archive = getattr(self.storage, "archive", None)
        if archive is None:
            return {"archived": 0, "before": None}
        today = self.clock.today()

        from tui_microgoals.core import archive_rule  # (a pass is weekly: not at start)

        def choose(data: dict[str, dict[str, Any]]) -> archive_rule.Choice:
            kept = {**self.storage.kept(), "made": today.isoformat()}  # type: ignore[union-attr]
            return archive_rule.choose(data, today, kept)

        count = archive(choose, retro_kept.summarize)
        self._forget_caches()
        return {"archived": count, "before": self.storage.horizon()}  # type: ignore[union-attr]

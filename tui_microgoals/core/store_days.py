"""Day plans and planning ahead: the list, the One Thing, the note, the hand-off of a goal's
place to its steps, capacity, the suggested plan, the forecast, history and the review.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pendulum import Date

from tui_microgoals.core import forecast, right_size, settings, tree
from tui_microgoals.core.calibration import Calibration
from tui_microgoals.core.errors import InputError
from tui_microgoals.core.forecast import ForecastRow, Simulation, SuggestedPlan
from tui_microgoals.core.history import DayTotals, day_totals, focus_minutes_by_day
from tui_microgoals.core.kept_runs import Runs
from tui_microgoals.core.models import DROPPED, Day, Goal
from tui_microgoals.core.planner import (
    CARRY_WINDOW_DAYS,
    PlanEntries,
    TodayItem,
    day_list,
    first_startable,
    habit_done_days,
    is_step,
    pass_to_steps,
    plan_units,
)
from tui_microgoals.core.review import Review, habit_streak, review_day
from tui_microgoals.core.store_base import StoreBase, counted
from tui_microgoals.core.store_settings import dismissal_active
from tui_microgoals.core.text import clean_notes

#: How far back a day's review looks, for reading the archive: its list carries what was
#: planned up to ``CARRY_WINDOW_DAYS`` before it (its suggestions look back 14 days).
REVIEW_LOOKBACK_DAYS = CARRY_WINDOW_DAYS


class DaysMixin(StoreBase):
    """Writes to the day plans, and the reads that look ahead or back over days."""

    if TYPE_CHECKING:

        def settings(self) -> dict[str, Any]: ...
        def calibration(self) -> Calibration | None: ...
        def kept_runs(self, date: Date) -> Runs | None: ...

    def today(self, date: Date | None = None) -> list[TodayItem]:
        date = date or self.clock.today()
        return day_list(self.goals(), self.days(), date, self.settings()["block_minutes"])

    def _listed_before_first_step(self, parent: int | None) -> bool | None:
        """Before ``parent`` gets a step: None if it has one already or no day plan holds
        it (nothing to hand over), else whether it is on today's list, open."""
        if parent is None:
            return None
        raw = self._goals_t._read_table()
        if any(
            d.get("parent") == parent and is_step(d.get("status"), d.get("recurrence"))
            for d in raw.values()
        ):
            return None
        if not any(
            parent in day.items or parent in day.off or day.one_thing == parent
            for day in self.days().values()
        ):
            return None
        return any(i.goal.id == parent and not i.done for i in self.today())

    def _hand_off(self, parent: int | None, listed: bool | None) -> list[str]:
        """A goal that got its first step is no longer a micro-goal: its place on each
        day's list from today on passes to its open steps (earlier days keep their record;
        the day list reads them the same way). Returns what to tell the user."""
        if parent is None or listed is None:
            return []
        goals = self.goals()
        entries = PlanEntries(goals, [parent])
        if parent not in entries.steps:
            return []
        today = self.clock.today()
        for day in list(self.days().values()):
            if day.date >= today and (
                parent in day.items or parent in day.off or day.one_thing == parent
            ):
                self._save_day(pass_to_steps(day, entries, goals))
        if not listed:
            return []
        steps = entries.of(parent)
        if not steps:
            return [f"goal {parent} now has steps, none open: it left today's list"]
        shown = ", ".join(map(str, steps[:5]))
        if len(steps) > 5:
            shown += f" and {len(steps) - 5} more"
        return [f"goal {parent} now has steps: its place on today's list passed to {shown}"]

    def _day_to_change(self, date: Date) -> Day:
        """A day's plan about to change, with any entry for a goal with steps (a file
        written before the hand-off) passed to those steps first, so it is never stuck."""
        day = self.day(date)
        goals = self.goals()
        ids = [*day.items, *day.off, *([day.one_thing] if day.one_thing is not None else [])]
        entries = PlanEntries(goals, ids)
        return pass_to_steps(day, entries, goals) if entries.steps else day

    def _plan(self, ids: Iterable[int], date: Date, notices: list[str] | None = None) -> Day:
        """Plan micro-goals. A goal with steps stands for its open steps (as "plan the
        project" does in a todo tree: its parts go on the list), and is refused only when
        none is open."""
        ids = list(ids)
        day = self._day_to_change(date)
        goals = self.goals()
        entries = PlanEntries(goals, ids)
        for goal_id in ids:
            goal = self.goal(goal_id)
            if goal.status == DROPPED:
                raise InputError(f"goal {goal_id} was dropped")
            units = entries.of(goal_id)
            if goal_id in entries.steps:
                if not units:
                    raise InputError(f"goal {goal_id} has no open step to plan")
                if notices is not None:
                    listed = ", ".join(map(str, units))
                    notices.append(f"goal {goal_id} has steps: planned its open steps {listed}")
            for unit in units:
                if unit in day.off:
                    day.off.remove(unit)
                if unit not in day.items:
                    day.items.append(unit)
        self._save_day(day)
        return day

    def plan(self, ids: Iterable[int], date: Date | None = None) -> list[TodayItem]:
        date = date or self.clock.today()
        notices: list[str] = []
        ids = list(ids)
        what = self._titled(ids[0]) if len(ids) == 1 else counted(len(ids), "goal")
        with self._tx(f"planned {what} for {self._on_day(date)}"):
            self._plan(ids, date, notices)
        self._notices += notices
        return self.today(date)

    def unplan(self, goal_id: int, date: Date | None = None) -> list[TodayItem]:
        """Take a goal off a day's list; it stops being carried. A goal with steps takes
        its open steps off."""
        date = date or self.clock.today()
        day_words = "" if date == self.clock.today() else f" from {self._on_day(date)}"
        with self._tx(f"unplanned {self._titled(goal_id)}{day_words}"):
            self.goal(goal_id)
            day = self._day_to_change(date)
            units = list(dict.fromkeys([*plan_units(self.goals(), goal_id), goal_id]))
            day.items = [i for i in day.items if i not in units]
            day.off += [u for u in units if u not in day.off]
            if day.one_thing in units:
                day.one_thing = None
            self._save_day(day)
        return self.today(date)

    def set_one_thing(self, goal_id: int | None, date: Date | None = None) -> Day:
        """The One Thing is a micro-goal; for a goal with steps, its first open step that
        can start now (planned if it is not yet)."""
        date = date or self.clock.today()
        notices: list[str] = []
        what = "cleared the One Thing" if goal_id is None else "made {} the One Thing"
        with self._tx(what.format(self._titled(goal_id))):
            if goal_id is not None:
                self.goal(goal_id)
                units = plan_units(self.goals(), goal_id)
                if units != [goal_id]:
                    chosen = first_startable(self.goals(), units)
                    if chosen is None:
                        raise InputError(f"goal {goal_id} has no open step that can start now")
                    notices.append(
                        f"goal {goal_id} has steps: the One Thing is its first step that "
                        f"can start, {chosen}"
                    )
                    goal_id = chosen
            day = self._day_to_change(date)
            if (
                goal_id is not None
                and not (goal_id in day.items and goal_id in self.goals())
                and goal_id not in [i.goal.id for i in self.today(date)]
            ):
                self._plan([goal_id], date)
                day = self.day(date)
            day.one_thing = goal_id
            self._save_day(day)
            self._relabel(what.format(self._titled(goal_id)))
        self._notices += notices
        return day

    def reorder_day(self, goal_id: int, delta: int, date: Date | None = None) -> Day:
        date = date or self.clock.today()
        way = "up" if delta < 0 else "down"
        with self._tx(f"moved {self._titled(goal_id)} {way} the list for {self._on_day(date)}"):
            day = self._day_to_change(date)
            if goal_id not in day.items:
                raise InputError(f"goal {goal_id} is not planned for {date}")
            index = day.items.index(goal_id)
            day.items.pop(index)
            day.items.insert(max(0, min(len(day.items), index + delta)), goal_id)
            self._save_day(day)
        return day

    def set_day_note(self, note: str, date: Date | None = None) -> Day:
        date = date or self.clock.today()
        return self._set_day_text("note", note, date, f"the day note for {self._on_day(date)}")

    def _set_day_text(self, field: str, text: str, date: Date, words: str) -> Day:
        """Write one of a day's notes (``note``, ``week_note``), cleaned, as one change
        said "wrote WORDS" or "cleared WORDS"."""
        text = clean_notes(text)
        with self._tx(f"{'wrote' if text else 'cleared'} {words}"):
            day = self.day(date)
            setattr(day, field, text)
            self._save_day(day)
        return day

    def history(self, end: Date | None = None, days: int = 14) -> list[DayTotals]:
        """Focus minutes and done counts for each of the ``days`` days up to ``end``."""
        end = end or self.clock.today()
        start = end.subtract(days=days - 1)
        self.history_from(start, end)
        blocks = self.blocks_between(start, end)
        index = self._review_index()
        return day_totals(self.goals(), self.days(), blocks, start, end, self.clock.now(), index)

    def review(self, date: Date | None = None, *, suggest: bool = True) -> Review:
        """``suggest=False``: no suggestions (the count and streak after a goal is done)."""
        date = date or self.clock.today()
        back = max(REVIEW_LOOKBACK_DAYS, right_size.LOOKBACK_DAYS if suggest else 0)
        self.history_from(date.subtract(days=back), date)  # (and what it looks back on)
        self.history_for_runs(date)

        def made() -> Review:
            return review_day(
                self.goals(),
                self.days(),
                self.blocks_on(date),
                date,
                self.clock.now(),
                self.settings()["block_minutes"],
                self._review_index(),
                self.blocks_between(date.subtract(days=right_size.BLOCK_DAYS_BACK), date)
                if suggest
                else (),
                suggest=suggest,
                runs=self.kept_runs(date),
            )

        review = made()
        if review.before_first_use and self.read_history():  # (the first use may be archived)
            review = made()
        review.calibration = self.calibration()
        dismissed = self._meta().get("dismissed", {})
        review.suggestions = [
            s
            for s in review.suggestions
            if not dismissal_active(dismissed.get(f"{s.id}:{s.kind}"), date)
        ]
        review.superseded = self.superseded_on(date)
        return review

    def open_goals(self) -> list[Goal]:
        """The open goals (habits included), by id: from the review's index, no scan."""
        goals = self.goals()
        return [goals[i] for i in self._review_index().open_ids()]

    def habit_streaks(self, date: Date) -> list[tuple[Goal, int]]:
        """Each open habit begun by ``date`` with its streak on ``date``."""
        self.history_from(date, date)
        self.history_for_runs(date)
        done = habit_done_days(self.days())
        runs = self.kept_runs(date)
        return [
            (goal, habit_streak(goal, done.get(goal.id, set()), date, runs=runs))
            for goal in self.open_goals()
            if goal.is_habit and (goal.first_day or date) <= date
        ]

    def superseded_on(self, date: Date) -> list[str]:
        """The values another device's write superseded in the syncs of ``date``."""
        if self.path is None:
            return []
        from tui_microgoals.core import sync  # (not loaded by the commands that never sync)

        if sync.setup_of(self) is None:  # type: ignore[arg-type]
            return []
        return sync.Syncer(self).superseded_on(date)  # type: ignore[arg-type]

    def capacity(self, date: Date | None = None, override: int | None = None) -> int:
        """Focus minutes in a usual day: the median of the last 14 days that had a block."""
        if override is not None:
            return settings.check_number("capacity", override)
        date = date or self.clock.today()
        setting = self.settings()["capacity"]
        raw = self._blocks_t._read_table()  # reloads first if another process wrote
        # The app asks on every redraw; only a block (ours or another process's) changes it.
        key = (date, setting, self.storage.generation, self._block_saves, id(raw), len(raw))
        if self._capacity_cache is not None and self._capacity_cache[0] == key:
            return self._capacity_cache[1]
        # Only the blocks count here: the day totals' done counts would walk every goal for
        # each of the 14 days (~60 ms at 10k documents).
        end = date.subtract(days=1)
        blocks = self.blocks_between(end.subtract(days=forecast.HISTORY_DAYS - 1), end)
        capacity = forecast.capacity_from_history(
            focus_minutes_by_day(blocks, self.clock.now()), setting
        )
        if all(b.ended_at is not None for b in blocks):  # one still running grows by the minute
            self._capacity_cache = (key, capacity)
        return capacity

    def simulate(self, date: Date | None = None, capacity: int | None = None) -> Simulation:
        date = date or self.clock.today()
        return forecast.simulate(
            self.goals(),
            self.days(),
            date,
            self.capacity(date, capacity),
            self.settings()["block_minutes"],
            pace=self.calibration(),
        )

    def suggest_plan(
        self, date: Date | None = None, capacity: int | None = None, accept: bool = False
    ) -> SuggestedPlan:
        """The first day of the simulation; ``accept`` adds what is not on the list yet."""
        date = date or self.clock.today()
        what = "accepted the suggested plan" if accept else "worked out the suggested plan"
        with self._tx(what, undoable=accept):
            plan = forecast.suggested_plan(
                self.simulate(date, capacity), self.goals(), self.days().get(date)
            )
            if accept:
                _, added = self._accept_plan(plan, [i.goal.id for i in plan.items])
                self._relabel(f"{what} ({counted(added, 'item')})")
        return plan

    def accept_plan(self, plan: SuggestedPlan, ids: Iterable[int]) -> Day:
        """Plan the chosen items; never removes or duplicates what the day already has."""
        with self._tx("accepted the suggested plan"):
            day, added = self._accept_plan(plan, ids)
            self._relabel(f"accepted the suggested plan ({counted(added, 'item')})")
        return day

    def _accept_plan(self, plan: SuggestedPlan, ids: Iterable[int]) -> tuple[Day, int]:
        """``accept_plan``'s work; also returns how many items it planned."""
        chosen = set(ids)
        listed = {i.goal.id for i in self.today(plan.date)}
        new = [
            i.goal.id
            for i in plan.items
            if i.goal.id in chosen and i.goal.id not in listed and not i.goal.is_habit
        ]
        day = self._plan(new, plan.date) if new else self.day(plan.date)
        one = plan.one_thing
        current = self.goals().get(day.one_thing) if day.one_thing is not None else None
        cannot_start = current is None or tree.waits(self.goals(), current)
        if cannot_start and one is not None and one.id in chosen:
            day.one_thing = one.id
            self._save_day(day)
        return day, len(new)

    def forecast(self, capacity: int | None = None) -> list[ForecastRow]:
        today = self.clock.today()
        return forecast.forecast(
            self.goals(),
            self.simulate(today, capacity),
            today,
            self.settings()["block_minutes"],
            self.calibration(),
        )

"""The store: every change to goals, day plans and blocks, each one a single transaction.

``Store(db, clock)`` takes its TinyDB and its clock as arguments. With ``DurableStorage``
each public method that writes holds the cross-process lock, starts from the newest file on
disk and commits once, so two processes never lose each other's changes. Ids come from
counters kept in the file: they are never reused, even after a delete.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

import orjson
from pendulum import Date, DateTime
from tinydb import TinyDB
from tinydb.table import Document

from tui_microgoals.core import bounds, forecast, journal, oplog, settings, timer, tree
from tui_microgoals.core.clock import Clock, to_instant, to_iso
from tui_microgoals.core.errors import Conflict, InputError, NotFound
from tui_microgoals.core.forecast import ForecastRow, Simulation, SuggestedPlan
from tui_microgoals.core.history import DayTotals, day_totals, focus_minutes_by_day
from tui_microgoals.core.models import (
    DEFAULT_BLOCK_MINUTES,
    DONE,
    DROPPED,
    OPEN,
    OUTCOMES,
    Block,
    Day,
    Goal,
    Interruption,
    Pause,
)
from tui_microgoals.core.oplog import OPS_TABLE
from tui_microgoals.core.planner import (
    PlanEntries,
    TodayItem,
    day_list,
    first_startable,
    is_step,
    pass_to_steps,
    plan_units,
)
from tui_microgoals.core.recurrence import Recurrence
from tui_microgoals.core.review import Review, review_day
from tui_microgoals.core.settings import check_block_minutes as check_block_minutes
from tui_microgoals.core.storage import (
    SCHEMA_VERSION,
    DurableStorage,
    MemoryStorage,
    TrackedTable,
)
from tui_microgoals.core.store_undo import UndoLog
from tui_microgoals.core.text import (
    MAX_ESTIMATE_MINUTES as MAX_ESTIMATE_MINUTES,
)
from tui_microgoals.core.text import (
    check_minutes,
    clean_line,
    clean_notes,
    clean_title,
    quoted,
)

EXPORT_FORMAT = "microgoals-export"
#: The schema versions an export may have: version 2 added only the operation log, which an
#: export leaves out, so a version-1 export imports as it is.
EXPORT_VERSIONS = (1, 2)
DISMISS_DAYS = 7


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()

DEFAULT_SETTINGS: dict[str, Any] = {
    "block_minutes": DEFAULT_BLOCK_MINUTES,
    "capacity": 120,
    "reward_every": 5,
    "reward": "",
    "theme": "textual-dark",
}


@dataclass(frozen=True)
class Snapshot:
    """Everything the screens draw, read at one moment."""

    goals: dict[int, Goal]
    days: dict[Date, Day]
    running: Block | None
    settings: dict[str, Any]


def _dismissal_active(dismissed_on: str | None, date: Date) -> bool:
    if not dismissed_on:
        return False
    try:
        since = Date.fromisoformat(dismissed_on)
    except ValueError:
        return False
    return 0 <= (date - since).days < DISMISS_DAYS


class _LazyGoals(Mapping[int, Goal]):
    """Goals parsed from raw documents only when asked for."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = raw
        self.parsed: dict[int, Goal] = {}

    def __getitem__(self, goal_id: int) -> Goal:
        if goal_id not in self.parsed:
            self.parsed[goal_id] = Goal.from_doc(goal_id, self.raw[str(goal_id)])
        return self.parsed[goal_id]

    def __contains__(self, goal_id: object) -> bool:
        return str(goal_id) in self.raw

    def __iter__(self) -> Iterator[int]:
        return (int(k) for k in self.raw)

    def __len__(self) -> int:
        return len(self.raw)


class Store(UndoLog):
    def __init__(self, db: TinyDB, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or Clock()
        self.storage: DurableStorage | MemoryStorage = db.storage  # type: ignore[assignment]
        # No query cache: another process may change the file under us.
        # Tracked tables write only the documents that changed; no query cache, because
        # another process may change the file under us.
        self._goals_t = TrackedTable(self.storage, "goals", cache_size=0)
        self._blocks_t = TrackedTable(self.storage, "blocks", cache_size=0)
        self._days_t = TrackedTable(self.storage, "days", cache_size=0)
        self._meta_t = TrackedTable(self.storage, "meta", cache_size=0)
        self._ops_t = TrackedTable(self.storage, OPS_TABLE, cache_size=0)
        self.actor = "microgoals"
        self.what: str | None = None
        self.undoable = True
        self._entry_extra: dict[str, Any] = {}
        self._tx_depth = 0
        self._goals_cache: tuple[int, dict[int, Goal]] | None = None
        #: Changes to the goals cache by our own writes and parses (see ``snapshot``).
        self._goal_edits = 0
        self._goals_copy: tuple[tuple[int, int], dict[int, Goal]] | None = None
        self._days_cache: tuple[int, dict[str, Day]] | None = None
        #: For the summary: (storage generation, top-level goal -> position, id bound).
        self._roots: tuple[int, dict[str, Any], int] | None = None
        #: The last capacity worked out, and what it was worked out from.
        self._capacity_cache: tuple[tuple[Any, ...], int] | None = None
        self._block_saves = 0
        #: What changes did beyond what was asked, one line each (see ``take_notices``).
        self._notices: list[str] = []
        if isinstance(self.storage, DurableStorage):
            self.storage.summarize = self._summary

    @classmethod
    def open(cls, path: str | os.PathLike[str], clock: Clock | None = None) -> Store:
        return cls(TinyDB(Path(path), storage=DurableStorage), clock)

    @classmethod
    def memory(cls, clock: Clock | None = None) -> Store:
        return cls(TinyDB(storage=MemoryStorage), clock)

    @property
    def path(self) -> Path | None:
        return getattr(self.storage, "path", None)

    @contextmanager
    def _tx(self, what: str | None = None, *, undoable: bool = True) -> Iterator[None]:
        """One transaction, and one entry in the operation log saying ``what`` it did (the
        outermost ``_tx``'s words win; a change that is not the user's own act, such as the
        morning offer, is not ``undoable``)."""
        with self.storage.transaction():
            if self._tx_depth:
                self._tx_depth += 1
                try:
                    yield
                finally:
                    self._tx_depth -= 1
                return
            self._tx_depth, self.what, self.undoable, self._entry_extra = 1, what, undoable, {}
            try:
                yield
                self._log_change()
            finally:
                self._tx_depth, self.what, self._entry_extra = 0, None, {}

    def _table(self, name: str) -> TrackedTable:
        known = {
            "goals": self._goals_t,
            "blocks": self._blocks_t,
            "days": self._days_t,
            "meta": self._meta_t,
            OPS_TABLE: self._ops_t,
        }
        return known.get(name) or TrackedTable(self.storage, name, cache_size=0)

    def _forget_caches(self) -> None:
        """After a change the caches cannot follow (an import, an undo): parse afresh."""
        self._goals_cache = self._days_cache = None
        self._roots = None
        self._capacity_cache = None
        self._goal_edits += 1

    def changed(self) -> bool:
        """Whether another process wrote since we last looked (one stat call)."""
        return self.storage.changed()

    def take_notices(self) -> list[str]:
        """What the changes since the last call did beyond what was asked (a plan entry that
        passed to a goal's steps), one line each, for the CLI and the app to show; each is
        given once. A change that was refused leaves none."""
        notices, self._notices = self._notices, []
        return notices

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
            "ops": oplog.newest(data.get(OPS_TABLE, {})),
        }

    # -- meta: counters and settings ------------------------------------------------

    def _meta(self) -> dict[str, Any]:
        return dict(self._meta_t.get(doc_id=1) or {})

    def _next_id(self, kind: str) -> int:
        meta = self._meta()
        key = f"next_{kind}"
        new_id = meta.get(key)
        if not isinstance(new_id, int):  # a file without counters: start past every id
            table = self._goals_t if kind == "goal" else self._blocks_t
            new_id = max((int(k) for k in table._read_table()), default=0) + 1
        meta[key] = new_id + 1
        self._meta_t.upsert(Document(meta, doc_id=1))
        return new_id

    def settings(self) -> dict[str, Any]:
        """Stored settings over the defaults; a hand-edited value of the wrong type (or one
        ``set_setting`` would refuse: see ``settings.check``) reads as the default."""
        stored = self._meta().get("settings")
        found = dict(DEFAULT_SETTINGS)
        for key, value in stored.items() if isinstance(stored, dict) else ():
            default = DEFAULT_SETTINGS.get(key)
            if default is None or type(value) is type(default):
                found[key] = value
        for key in (*settings.RANGES, "theme"):
            if not settings.readable(key, found[key]):
                found[key] = DEFAULT_SETTINGS[key]
        return found

    def set_setting(self, key: str, value: Any) -> dict[str, Any]:
        """Change one setting; a value out of its range is refused with one line."""
        if key not in DEFAULT_SETTINGS:
            raise InputError(f"unknown setting {key!r}; known: {', '.join(DEFAULT_SETTINGS)}")
        value = settings.check(key, value)
        with self._tx():
            meta = self._meta()
            meta["settings"] = {**meta.get("settings", {}), key: value}
            self._meta_t.upsert(Document(meta, doc_id=1))
        return self.settings()

    # -- reading ----------------------------------------------------------------------

    def goals(self) -> dict[int, Goal]:
        """All goals by id. Parsed once per load of the file; after that only the goals
        another process changed are parsed again, and our own writes patch the cache."""
        raw = self._goals_t._read_table()  # reloads first if another process wrote
        generation = self.storage.generation
        cache = self._goals_cache
        if cache is not None and cache[0] != generation:
            changes = getattr(self.storage, "changes_since", lambda _: None)(cache[0])
            if changes is None:
                cache = None
            else:
                for key in changes.get("goals", ()):
                    if key in raw:
                        cache[1][int(key)] = Goal.from_doc(int(key), raw[key])
                    else:
                        cache[1].pop(int(key), None)
                cache = self._goals_cache = (generation, cache[1])
        if cache is None:
            parsed = {int(k): Goal.from_doc(int(k), v) for k, v in raw.items()}
            cache = self._goals_cache = (generation, parsed)
            self._goal_edits += 1
        return cache[1]

    def goal(self, goal_id: int) -> Goal:
        goal = self.goals().get(goal_id)
        if goal is None:
            raise NotFound(f"no goal with id {goal_id}")
        return goal

    def days(self) -> dict[Date, Day]:
        """All day plans by date: parsed once per load of the file, like ``goals()``.
        Treat the Day objects as read-only (the store saves changed copies)."""
        return {day.date: day for day in self._days_by_key().values()}

    def _days_by_key(self) -> dict[str, Day]:
        raw = self._days_t._read_table()  # reloads first if another process wrote
        generation = self.storage.generation
        cache = self._days_cache
        if cache is not None and cache[0] != generation:
            changes = getattr(self.storage, "changes_since", lambda _: None)(cache[0])
            if changes is None:
                cache = None
            else:
                for key in changes.get("days", ()):
                    if key in raw:
                        cache[1][key] = Day.from_doc(raw[key])
                    else:
                        cache[1].pop(key, None)
                cache = self._days_cache = (generation, cache[1])
        if cache is None:
            cache = self._days_cache = (generation, {k: Day.from_doc(v) for k, v in raw.items()})
        return cache[1]

    def day(self, date: Date) -> Day:
        doc = self._days_t.get(doc_id=date.toordinal())
        return Day.from_doc(doc) if doc else Day(date)

    def blocks(self) -> list[Block]:
        return [Block.from_doc(int(k), v) for k, v in self._blocks_t._read_table().items()]

    def blocks_on(self, date: Date) -> list[Block]:
        """Blocks that count toward the local date ``date`` (the day each one started)."""
        return self.blocks_between(date, date)

    def blocks_between(self, start: Date, end: Date) -> list[Block]:
        """Blocks of the local dates ``start`` to ``end``; only those are parsed."""
        low, high = start.isoformat(), end.isoformat()
        raw = self._blocks_t._read_table()
        found = [
            Block.from_doc(int(k), v) for k, v in raw.items() if low <= (v.get("day") or "") <= high
        ]
        return sorted(found, key=lambda b: b.started_at)

    def history(self, end: Date | None = None, days: int = 14) -> list[DayTotals]:
        """Focus minutes and done counts for each of the ``days`` days up to ``end``."""
        end = end or self.clock.today()
        start = end.subtract(days=days - 1)
        blocks = self.blocks_between(start, end)
        return day_totals(self.goals(), self.days(), blocks, start, end, self.clock.now())

    def running_block(self) -> Block | None:
        running_id = self._meta().get("running")
        if running_id is None:
            return None
        doc = self._blocks_t.get(doc_id=running_id)
        if doc is None or doc.get("ended_at") is not None:
            return None
        return Block.from_doc(running_id, doc)

    def today(self, date: Date | None = None) -> list[TodayItem]:
        date = date or self.clock.today()
        return day_list(self.goals(), self.days(), date, self.settings()["block_minutes"])

    def review(self, date: Date | None = None) -> Review:
        date = date or self.clock.today()
        review = review_day(
            self.goals(),
            self.days(),
            self.blocks_on(date),
            date,
            self.clock.now(),
            self.settings()["block_minutes"],
        )
        dismissed = self._meta().get("dismissed", {})
        review.suggestions = [
            s
            for s in review.suggestions
            if not _dismissal_active(dismissed.get(f"{s.id}:{s.kind}"), date)
        ]
        return review

    def dismiss_suggestion(self, goal_id: int, kind: str) -> None:
        """Hide a suggestion for a week; it comes back if the pattern goes on."""
        with self._tx():
            meta = self._meta()
            dismissed = dict(meta.get("dismissed", {}))
            dismissed[f"{goal_id}:{kind}"] = self.clock.today().isoformat()
            meta["dismissed"] = dismissed
            self._meta_t.upsert(Document(meta, doc_id=1))

    # -- planning ahead -------------------------------------------------------------------

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
        )

    def suggest_plan(
        self, date: Date | None = None, capacity: int | None = None, accept: bool = False
    ) -> SuggestedPlan:
        """The first day of the simulation; ``accept`` adds what is not on the list yet."""
        date = date or self.clock.today()
        with self._tx():
            plan = forecast.suggested_plan(
                self.simulate(date, capacity), self.goals(), self.days().get(date)
            )
            if accept:
                self.accept_plan(plan, [i.goal.id for i in plan.items])
        return plan

    def accept_plan(self, plan: SuggestedPlan, ids: Iterable[int]) -> Day:
        """Plan the chosen items; never removes or duplicates what the day already has."""
        chosen = set(ids)
        with self._tx():
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
        return day

    def claim_morning_nudge(self, date: Date | None = None) -> bool:
        """True only the first time it is asked on a day, so the app offers the suggested plan
        once a day, across restarts and every process sharing the database."""
        day = (date or self.clock.today()).isoformat()
        with self._tx():
            meta = self._meta()
            if meta.get("nudged_on") == day:
                return False
            meta["nudged_on"] = day
            self._meta_t.upsert(Document(meta, doc_id=1))
        return True

    def break_until(self) -> DateTime | None:
        """When the break the user took ends: kept in the file, so a restart keeps it."""
        try:
            return to_instant(self._meta().get("break_until"))
        except (TypeError, ValueError):  # hand-edited: no break rather than no app
            return None

    def set_break_until(self, until: DateTime | None) -> None:
        """Start (``until``) or end (``None``) the break."""
        if self._meta().get("break_until") == to_iso(until):
            return  # no write twice a second while no break runs
        with self._tx():
            meta = self._meta()
            meta["break_until"] = to_iso(until)
            self._meta_t.upsert(Document(meta, doc_id=1))

    def forecast(self, capacity: int | None = None) -> list[ForecastRow]:
        today = self.clock.today()
        return forecast.forecast(
            self.goals(), self.simulate(today, capacity), today, self.settings()["block_minutes"]
        )

    def snapshot(self) -> Snapshot:
        """A copy of the goals (the store patches its own dict on later writes): the same
        copy while no goal changed, so a screen can tell "nothing changed" by identity."""
        goals = self.goals()
        key = (self.storage.generation, self._goal_edits)
        if self._goals_copy is None or self._goals_copy[0] != key:
            self._goals_copy = (key, dict(goals))
        return Snapshot(self._goals_copy[1], self.days(), self.running_block(), self.settings())

    # -- goals ------------------------------------------------------------------------

    def _save_goal(self, goal: Goal) -> Goal:
        self._goals_t.upsert(Document(goal.to_doc(), doc_id=goal.id))
        if self._goals_cache is not None:  # else the next goals() parses the table anyway
            self.goals()[goal.id] = goal
            self._goal_edits += 1
        return goal

    def _goal_view(self) -> Mapping[int, Goal]:
        """The goals for a check that looks at a few of them: the parsed cache when there is
        one, else a view that parses only the goals asked for (``microgoals add`` in a fresh
        process need not parse 10k goals)."""
        if self._goals_cache is not None:
            return self.goals()
        return _LazyGoals(self._goals_t._read_table())

    def _check_parent(
        self, goals: Mapping[int, Goal], goal_id: int | None, parent: int | None
    ) -> None:
        if parent is None:
            return
        if parent not in goals:
            raise NotFound(f"no goal with id {parent} (the parent)")
        if goal_id is not None and (
            parent == goal_id or parent in tree.descendants(goals, goal_id)
        ):
            raise InputError(f"goal {goal_id} cannot move under itself or its own sub-goal")
        below = 1 if goal_id is None else tree.height(goals, goal_id)
        if tree.depth(goals, parent) + below > tree.MAX_DEPTH:
            raise InputError(f"goals nest at most {tree.MAX_DEPTH} levels deep")

    def _check_after(
        self,
        goals: Mapping[int, Goal],
        goal_id: int | None,
        after: Iterable[int],
        parent: int | None = None,
    ) -> list[int]:
        result: list[int] = []
        if goal_id is not None:
            parent = goals[goal_id].parent
        above = (
            {parent} | {g.id for g in tree.ancestors(goals, parent)}
            if parent is not None and parent in goals
            else set()
        )
        for other in after:
            if other not in goals:
                raise NotFound(f"no goal with id {other} (in --after)")
            if other == goal_id:
                raise InputError(f"goal {other} cannot wait for itself")
            if other in above:
                raise InputError(
                    f"a goal cannot wait for {other}, a goal above it: "
                    f"{other} can only be done once its own steps are"
                )
            if other not in result:
                result.append(other)
        if goal_id is not None and tree.would_cycle(goals, goal_id, result):
            others = ", ".join(map(str, result))
            raise InputError(
                f"refused: goal {goal_id} waiting for {others} would make a dependency cycle"
            )
        return result

    def _reopen_above(
        self, goals: Mapping[int, Goal], parent: int | None, *, dropped: bool = False
    ) -> None:
        """A new open step under a finished goal means that goal is not finished after all
        (with ``dropped``, a dropped goal above is not dropped either)."""
        if parent is None or parent not in goals:
            return
        chain = [goals[parent], *tree.ancestors(goals, parent)]
        closed = (DONE, DROPPED) if dropped else (DONE,)
        for above in chain:
            if above.status in closed and not above.is_habit:
                self._save_goal(
                    replace(above, status=OPEN, done_at=None, done_on=None, dropped_at=None)
                )

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

    def add_goal(
        self,
        title: str,
        *,
        parent: int | None = None,
        minutes: int | None = None,
        after: Iterable[int] = (),
        due: Date | None = None,
        every: str | None = None,
        notes: str = "",
        today: bool = False,
    ) -> Goal:
        title = clean_title(title)
        notes = clean_notes(notes)
        check_minutes(minutes)
        recurrence = str(Recurrence.parse(every)) if every else None
        with self._tx(f"added {quoted(title)}"):
            goals = self._goal_view()
            self._check_parent(goals, None, parent)
            after_ids = self._check_after(goals, None, after, parent)
            listed = self._listed_before_first_step(parent)
            self._reopen_above(goals, parent)
            raw = self._goals_t._read_table()
            positions = [d.get("position") for d in raw.values() if d.get("parent") == parent]
            goal = Goal(
                id=self._next_id("goal"),
                title=title,
                notes=notes,
                parent=parent,
                position=max(
                    (p for p in positions if isinstance(p, int) and not isinstance(p, bool)),
                    default=-1,
                )
                + 1,
                minutes=minutes,
                due=due,
                after=after_ids,
                recurrence=recurrence,
                created_at=self.clock.now(),
                created_on=self.clock.today(),
            )
            self._save_goal(goal)
            notice = self._hand_off(parent, listed)
            if today:
                self._plan([goal.id], self.clock.today())
        self._notices += notice
        return goal

    def edit_goal(
        self,
        goal_id: int,
        *,
        title: str | _Unset = UNSET,
        notes: str | _Unset = UNSET,
        minutes: int | None | _Unset = UNSET,
        due: Date | None | _Unset = UNSET,
        parent: int | None | _Unset = UNSET,
        after: Iterable[int] | _Unset = UNSET,
        every: str | None | _Unset = UNSET,
    ) -> Goal:
        changes: dict[str, Any] = {}
        if not isinstance(title, _Unset):
            changes["title"] = clean_title(title)
        if not isinstance(notes, _Unset):
            changes["notes"] = clean_notes(notes)
        if not isinstance(minutes, _Unset):
            changes["minutes"] = check_minutes(minutes)
        if not isinstance(due, _Unset):
            changes["due"] = due
        if not isinstance(every, _Unset):
            changes["recurrence"] = str(Recurrence.parse(every)) if every else None
        notice: list[str] = []
        listed: bool | None = None
        with self._tx():
            goals = self.goals()
            goal = self.goal(goal_id)
            if not isinstance(parent, _Unset) and parent != goal.parent:
                self._check_parent(goals, goal_id, parent)
                listed = self._listed_before_first_step(parent)
                siblings = [g for g in goals.values() if g.parent == parent]
                changes["parent"] = parent
                changes["position"] = max((g.position for g in siblings), default=-1) + 1
                if goal.status == OPEN:
                    self._reopen_above(goals, parent)
            if not isinstance(after, _Unset):
                changes["after"] = self._check_after(goals, goal_id, after)
            goal = self._save_goal(replace(goal, **changes))
            if listed is not None and not isinstance(parent, _Unset):
                notice = self._hand_off(parent, listed)
        self._notices += notice
        return goal

    def add_steps(
        self, parent: int, steps: Iterable[tuple[str, int | None]], *, today: bool = False
    ) -> list[Goal]:
        """Several steps under ``parent`` as one change (a split): all of them, or none."""
        with self._tx():
            return [
                self.add_goal(title, parent=parent, minutes=minutes, today=today)
                for title, minutes in steps
            ]

    def depend(self, goal_id: int, after: int) -> Goal:
        with self._tx():
            goal = self.goal(goal_id)
            if after in goal.after:
                return goal
            return self.edit_goal(goal_id, after=[*goal.after, after])

    def undepend(self, goal_id: int, after: int) -> Goal:
        """Stop ``goal_id`` waiting for ``after`` (taking a wait away never makes a cycle)."""
        with self._tx():
            goal = self.goal(goal_id)
            if after not in goal.after:
                raise InputError(f"goal {goal_id} does not wait for {after}")
            return self._save_goal(replace(goal, after=[a for a in goal.after if a != after]))

    def move(self, goal_id: int, delta: int) -> Goal:
        """Move a goal ``delta`` places among its siblings (manual order is priority)."""
        with self._tx():
            goals = self.goals()
            goal = self.goal(goal_id)
            kids = tree.children_map(goals)
            siblings = kids.get(goal.parent if goal.parent in goals else None, [])
            if goal_id not in {g.id for g in siblings}:  # a hand-made loop of parents, cut
                siblings = kids[None]
            index = next(i for i, g in enumerate(siblings) if g.id == goal_id)
            target = max(0, min(len(siblings) - 1, index + delta))
            order = [g for g in siblings if g.id != goal_id]
            order.insert(target, goal)
            for position, sibling in enumerate(order):
                if sibling.position != position:
                    self._save_goal(replace(sibling, position=position))
        return self.goal(goal_id)

    def _finish_goal(self, goal: Goal, when: DateTime) -> Goal:
        """Done: a plain goal closes; a recurring one records today's occurrence."""
        if goal.is_habit:
            day = self.day(self.clock.local_date(when))
            if goal.id not in day.habits_done:
                day.habits_done.append(goal.id)
                self._save_day(day)
            return goal
        if goal.status != OPEN:
            raise Conflict(f"goal {goal.id} is already {goal.status}")
        open_kids = [  # a habit never finishes, so it never holds its goal open
            g
            for g in self.goals().values()
            if g.parent == goal.id and g.status == OPEN and not g.is_habit
        ]
        if open_kids:
            raise Conflict(
                f"goal {goal.id} still has {len(open_kids)} open micro-goal(s); finish those first"
            )
        goal = self._save_goal(
            replace(goal, status=DONE, done_at=when, done_on=self.clock.local_date(when))
        )
        self._complete_above(goal.id, when)
        return goal

    def _complete_above(self, goal_id: int, when: DateTime) -> None:
        """A goal whose steps are all done (none open) is done too: its progress says 5/5,
        and whatever waits for it is no longer blocked. Habits below it don't count: they
        never finish."""
        goals = self.goals()
        kids = tree.children_map(goals)
        for above in tree.ancestors(goals, goal_id):
            live = [
                goals[c.id]
                for c in kids.get(above.id, [])
                if goals[c.id].status != DROPPED and not goals[c.id].is_habit
            ]
            if above.status != OPEN or above.is_habit or not live:
                break
            if any(c.status != DONE for c in live):
                break
            self._save_goal(
                replace(above, status=DONE, done_at=when, done_on=self.clock.local_date(when))
            )

    def mark_done(self, goal_id: int) -> Goal:
        with self._tx():
            goal = self.goal(goal_id)
            running = self.running_block()
            if running is not None and running.goal == goal_id:
                self._end_block(running, "done", None)
                return self.goal(goal_id)
            return self._finish_goal(goal, self.clock.now())

    def reopen(self, goal_id: int) -> Goal:
        """Open a done or dropped goal again (a habit done today: today's occurrence).

        A dropped goal brings back the steps its drop took (stamped with the same
        ``dropped_at``; a file from before the stamp: every dropped step), not the ones
        dropped on their own before; and a dropped or done goal above it opens too, so the
        goal is not hidden under a closed one.
        """
        with self._tx():
            goal = self.goal(goal_id)
            if goal.is_habit and goal.status == OPEN:
                day = self.day(self.clock.today())
                if goal_id not in day.habits_done:
                    raise Conflict(f"habit {goal_id} is not done today")
                day.habits_done.remove(goal_id)
                self._save_day(day)
                return goal
            if goal.status == OPEN:
                raise Conflict(f"goal {goal_id} is already open")
            goals = self.goals()
            if goal.status == DROPPED:
                for below in map(goals.__getitem__, tree.descendants(goals, goal_id)):
                    if below.status == DROPPED and below.dropped_at == goal.dropped_at:
                        self._save_goal(replace(below, status=OPEN, dropped_at=None))
            self._reopen_above(goals, goal.parent, dropped=True)
            return self._save_goal(
                replace(goal, status=OPEN, done_at=None, done_on=None, dropped_at=None)
            )

    def drop(self, goal_id: int) -> list[int]:
        """Drop a goal and every open goal below it; returns the ids dropped."""
        with self._tx():
            goals = self.goals()
            self.goal(goal_id)
            ids = [goal_id, *tree.descendants(goals, goal_id)]
            self._refuse_if_running(ids)
            dropped = [i for i in ids if goals[i].status == OPEN]
            now = self.clock.now()
            for i in dropped:
                self._save_goal(replace(goals[i], status=DROPPED, dropped_at=now))
            self._complete_above(goal_id, self.clock.now())
        return dropped

    def delete(self, goal_id: int) -> list[int]:
        """Delete a goal and everything below it; dependencies on them are removed."""
        with self._tx():
            goals = self.goals()
            self.goal(goal_id)
            ids = [goal_id, *tree.descendants(goals, goal_id)]
            self._refuse_if_running(ids)
            gone = set(ids)
            self._goals_t.remove(doc_ids=ids)
            for gone_id in ids:
                self.goals().pop(gone_id, None)
            self._goal_edits += 1
            for other in goals.values():
                if other.id not in gone and gone.intersection(other.after):
                    self._save_goal(replace(other, after=[a for a in other.after if a not in gone]))
            today = self.clock.today()
            for day in list(self.days().values()):
                if day.date >= today and (gone.intersection(day.items) or day.one_thing in gone):
                    self._save_day(
                        replace(
                            day,
                            items=[i for i in day.items if i not in gone],
                            one_thing=None if day.one_thing in gone else day.one_thing,
                        )
                    )
        return ids

    def _refuse_if_running(self, ids: list[int]) -> None:
        running = self.running_block()
        if running is not None and running.goal in ids:
            raise Conflict(f"a block is running on goal {running.goal}; stop it first")

    # -- day plans --------------------------------------------------------------------

    def _save_day(self, day: Day) -> None:
        doc = day.to_doc()
        self._days_t.upsert(Document(doc, doc_id=day.doc_id))
        # A fresh copy in the cache: the caller may go on changing its own.
        self._days_by_key()[str(day.doc_id)] = Day.from_doc(doc)

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
        with self._tx():
            self._plan(list(ids), date, notices)
        self._notices += notices
        return self.today(date)

    def unplan(self, goal_id: int, date: Date | None = None) -> list[TodayItem]:
        """Take a goal off a day's list; it stops being carried. A goal with steps takes
        its open steps off."""
        date = date or self.clock.today()
        with self._tx():
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
        with self._tx():
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
        self._notices += notices
        return day

    def reorder_day(self, goal_id: int, delta: int, date: Date | None = None) -> Day:
        date = date or self.clock.today()
        with self._tx():
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
        text = clean_notes(note)
        with self._tx():
            day = self.day(date)
            day.note = text
            self._save_day(day)
        return day

    # -- focus blocks -----------------------------------------------------------------

    def _save_block(self, block: Block) -> Block:
        self._blocks_t.upsert(Document(block.to_doc(), doc_id=block.id))
        self._block_saves += 1
        return block

    def _require_running(self) -> Block:
        block = self.running_block()
        if block is None:
            raise Conflict("no block is running")
        return block

    def start_block(self, goal_id: int, minutes: int | None = None) -> Block:
        """Start a block on a micro-goal; without ``minutes``, it lasts the goal's estimate
        if a block can be that long, else the setting (``settings.block_minutes_for``)."""
        with self._tx():
            goals = self.goals()
            goal = self.goal(goal_id)
            if minutes is None:
                minutes = settings.block_minutes_for(goal, self.settings()["block_minutes"])
            minutes = check_block_minutes(minutes)
            running = self.running_block()
            if running is not None:
                other = goals.get(running.goal)
                raise Conflict(
                    f"a block is already running on goal {running.goal}"
                    + (f" ({other.title})" if other else "")
                    + "; stop it first"
                )
            if goal.status != OPEN:
                raise Conflict(f"goal {goal_id} is {goal.status}")
            if not tree.is_leaf(goals, goal_id):
                raise InputError(f"goal {goal_id} has micro-goals; start a block on one of them")
            if blockers := tree.blockers(goals, goal):
                names = ", ".join(f"{b.id} ({b.title})" for b in blockers)
                raise Conflict(f"goal {goal_id} is blocked: it waits for {names}")
            now = self.clock.now()
            block = Block(
                id=self._next_id("block"),
                goal=goal_id,
                planned_seconds=minutes * 60,
                started_at=now,
                tz=self.clock.tz,
                day=self.clock.local_date(now),
            )
            self._save_block(block)
            meta = self._meta()
            meta["running"] = block.id
            self._meta_t.upsert(Document(meta, doc_id=1))
        return block

    def pause(self) -> Block:
        with self._tx():
            block = self._require_running()
            if block.paused:
                raise Conflict("the block is already paused")
            block.pauses.append(Pause(self.clock.now()))
            return self._save_block(block)

    def resume(self) -> Block:
        with self._tx():
            block = self._require_running()
            if not block.paused:
                raise Conflict("the block is not paused")
            block.pauses[-1].end = max(self.clock.now(), block.pauses[-1].start)
            return self._save_block(block)

    def toggle_pause(self) -> Block:
        with self._tx():
            return self.resume() if self._require_running().paused else self.pause()

    def interrupt(self, note: str | None = None) -> Block:
        text = clean_line(note, what="interruption note")
        with self._tx():
            block = self._require_running()
            block.interruptions.append(Interruption(self.clock.now(), text))
            return self._save_block(block)

    def extend(self, minutes: int = 5) -> Block:
        """More time: counted from now when the planned time already ran out."""
        with self._tx():
            block = self._require_running()
            focus = timer.focus_seconds(block, self.clock.now())
            block.planned_seconds = int(max(block.planned_seconds, focus)) + minutes * 60
            return self._save_block(block)

    def stop_block(self, outcome: str = "partial", reflection: str | None = None) -> Block:
        if outcome not in OUTCOMES:
            raise InputError(f"outcome must be one of {', '.join(OUTCOMES)}")
        text = clean_line(reflection, what="reflection")
        with self._tx():
            return self._end_block(self._require_running(), outcome, text)

    def _end_block(self, block: Block, outcome: str, reflection: str | None) -> Block:
        now = self.clock.now()
        if block.paused:
            block.pauses[-1].end = max(now, block.pauses[-1].start)
        # A block left running past its time (app closed, laptop asleep) ends when time ran out.
        ran_out = timer.ran_out_at(block, now)
        block.ended_at = ran_out if ran_out is not None and ran_out < now else now
        if block.ended_at < block.started_at:
            block.ended_at = block.started_at
        block.outcome = outcome
        block.reflection = reflection or block.reflection
        self._save_block(block)
        meta = self._meta()
        meta["running"] = None
        self._meta_t.upsert(Document(meta, doc_id=1))
        if outcome == "done":
            goal = self.goals().get(block.goal)
            if goal is not None and (goal.is_habit or goal.status == OPEN):
                self._finish_goal(goal, now)
        return block

    def block(self, block_id: int) -> Block:
        doc = self._blocks_t.get(doc_id=block_id)
        if doc is None:
            raise NotFound(f"no block with id {block_id}")
        return Block.from_doc(block_id, doc)

    def set_reflection(self, block_id: int, text: str) -> Block:
        reflection = clean_line(text, what="reflection")
        with self._tx():
            block = self.block(block_id)
            block.reflection = reflection
            return self._save_block(block)

    # -- export / import ------------------------------------------------------------------

    def export(self) -> dict[str, Any]:
        """Every goal, day, block and setting (not the operation log: a history of this
        database, not data to carry to another)."""
        tables = {k: v for k, v in (self.storage.read() or {}).items() if k != OPS_TABLE}
        return {
            "format": EXPORT_FORMAT,
            "schema_version": SCHEMA_VERSION,
            "tables": orjson.loads(orjson.dumps(tables)),
        }

    def is_empty(self) -> bool:
        return not (
            self._goals_t._read_table()
            or self._blocks_t._read_table()
            or self._days_t._read_table()
        )

    def import_(self, doc: Any) -> int:
        """Load an export into an empty database, ids kept; returns the number of goals."""
        if not isinstance(doc, dict) or doc.get("format") != EXPORT_FORMAT:
            raise InputError('not a microgoals export (no "format": "microgoals-export")')
        if doc.get("schema_version") not in EXPORT_VERSIONS:
            raise InputError(
                f"export has schema version {doc.get('schema_version')!r}; "
                f"expected one of {', '.join(map(str, EXPORT_VERSIONS))}"
            )
        tables = doc.get("tables")
        if not isinstance(tables, dict):
            raise InputError("export has no tables")
        try:
            for name, table in tables.items():  # what the file storage would refuse to load
                docs = table.values() if isinstance(table, dict) else [None]
                if not all(isinstance(d, dict) for d in docs):
                    raise InputError(f"export table {name!r} is not a set of documents")
            bounds.check_tables(tables)  # (before orjson meets a number it cannot write)
            for name, table in tables.items():
                if problem := journal.table_problem(name, table):
                    raise InputError(f"export: {problem}")
            tables = orjson.loads(orjson.dumps(tables))  # our own copy: later edits stay ours
            goals = {int(k): Goal.from_doc(int(k), v) for k, v in tables.get("goals", {}).items()}
            for k, v in tables.get("blocks", {}).items():
                Block.from_doc(int(k), v)
            for v in tables.get("days", {}).values():
                Day.from_doc(v)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise InputError(f"export has a malformed document: {error}") from None
        if problems := tree.find_tree_problems(goals):
            raise InputError(f"export is inconsistent: {problems[0]}")
        tables.pop(OPS_TABLE, None)
        with self._tx(f"imported {len(goals)} goal{'s' if len(goals) != 1 else ''}"):
            if not self.is_empty():
                raise Conflict("the database is not empty; import only into a new database")
            for name, table in tables.items():

                def put(view: dict[int, Any], table: dict[str, Any] = table) -> None:
                    for key, doc in table.items():
                        view[int(key)] = doc

                self._table(name)._update_table(put)
        self._forget_caches()
        return len(goals)

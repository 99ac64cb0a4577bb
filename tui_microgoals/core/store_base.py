"""The store's shared state: its tables, caches and clock, the transaction, and the
reads and saves every aggregate (``store_goals``, ``store_days``, ``store_blocks``, ...)
builds on. ``Store`` (``store.py``) is this base with one mixin per aggregate; each mixin
subclasses ``StoreBase``, so the attributes it uses are the ones declared here.
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import date as plain_date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

from pendulum import Date, DateTime
from tinydb import TinyDB
from tinydb.table import Document

from tui_microgoals.core import tree
from tui_microgoals.core.clock import Clock
from tui_microgoals.core.errors import NotFound
from tui_microgoals.core.models import Block, Day, Goal
from tui_microgoals.core.oplog import OPS_TABLE
from tui_microgoals.core.review_index import GoalIndex
from tui_microgoals.core.storage import DurableStorage, MemoryStorage, TrackedTable
from tui_microgoals.core.text import quoted


def counted(n: int, noun: str) -> str:
    """A count in the words a transaction says: "1 step", "3 steps"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


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


class StoreBase:
    """What every part of the store uses: set up by the constructor, read by the mixins."""

    def __init__(self, db: TinyDB, clock: Clock | None = None) -> None:
        self.db = db
        self.clock = clock or Clock()
        self.storage: DurableStorage | MemoryStorage = db.storage  # type: ignore[assignment]
        # Tracked tables write only the documents that changed; no query cache, because
        # another process may change the file under us.
        self._goals_t = TrackedTable(self.storage, "goals", cache_size=0)
        self._blocks_t = TrackedTable(self.storage, "blocks", cache_size=0)
        self._days_t = TrackedTable(self.storage, "days", cache_size=0)
        self._meta_t = TrackedTable(self.storage, "meta", cache_size=0)
        self._ops_t = TrackedTable(self.storage, OPS_TABLE, cache_size=0)
        #: Who makes the changes, for the history ("app", "cli done").
        self.actor = "microgoals"
        #: What the log's entry for the running transaction adds (``undoes``: an id).
        self._entry_extra: dict[str, Any] = {}
        #: The newest log entry's number and clock, as of a storage generation.
        self._log_head: tuple[int, int, Any] | None = None
        #: The clock the next log entry must pass (set by a sync, for its own entry).
        self._hlc_floor: list[int] | None = None
        self._goals_cache: tuple[int, dict[int, Goal]] | None = None
        #: Changes to the goals cache by our own writes and parses (see ``snapshot``).
        self._goal_edits = 0
        self._goals_copy: tuple[tuple[int, int], dict[int, Goal]] | None = None
        self._days_cache: tuple[int, dict[str, Day]] | None = None
        #: The review's index of the goals cache (``review_index``), patched with it.
        self._goal_index: GoalIndex | None = None
        #: Block document keys by local day, and what they were read from (see ``_blocks_index``).
        self._blocks_by_day: tuple[tuple[Any, ...], dict[str, list[str]]] | None = None
        #: For the summary: (storage generation, top-level goal -> position, id bound).
        self._roots: tuple[int, dict[str, Any], int] | None = None
        #: For the summary: (storage generation, ``store_undo.free_ids`` or a bound past it).
        self._free: tuple[int, int | None] | None = None
        #: The last capacity worked out, and what it was worked out from.
        self._capacity_cache: tuple[tuple[Any, ...], int] | None = None
        self._block_saves = 0
        #: What changes did beyond what was asked, one line each (see ``take_notices``).
        self._notices: list[str] = []
        #: What the running transaction does, in words ("marked 'X' done"), and whether the
        #: user may undo it: the outermost ``_tx``'s, set on its entry and reset on its exit.
        self.what: str | None = None
        self.undoable = True
        self._labels: list[tuple[str, bool]] = []
        #: How many undos (and redos) in a row the summary works out ahead, for the fast
        #: ``undo`` (the command line's; the app's commits do not pay for it).
        self.steps_ahead = 0

    @classmethod
    def open(cls, path: str | os.PathLike[str], clock: Clock | None = None) -> Self:
        return cls(TinyDB(Path(path), storage=DurableStorage), clock)

    @classmethod
    def memory(cls, clock: Clock | None = None) -> Self:
        return cls(TinyDB(storage=MemoryStorage), clock)

    @property
    def path(self) -> Path | None:
        return getattr(self.storage, "path", None)

    @contextmanager
    def _tx(self, what: str, *, undoable: bool = True) -> Iterator[None]:
        """One transaction, saying what it does in the past tense with the goal's title
        (``quoted``). Nested transactions join the outermost one, whose words are kept in
        ``self.what`` / ``self.undoable`` while it runs; writes that are not the user's
        action (the morning nudge) pass ``undoable=False``."""
        self._labels.append((what, undoable))
        outermost = len(self._labels) == 1
        if outermost:
            self.what, self.undoable, self._entry_extra = what, undoable, {}
        try:
            with self.storage.transaction():
                yield
                if outermost:
                    self._log_change()  # (in the same commit as the change)
        finally:
            self._labels.pop()
            if not self._labels:
                self.what, self.undoable, self._entry_extra = None, True, {}

    def _log_change(self) -> None:
        """The operation log's entry for the running transaction: see ``store_undo``."""

    if TYPE_CHECKING:  # (the archive's hooks: ``store_archive.ArchiveMixin``)

        def read_history(self) -> bool: ...
        def history_from(self, date: Date, end: Date | None = None) -> None: ...
        def _known(self, *ids: int | None) -> None: ...
        def _deleted(self, goal_id: int) -> bool: ...
        def _read_goals(self, ids: list[int]) -> bool: ...
        def history_for_runs(self, date: Date) -> None: ...
        def _archived_top(self) -> int: ...

    def _newest_entry(self, tables: Mapping[str, Mapping[str, Any]]) -> tuple[int, Any]:
        """The newest log entry's number and clock: see ``store_undo``."""
        raise NotImplementedError

    def _table(self, name: str) -> TrackedTable:
        known = {
            "goals": self._goals_t,
            "blocks": self._blocks_t,
            "days": self._days_t,
            "meta": self._meta_t,
            OPS_TABLE: self._ops_t,
        }
        return known.get(name) or TrackedTable(self.storage, name, cache_size=0)

    def _patch_caches(self, changed: Iterable[tuple[str, str]]) -> None:
        """After a write the caches did not follow (an undo): parse again only the goals and
        days it changed, as another process's change is (a whole parse at L takes ~0.6 s)."""
        tables = self.storage.read() or {}
        goals, days = tables.get("goals", {}), tables.get("days", {})
        was = (self.storage.generation, self._goal_edits)
        swaps: list[tuple[Goal | None, Goal | None]] = []
        for name, key in changed:
            if name == "goals" and self._goals_cache is not None:
                cached = self._goals_cache[1]
                new = Goal.from_doc(int(key), goals[key]) if key in goals else None
                swaps.append((cached.get(int(key)), new))
                if new is None:
                    cached.pop(int(key), None)
                else:
                    cached[int(key)] = new  # (in its place: the order is the file's)
                self._goal_edits += 1
            elif name == "days" and self._days_cache is not None:
                if key in days:
                    self._days_cache[1][key] = Day.from_doc(days[key])
                else:
                    self._days_cache[1].pop(key, None)
        self._capacity_cache = None
        self._blocks_by_day = None
        self._patch_goal_index(was, swaps)

    def _forget_caches(self) -> None:
        """After a change the caches cannot follow (an import, an undo): parse afresh."""
        self._goals_cache = self._days_cache = None
        self._roots = self._free = None
        self._capacity_cache = None
        self._goal_index = self._blocks_by_day = None
        self._goal_edits += 1

    def _patch_goal_index(
        self, was: tuple[int, int], swaps: Iterable[tuple[Goal | None, Goal | None]]
    ) -> None:
        """Follow in the review's index the goals replaced in the goals cache, which the
        index was in step with as of ``was`` (else it is dropped, to be built afresh)."""
        index = self._goal_index
        if index is None:
            return
        swaps = list(swaps)
        # (a goal changed in place cannot be taken out by what it was: build afresh)
        if index.key != was or self._goals_cache is None or any(o is n for o, n in swaps if o):
            self._goal_index = None
            return
        for old, new in swaps:
            index.swap(old, new)
        index.key = (self.storage.generation, self._goal_edits)

    def _review_index(self) -> GoalIndex:
        """The review's index of the goals, built on first use after a whole parse."""
        goals = self.goals()  # (patches the index with another process's changes first)
        key = (self.storage.generation, self._goal_edits)
        if self._goal_index is None or self._goal_index.key != key:
            self._goal_index = GoalIndex(goals.values())
            self._goal_index.key = key
        return self._goal_index

    def _relabel(self, what: str) -> None:
        """Say more exactly what the outermost transaction did once it is known (how many
        steps a drop took); an inner one's words are not kept, so this does nothing there."""
        if len(self._labels) == 1:
            self.what = what
            self._labels[0] = (what, self._labels[0][1])

    def _titled(self, goal_id: int | None) -> str:
        """A goal's title for those words; a goal that is not there by its id."""
        if goal_id is not None:
            self._known(goal_id)
        goal = self._goal_view().get(goal_id) if goal_id is not None else None
        return quoted(goal.title) if goal is not None else f"goal {goal_id}"

    def _clock_time(self, instant: DateTime) -> str:
        """A moment for those words, in the user's zone: "14:30"."""
        return instant.in_timezone(self.clock.tz).format("HH:mm")

    def _on_day(self, date: Date) -> str:
        """A local date for those words: "today", or "Mon 30 Nov"."""
        return "today" if date == self.clock.today() else date.format("ddd D MMM")

    def changed(self) -> bool:
        """Whether another process wrote since we last looked (one stat call)."""
        return self.storage.changed()

    def take_notices(self) -> list[str]:
        """What the changes since the last call did beyond what was asked (a plan entry that
        passed to a goal's steps), one line each, for the CLI and the app to show; each is
        given once. A change that was refused leaves none."""
        notices, self._notices = self._notices, []
        return notices

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
                was = (cache[0], self._goal_edits)
                swaps: list[tuple[Goal | None, Goal | None]] = []
                for key in changes.get("goals", ()):
                    new = Goal.from_doc(int(key), raw[key]) if key in raw else None
                    swaps.append((cache[1].get(int(key)), new))
                    if new is None:
                        cache[1].pop(int(key), None)
                    else:
                        cache[1][int(key)] = new
                cache = self._goals_cache = (generation, cache[1])
                self._patch_goal_index(was, swaps)
        if cache is None:
            parsed = {int(k): Goal.from_doc(int(k), v) for k, v in raw.items()}
            cache = self._goals_cache = (generation, parsed)
            self._goal_edits += 1
        return cache[1]

    def goal(self, goal_id: int) -> Goal:
        goal = self.goals().get(goal_id)
        if goal is None and not self._deleted(goal_id) and self._read_goals([goal_id]):
            goal = self.goals().get(goal_id)
        if goal is None:
            raise NotFound(f"no goal with id {goal_id}")
        return goal

    def _goal_view(self) -> Mapping[int, Goal]:
        """The goals for a check that looks at a few of them: the parsed cache when there is
        one, else a view that parses only the goals asked for (``microgoals add`` in a fresh
        process need not parse 10k goals)."""
        if self._goals_cache is not None:
            return self.goals()
        return _LazyGoals(self._goals_t._read_table())

    def _save_goal(self, goal: Goal) -> Goal:
        archived = getattr(self.storage, "archived_keys", lambda _: ())("goals")
        if str(goal.id) in archived:
            self._bring_tree_back(goal.id, archived)
        self._goals_t.upsert(Document(goal.to_doc(), doc_id=goal.id))
        if self._goals_cache is not None:  # else the next goals() parses the table anyway
            goals = self.goals()
            was = (self.storage.generation, self._goal_edits)
            old = goals.get(goal.id)
            goals[goal.id] = goal
            self._goal_edits += 1
            self._patch_goal_index(was, [(old, goal)])
        return goal

    def _bring_tree_back(self, goal_id: int, archived: Collection[str]) -> None:
        """An archived goal about to be written to the main file: the rest of its top-level
        tree goes with it, unchanged, so the main file never holds part of a tree (an open
        project without its steps, a step without its project)."""
        goals = self.goals()
        root = goal_id
        while (parent := goals[root].parent) is not None and parent in goals:
            root = parent
        raw = self._goals_t._read_table()
        for key in [str(root), *map(str, tree.descendants(goals, root))]:
            if key in archived and key != str(goal_id):
                self._goals_t.upsert(Document(dict(raw[key]), doc_id=int(key)))

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
        self.history_from(date, date)
        doc = self._days_t.get(doc_id=date.toordinal())
        return Day.from_doc(doc) if doc else Day(date)

    def _save_day(self, day: Day) -> None:
        doc = day.to_doc()
        self._days_t.upsert(Document(doc, doc_id=day.doc_id))
        # A fresh copy in the cache: the caller may go on changing its own.
        self._days_by_key()[str(day.doc_id)] = Day.from_doc(doc)

    def blocks(self) -> list[Block]:
        return [Block.from_doc(int(k), v) for k, v in self._blocks_t._read_table().items()]

    def blocks_on(self, date: Date) -> list[Block]:
        """Blocks that count toward the local date ``date`` (the day each one started)."""
        return self.blocks_between(date, date)

    def blocks_between(self, start: Date, end: Date) -> list[Block]:
        """Blocks of the local dates ``start`` to ``end``; only those are parsed."""
        self.history_from(start, end)
        low, high = start.isoformat(), end.isoformat()
        raw = self._blocks_t._read_table()
        by_day = self._blocks_index(raw)
        span = (end - start).days + 1
        if span <= len(by_day):  # a short window: look its days up
            days = [plain_date.fromordinal(start.toordinal() + n).isoformat() for n in range(span)]
        else:
            days = [d for d in by_day if low <= d <= high]
        found = [
            Block.from_doc(int(k), raw[k])
            for day in days
            for k in by_day.get(day, ())
            if k in raw and low <= (raw[k].get("day") or "") <= high
        ]
        return sorted(found, key=lambda b: b.started_at)

    def _blocks_index(self, raw: Mapping[str, Any]) -> dict[str, list[str]]:
        """The block documents' keys by their local day (ISO text), read once for each
        state of the table: another process's change (a new generation), our own block
        saves, an undo or a sync (which drop it)."""
        key = (self.storage.generation, self._block_saves, id(raw), len(raw))
        if self._blocks_by_day is None or self._blocks_by_day[0] != key:
            by_day: dict[str, list[str]] = {}
            for k, v in raw.items():
                by_day.setdefault(v.get("day") or "", []).append(k)
            self._blocks_by_day = (key, by_day)
        return self._blocks_by_day[1]

    def running_block(self) -> Block | None:
        running_id = self._meta().get("running")
        if running_id is None:
            return None
        doc = self._blocks_t.get(doc_id=running_id)
        if doc is None or doc.get("ended_at") is not None:
            return None
        return Block.from_doc(running_id, doc)

"""Domain objects. Pendulum values become ISO strings only in ``to_doc`` / ``from_doc``.

Fields a document has that a model does not know are kept in ``extra`` and written back,
so a file touched by a newer minor version loses nothing.

A hand-edited file may hold a known field with the wrong type (a number as a title, a string
as ``after``, a date that is not one). Reading never fails on such a field: it reads as the
default, and the stored value is kept in ``unread`` and written back as it was unless the
field is changed, so an edit elsewhere in the goal loses nothing. Only a value a document
cannot do without (a block's start, a day's date) makes it ``CorruptDatabase``. Text read
from the file has its control characters stripped, as typed text has.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from functools import cache, lru_cache
from types import MappingProxyType
from typing import Any

import pendulum
from pendulum import Date, DateTime

from tui_microgoals.core.clock import to_instant, to_iso
from tui_microgoals.core.docs import DONE as DONE  # (defined with the document)
from tui_microgoals.core.docs import DROPPED as DROPPED
from tui_microgoals.core.docs import OPEN, STATUSES, goal_doc
from tui_microgoals.core.errors import CorruptDatabase
from tui_microgoals.core.text import strip_controls

OUTCOMES = ("done", "partial", "abandoned")
DEFAULT_BLOCK_MINUTES = 20
MIN_BLOCK_MINUTES, MAX_BLOCK_MINUTES = 5, 90


def _date(text: str | None) -> Date | None:
    return None if text is None else _parse_date(text)


@lru_cache(maxsize=4096)
def _parse_date(text: str) -> Date:
    """Dates repeat (a year has 365): parsed once each, shared (a Date is immutable)."""
    return Date.fromisoformat(text)


def _date_str(value: Date | None) -> str | None:
    return None if value is None else value.isoformat()


@cache
def _known_keys(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


#: ``extra`` / ``unread`` of a document that has none (nearly all): one shared read-only
#: mapping, not two empty dicts per object (~2 MiB at 30k documents).
_NOTHING: Mapping[str, Any] = MappingProxyType({})


def _nothing() -> Mapping[str, Any]:
    return _NOTHING


def _split_extra(cls: type, doc: Mapping[str, Any]) -> Mapping[str, Any]:
    known = _known_keys(cls)
    if doc.keys() <= known:  # the usual case, checked in C
        return _NOTHING
    return {k: v for k, v in doc.items() if k not in known}


#: What a field that cannot be read is read as.
_UNREADABLE = (TypeError, ValueError, KeyError, AttributeError, OverflowError, IndexError)


def _text(value: Any) -> str:
    """Stored text as shown: only a string is text; control characters are stripped."""
    if type(value) is not str:
        raise TypeError("not text")
    return value if value.isprintable() else strip_controls(value)


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("not a whole number")
    return value


def _opt_int(value: Any) -> int | None:
    return None if value is None else _int(value)


def _ids(value: Any) -> list[int]:
    if value is None:
        return []
    if type(value) is not list:
        raise TypeError("not a list of ids")
    return [_int(v) for v in value]


def _opt_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _loose_ids(value: Any) -> list[int]:
    """The ids in a damaged list (a single id counts as a list of one)."""
    if type(value) is int:
        return [value]
    return [v for v in value if type(v) is int] if type(value) is list else []


def _loose_text(value: Any) -> str:
    return str(value) if type(value) in (int, float) else _text(value)


@cache
def _zone_ok(name: str) -> bool:
    try:
        pendulum.timezone(name)
    except Exception:  # noqa: BLE001 - pendulum raises several types for unknown zones
        return False
    return True


def _zone(value: Any) -> str:
    name = _text(value or "UTC")
    if not _zone_ok(name):
        raise ValueError(f"unknown time zone {name!r}")
    return name


def _instant(value: Any) -> DateTime:
    instant = to_instant(value)
    if instant is None:
        raise ValueError("no instant")
    return instant


def _damaged(what: str, key: str, value: Any) -> CorruptDatabase:
    return CorruptDatabase(
        f"{what} in the database is damaged: its {key} {value!r} cannot be read; fix it by "
        "hand or restore a backup (see `microgoals backups`)"
    )


def _field(doc: Mapping[str, Any], key: str, read: Any, default: Any) -> Any:
    """``read(doc[key])``, or ``default`` if it is missing or cannot be read."""
    try:
        return read(doc.get(key))
    except _UNREADABLE:
        return default


def _unread(obj: Any, doc: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Stored values that did not survive reading: ``{key: (as read, as stored)}``."""
    clean = obj.to_doc()
    return {k: (clean[k], v) for k, v in doc.items() if k in clean and clean[k] != v}


def _restore_unread(out: dict[str, Any], unread: Mapping[str, tuple[Any, Any]]) -> dict[str, Any]:
    for key, (as_read, stored) in unread.items():
        if out.get(key) == as_read:  # not changed since it was read: keep what was there
            out[key] = stored
    return out


@dataclass(slots=True)
class Goal:
    id: int
    title: str
    notes: str = ""
    parent: int | None = None
    position: int = 0
    status: str = OPEN
    minutes: int | None = None
    due: Date | None = None
    after: list[int] = field(default_factory=list)
    recurrence: str | None = None
    created_at: DateTime | None = None
    done_at: DateTime | None = None
    #: The local date the goal was finished on (the zone in force then decided it).
    done_on: Date | None = None
    #: The local date the goal was created on (UTC and local dates differ in the evening
    #: west of Greenwich); a habit is due from that day.
    created_on: Date | None = None
    #: When it was dropped: one drop stamps every goal it takes with the same instant, so
    #: reopening undoes that drop only. Stored only when set.
    dropped_at: DateTime | None = None
    extra: Mapping[str, Any] = field(default_factory=_nothing, repr=False, compare=False)
    #: Stored values that could not be read: ``{key: (as read, as stored)}``.
    unread: Mapping[str, tuple[Any, Any]] = field(
        default_factory=_nothing, repr=False, compare=False
    )

    @property
    def is_open(self) -> bool:
        return self.status == OPEN

    @property
    def first_day(self) -> Date | None:
        """The local creation date; for goals saved before it was recorded, the UTC date."""
        if self.created_on is not None:
            return self.created_on
        return self.created_at.date() if self.created_at else None

    @property
    def is_habit(self) -> bool:
        return self.recurrence is not None

    @classmethod
    def from_doc(cls, doc_id: int, doc: Mapping[str, Any]) -> Goal:
        try:
            status = doc.get("status", OPEN)
            if status not in STATUSES:
                raise ValueError(status)
            return cls(
                id=int(doc_id),
                title=_text(doc.get("title", "")),
                notes=_text(doc.get("notes") or ""),
                parent=_opt_int(doc.get("parent")),
                position=_int(doc.get("position") or 0),
                status=status,
                minutes=_opt_int(doc.get("minutes")),
                due=_date(doc.get("due")),
                after=_ids(doc.get("after")),
                recurrence=_opt_text(doc.get("recurrence")),
                created_at=to_instant(doc.get("created_at")),
                done_at=to_instant(doc.get("done_at")),
                done_on=_date(doc.get("done_on")),
                created_on=_date(doc.get("created_on")),
                dropped_at=to_instant(doc.get("dropped_at")),
                extra=_split_extra(cls, doc),
            )
        except _UNREADABLE:
            return cls._read_damaged(doc_id, doc)

    @classmethod
    def _read_damaged(cls, doc_id: int, doc: Mapping[str, Any]) -> Goal:
        """Field by field; what cannot be read reads as its default and is kept as stored."""
        goal = cls(
            id=int(doc_id),
            title=_field(doc, "title", _loose_text, "(no title)"),
            notes=_field(doc, "notes", lambda v: _text(v or ""), ""),
            parent=_field(doc, "parent", _opt_int, None),
            position=_field(doc, "position", lambda v: _int(v or 0), 0),
            status=_field(doc, "status", lambda v: STATUSES[STATUSES.index(v or OPEN)], OPEN),
            minutes=_field(doc, "minutes", _opt_int, None),
            due=_field(doc, "due", _date, None),
            after=_field(doc, "after", _loose_ids, []),
            recurrence=_field(doc, "recurrence", _opt_text, None),
            created_at=_field(doc, "created_at", to_instant, None),
            done_at=_field(doc, "done_at", to_instant, None),
            done_on=_field(doc, "done_on", _date, None),
            created_on=_field(doc, "created_on", _date, None),
            dropped_at=_field(doc, "dropped_at", to_instant, None),
            extra=_split_extra(cls, doc),
        )
        goal.unread = _unread(goal, doc)
        return goal

    def read_doc(self) -> dict[str, Any]:
        """The document of the values as read (``docs.goal_doc``), without the fields it
        does not know or what could not be read: what ``--json`` shows."""
        return goal_doc(
            title=self.title,
            notes=self.notes,
            parent=self.parent,
            position=self.position,
            status=self.status,
            minutes=self.minutes,
            due=_date_str(self.due),
            after=self.after,
            recurrence=self.recurrence,
            created_at=to_iso(self.created_at),
            done_at=to_iso(self.done_at),
            done_on=_date_str(self.done_on),
            created_on=_date_str(self.created_on),
            dropped_at=to_iso(self.dropped_at),
        )

    def to_doc(self) -> dict[str, Any]:
        doc = self.read_doc()
        if self.extra:
            doc = {**self.extra, **doc}
        return _restore_unread(doc, self.unread) if self.unread else doc


@dataclass(slots=True)
class Pause:
    start: DateTime
    end: DateTime | None = None


@dataclass(slots=True)
class Interruption:
    at: DateTime
    note: str = ""


@dataclass(slots=True)
class Block:
    id: int
    goal: int
    planned_seconds: int
    started_at: DateTime
    #: The zone in force when the block started and the local day it counts toward.
    tz: str = "UTC"
    day: Date | None = None
    pauses: list[Pause] = field(default_factory=list)
    interruptions: list[Interruption] = field(default_factory=list)
    ended_at: DateTime | None = None
    outcome: str | None = None
    reflection: str = ""
    extra: Mapping[str, Any] = field(default_factory=_nothing, repr=False, compare=False)
    unread: Mapping[str, tuple[Any, Any]] = field(
        default_factory=_nothing, repr=False, compare=False
    )

    @property
    def running(self) -> bool:
        return self.ended_at is None

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].end is None

    @classmethod
    def from_doc(cls, doc_id: int, doc: Mapping[str, Any]) -> Block:
        try:
            outcome = doc.get("outcome")
            if outcome is not None and outcome not in OUTCOMES:
                raise ValueError(outcome)
            return cls(
                id=int(doc_id),
                goal=_int(doc["goal"]),
                planned_seconds=_int(doc["planned_seconds"]),
                started_at=_instant(doc["started_at"]),
                tz=_zone(doc.get("tz")),
                day=_date(doc.get("day")),
                pauses=[_pause(p) for p in doc.get("pauses") or []],
                interruptions=[_interruption(i) for i in doc.get("interruptions") or []],
                ended_at=to_instant(doc.get("ended_at")),
                outcome=outcome,
                reflection=_text(doc.get("reflection") or ""),
                extra=_split_extra(cls, doc),
            )
        except _UNREADABLE:
            return cls._read_damaged(doc_id, doc)

    @classmethod
    def _read_damaged(cls, doc_id: int, doc: Mapping[str, Any]) -> Block:
        """A block needs its goal, its start and (once ended) its end; the rest has defaults."""
        what = f"block {doc_id}"
        for key, read in (("goal", _int), ("started_at", _instant), ("ended_at", to_instant)):
            try:
                read(doc.get(key))
            except _UNREADABLE:
                raise _damaged(what, key, doc.get(key)) from None

        def readable(read: Any, items: Any) -> list[Any]:
            found = []
            for item in items if type(items) is list else []:
                with contextlib.suppress(*_UNREADABLE):
                    found.append(read(item))
            return found

        block = cls(
            id=int(doc_id),
            goal=doc["goal"],
            planned_seconds=_field(doc, "planned_seconds", _int, DEFAULT_BLOCK_MINUTES * 60),
            started_at=_instant(doc["started_at"]),
            tz=_field(doc, "tz", _zone, "UTC"),
            day=_field(doc, "day", _date, None),
            pauses=readable(_pause, doc.get("pauses")),
            interruptions=readable(_interruption, doc.get("interruptions")),
            ended_at=to_instant(doc.get("ended_at")),
            outcome=_field(doc, "outcome", lambda v: v if v in OUTCOMES else None, None),
            reflection=_field(doc, "reflection", lambda v: _text(v or ""), ""),
            extra=_split_extra(cls, doc),
        )
        block.unread = _unread(block, doc)
        return block

    def to_doc(self) -> dict[str, Any]:
        doc = {
            **self.extra,
            "goal": self.goal,
            "planned_seconds": self.planned_seconds,
            "started_at": to_iso(self.started_at),
            "tz": self.tz,
            "day": _date_str(self.day),
            "pauses": [[to_iso(p.start), to_iso(p.end)] for p in self.pauses],
            "interruptions": [{"at": to_iso(i.at), "note": i.note} for i in self.interruptions],
            "ended_at": to_iso(self.ended_at),
            "outcome": self.outcome,
            "reflection": self.reflection,
        }
        return _restore_unread(doc, self.unread) if self.unread else doc


def _pause(stored: Any) -> Pause:
    if type(stored) is not list or len(stored) != 2:
        raise ValueError("a pause is [start, end]")
    return Pause(_instant(stored[0]), to_instant(stored[1]))


def _interruption(stored: Any) -> Interruption:
    return Interruption(_instant(stored["at"]), _text(stored.get("note") or ""))


@dataclass(slots=True)
class Day:
    """One local date's plan. Its document id is the date's ordinal, so lookups are direct."""

    date: Date
    items: list[int] = field(default_factory=list)
    one_thing: int | None = None
    note: str = ""
    #: Goals taken off the list on this day: they stop being carried.
    off: list[int] = field(default_factory=list)
    #: Recurring goals whose occurrence for this day is done.
    habits_done: list[int] = field(default_factory=list)
    extra: Mapping[str, Any] = field(default_factory=_nothing, repr=False, compare=False)
    unread: Mapping[str, tuple[Any, Any]] = field(
        default_factory=_nothing, repr=False, compare=False
    )

    @property
    def doc_id(self) -> int:
        return self.date.toordinal()

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> Day:
        try:
            return cls(
                date=Date.fromisoformat(doc["date"]),
                items=_ids(doc.get("items")),
                one_thing=_opt_int(doc.get("one_thing")),
                note=_text(doc.get("note") or ""),
                off=_ids(doc.get("off")),
                habits_done=_ids(doc.get("habits_done")),
                extra=_split_extra(cls, doc),
            )
        except _UNREADABLE:
            pass
        try:
            date = Date.fromisoformat(doc.get("date"))  # type: ignore[arg-type]
        except _UNREADABLE:
            raise _damaged("a day plan", "date", doc.get("date")) from None
        day = cls(
            date=date,
            items=_field(doc, "items", _loose_ids, []),
            one_thing=_field(doc, "one_thing", _opt_int, None),
            note=_field(doc, "note", lambda v: _text(v or ""), ""),
            off=_field(doc, "off", _loose_ids, []),
            habits_done=_field(doc, "habits_done", _loose_ids, []),
            extra=_split_extra(cls, doc),
        )
        day.unread = _unread(day, doc)
        return day

    def to_doc(self) -> dict[str, Any]:
        doc = {
            **self.extra,
            "date": self.date.isoformat(),
            "items": list(self.items),
            "one_thing": self.one_thing,
            "note": self.note,
            "off": list(self.off),
            "habits_done": list(self.habits_done),
        }
        return _restore_unread(doc, self.unread) if self.unread else doc

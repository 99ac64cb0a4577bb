"""A day's records: focus blocks (with their pauses and interruptions) and day plans
(see ``models.py`` for how documents are read)."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pendulum import Date, DateTime

from tui_microgoals.core.clock import to_instant, to_iso
from tui_microgoals.core.docfields import (
    _UNREADABLE,
    _damaged,
    _date,
    _date_str,
    _field,
    _ids,
    _instant,
    _int,
    _loose_ids,
    _nothing,
    _opt_int,
    _restore_unread,
    _split_extra,
    _text,
    _unread,
    _zone,
)

OUTCOMES = ("done", "partial", "abandoned")
DEFAULT_BLOCK_MINUTES = 20
MIN_BLOCK_MINUTES, MAX_BLOCK_MINUTES = 5, 90


@dataclass(slots=True)
class Pause:
    start: DateTime
    end: DateTime | None = None


@dataclass(slots=True)
class Interruption:
    at: DateTime
    note: str = ""


@dataclass(slots=True)
class Extension:
    """More time given to a running block (the +5 key or the "+5 min" answer)."""

    at: DateTime
    seconds: int
    #: The block's planned seconds before it: the first one's is the time first planned.
    before: int


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
    #: Each time it was given more time, in order (stored only when there is one).
    extensions: list[Extension] = field(default_factory=list)
    extra: Mapping[str, Any] = field(default_factory=_nothing, repr=False, compare=False)
    unread: Mapping[str, tuple[Any, Any]] = field(
        default_factory=_nothing, repr=False, compare=False
    )

    @property
    def running(self) -> bool:
        return self.ended_at is None

    @property
    def first_planned_seconds(self) -> int:
        """The time planned when it started, before any extension."""
        return self.extensions[0].before if self.extensions else self.planned_seconds

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
                extensions=[_extension(e) for e in doc.get("extensions") or []],
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
            extensions=readable(_extension, doc.get("extensions")),
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
        if self.extensions:  # (absent otherwise: the blocks written before it stay as they were)
            doc["extensions"] = [
                {"at": to_iso(e.at), "seconds": e.seconds, "before": e.before}
                for e in self.extensions
            ]
        return _restore_unread(doc, self.unread) if self.unread else doc


def _pause(stored: Any) -> Pause:
    if type(stored) is not list or len(stored) != 2:
        raise ValueError("a pause is [start, end]")
    return Pause(_instant(stored[0]), to_instant(stored[1]))


def _extension(stored: Any) -> Extension:
    return Extension(_instant(stored["at"]), _int(stored["seconds"]), _int(stored["before"]))


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
    #: The note for the week ending on this day (the weekly retro's).
    week_note: str = ""
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
                week_note=_text(doc.get("week_note") or ""),
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
            week_note=_field(doc, "week_note", lambda v: _text(v or ""), ""),
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
            "week_note": self.week_note,
        }
        return _restore_unread(doc, self.unread) if self.unread else doc

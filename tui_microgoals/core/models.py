"""Domain objects. Pendulum values become ISO strings only in ``to_doc`` / ``from_doc``.

Fields a document has that a model does not know are kept in ``extra`` and written back,
so a file touched by a newer minor version loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from functools import cache
from typing import Any

from pendulum import Date, DateTime

from tui_microgoals.core.clock import to_instant, to_iso

OPEN, DONE, DROPPED = "open", "done", "dropped"
STATUSES = (OPEN, DONE, DROPPED)
OUTCOMES = ("done", "partial", "abandoned")
DEFAULT_BLOCK_MINUTES = 20
MIN_BLOCK_MINUTES, MAX_BLOCK_MINUTES = 5, 90


def _date(text: str | None) -> Date | None:
    return None if text is None else Date.fromisoformat(text)


def _date_str(value: Date | None) -> str | None:
    return None if value is None else value.isoformat()


@cache
def _known_keys(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


def _split_extra(cls: type, doc: dict[str, Any]) -> dict[str, Any]:
    known = _known_keys(cls)
    return {k: v for k, v in doc.items() if k not in known}


@dataclass
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
    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

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
    def from_doc(cls, doc_id: int, doc: dict[str, Any]) -> Goal:
        return cls(
            id=int(doc_id),
            title=str(doc.get("title", "")),
            notes=str(doc.get("notes") or ""),
            parent=doc.get("parent"),
            position=int(doc.get("position") or 0),
            status=doc.get("status") if doc.get("status") in STATUSES else OPEN,
            minutes=doc.get("minutes"),
            due=_date(doc.get("due")),
            after=[int(a) for a in doc.get("after") or []],
            recurrence=doc.get("recurrence"),
            created_at=to_instant(doc.get("created_at")),
            done_at=to_instant(doc.get("done_at")),
            done_on=_date(doc.get("done_on")),
            created_on=_date(doc.get("created_on")),
            extra=_split_extra(cls, doc),
        )

    def to_doc(self) -> dict[str, Any]:
        return {
            **self.extra,
            "title": self.title,
            "notes": self.notes,
            "parent": self.parent,
            "position": self.position,
            "status": self.status,
            "minutes": self.minutes,
            "due": _date_str(self.due),
            "after": list(self.after),
            "recurrence": self.recurrence,
            "created_at": to_iso(self.created_at),
            "done_at": to_iso(self.done_at),
            "done_on": _date_str(self.done_on),
            "created_on": _date_str(self.created_on),
        }


@dataclass
class Pause:
    start: DateTime
    end: DateTime | None = None


@dataclass
class Interruption:
    at: DateTime
    note: str = ""


@dataclass
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
    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def running(self) -> bool:
        return self.ended_at is None

    @property
    def paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].end is None

    @classmethod
    def from_doc(cls, doc_id: int, doc: dict[str, Any]) -> Block:
        started = to_instant(doc["started_at"])
        assert started is not None
        return cls(
            id=int(doc_id),
            goal=int(doc["goal"]),
            planned_seconds=int(doc["planned_seconds"]),
            started_at=started,
            tz=doc.get("tz") or "UTC",
            day=_date(doc.get("day")),
            pauses=[
                Pause(to_instant(p[0]), to_instant(p[1]))  # type: ignore[arg-type]
                for p in doc.get("pauses") or []
            ],
            interruptions=[
                Interruption(to_instant(i["at"]), i.get("note") or "")  # type: ignore[arg-type]
                for i in doc.get("interruptions") or []
            ],
            ended_at=to_instant(doc.get("ended_at")),
            outcome=doc.get("outcome"),
            reflection=doc.get("reflection") or "",
            extra=_split_extra(cls, doc),
        )

    def to_doc(self) -> dict[str, Any]:
        return {
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


@dataclass
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
    extra: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def doc_id(self) -> int:
        return self.date.toordinal()

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Day:
        return cls(
            date=_date(doc["date"]),  # type: ignore[arg-type]
            items=[int(i) for i in doc.get("items") or []],
            one_thing=doc.get("one_thing"),
            note=doc.get("note") or "",
            off=[int(i) for i in doc.get("off") or []],
            habits_done=[int(i) for i in doc.get("habits_done") or []],
            extra=_split_extra(cls, doc),
        )

    def to_doc(self) -> dict[str, Any]:
        return {
            **self.extra,
            "date": self.date.isoformat(),
            "items": list(self.items),
            "one_thing": self.one_thing,
            "note": self.note,
            "off": list(self.off),
            "habits_done": list(self.habits_done),
        }

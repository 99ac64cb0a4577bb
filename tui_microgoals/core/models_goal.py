"""The goal: one node of the tree (see ``models.py`` for how documents are read)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pendulum import Date, DateTime

from tui_microgoals.core.clock import to_instant, to_iso
from tui_microgoals.core.docfields import (
    _UNREADABLE,
    _date,
    _date_str,
    _field,
    _ids,
    _int,
    _loose_ids,
    _loose_text,
    _nothing,
    _opt_int,
    _opt_text,
    _restore_unread,
    _split_extra,
    _text,
    _unread,
)
from tui_microgoals.core.docs import DONE as DONE  # (defined with the document)
from tui_microgoals.core.docs import DROPPED as DROPPED
from tui_microgoals.core.docs import OPEN, STATUSES, goal_doc


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

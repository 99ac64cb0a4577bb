"""Time reports other tools read: one row per focus block in a range of local days, as CSV
(a spreadsheet), JSON (a script) or iCalendar (a calendar). README: "Time reports".

A block counts toward the local day it started on, as in the review, and the store reads
only the days asked for (``Store.blocks_between``). Times are shown in the user's zone with
its UTC offset, to the second; the calendar gets them in UTC.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC
from typing import Any

import orjson
from pendulum import Date, DateTime

from tui_microgoals.core import oplog, timer, tree
from tui_microgoals.core.dates import parse_day
from tui_microgoals.core.errors import InputError
from tui_microgoals.core.models import Block
from tui_microgoals.core.text import strip_controls
from tui_microgoals.core.tree import Goals

FORMATS = ("csv", "json", "ics")
#: With neither ``--format`` nor ``--json``: the table a person reads and a spreadsheet opens.
DEFAULT_FORMAT = "csv"


@dataclass(frozen=True)
class Interrupted:
    at: DateTime  # in the user's zone
    note: str


@dataclass(frozen=True)
class TimeRow:
    """One block as the report shows it."""

    id: int
    uid: str
    start: DateTime  # in the user's zone, whole seconds
    end: DateTime | None  # None while the block runs
    goal: int
    title: str
    path: str
    estimate_minutes: int | None
    planned_seconds: int
    focus_seconds: int
    interruptions: tuple[Interrupted, ...]
    outcome: str | None  # done, partial, abandoned (models.OUTCOMES); None while running
    reflection: str


def parse_range(first: str, last: str, today: Date) -> tuple[Date, Date]:
    """The days ``--from`` and ``--to`` name (both included), or an ``InputError``."""
    days = []
    for flag, text in (("--from", first), ("--to", last)):
        try:
            days.append(parse_day(text, today))
        except InputError as error:
            raise InputError(f"{flag}: {error}") from None
    if days[0] > days[1]:
        raise InputError(f"--from {days[0]} is after --to {days[1]}: give the earlier day first")
    return days[0], days[1]


def uid(block: Block) -> str:
    """The calendar's UID: from the block's global id (the same on every machine it syncs
    to), else its number; stable across runs, so importing again updates the event."""
    gid = block.extra.get(oplog.GID)
    return f"{gid}@microgoals" if isinstance(gid, str) and gid else f"block-{block.id}@microgoals"


def rows(blocks: Iterable[Block], goals: Goals, tz: str, now: DateTime) -> list[TimeRow]:
    """The report's rows, by start: a running block's focus is counted up to ``now``."""

    def local(instant: DateTime) -> DateTime:
        return instant.in_timezone(tz).replace(microsecond=0)

    found = []
    for block in sorted(blocks, key=lambda b: (b.started_at, b.id)):
        goal = goals.get(block.goal)
        found.append(
            TimeRow(
                id=block.id,
                uid=uid(block),
                start=local(block.started_at),
                end=local(block.ended_at) if block.ended_at is not None else None,
                goal=block.goal,
                title=goal.title if goal else f"goal {block.goal}",
                path=tree.path(goals, block.goal) if goal else f"goal {block.goal}",
                estimate_minutes=goal.minutes if goal else None,
                planned_seconds=block.planned_seconds,
                focus_seconds=round(timer.focus_seconds(block, now)),
                interruptions=tuple(Interrupted(local(i.at), i.note) for i in block.interruptions),
                outcome=block.outcome,
                reflection=block.reflection,
            )
        )
    return found


def render(found: Sequence[TimeRow], fmt: str, now: DateTime) -> str:
    if fmt == "json":
        docs = [row_json(row) for row in found]
        return orjson.dumps(docs, option=orjson.OPT_INDENT_2).decode() + "\n"
    if fmt == "ics":
        return render_ics(found, now)
    return render_csv(found)


def row_json(row: TimeRow) -> dict[str, Any]:
    """One row of ``report --format json``; its keys are the CSV's columns, in order."""
    return {
        "id": row.id,
        "uid": row.uid,
        "start": row.start.isoformat(),
        "end": row.end.isoformat() if row.end is not None else None,
        "goal": row.goal,
        "title": row.title,
        "path": row.path,
        "estimate_minutes": row.estimate_minutes,
        "planned_seconds": row.planned_seconds,
        "focus_seconds": row.focus_seconds,
        "interruptions": len(row.interruptions),
        "interruption_notes": [{"at": i.at.isoformat(), "note": i.note} for i in row.interruptions],
        "outcome": row.outcome,
        "reflection": row.reflection,
    }


#: The CSV's columns (README: "Time reports"), the JSON's keys.
CSV_COLUMNS = tuple(
    row_json(TimeRow(0, "", DateTime(2000, 1, 1), None, 0, "", "", None, 0, 0, (), None, ""))
)

#: What a spreadsheet takes for the start of a formula (OWASP's list, with tab and CR).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """Numbers as they are, None as empty; text that a spreadsheet would run as a formula
    gets a leading apostrophe (shown as text, never run)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def render_csv(found: Sequence[TimeRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in found:
        doc = row_json(row)
        # One line per interruption in the cell: "2026-11-02T10:05:00+01:00 the phone rang".
        doc["interruption_notes"] = "\n".join(
            f"{i['at']} {i['note']}".rstrip() for i in doc["interruption_notes"]
        )
        writer.writerow([_cell(doc[column]) for column in CSV_COLUMNS])
    return buffer.getvalue()


# -- iCalendar (RFC 5545), written by hand: a few properties, escaped and folded ------------


def _utc(instant: DateTime) -> str:
    return instant.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")  # (pendulum's format: 10x slower)


def _text(value: str) -> str:
    """A TEXT value: control characters dropped (tab kept), then \\ ; , and newlines
    escaped."""
    value = strip_controls(value)
    for raw, escaped in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
        value = value.replace(raw, escaped)
    return value


def _fold(line: str) -> str:
    """Lines of at most 75 octets, never splitting a UTF-8 character; each continuation
    starts with a space."""
    data = line.encode()
    parts, start, limit = [], 0, 75
    while len(data) - start > limit:
        cut = start + limit
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: cut before its character
            cut -= 1
        parts.append(data[start:cut])
        start, limit = cut, 74
    parts.append(data[start:])
    return "\r\n ".join(part.decode() for part in parts)


def _description(row: TimeRow) -> str:
    minutes = f"{round(row.focus_seconds / 60, 1):g}"
    lines = [row.path, f"Focus: {minutes} min of {row.planned_seconds // 60} planned"]
    if row.estimate_minutes is not None:
        lines.append(f"Estimate: {row.estimate_minutes} min")
    lines.append(f"Outcome: {row.outcome}")
    if row.interruptions:
        lines.append(f"Interruptions: {len(row.interruptions)}")
        lines += [f"{i.at.strftime('%H:%M')} {i.note}".rstrip() for i in row.interruptions]
    if row.reflection:
        lines.append(f"Reflection: {row.reflection}")
    return "\n".join(lines)


def render_ics(found: Sequence[TimeRow], now: DateTime) -> str:
    """A VCALENDAR with one VEVENT per ended block (a running block has no end yet: it comes
    in with the next report after it ends)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//microgoals//microgoals//EN"]
    lines.append("CALSCALE:GREGORIAN")
    for row in found:
        if row.end is None:
            continue
        lines += ["BEGIN:VEVENT", f"UID:{_text(row.uid)}", f"DTSTAMP:{_utc(now)}"]
        lines.append(f"DTSTART:{_utc(row.start)}")
        if row.end > row.start:  # DTEND must come after DTSTART; none: it ends as it starts
            lines.append(f"DTEND:{_utc(row.end)}")
        lines += [f"SUMMARY:{_text(row.title)}", f"DESCRIPTION:{_text(_description(row))}"]
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)

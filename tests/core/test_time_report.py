"""The time report (``microgoals report``): its rows, and the CSV, JSON and iCalendar a
spreadsheet, a script and a calendar read, on a seeded history with a frozen clock."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime

import icalendar
import pendulum
import pytest

from tui_microgoals.core import oplog, time_report, timer, tree
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import InputError
from tui_microgoals.core.store import Store
from tui_microgoals.core.time_report import CSV_COLUMNS, Interrupted, TimeRow

#: Markup, iCalendar's specials, CSV's specials and a formula: all of it is only text.
HOSTILE = '=HYPERLINK("http://x","y"), [bold]a;b[/] \\ <b>"q"</b>'
DAY = pendulum.date(2026, 11, 22)  # the fixture clock's Sunday (09:00 UTC, 10:00 in Berlin)


def seed(store: Store) -> dict[str, int]:
    """Three days: a block done with an interruption, a paused block abandoned (a goal with
    no estimate), and one still running."""
    clock = store.clock
    assert isinstance(clock, FixedClock)
    root = store.add_goal("Launch, the; bun").id
    hostile = store.add_goal(HOSTILE, parent=root, minutes=15).id
    plain = store.add_goal("Call the mill", parent=root).id
    first = store.start_block(hostile).id  # 10:00 Berlin
    clock.advance(minutes=5)
    store.interrupt("phone, rang; back\\")
    clock.advance(minutes=8)
    store.stop_block("done", "quick")
    clock.advance(days=1)
    second = store.start_block(plain, 25).id
    clock.advance(minutes=4)
    store.pause()
    clock.advance(minutes=2)
    store.resume()
    clock.advance(minutes=3)
    store.stop_block("abandoned")
    clock.advance(days=1)
    third = store.start_block(plain).id
    clock.advance(minutes=7, seconds=30)
    return {
        "root": root,
        "hostile": hostile,
        "plain": plain,
        "b1": first,
        "b2": second,
        "b3": third,
    }


def report(store: Store, first: pendulum.Date, last: pendulum.Date) -> list[TimeRow]:
    now = store.clock.now()
    return time_report.rows(store.blocks_between(first, last), store.goals(), store.clock.tz, now)


def test_a_row_holds_what_the_block_was(store: Store) -> None:
    ids = seed(store)
    done, abandoned, running = report(store, DAY, DAY.add(days=2))
    goals = store.goals()
    assert (done.id, done.goal, done.title) == (ids["b1"], ids["hostile"], HOSTILE)
    assert done.path == tree.path(goals, ids["hostile"]) == f"Launch, the; bun › {HOSTILE}"
    assert done.start.isoformat() == "2026-11-22T10:00:00+01:00"  # the user's zone, its offset
    assert done.end is not None and done.end.isoformat() == "2026-11-22T10:13:00+01:00"
    assert (done.estimate_minutes, done.planned_seconds, done.focus_seconds) == (15, 900, 780)
    assert done.interruptions == (
        Interrupted(pendulum.parse("2026-11-22T10:05:00+01:00"), "phone, rang; back\\"),
    )
    assert (done.outcome, done.reflection) == ("done", "quick")
    # The pause is not focus: timer.focus_seconds is the one definition.
    block = store.block(ids["b2"])
    assert abandoned.focus_seconds == round(timer.focus_seconds(block, store.clock.now())) == 420
    assert (abandoned.estimate_minutes, abandoned.outcome) == (None, "abandoned")
    # A running block: no end, no outcome yet, its focus so far.
    assert (running.end, running.outcome, running.focus_seconds) == (None, None, 450)


def test_the_range_is_local_days_both_ends_included(store: Store) -> None:
    ids = seed(store)
    assert [r.id for r in report(store, DAY, DAY)] == [ids["b1"]]
    assert [r.id for r in report(store, DAY.add(days=1), DAY.add(days=2))] == [ids["b2"], ids["b3"]]
    assert report(store, DAY.subtract(days=9), DAY.subtract(days=1)) == []


@pytest.mark.parametrize(
    ("zone", "local", "utc_day"),
    [
        ("Asia/Tokyo", "2026-11-22T23:30:00", "2026-11-22"),  # 14:30 UTC
        ("Asia/Tokyo", "2026-11-22T00:30:00", "2026-11-21"),  # 15:30 UTC the day before
        ("America/New_York", "2026-11-22T23:30:00", "2026-11-23"),  # 04:30 UTC the day after
    ],
)
def test_a_block_falls_on_its_local_day(zone: str, local: str, utc_day: str) -> None:
    start = pendulum.parse(local, tz=zone)
    assert start.in_timezone("UTC").date().isoformat() == utc_day
    store = Store.memory(FixedClock(start, zone))
    goal = store.add_goal("Late write-up").id
    store.start_block(goal)
    store.clock.advance(minutes=20)  # type: ignore[attr-defined]
    store.stop_block("done")
    (row,) = report(store, DAY, DAY)
    assert row.start.isoformat() == start.isoformat()  # e.g. 2026-11-22T23:30:00+09:00
    assert report(store, DAY.add(days=1), DAY.add(days=1)) == []
    assert report(store, DAY.subtract(days=1), DAY.subtract(days=1)) == []
    ics = icalendar.Calendar.from_ical(time_report.render_ics([row], store.clock.now()))
    (event,) = ics.walk("VEVENT")
    assert event.decoded("DTSTART") == start.in_timezone("UTC")


def test_times_are_shown_to_the_second() -> None:
    store = Store.memory(FixedClock(DT.add(microseconds=654321), "Europe/Berlin"))
    store.start_block(store.add_goal("x").id)
    store.clock.advance(minutes=3, microseconds=500000)  # type: ignore[attr-defined]
    store.stop_block()
    (row,) = report(store, DT.date(), DT.date())
    assert (row.start.isoformat(), row.end and row.end.isoformat(), row.focus_seconds) == (
        "2026-11-02T09:00:00+01:00",
        "2026-11-02T09:03:01+01:00",
        180,
    )


def parse_csv(text: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    return list(reader)


def test_csv_parses_back_with_its_columns_and_types(store: Store) -> None:
    ids = seed(store)
    rows = report(store, DAY, DAY.add(days=2))
    done, abandoned, running = parse_csv(time_report.render(rows, "csv", store.clock.now()))
    assert CSV_COLUMNS == (
        "id",
        "uid",
        "start",
        "end",
        "goal",
        "title",
        "path",
        "estimate_minutes",
        "planned_seconds",
        "focus_seconds",
        "interruptions",
        "interruption_notes",
        "outcome",
        "reflection",
    )
    # Numbers are plain numbers (no "780.0"), times ISO-8601 with the offset.
    assert (done["id"], done["goal"]) == (str(ids["b1"]), str(ids["hostile"]))
    assert (done["estimate_minutes"], done["planned_seconds"], done["focus_seconds"]) == (
        "15",
        "900",
        "780",
    )
    assert datetime.fromisoformat(done["start"]) == datetime(2026, 11, 22, 9, tzinfo=UTC)
    assert done["start"].endswith("+01:00") and done["end"] == "2026-11-22T10:13:00+01:00"
    assert done["interruptions"] == "1"
    assert done["interruption_notes"] == "2026-11-22T10:05:00+01:00 phone, rang; back\\"
    # A title a spreadsheet would run as a formula is kept as text: a leading apostrophe.
    assert done["title"] == "'" + HOSTILE
    assert done["path"] == f"Launch, the; bun › {HOSTILE}"  # starts with a letter: as it is
    assert (abandoned["estimate_minutes"], abandoned["outcome"]) == ("", "abandoned")
    assert (running["end"], running["outcome"], running["focus_seconds"]) == ("", "", "450")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_csv_keeps_formulas_as_text(start: str) -> None:
    row = TimeRow(1, "u", DT, DT, 2, f"{start}1+2", "a", None, 60, 60, (), "done", f"{start}x")
    (parsed,) = parse_csv(time_report.render_csv([row]))
    assert (parsed["title"], parsed["reflection"]) == (f"'{start}1+2", f"'{start}x")


def test_json_is_an_array_of_the_csv_columns(store: Store) -> None:
    seed(store)
    rows = report(store, DAY, DAY.add(days=2))
    docs = json.loads(time_report.render(rows, "json", store.clock.now()))
    assert [tuple(d) for d in docs] == [CSV_COLUMNS] * 3
    assert docs[0]["interruption_notes"] == [
        {"at": "2026-11-22T10:05:00+01:00", "note": "phone, rang; back\\"}
    ]
    assert docs[0]["estimate_minutes"] == 15 and docs[1]["estimate_minutes"] is None
    assert (docs[2]["end"], docs[2]["outcome"]) == (None, None)


def test_ics_opens_in_a_real_parser(store: Store) -> None:
    ids = seed(store)
    rows = report(store, DAY, DAY.add(days=2))
    text = time_report.render(rows, "ics", store.clock.now())
    cal = icalendar.Calendar.from_ical(text)
    assert (str(cal["VERSION"]), str(cal["PRODID"])) == ("2.0", "-//microgoals//microgoals//EN")
    events = cal.walk("VEVENT")
    assert len(events) == 2  # the running block has no end yet
    done, abandoned = events
    assert str(done["SUMMARY"]) == HOSTILE  # , ; \ and markup round-trip
    escaped = HOSTILE.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
    assert f"\r\nSUMMARY:{escaped}\r\n" in text.replace("\r\n ", "")  # as RFC 5545 escapes
    assert done.decoded("DTSTART") == datetime(2026, 11, 22, 9, tzinfo=UTC)
    assert done.decoded("DTEND") == datetime(2026, 11, 22, 9, 13, tzinfo=UTC)
    assert done.decoded("DTSTART").utcoffset().total_seconds() == 0
    assert done.decoded("DTSTAMP") == store.clock.now()
    gid = store.block(ids["b1"]).extra[oplog.GID]
    assert str(done["UID"]) == f"{gid}@microgoals"
    assert str(abandoned["UID"]) != str(done["UID"])
    description = str(done["DESCRIPTION"]).split("\n")
    assert description[0] == f"Launch, the; bun › {HOSTILE}"
    assert "Focus: 13 min of 15 planned" in description
    assert "Outcome: done" in description
    assert "10:05 phone, rang; back\\" in description
    assert "Outcome: abandoned" in str(abandoned["DESCRIPTION"])


def test_ics_lines_end_in_crlf_and_fold_at_75_octets(store: Store) -> None:
    seed(store)
    text = time_report.render(report(store, DAY, DAY), "ics", store.clock.now())
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = text.split("\r\n")[:-1]
    assert all(len(line.encode()) <= 75 for line in lines)
    assert any(line.startswith(" ") for line in lines)  # the description was folded


def test_the_uid_is_stable_across_runs(store: Store) -> None:
    seed(store)
    rows = report(store, DAY, DAY.add(days=1))
    first = icalendar.Calendar.from_ical(time_report.render_ics(rows, store.clock.now()))
    later = store.clock.now().add(days=3)
    again = icalendar.Calendar.from_ical(time_report.render_ics(report(store, DAY, DAY), later))
    assert str(first.walk("VEVENT")[0]["UID"]) == str(again.walk("VEVENT")[0]["UID"])
    assert again.walk("VEVENT")[0].decoded("DTSTAMP") == later


DT = pendulum.datetime(2026, 11, 2, 9, 0, tz="Europe/Berlin")


def test_ics_escapes_and_drops_what_a_calendar_cannot_hold() -> None:
    """Text from a hand-edited file may hold controls and line breaks; long non-ASCII
    titles fold between characters, never inside one."""
    title = "a\x1b[31mred\x07\x85 line\r\nnext, ok; \\ " + "€🍞" * 40
    row = TimeRow(
        7,
        "block-7@microgoals",
        DT,
        DT.add(minutes=20),
        1,
        title,
        "p",
        None,
        1200,
        1200,
        (),
        "done",
        "",
    )
    text = time_report.render_ics([row], DT)
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    (event,) = icalendar.Calendar.from_ical(text).walk("VEVENT")
    assert str(event["SUMMARY"]) == "ared line\nnext, ok; \\ " + "€🍞" * 40


def test_a_block_of_no_length_has_no_dtend() -> None:
    row = TimeRow(7, "block-7@microgoals", DT, DT, 1, "t", "p", None, 1200, 0, (), "abandoned", "")
    (event,) = icalendar.Calendar.from_ical(time_report.render_ics([row], DT)).walk("VEVENT")
    assert "DTEND" not in event and event.decoded("DTSTART") == DT


def test_a_block_without_a_global_id_is_named_by_its_number() -> None:
    store = Store.memory(FixedClock(DT, "Europe/Berlin"))
    block = store.start_block(store.add_goal("x").id)
    assert time_report.uid(block) == f"{block.extra[oplog.GID]}@microgoals"
    assert time_report.uid(type(block)(3, 1, 60, DT)) == "block-3@microgoals"


@pytest.mark.parametrize("fmt", time_report.FORMATS)
def test_an_empty_range_is_a_valid_empty_document(fmt: str) -> None:
    text = time_report.render([], fmt, DT)
    if fmt == "csv":
        assert parse_csv(text) == []
    elif fmt == "json":
        assert json.loads(text) == []
    else:
        cal = icalendar.Calendar.from_ical(text)
        assert cal.walk("VEVENT") == [] and str(cal["VERSION"]) == "2.0"


def test_the_range_takes_every_date_form_and_refuses_a_backward_one() -> None:
    today = DAY  # a Sunday
    assert time_report.parse_range("yesterday", "today", today) == (DAY.subtract(days=1), DAY)
    assert time_report.parse_range("2026-11-01", "eom", today) == (
        pendulum.date(2026, 11, 1),
        pendulum.date(2026, 11, 30),
    )
    assert time_report.parse_range("today", "+3d", today)[1] == DAY.add(days=3)
    with pytest.raises(InputError, match=r"^--from 2026-11-30 is after --to 2026-11-01"):
        time_report.parse_range("2026-11-30", "2026-11-01", today)
    with pytest.raises(InputError, match=r"^--to: bad date 'nope': use YYYY-MM-DD"):
        time_report.parse_range("today", "nope", today)
    with pytest.raises(InputError, match=r"^--from: bad date '2026-02-30'"):
        time_report.parse_range("2026-02-30", "today", today)


def test_a_block_whose_goal_is_gone_is_named_by_the_goal_id(store: Store) -> None:
    """A hand-edited file may keep a block whose goal it lost: the row still says which."""
    ids = seed(store)
    block = store.block(ids["b1"])
    (row,) = time_report.rows([block], {}, "Europe/Berlin", store.clock.now())
    assert (row.title, row.path, row.estimate_minutes) == (f"goal {block.goal}",) * 2 + (None,)

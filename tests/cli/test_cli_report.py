"""``microgoals report`` through the real entry point: the CSV a spreadsheet opens, the JSON a
script reads, the ics a calendar imports; bad ranges end as one line and exit code 2.

The history is written in this process with a frozen clock, then read by the command in a
subprocess, as a user's shell would."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import icalendar
import pendulum
import pytest
from test_cli import CLI

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store
from tui_microgoals.core.time_report import CSV_COLUMNS

HOSTILE = "=cmd|' /C calc'!A0, [bold]x[/]; \\ <i>é</i>"
RANGE = ("--from", "2026-11-01", "--to", "2026-11-30")


@pytest.fixture
def cli(tmp_path: Path) -> CLI:
    return CLI(tmp_path / "db.json")  # Europe/Berlin


def seed(db: Path, zone: str = "Europe/Berlin") -> None:
    """Two blocks on Monday 2 November 2026 (09:00 and 14:00 local): the first done with an
    interruption, the second (on another goal) abandoned."""
    clock = FixedClock(pendulum.datetime(2026, 11, 2, 9, 0, tz=zone), zone)
    store = Store.open(db, clock)
    root = store.add_goal("Launch the bun").id
    goal = store.add_goal(HOSTILE, parent=root, minutes=20).id
    store.start_block(goal)
    clock.advance(minutes=6)
    store.interrupt("courier, at the door")
    clock.advance(minutes=12)
    store.stop_block("done")
    clock.advance(hours=4, minutes=42)
    store.start_block(store.add_goal("Call the mill", parent=root).id, 15)
    clock.advance(minutes=5)
    store.stop_block("abandoned")


def raw(cli: CLI, *args: str, env: dict[str, str] | None = None) -> bytes:
    """stdout as bytes: what a file redirected to would hold (no newline translation)."""
    full_env = {**os.environ, "MICROGOALS_DB": str(cli.db), "MICROGOALS_TZ": cli.tz, **(env or {})}
    full_env.pop("MICROGOALS_DEBUG", None)
    result = subprocess.run(
        [sys.executable, "-m", "tui_microgoals", *args],
        capture_output=True,
        env=full_env,
        timeout=60,
    )
    assert result.returncode == 0 and result.stderr == b"", result.stderr
    return result.stdout


def test_csv_opens_in_a_spreadsheet_with_typed_columns(cli: CLI) -> None:
    seed(cli.db)
    text = cli.ok("report", *RANGE, "--format", "csv")
    assert text == cli.ok("report", *RANGE)  # csv is the default
    reader = csv.DictReader(io.StringIO(text))
    assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
    done, abandoned = list(reader)
    assert done["start"] == "2026-11-02T09:00:00+01:00"
    assert done["end"] == "2026-11-02T09:18:00+01:00"
    assert datetime.fromisoformat(done["end"]) == datetime(2026, 11, 2, 8, 18, tzinfo=UTC)
    assert int(done["focus_seconds"]) == 18 * 60 and int(done["planned_seconds"]) == 20 * 60
    assert int(done["estimate_minutes"]) == 20 and int(done["interruptions"]) == 1
    assert done["interruption_notes"] == "2026-11-02T09:06:00+01:00 courier, at the door"
    assert done["title"] == "'" + HOSTILE  # a formula stays text
    assert done["path"] == f"Launch the bun › {HOSTILE}"
    assert (done["outcome"], abandoned["outcome"]) == ("done", "abandoned")
    assert abandoned["start"] == "2026-11-02T14:00:00+01:00"
    assert int(abandoned["focus_seconds"]) == 300


def test_json_is_an_array_of_one_object_per_block(cli: CLI) -> None:
    seed(cli.db)
    docs = cli.json("report", *RANGE)
    assert docs == json.loads(cli.ok("report", *RANGE, "--format", "json"))
    assert [tuple(d) for d in docs] == [CSV_COLUMNS] * 2
    assert docs[0]["title"] == HOSTILE and docs[0]["estimate_minutes"] == 20
    assert docs[0]["interruption_notes"] == [
        {"at": "2026-11-02T09:06:00+01:00", "note": "courier, at the door"}
    ]
    assert docs[1]["start"] == "2026-11-02T14:00:00+01:00" and docs[1]["outcome"] == "abandoned"


def test_ics_imports_into_a_calendar(cli: CLI) -> None:
    seed(cli.db)
    data = raw(cli, "report", *RANGE, "--format", "ics")
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    cal = icalendar.Calendar.from_ical(data)
    assert str(cal["VERSION"]) == "2.0" and "PRODID" in cal
    done, abandoned = cal.walk("VEVENT")
    assert done.decoded("DTSTART") == datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    assert done.decoded("DTEND") == datetime(2026, 11, 2, 8, 18, tzinfo=UTC)
    assert abandoned.decoded("DTSTART") == datetime(2026, 11, 2, 13, 0, tzinfo=UTC)
    assert str(done["SUMMARY"]) == HOSTILE
    assert "09:06 courier, at the door" in str(done["DESCRIPTION"]).split("\n")
    uids = [str(e["UID"]) for e in (done, abandoned)]
    assert len(set(uids)) == 2 and all(u.endswith("@microgoals") for u in uids)
    # Stable across runs: importing the file again updates the events.
    again = icalendar.Calendar.from_ical(raw(cli, "report", *RANGE, "--format", "ics"))
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == uids


def test_the_report_is_utf8_whatever_the_locale(cli: CLI) -> None:
    seed(cli.db)
    data = raw(cli, "report", *RANGE, "--json", env={"PYTHONIOENCODING": "ascii", "LC_ALL": "C"})
    assert json.loads(data.decode())[0]["path"] == f"Launch the bun › {HOSTILE}"


@pytest.mark.parametrize(
    ("zone", "offset"), [("Asia/Tokyo", "+09:00"), ("Pacific/Kiritimati", "+14:00")]
)
def test_a_late_block_counts_on_its_local_day(cli: CLI, zone: str, offset: str) -> None:
    """23:30 local in a zone ahead of UTC: the block is on that local day (and the next
    local day, which it runs into, does not list it)."""
    cli.tz = zone
    start = pendulum.datetime(2026, 11, 22, 23, 30, tz=zone)
    store = Store.open(cli.db, FixedClock(start, zone))
    store.start_block(store.add_goal("Late write-up").id, 45)
    store.clock.advance(minutes=40)  # type: ignore[attr-defined]
    store.stop_block("done")
    (row,) = cli.json("report", "--from", "2026-11-22", "--to", "2026-11-22")
    assert row["start"] == f"2026-11-22T23:30:00{offset}"
    assert row["end"] == f"2026-11-23T00:10:00{offset}"
    assert cli.json("report", "--from", "2026-11-23", "--to", "2026-11-23") == []
    (event,) = icalendar.Calendar.from_ical(
        raw(cli, "report", "--from", "2026-11-22", "--to", "2026-11-22", "--format", "ics")
    ).walk("VEVENT")
    assert event.decoded("DTSTART") == start.in_timezone("UTC")


def test_a_running_block_has_no_end_and_no_event(cli: CLI) -> None:
    cli.fast()  # UTC, clear of midnight: "today" here is "today" in the command
    goal = cli.json("add", "Draft intro")["id"]
    cli.ok("start", str(goal))
    (row,) = cli.json("report", "--from", "today", "--to", "today")
    assert (row["end"], row["outcome"]) == (None, None) and row["focus_seconds"] >= 0
    (line,) = list(
        csv.DictReader(io.StringIO(cli.ok("report", "--from", "today", "--to", "today")))
    )
    assert (line["end"], line["outcome"]) == ("", "")
    ics = raw(cli, "report", "--from", "yesterday", "--to", "today", "--format", "ics")
    assert icalendar.Calendar.from_ical(ics).walk("VEVENT") == []


def test_an_empty_range_prints_an_empty_document(cli: CLI) -> None:
    seed(cli.db)
    empty = ("--from", "2026-10-01", "--to", "2026-10-31")
    assert cli.ok("report", *empty) == ",".join(CSV_COLUMNS) + "\n"
    assert cli.ok("report", *empty, "--format", "json") == "[]\n"
    data = raw(cli, "report", *empty, "--format", "ics")
    assert data.startswith(b"BEGIN:VCALENDAR\r\n") and data.endswith(b"END:VCALENDAR\r\n")
    assert icalendar.Calendar.from_ical(data).walk("VEVENT") == []


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--from", "2026-11-30", "--to", "2026-11-01"), "--from 2026-11-30 is after --to"),
        (("--from", "2026-13-01", "--to", "2026-11-30"), "--from: bad date '2026-13-01'"),
        (("--from", "today", "--to", "someday"), "--to: bad date 'someday': use YYYY-MM-DD"),
        (("--from", "10000-01-01", "--to", "today"), "bad date"),
        (("--to", "today"), "required: --from"),
        (("--from", "today"), "required: --to"),
        (("--from", "today", "--to", "today", "--format", "xml"), "invalid choice: 'xml'"),
    ],
)
def test_a_bad_range_exits_2_with_one_line(cli: CLI, args: tuple[str, ...], says: str) -> None:
    seed(cli.db)
    cli.fails(2, "report", *args, match=says)


def test_help_names_the_formats_and_the_default(cli: CLI) -> None:
    text = " ".join(cli.ok("report", "--help").split())
    assert "--from D" in text and "--to D" in text and "{csv,json,ics}" in text
    assert "default csv (json with --json)" in text

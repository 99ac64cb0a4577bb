"""The facts the fast path and the full path share, each defined once in a module that imports
nothing heavy: the ISO instant (``stamps``), a goal's document and its ``--json`` view
(``docs``), one commit's journal entry (``journal_entry``)."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson
import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui_microgoals.core import docs, journal, journal_entry, lightjson, stamps
from tui_microgoals.core.clock import to_instant, to_iso
from tui_microgoals.core.models import Goal
from tui_microgoals.core.serialize import goal_json

# -- the instant ---------------------------------------------------------------------------


def test_an_instant_is_written_in_utc_with_microseconds_and_a_z() -> None:
    berlin = pendulum.datetime(2026, 11, 22, 10, 0, 0, 5, tz="Europe/Berlin")
    assert to_iso(berlin) == "2026-11-22T09:00:00.000005Z"
    assert to_iso(pendulum.datetime(2026, 7, 1, 0, 0, tz="Europe/London")) == (
        "2026-06-30T23:00:00.000000Z"
    )
    assert to_iso(None) is None
    # From epoch nanoseconds (the fast add): cut, not rounded, to microseconds.
    ns = int(berlin.timestamp()) * 1_000_000_000 + 5_999
    assert stamps.iso_from_ns(ns) == "2026-11-22T09:00:00.000005Z"
    assert stamps.iso_from_ns(0) == "1970-01-01T00:00:00.000000Z"


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@given(us=st.integers(0, 253_402_300_799_999_999))  # up to 9999-12-31T23:59:59.999999
def test_both_sources_of_an_instant_write_the_same_text_and_read_back(us: int) -> None:
    instant = pendulum.instance(EPOCH + timedelta(microseconds=us))
    text = stamps.iso_from_ns(us * 1000 + 999)
    assert text == to_iso(instant)
    assert to_instant(text) == instant


# -- a goal's document and its JSON view ---------------------------------------------------


def test_a_new_goal_document_has_the_files_fields_in_order() -> None:
    assert docs.goal_doc(title="Knead", position=3, created_on="2026-11-22") == {
        "title": "Knead",
        "notes": "",
        "parent": None,
        "position": 3,
        "status": "open",
        "minutes": None,
        "due": None,
        "after": [],
        "recurrence": None,
        "created_at": None,
        "done_at": None,
        "done_on": None,
        "created_on": "2026-11-22",
    }
    assert list(docs.goal_doc(title="x")) == list(Goal(id=1, title="x").to_doc())


DOCS = st.builds(
    docs.goal_doc,
    title=st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1),
    notes=st.sampled_from(["", "a note"]),
    parent=st.none() | st.integers(1, 99),
    position=st.integers(0, 99),
    status=st.sampled_from(docs.STATUSES),
    minutes=st.none() | st.integers(1, 600),
    due=st.none() | st.just("2026-12-01"),
    after=st.lists(st.integers(1, 99), max_size=3),
    recurrence=st.none() | st.just("daily"),
    created_at=st.just("2026-11-22T09:00:00.000000Z"),
    done_at=st.none() | st.just("2026-11-23T10:30:00.250000Z"),
    done_on=st.none() | st.just("2026-11-23"),
    created_on=st.none() | st.just("2026-11-22"),
    dropped_at=st.none() | st.just("2026-11-24T08:00:00.000000Z"),
)


@given(doc=DOCS)
def test_a_goal_reads_and_writes_back_the_document_it_was_read_from(doc: dict) -> None:
    goal = Goal.from_doc(7, doc)
    assert goal.to_doc() == doc
    assert list(goal.to_doc()) == list(doc)
    assert ("dropped_at" in doc) == (goal.dropped_at is not None)  # stored only when set
    assert goal_json(goal) == docs.goal_json(7, doc)


def test_the_json_view_is_the_command_lines_contract() -> None:
    doc = docs.goal_doc(title="Knead", minutes=15, after=[2], created_at="T", dropped_at="D")
    assert list(docs.goal_json(4, doc)) == [
        "id",
        "title",
        "parent",
        "status",
        "minutes",
        "due",
        "after",
        "done_at",
        "notes",
        "recurrence",
        "position",
        "created_at",
    ]
    assert docs.goal_json(4, doc)["after"] == [2] and docs.goal_json(4, doc)["id"] == 4


def test_json_shows_a_damaged_goal_as_read_and_the_file_keeps_it_as_stored() -> None:
    stored = {**docs.goal_doc(title="Knead"), "minutes": "soon", "colour": "red"}
    goal = Goal.from_doc(1, stored)
    assert goal.to_doc() == stored  # nothing lost on the next save
    assert goal_json(goal)["minutes"] is None  # the contract: a number or null
    assert "colour" not in goal.read_doc() and goal.read_doc()["minutes"] is None


# -- one commit's journal entry ------------------------------------------------------------


@pytest.mark.parametrize("dumps", [orjson.dumps, lambda v: lightjson.dumps(v).encode()])
def test_an_entry_starts_a_journal_with_its_header_and_reads_back(tmp_path: Path, dumps) -> None:
    path = str(tmp_path / "db.json")
    goal = docs.goal_doc(title='Ünïcödé "quoted"', created_at="2026-11-22T09:00:00.000000Z")
    tables = {"meta": {"1": {"next_goal": 3}}, "goals": {"2": goal, "1": None}}
    stamp, size = journal_entry.append(path, tables, journal_id="abc", new=True, dumps=dumps)
    raw = Path(path + ".journal").read_bytes()
    assert size == len(raw) and stamp == journal.stat(path + ".journal")
    header, line = raw.splitlines()
    assert journal.parse_line(header, orjson.loads) == {"base": "abc"}
    assert journal.parse_line(line, orjson.loads) == {"tables": tables}
    # The next entry: one more line, no header.
    stamp, more = journal_entry.append(
        path, {"goals": {"1": goal}}, journal_id="abc", new=False, dumps=dumps
    )
    assert Path(path + ".journal").read_bytes()[size:].count(b"\n") == 1
    assert size + more == stamp[2]


# -- nothing heavy -------------------------------------------------------------------------

LIGHT = [
    "tui_microgoals.entry",
    "tui_microgoals.fastcli",
    "tui_microgoals.core.fastpath",
    "tui_microgoals.core.docs",
    "tui_microgoals.core.stamps",
    "tui_microgoals.core.journal_entry",
    "tui_microgoals.core.lightjson",
]
HEAVY = ("pendulum", "tinydb", "orjson", "textual", "rich", "argparse", "json", "typing")
CHECK = """
import sys
before = set(sys.modules)
import {module}
heavy = sorted(m for m in set(sys.modules) - before if m.split(".")[0] in {heavy!r})
assert not heavy, heavy
"""


@pytest.mark.parametrize("module", [*LIGHT, "tui_microgoals.cli"])
def test_the_shared_definitions_import_nothing_heavy(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(module=module, heavy=HEAVY)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # The full command line is the control: the check sees what it imports.
    assert (result.returncode == 0) == (module in LIGHT), result.stderr

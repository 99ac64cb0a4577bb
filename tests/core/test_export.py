"""Export and import: a round trip is lossless, ids are kept, only an empty database imports."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pendulum
import pytest

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import Conflict, InputError
from tui_microgoals.core.journal import SCHEMA_VERSION
from tui_microgoals.core.store import Store

Reopen = Callable[[Store], Store]


def twin(store: Store, clock: FixedClock, tmp_path: Path) -> Store:
    """An empty store on the same kind of storage."""
    return Store.memory(clock) if store.path is None else Store.open(tmp_path / "b.json", clock)


def fill(store: Store, clock: FixedClock) -> None:
    book = store.add_goal("Book [bold]x[/]", notes="multi\nline", due=pendulum.date(2027, 1, 5))
    intro = store.add_goal("Intro", parent=book.id, minutes=20)
    outline = store.add_goal("Outline", parent=book.id, minutes=15, after=[intro.id])
    store.add_goal("push-ups", every="mon,wed,fri")
    gone = store.add_goal("gone")
    store.plan([intro.id, outline.id])
    store.set_one_thing(intro.id)
    store.start_block(intro.id)
    clock.advance(minutes=3)
    store.pause()
    clock.advance(minutes=2)
    store.resume()
    store.interrupt("phone")
    clock.advance(minutes=20)
    store.stop_block("done", "ok")
    store.set_day_note("note")
    store.set_setting("capacity", 90)
    store.delete(gone.id)  # the highest id: it must stay unused after an import


def as_json(doc: Any) -> bytes:
    return orjson.dumps(doc)


def test_round_trip_is_identical(store: Store, clock: FixedClock, tmp_path: Path) -> None:
    fill(store, clock)
    doc = store.export()
    assert doc["format"] == "microgoals-export" and doc["schema_version"] == SCHEMA_VERSION
    text = as_json(doc)
    other = twin(store, clock, tmp_path)
    assert other.import_(orjson.loads(text)) == 4
    again = other.export()
    assert again == doc
    assert as_json(again) == text
    assert other.goals() == store.goals()
    assert other.today() == store.today()
    assert other.review().focus_minutes == store.review().focus_minutes == 20
    assert other.settings()["capacity"] == 90
    assert other.add_goal("next").id == 6  # id 5 was deleted before the export


def test_import_persists_to_the_file(store: Store, clock: FixedClock, tmp_path: Path) -> None:
    fill(store, clock)
    other = twin(store, clock, tmp_path)
    other.import_(store.export())
    if other.path is not None:
        assert Store.open(other.path, clock).export() == store.export()


def test_import_does_not_keep_a_reference_to_the_document(
    store: Store, clock: FixedClock, tmp_path: Path
) -> None:
    fill(store, clock)
    doc = store.export()
    before = as_json(doc)
    other = twin(store, clock, tmp_path)
    other.import_(doc)
    other.add_goal("later")
    other.edit_goal(1, title="changed")
    assert as_json(doc) == before


def test_import_into_a_non_empty_database_is_refused(
    store: Store, clock: FixedClock, tmp_path: Path
) -> None:
    fill(store, clock)
    other = twin(store, clock, tmp_path)
    other.add_goal("mine")
    before = other.export()
    with pytest.raises(Conflict, match="not empty"):
        other.import_(store.export())
    assert other.export() == before


@pytest.mark.parametrize(
    "doc",
    [
        [],
        {"format": "something-else", "schema_version": 1, "tables": {}},
        {"format": "microgoals-export", "schema_version": SCHEMA_VERSION + 1, "tables": {}},
        {"format": "microgoals-export", "schema_version": 1},
        {"format": "microgoals-export", "schema_version": 1, "tables": {"goals": {"x": {}}}},
        {
            "format": "microgoals-export",
            "schema_version": 1,
            "tables": {
                "goals": {"1": {"title": "a", "parent": 2}, "2": {"title": "b", "parent": 1}}
            },
        },
        {
            "format": "microgoals-export",
            "schema_version": 1,
            "tables": {"goals": {"1": {"title": "a", "after": [9]}}},
        },
        # Tables the file storage would itself refuse to load afterwards:
        {"format": "microgoals-export", "schema_version": 1, "tables": {"meta": "x"}},
        {"format": "microgoals-export", "schema_version": 1, "tables": {"meta": {"1": 5}}},
    ],
)
def test_bad_exports_are_refused(store: Store, doc: Any, reopen: Reopen) -> None:
    with pytest.raises(InputError):
        store.import_(doc)
    assert store.is_empty()
    assert reopen(store).export()["tables"] in ({}, store.export()["tables"])


def export_with(**tables: Any) -> dict[str, Any]:
    return {"format": "microgoals-export", "schema_version": 1, "tables": tables}


GOAL = {"title": "a", "status": "open"}


@pytest.mark.parametrize(
    ("doc", "says"),
    [
        # Issue 13, finding 10: an id of 2**64 was imported, and every later write failed
        # ("Integer exceeds 64-bit range").
        (export_with(goals={str(2**64): GOAL}), "goal id"),
        (export_with(goals={"0": GOAL}), "goal id"),
        (export_with(goals={"-1": GOAL}), "goal id"),
        (export_with(goals={"1": GOAL}, meta={"1": {"next_goal": 2**64 + 1}}), "out of range"),
        (export_with(goals={"1": GOAL}, meta={"1": {"next_goal": 1.8e19}}), "out of range"),
        (export_with(goals={"1": GOAL}, meta={"1": {"next_goal": 0}}), "next_goal"),
        (export_with(goals={"1": {**GOAL, "position": -(10**25)}}), "out of range"),
        (export_with(goals={"1": {**GOAL, "minutes": 10**30}}), "out of range"),
        (export_with(goals={"1": {**GOAL, "minutes": 100_000}}), "estimate"),
        (export_with(goals={"1": {**GOAL, "minutes": 0}}), "estimate"),
        (export_with(goals={"1": {**GOAL, "after": [2**70]}}), "out of range"),
        (export_with(meta={"1": {"capacity": 1e300}}), "out of range"),
    ],
)
def test_numbers_out_of_range_are_refused_at_import(
    store: Store, doc: dict[str, Any], says: str, reopen: Reopen
) -> None:
    with pytest.raises(InputError, match=says):
        store.import_(doc)
    assert store.is_empty()
    store.add_goal("still writable")
    assert [g.title for g in reopen(store).goals().values()] == ["still writable"]

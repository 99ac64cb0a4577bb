"""The merge (``sync_replica``): the newest write of each field wins, whatever the order the
entries arrive in; conflicts are listed; a concurrent edit beats a delete."""

from __future__ import annotations

import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_microgoals.core.sync_replica import Replica


def entry(device: str, ms: int, ops: list[dict[str, Any]], seen: dict[str, Any] | None = None):
    found = {"device": device, "hlc": [ms, 0], "ops": ops}
    if seen:
        found["seen"] = seen
    return found


def create(key: str, **fields: Any) -> dict[str, Any]:
    return {"t": "goals", "k": key, "a": {"title": "t", **fields}}


def setf(key: str, field: str, value: Any) -> dict[str, Any]:
    return {"t": "goals", "k": key, "f": field, "a": value}


def delete(key: str) -> dict[str, Any]:
    return {"t": "goals", "k": key}


class Db:
    """A database as the merge sees it: wire documents by (table, key)."""

    def __init__(self) -> None:
        self.docs: dict[tuple[str, str], dict[str, Any]] = {}
        self.replica = Replica()
        self.superseded: list[Any] = []

    def merge(self, entries: list[dict[str, Any]]) -> None:
        merge = self.replica.merge(entries, self.docs)
        for key, doc in merge.changes.items():
            if doc is None:
                self.docs.pop(key, None)
            else:
                self.docs[key] = doc
        self.superseded += merge.superseded


def test_the_newest_write_of_a_field_wins_in_either_order() -> None:
    made = entry("a", 1, [create("g", minutes=10)])
    title_a = entry("a", 5, [setf("g", "title", "from a")])
    title_b = entry("b", 7, [setf("g", "title", "from b")], seen={"a": [1, 0]})
    for order in ([made, title_a, title_b], [made, title_b, title_a]):
        db = Db()
        db.merge(order)
        assert db.docs["goals", "g"] == {"title": "from b", "minutes": 10}
        assert [(s.field, s.lost, s.kept) for s in db.superseded] == [("title", "from a", "from b")]


def test_two_fields_written_on_two_devices_are_both_kept() -> None:
    made = entry("a", 1, [create("g", minutes=10)])
    db = Db()
    db.merge([made])
    db.merge(
        [
            entry("a", 5, [setf("g", "title", "new title")]),
            entry("b", 6, [setf("g", "minutes", 25)], seen={"a": [1, 0]}),
        ]
    )
    assert db.docs["goals", "g"] == {"title": "new title", "minutes": 25}
    assert db.superseded == []


def test_an_overwrite_by_a_device_that_had_read_the_value_is_no_conflict() -> None:
    db = Db()
    db.merge([entry("a", 1, [create("g")]), entry("a", 2, [setf("g", "title", "x")])])
    db.merge([entry("b", 3, [setf("g", "title", "y")], seen={"a": [2, 0]})])
    assert db.docs["goals", "g"]["title"] == "y"
    assert db.superseded == []


def test_a_concurrent_edit_beats_a_delete_in_either_order() -> None:
    made = entry("a", 1, [create("g", minutes=10)])
    gone = entry("a", 9, [delete("g")])  # (a had not read b's edit)
    edit = entry("b", 5, [setf("g", "minutes", 30)], seen={"a": [1, 0]})
    for order in ([made, gone, edit], [made, edit, gone]):
        db = Db()
        db.merge(order)
        assert db.docs["goals", "g"] == {"title": "t", "minutes": 30}
        assert [(s.field, s.lost) for s in db.superseded] == [(None, "deleted")]


def test_a_delete_after_reading_the_edit_deletes() -> None:
    made = entry("a", 1, [create("g", minutes=10)])
    edit = entry("b", 5, [setf("g", "minutes", 30)], seen={"a": [1, 0]})
    gone = entry("a", 9, [delete("g")], seen={"b": [5, 0]})
    for order in ([made, edit, gone], [made, gone, edit]):
        db = Db()
        db.merge(order)
        assert ("goals", "g") not in db.docs
        assert db.superseded == []


def test_an_edit_that_arrives_before_its_goal_waits_for_it() -> None:
    db = Db()
    db.merge([entry("b", 5, [setf("g", "minutes", 30)], seen={"a": [1, 0]})])
    assert ("goals", "g") not in db.docs  # (no half goal)
    db.merge([entry("a", 1, [create("g", minutes=10)])])
    assert db.docs["goals", "g"] == {"title": "t", "minutes": 30}


# -- whatever the order ------------------------------------------------------------------

DEVICES = ("a", "b", "c")
KEYS = ("g1", "g2", "g3")


@st.composite
def histories(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Entries of three devices: rising clocks per device, random reads of each other."""
    out = []
    clocks = {d: draw(st.integers(0, 5)) for d in DEVICES}
    for _ in range(draw(st.integers(1, 14))):
        device = draw(st.sampled_from(DEVICES))
        clocks[device] += draw(st.integers(1, 4))
        seen = {
            other: [draw(st.integers(0, clocks[other])), 0]
            for other in DEVICES
            if other != device and draw(st.booleans())
        }
        ops = []
        for _ in range(draw(st.integers(1, 3))):
            key = draw(st.sampled_from(KEYS))
            kind = draw(st.sampled_from(["create", "set", "set", "delete"]))
            if kind == "create":
                ops.append(create(key, minutes=draw(st.integers(1, 3))))
            elif kind == "set":
                field = draw(st.sampled_from(["title", "minutes", "notes"]))
                ops.append(setf(key, field, draw(st.integers(0, 3))))
            else:
                ops.append(delete(key))
        out.append(entry(device, clocks[device], ops, seen))
    return out


@settings(max_examples=150, deadline=None, derandomize=True)
@given(histories(), st.randoms(use_true_random=False))
def test_any_order_of_arrival_gives_the_same_data(
    history: list[dict[str, Any]], rnd: random.Random
) -> None:
    """Two devices read the same entries in different orders and batches: same data."""
    results = []
    for _ in range(2):
        shuffled = history[:]
        rnd.shuffle(shuffled)
        # (a device's own entries arrive in order: its log is read in order)
        by_device = {d: [e for e in history if e["device"] == d] for d in DEVICES}
        ordered = [by_device[e["device"]].pop(0) for e in shuffled]
        db = Db()
        start = 0
        while start < len(ordered):
            size = rnd.randint(1, 4)
            db.merge(ordered[start : start + size])
            start += size
        results.append(db.docs)
    assert results[0] == results[1]

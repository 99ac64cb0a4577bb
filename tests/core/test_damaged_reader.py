"""Issue 13, finding 8 (the core's part): a damaged journal line is met on every read, and
a reader that stays open (the app) keeps what it last read and refuses changes."""

from __future__ import annotations

import pytest

from tui_microgoals.core.errors import CorruptDatabase, ReadOnlyDatabase
from tui_microgoals.core.store import Store


def test_a_damaged_journal_line_is_never_read_past(tmp_path, clock):  # noqa: ANN001
    path = tmp_path / "db.json"
    Store.open(path, clock).add_goal("first")
    reader = Store.open(path, clock)
    assert len(reader.goals()) == 1
    journal = tmp_path / "db.json.journal"
    with open(journal, "ab") as handle:
        handle.write(b"garbage\n")
    damaged = journal.read_bytes()
    for _ in range(2):  # before: the second read skipped the line, the add appended after it
        with pytest.raises(CorruptDatabase):
            reader.goals()
        with pytest.raises(CorruptDatabase):
            reader.add_goal("second")
    assert journal.read_bytes() == damaged


@pytest.mark.parametrize("how", ["main", "journal"])
def test_a_reader_that_stays_open_keeps_what_it_read(how, tmp_path, clock):  # noqa: ANN001
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    store.add_goal("first")
    store.edit_goal(1, notes="in the journal")
    if how == "main":
        store.storage.fold()
    store.storage.keep_last_read = True
    assert (tmp_path / "db.json.journal").exists() == (how == "journal")
    good = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    if how == "main":
        path.write_bytes(b'{"goals": ')
    else:
        with open(tmp_path / "db.json.journal", "ab") as handle:
            handle.write(b"garbage\n")
    assert [g.title for g in store.goals().values()] == ["first"]
    assert isinstance(store.storage.damage, CorruptDatabase)
    with pytest.raises(ReadOnlyDatabase, match="read-only until it is restored"):
        store.add_goal("second")
    for name, blob in good.items():
        (tmp_path / name).write_bytes(blob)
    store.add_goal("second")
    assert store.storage.damage is None
    assert sorted(g.title for g in Store.open(path, clock).goals().values()) == ["first", "second"]

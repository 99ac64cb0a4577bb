"""The archive (issue 16): old history moves out of the main file and is read only when a
view asks; nothing is lost, and a database that archived behaves as one that never did."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import orjson
import pendulum
import pytest

from tui_microgoals.core import archive_rule, oplog
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import CorruptDatabase, MicrogoalsError
from tui_microgoals.core.store import Store

NOW = pendulum.datetime(2026, 11, 20, 9, 0, tz="UTC")
OLD = NOW.subtract(days=400)


def clock_at(when: pendulum.DateTime) -> FixedClock:
    return FixedClock(when, "UTC")


def build(path: Path) -> dict[str, int]:
    """A finished project from 400 days ago (with blocks and plans), an old goal still
    open, a recent finished one, and today's plan."""
    ids: dict[str, int] = {}
    store = Store.open(path, clock_at(OLD))
    old = store.add_goal("Old project", minutes=None)
    a = store.add_goal("Old step A", parent=old.id, minutes=20)
    b = store.add_goal("Old step B", parent=old.id, minutes=15, after=[a.id])
    store.plan([a.id])
    store.start_block(a.id)
    store.clock = clock_at(OLD.add(minutes=20))
    store.stop_block("done", "fine")
    store.clock = clock_at(OLD.add(days=1))
    store.plan([b.id])
    store.start_block(b.id)
    store.clock = clock_at(OLD.add(days=1, minutes=15))
    store.stop_block("done", "")
    keep = store.add_goal("Still open, from long ago", minutes=20)
    store.clock = clock_at(NOW.subtract(days=3))
    recent = store.add_goal("Recent", minutes=10)
    store.mark_done(recent.id)
    store.clock = clock_at(NOW)
    today = store.add_goal("Today's step", minutes=15)
    store.plan([today.id])
    ids.update(old=old.id, a=a.id, b=b.id, keep=keep.id, recent=recent.id, today=today.id)
    return ids


def parsed_ids(path: Path) -> set[str]:
    """The goal keys in the main file."""
    return set(orjson.loads(path.read_bytes()).get("goals", {}))


@pytest.fixture
def db(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    path = tmp_path / "db.json"
    return path, build(path)


def test_a_pass_moves_finished_old_trees_days_and_blocks_and_loses_nothing(db) -> None:
    path, ids = db
    store = Store.open(path, clock_at(NOW))
    before = store.export()
    result = store.archive_old()
    assert result["archived"] == 3 + 2 + 2  # three goals, two blocks, two days
    archive = path.with_name("db.json.archive")
    assert os.stat(archive).st_mode & 0o777 == 0o600
    main = parsed_ids(path)
    assert str(ids["old"]) not in main and str(ids["a"]) not in main
    assert {str(ids["keep"]), str(ids["recent"]), str(ids["today"])} <= main
    fresh = Store.open(path, clock_at(NOW))
    assert fresh.export() == before  # export reads the archive too
    first = NOW.date().subtract(days=archive_rule.KEEP_DAYS)
    assert fresh.horizon() == first.subtract(days=first.weekday())  # the Monday on or before


def test_the_start_reads_only_the_main_file(db) -> None:
    path, ids = db
    Store.open(path, clock_at(NOW)).archive_old()
    fresh = Store.open(path, clock_at(NOW))
    assert set(fresh.goals()) == {ids["keep"], ids["recent"], ids["today"]}
    assert fresh.storage.history_unread()
    assert [i.goal.id for i in fresh.today()] == [ids["today"]]
    assert fresh.running_block() is None
    fresh.review()  # today's review needs nothing old
    assert fresh.storage.history_unread()


def test_an_archived_goal_asked_for_by_id_or_an_old_day_reads_the_archive(db) -> None:
    path, ids = db
    Store.open(path, clock_at(NOW)).archive_old()
    store = Store.open(path, clock_at(NOW))
    assert store.goal(ids["a"]).title == "Old step A"
    assert not store.storage.history_unread()
    other = Store.open(path, clock_at(NOW))
    review = other.review(OLD.date())
    assert [d.id for d in review.done] == [ids["a"]]
    assert len(other.blocks_on(OLD.date())) == 1


def test_archived_then_reopened_edited_undone_exported_and_imported_is_byte_identical(
    db, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, ids = db
    twin = tmp_path / "twin" / "db.json"
    twin.parent.mkdir()
    for name in os.listdir(path.parent):  # the same database, byte for byte
        if name.startswith("db.json"):
            shutil.copy2(path.parent / name, twin.parent / name)
    Store.open(path, clock_at(NOW)).archive_old()
    exports = []
    for where in (path, twin):
        made = iter(range(100))  # the same global ids for the goals each adds
        monkeypatch.setattr(oplog, "new_gid", lambda made=made: f"{next(made):032x}")
        store = Store.open(where, clock_at(NOW))
        store.reopen(ids["b"])
        store.edit_goal(ids["b"], title="Old step B, again")
        store.add_goal("A new top-level goal")
        store.undo()  # the add
        store.undo()  # the edit
        store.add_goal("Another new one")
        blob = orjson.dumps(Store.open(where, clock_at(NOW)).export())
        copy = Store.open(where.parent / "imported.json", clock_at(NOW))
        copy.import_(orjson.loads(blob))
        exports.append((blob, orjson.dumps(copy.export())))
    assert exports[0] == exports[1]
    assert exports[0][0] == exports[0][1]


def test_a_goal_waited_for_by_one_that_stays_is_not_archived(db) -> None:
    path, ids = db
    store = Store.open(path, clock_at(NOW))
    store.depend(ids["keep"], ids["b"])
    store.archive_old()
    assert {str(ids["old"]), str(ids["a"]), str(ids["b"])} <= parsed_ids(path)


def test_a_streak_is_never_cut_by_the_horizon(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    store = Store.open(path, clock_at(NOW.subtract(days=120)))
    for n in range(120):  # something done every day for 120 days, up to yesterday
        store.clock = clock_at(NOW.subtract(days=120 - n))
        store.mark_done(store.add_goal(f"step {n}").id)
    store.clock = clock_at(NOW)
    streak = store.review().streak
    store.archive_old()
    fresh = Store.open(path, clock_at(NOW))
    assert fresh.review().streak == streak == 120
    assert fresh.storage.history_unread()


def test_deleting_an_archived_goal_keeps_it_deleted(db) -> None:
    path, ids = db
    Store.open(path, clock_at(NOW)).archive_old()
    Store.open(path, clock_at(NOW)).delete(ids["old"])
    store = Store.open(path, clock_at(NOW))
    store.read_history()
    assert ids["a"] not in store.goals() and ids["old"] not in store.goals()
    store.storage.fold()
    again = Store.open(path, clock_at(NOW))
    again.read_history()
    assert ids["old"] not in again.goals()
    again.undo()  # the delete: the goals are back
    assert Store.open(path, clock_at(NOW)).goal(ids["a"]).title == "Old step A"


def test_new_ids_never_reuse_an_archived_one(db) -> None:
    path, ids = db
    store = Store.open(path, clock_at(NOW))
    store.archive_old()
    new = Store.open(path, clock_at(NOW)).add_goal("new")
    assert new.id > max(ids.values())


def test_a_second_pass_keeps_what_the_first_moved(db) -> None:
    path, ids = db
    Store.open(path, clock_at(NOW)).archive_old()
    before = Store.open(path, clock_at(NOW)).export()
    later = NOW.add(days=30)
    assert Store.open(path, clock_at(later)).archive_due()
    Store.open(path, clock_at(later)).archive_old()
    assert Store.open(path, clock_at(NOW)).export() == before


def test_a_missing_or_foreign_archive_is_one_clear_error_and_today_still_works(db) -> None:
    path, ids = db
    Store.open(path, clock_at(NOW)).archive_old()
    archive = path.with_name("db.json.archive")
    archive.rename(path.with_name("elsewhere"))
    store = Store.open(path, clock_at(NOW))
    assert [i.goal.id for i in store.today()] == [ids["today"]]
    with pytest.raises(CorruptDatabase, match="archive .* is missing"):
        store.export()
    archive.write_bytes(b"{not json")
    with pytest.raises(MicrogoalsError, match="archive .* is damaged"):
        Store.open(path, clock_at(NOW)).goal(ids["a"])


def test_the_week_retro_counts_what_the_archive_holds(tmp_path: Path) -> None:
    """Its milestones count every micro-goal ever done: the archived ones too."""
    paths = [tmp_path / "archived.json", tmp_path / "not.json"]
    for path in paths:
        store = Store.open(path, clock_at(OLD))
        for n in range(9):  # nine micro-goals long ago
            store.mark_done(store.add_goal(f"old {n}").id)
        store.clock = clock_at(NOW)
        store.mark_done(store.add_goal("the tenth").id)
    Store.open(paths[0], clock_at(NOW)).archive_old()
    archived, plain = (Store.open(p, clock_at(NOW)).retro() for p in paths)
    assert archived == plain
    assert [m.kind for m in archived.milestones] == ["micro_goals"]


def test_the_calibration_counts_the_archived_samples(tmp_path: Path) -> None:
    """Finished micro-goals with an estimate and a block, long ago: archived, they still
    count toward the overall ratio (kept as ratios), and the figure is the same."""
    paths = [tmp_path / "archived.json", tmp_path / "not.json"]
    for path in paths:
        store = Store.open(path, clock_at(OLD))
        for n, minutes in enumerate((10, 20, 15, 30, 12, 25)):
            goal = store.add_goal(f"step {n}", minutes=minutes)
            store.clock = clock_at(OLD.add(days=n))
            store.start_block(goal.id)
            store.clock = clock_at(OLD.add(days=n, minutes=minutes + 3 * n))
            store.stop_block("done", "")
        store.clock = clock_at(NOW)
        store.add_goal("today's")  # (a pass counts back from the newest record)
    Store.open(paths[0], clock_at(NOW)).archive_old()
    archived, plain = (Store.open(p, clock_at(NOW)) for p in paths)
    assert parsed_ids(paths[0]) == {"7"}  # all the rest moved
    found, expected = archived.calibration(), plain.calibration()
    assert found is not None and expected is not None and expected.overall is not None
    assert (found.overall, found.samples) == (expected.overall, expected.samples)
    assert archived.storage.history_unread()  # from the kept ratios, not the archive

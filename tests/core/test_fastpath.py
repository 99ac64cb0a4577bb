"""The fast path of ``microgoals add`` and ``status`` (``core/fastpath.py``) against the full
one: the same commit, the same summary, the storage's rules (compaction, backups, a failed
append), and a fall back to the full path whenever the summary cannot vouch for the files.
Also the light pieces it is built from: JSON without ``json``, text checks without ``re``,
today's date without pendulum."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import orjson
import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_microgoals.core import backup_names, fastpath, journal, lightjson, localday, text
from tui_microgoals.core.clock import Clock, FixedClock
from tui_microgoals.core.errors import StorageError
from tui_microgoals.core.journal import SCHEMA_VERSION
from tui_microgoals.core.store import Store

# A zone without DST: ``Clock.day_hint`` gives no hint on a day the UTC offset changes (the
# fast add then takes the full path), so the tests that expect the fast path use UTC.
ZONE = "UTC"
DST_ZONE = "Europe/Berlin"


def clear_of_midnight(margin: float = 30.0) -> None:
    """Wait out the last ``margin`` seconds of a UTC day: a hint is for one day only."""
    left = 86400 - time.time() % 86400
    if left < margin:
        time.sleep(left + 0.1)


@pytest.fixture(autouse=True)
def zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROGOALS_TZ", ZONE)
    clear_of_midnight()


def real_store(path: Path) -> Store:
    """A store as the command line opens it: the real clock, the zone from the environment."""
    return Store.open(path, Clock())


def summary(path: Path) -> dict[str, Any]:
    return orjson.loads(Path(str(path) + ".status").read_bytes())


def journal_entries(path: Path) -> list[dict[str, Any]]:
    lines = Path(str(path) + ".journal").read_bytes().splitlines()
    return [journal.parse_line(line, orjson.loads) for line in lines if b'"base"' not in line]


def same_but_time(entry: dict[str, Any]) -> dict[str, Any]:
    for doc in entry["tables"].get("goals", {}).values():
        doc["created_at"] = doc["gid"] = "T"
    for change in entry["tables"].get("ops", {}).values():  # made at another moment
        change.update(id="I", at="T", hlc="H", pid=0)
        for op in change["ops"]:
            op["a"]["created_at"] = op["a"]["gid"] = "T"
    return entry


def db_with_history(path: Path) -> Store:
    """Goals at two levels, a done one, a block: what the summary has to get right."""
    store = real_store(path)
    first = store.add_goal("First", minutes=10)
    store.add_goal("Under first", parent=first.id)
    store.add_goal("Second")
    store.move(3, -1)  # positions that are not in id order
    store.mark_done(2)
    store.start_block(store.add_goal("Leaf").id)
    return store


# -- the same commit as the full path ------------------------------------------------------


def test_a_fast_add_is_the_commit_the_full_path_makes(tmp_path: Path) -> None:
    full, fast = tmp_path / "full" / "db.json", tmp_path / "fast" / "db.json"
    full.parent.mkdir()
    db_with_history(full)
    shutil.copytree(full.parent, fast.parent, symlinks=True)
    # Both copies committed once more, so each has a summary of its own files.
    real_store(full).set_setting("capacity", 100)
    real_store(fast).set_setting("capacity", 100)
    before = summary(fast)

    store = real_store(full)
    store.actor = "cli add"
    goal = store.add_goal("Next one", minutes=25, notes="with notes")
    added = fastpath.add_goal(str(fast), "Next one", minutes=25, notes="with notes")
    assert added is not None
    goal_id, doc = added
    assert goal_id == goal.id
    assert doc == {**goal.to_doc(), "created_at": doc["created_at"], "gid": doc["gid"]}
    assert re.fullmatch("[0-9a-f]{32}", doc["gid"]) and doc["gid"] != goal.extra["gid"]

    # The journal line: the same documents (orjson there, lightjson here; same bytes).
    assert same_but_time(journal_entries(fast)[-1]) == same_but_time(journal_entries(full)[-1])
    full_line = Path(str(full) + ".journal").read_bytes().splitlines()[-1]
    fast_line = Path(str(fast) + ".journal").read_bytes().splitlines()[-1]
    # (each line's checksum covers its own time)
    assert journal.parse_line(full_line, orjson.loads)
    assert journal.parse_line(fast_line, orjson.loads)
    unstamped = (
        rb'"crc":"[0-9a-f]{8}",|"created_at":"[^"]*"|"id":"[0-9a-f]{16}"|"at":"[^"]*"'
        rb'|"hlc":\[\d+,\d+\]|"pid":\d+|"gid":"[0-9a-f]{32}"'
    )
    assert re.sub(unstamped, b"", full_line) == re.sub(unstamped, b"", fast_line)
    # The summary: what the full path wrote after its commit, but for the stamps.
    mine, theirs = summary(fast), summary(full)
    for doc_ in (mine, theirs):
        doc_["main"] = doc_["journal"] = None
        doc_["running"].pop("ends")
        doc_["add"]["ops"][1] = None  # (the clock of each entry)
    # The fast add works out the undo of its goal, where this store works out none (the
    # app's; tests/core/test_fastpath_undo.py has the command line's).
    assert [step["what"] for step in mine["undo"].pop("undo")] == ["undid: added 'Next one'"]
    assert theirs["undo"].pop("undo") == []
    assert mine == theirs
    assert summary(fast)["entries"] == before["entries"] + 1

    # What a full load finds in the fast copy: the goal, and the next id after it.
    reopened = real_store(fast)
    assert reopened.goal(goal_id) == goal.__class__.from_doc(goal_id, doc)
    assert reopened.goal(goal_id).created_on == reopened.clock.today()
    assert reopened.add_goal("after").id == goal_id + 1


def test_a_store_that_is_open_sees_a_fast_add(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    app = real_store(path)
    app.add_goal("one")
    assert len(app.goals()) == 1
    added = fastpath.add_goal(str(path), "from the command line")
    assert added is not None and added[0] == 2
    assert app.changed()
    assert app.goals()[2].title == "from the command line"
    assert app.add_goal("from the app").id == 3
    assert fastpath.add_goal(str(path), "and again") is not None
    assert [g.id for g in real_store(path).goals().values()] == [1, 2, 3, 4]


def test_the_summary_follows_changes_without_a_full_scan(tmp_path: Path) -> None:
    """The top-level positions and id bound kept from each commit's changes match a fresh
    computation, through moves, re-parenting, deletes and another process's writes."""
    path = tmp_path / "db.json"
    store = real_store(path)
    other = real_store(path)
    for n in range(6):
        store.add_goal(f"g{n}")
    store.edit_goal(6, parent=1)  # the highest position leaves the top level
    other.move(2, 3)
    store.delete(5)
    other.add_goal("from the other")
    store.move(7, -10)
    fresh = real_store(path)
    fresh.set_setting("reward", "x")  # a fresh store computes it from scratch
    kept = summary(path)["add"]
    store.set_setting("reward", "x")
    assert summary(path)["add"] == kept
    goals = fresh.goals()
    assert kept["top"] == max(g.position for g in goals.values() if g.parent is None)
    assert kept["bound"] == max(goals)


# -- falling back to the full path ----------------------------------------------------------


def test_a_stale_or_foreign_summary_is_not_trusted(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    store = real_store(path)
    store.add_goal("one")
    status = Path(str(path) + ".status")
    good = status.read_bytes()

    with open(str(path) + ".journal", "ab") as handle:  # a line no summary describes
        handle.write(b'{"tables":{"goals":{"1":{"title":"hand-made"}}}}\n')
    assert fastpath.add_goal(str(path), "two") is None
    assert fastpath.status(str(path)) is None
    assert real_store(path).add_goal("two").id == 2  # the full path still works

    for broken in (b"", b"not json", b"[1]", good.replace(b'"format":2', b'"format":1')):
        real_store(path).set_setting("capacity", 60)
        assert fastpath.add_goal(str(path), "probe") is not None  # current again
        status.write_bytes(broken)
        assert fastpath.add_goal(str(path), "three") is None
        assert fastpath.status(str(path)) is None


def test_what_the_summary_cannot_vouch_for_goes_the_full_way(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    real_store(path).add_goal("one")
    status = Path(str(path) + ".status")

    def with_summary(**changes: Any) -> None:
        real_store(path).set_setting("capacity", 60)
        doc = {**summary(path), **changes}
        status.write_bytes(orjson.dumps(doc))

    add = summary(path)["add"]
    with_summary(add={**add, "meta": {**add["meta"], "next_goal": add["bound"]}})
    assert fastpath.add_goal(str(path), "an id in use") is None
    with_summary(add={**add, "meta": {"next_goal": "7"}})
    assert fastpath.add_goal(str(path), "no counter") is None
    with_summary(day=None)
    assert fastpath.add_goal(str(path), "no date") is None
    with_summary(schema=SCHEMA_VERSION + 1)
    assert fastpath.add_goal(str(path), "newer") is None
    with_summary(stale=True)
    assert fastpath.add_goal(str(path), "stale journal") is None
    # Input the full path refuses: it says why.
    with_summary()
    for title in ("", "   ", "\u200b", "x" * 300):
        assert fastpath.add_goal(str(path), title) is None
    assert fastpath.add_goal(str(path), "ok", minutes=0) is None
    assert fastpath.add_goal(str(path), "ok", minutes=24 * 60 + 1) is None
    assert fastpath.add_goal(str(tmp_path / "missing.json"), "nowhere") is None
    added = fastpath.add_goal(str(path), "\x1b[31mred\x1b[0m  text ")
    assert added is not None and added[1]["title"] == "red text"  # cleaned as the store does


def test_a_summary_from_a_fixed_clock_gives_no_date(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    Store.open(path, FixedClock(pendulum.now("UTC"), ZONE)).add_goal("one")
    assert summary(path)["day"] is None
    assert fastpath.add_goal(str(path), "two") is None


# -- the storage's rules --------------------------------------------------------------------


def test_the_journal_is_folded_when_the_full_path_would(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(journal, "JOURNAL_MAX_ENTRIES", 3)
    path = tmp_path / "db.json"
    real_store(path).add_goal("first")  # a new file: written whole
    fast = full = 0
    for n in range(12):
        if fastpath.add_goal(str(path), f"goal {n}") is not None:
            fast += 1
        else:
            real_store(path).add_goal(f"goal {n}")
            full += 1
        assert len(journal_entries(path)) <= 3 if Path(str(path) + ".journal").exists() else True
    assert fast == 9 and full == 3  # every fourth commit folds the journal
    assert len(real_store(path).goals()) == 13


def test_a_due_backup_goes_the_full_way(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "db.json"
    real_store(path).add_goal("one")  # the first write also makes the first backup
    assert fastpath.add_goal(str(path), "two") is not None
    backups = path.parent / "backups"
    for old in backups.iterdir():  # as if the last one were long ago
        os.utime(old, (time.time() - backup_names.BACKUP_EVERY_SECONDS - 60,) * 2)
        old.rename(backups / "db-20000101-000000-auto.json")
    assert fastpath.add_goal(str(path), "three") is None
    real_store(path).add_goal("three")  # folds the journal and keeps a backup
    assert not Path(str(path) + ".journal").exists()
    assert max(p.stat().st_mtime for p in backups.iterdir()) > time.time() - 60
    assert fastpath.add_goal(str(path), "four") is not None


def unreadable_backups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Listing ``backups/`` fails as it does for a folder without read permission (the tests
    run as root, where ``chmod 000`` changes nothing)."""
    real_listdir = os.listdir

    def listdir(folder: Any = ".") -> list[str]:
        if os.path.basename(os.fspath(folder)) == "backups":
            raise PermissionError(13, "Permission denied", os.fspath(folder))
        return real_listdir(folder)

    monkeypatch.setattr(os, "listdir", listdir)


def test_an_unreadable_backup_folder_does_not_stop_a_fast_add(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.json"
    real_store(path).add_goal("one")
    unreadable_backups(monkeypatch)
    # No backup can be seen, so one is due: the full path (which tries to make it) saves.
    assert fastpath.add_goal(str(path), "two") is None
    real_store(path).add_goal("two")
    monkeypatch.undo()
    assert [g.title for g in real_store(path).goals().values()] == ["one", "two"]


def test_a_failed_append_leaves_the_files_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.json"
    real_store(path).add_goal("one")
    assert fastpath.add_goal(str(path), "two") is not None
    journal_file = Path(str(path) + ".journal")
    before = (path.read_bytes(), journal_file.read_bytes())

    def refuse(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", refuse)
    with pytest.raises(StorageError, match="could not save .*No space left.*nothing was changed"):
        fastpath.add_goal(str(path), "three")
    monkeypatch.undo()
    assert (path.read_bytes(), journal_file.read_bytes()) == before
    assert fastpath.add_goal(str(path), "three") is None  # the summary no longer matches
    store = real_store(path)
    assert store.add_goal("three").id == 3  # no id was taken by the failed add
    assert [g.title for g in store.goals().values()] == ["one", "two", "three"]


def test_a_lock_held_by_another_writer_is_waited_for(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl

    path = tmp_path / "db.json"
    real_store(path).add_goal("one")
    monkeypatch.setattr(journal, "LOCK_TIMEOUT_SECONDS", 0.2)
    fd = os.open(str(path) + ".lock", os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with pytest.raises(StorageError, match="another microgoals process"):
            fastpath.add_goal(str(path), "two")
    finally:
        os.close(fd)
    assert fastpath.add_goal(str(path), "two") is not None


# -- status ----------------------------------------------------------------------------------


def test_status_from_the_summary_matches_the_store(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    store = real_store(path)
    assert fastpath.status(str(path)) is None  # no file yet
    goal = store.add_goal("Weigh flour")
    assert fastpath.status(str(path)) == fastpath.NO_BLOCK
    store.start_block(goal.id, 25)
    running, title, goal_id, remaining, paused = fastpath.status(str(path)) or (None,) * 5
    assert (running, title, goal_id, paused) == (True, "Weigh flour", goal.id, False)
    assert 25 * 60 - 5 < remaining <= 25 * 60  # type: ignore[operator]
    store.pause()
    found = fastpath.status(str(path))
    assert found is not None and found[4] is True
    assert found[3] == pytest.approx(25 * 60, abs=5)
    store.stop_block()
    assert fastpath.status(str(path)) == fastpath.NO_BLOCK


# -- the light pieces -----------------------------------------------------------------------

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(0, 1e6).map(lambda x: round(x, 3))
    | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@settings(max_examples=400)
@given(value=JSON)
def test_light_json_writes_what_orjson_writes_and_reads_it_back(value: Any) -> None:
    assert lightjson.dumps(value) == orjson.dumps(value).decode()
    indented = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()
    assert lightjson.dumps_indented(value) == indented
    assert lightjson.loads(orjson.dumps(value)) == value


@pytest.mark.parametrize("raw", [b"", b"{", b"{}x", b"NaN", b"[1,]", b"\xff"])
def test_light_json_refuses_what_is_not_json(raw: bytes) -> None:
    with pytest.raises(ValueError):
        lightjson.loads(raw)


OLD_ESCAPES = re.compile(text._ESCAPES, re.VERBOSE | re.DOTALL)
OLD_CONTROLS = re.compile(text._CONTROLS)
OLD_INVISIBLE = re.compile(r"[\s\u200b-\u200f\u2060-\u2064\ufeff\u00ad\u034f\u180e]")


def old_strip(value: str) -> str:
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return OLD_CONTROLS.sub("", OLD_ESCAPES.sub("", value))


@settings(max_examples=2000)
@given(value=st.text())
def test_text_checks_without_regexes_agree_with_the_regexes(value: str) -> None:
    assert text.strip_controls(value) == old_strip(value)
    assert text.draws_nothing(value) == (not OLD_INVISIBLE.sub("", value))


def test_text_checks_agree_on_every_character() -> None:
    for code in range(0x10000):
        char = chr(code)
        assert text.draws_nothing(char) == (not OLD_INVISIBLE.sub("", char)), hex(code)
        assert text.strip_controls(char) == old_strip(char), hex(code)


def test_the_day_hint_covers_today_for_the_same_zone_settings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hint = Clock().day_hint()
    assert hint is not None
    now = time.time()
    assert localday.date_from_hint(hint, now) == Clock().today().isoformat()
    assert localday.date_from_hint(hint, hint["until"]) is None
    assert localday.date_from_hint(hint, hint["from"] - 0.001) is None
    monkeypatch.setenv("MICROGOALS_TZ", "Asia/Tokyo")
    assert localday.date_from_hint(hint, now) is None  # resolved from other settings
    monkeypatch.setenv("MICROGOALS_TZ", ZONE)
    monkeypatch.setenv("TZ", "UTC")
    assert localday.date_from_hint(hint, now) is None  # TZ is read too when ours is bad
    assert Clock(ZONE).day_hint() is None  # a zone given, not resolved
    assert FixedClock(pendulum.now("UTC"), ZONE).day_hint() is None


@pytest.mark.parametrize(
    ("day", "hours"), [("2026-03-28", 24), ("2026-03-29", None), ("2026-10-25", None)]
)
def test_no_day_hint_on_a_day_the_offset_changes(
    monkeypatch: pytest.MonkeyPatch, day: str, hours: int | None
) -> None:
    monkeypatch.setenv("MICROGOALS_TZ", DST_ZONE)
    noon = pendulum.parse(f"{day}T12:00:00", tz=DST_ZONE).in_timezone("UTC")
    monkeypatch.setattr(pendulum, "now", lambda tz=None: noon)
    hint = Clock().day_hint()
    if hours is None:
        assert hint is None
    else:
        assert hint is not None and hint["date"] == day
        assert hint["until"] - hint["from"] == hours * 3600


def test_status_never_shows_more_than_the_block_has_after_the_clock_went_back(
    tmp_path: Path,
) -> None:
    """Issue 13, finding 15: a block started, then the clock set back two days: status said
    48:20:00 for a 20-minute block. Time left never exceeds the planned length (+ extensions)."""
    path = tmp_path / "db.json"
    later = pendulum.now("UTC").add(days=2)
    store = Store.open(path, FixedClock(later))
    store.start_block(store.add_goal("Weigh flour").id, 20)
    found = fastpath.status(str(path))
    assert found is not None and found[0] is True
    assert found[3] == 20 * 60
    store.extend(5)
    found = fastpath.status(str(path))
    assert found is not None and found[3] == 25 * 60

"""The fast ``microgoals undo`` / ``redo`` (``fastpath.undo_step``, answering from the steps
the command line's last commit worked out ahead in the summary: ``store_summary``) against
the full path (``Store.undo`` / ``redo``): the same documents, the same log entry, the same
summary after; the same refusals (never answered fast); and a fall back to the full path
whenever the summary cannot vouch for a step."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any
from unittest.mock import ANY

import orjson
import pytest
from tinydb.table import Document

from tui_microgoals import entry
from tui_microgoals.core import fastpath, journal
from tui_microgoals.core.clock import Clock
from tui_microgoals.core.oplog import ABSENT, OPS_TABLE
from tui_microgoals.core.oplog_replay import UndoRefused
from tui_microgoals.core.store import Store
from tui_microgoals.core.store_summary import STEPS_AHEAD
from tui_microgoals.core.store_undo import _check, _check_gone, free_ids


@pytest.fixture(autouse=True)
def zone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MICROGOALS_TZ", "UTC")
    left = 86400 - time.time() % 86400  # a summary's day hint is for one day only
    if left < 30:
        time.sleep(left + 0.1)


def cli_store(path: Path, command: str = "test") -> Store:
    """A store as the command line opens it: the real clock, its commits work out undos ahead
    (an undo's a few, other commands' one)."""
    store = Store.open(path, Clock())
    store.actor = f"cli {command}"
    store.steps_ahead = STEPS_AHEAD if command in ("undo", "redo") else 1
    return store


def full_step(path: Path, *, redo: bool) -> str:
    store = cli_store(path, "redo" if redo else "undo")
    return store.redo() if redo else store.undo()


def history(path: Path) -> None:
    """Goals at two levels, a dependency, a done one, a block run and stopped, a setting, a
    block left running: undoing them touches every part of the summary."""
    store = cli_store(path)
    bake = store.add_goal("Bake", minutes=20)
    weigh = store.add_goal("Weigh flour", parent=bake.id, minutes=10)
    knead = store.add_goal("Knead", parent=bake.id, after=[weigh.id])
    store.mark_done(weigh.id)
    store.start_block(knead.id)
    store.stop_block("done", "went well")
    store.set_setting("capacity", 100)
    store.start_block(store.add_goal("Top two", minutes=15).id)
    store.edit_goal(bake.id, title="Bake bread")


def summary(path: Path) -> dict[str, Any]:
    return orjson.loads(Path(f"{path}.status").read_bytes())


def last_line(path: Path) -> dict[str, Any]:
    """The journal's last entry, less what differs between two runs (the moment, the
    random id, the process)."""
    line = Path(f"{path}.journal").read_bytes().splitlines()[-1]
    found = journal.parse_line(line, orjson.loads)
    for change in found["tables"][OPS_TABLE].values():
        change.update(id="I", at="T", hlc="H", pid=0)
    return found


def state(path: Path) -> dict[str, Any]:
    """What a fresh process reads: every table, each log entry less its moment and id."""
    data = dict(Store.open(path, Clock()).storage.read() or {})
    data[OPS_TABLE] = {
        key: {**change, "id": "I", "at": "T", "hlc": "H", "pid": 0}
        for key, change in data.get(OPS_TABLE, {}).items()
    }
    return data


def unstamped(doc: dict[str, Any], path: Path) -> dict[str, Any]:
    """The summary less the files' stamps and the clock of the newest entry; and less the
    bounds a store keeps from commit to commit, which can be any number past the fact (each
    is checked to be past it): the highest goal id in use, and the one from which on nothing
    refers to a goal."""
    doc = {**doc, "main": None, "journal": None}
    if doc.get("running"):
        doc["running"] = {k: v for k, v in doc["running"].items() if k != "ends"}
    doc["add"] = {**doc["add"], "ops": [doc["add"]["ops"][0], None]}
    data = Store.open(path, Clock()).storage.read() or {}
    assert doc["add"].pop("bound") >= max(map(int, data["goals"]))
    # (as is the goal id from which on nothing refers to a goal, for the fast add's undo)
    free = doc.get("undo", {}).pop("free", None)
    assert free is None or free >= free_ids(data)  # type: ignore[operator]
    for verb in ("undo", "redo"):
        for step in doc.get("undo", {}).get(verb, ()):
            step.pop("bound")
            step.pop("free")
    return doc


def same_step(tmp_path: Path, fast: Path, *, redo: bool, n: int) -> bool:
    """One step both ways on copies of ``fast``'s folder; False when the fast path declined."""
    full = tmp_path / f"full-{redo}-{n}" / "db.json"
    shutil.copytree(fast.parent, full.parent, symlinks=True)
    done = fastpath.undo_step(str(fast), redo=redo)
    said = full_step(full, redo=redo)
    if done is None:
        return False
    assert done[0] == said
    assert done[1] == Store.open(fast, Clock()).log(1)[0].id
    assert last_line(fast) == last_line(full)
    assert state(fast) == state(full)
    mine, theirs = unstamped(summary(fast), fast), unstamped(summary(full), full)
    # The steps still ahead are the first of those the full path works out afresh; the
    # other way (redo after an undo) is left to the full path.
    verb, other = ("redo", "undo") if redo else ("undo", "redo")
    ahead, afresh = mine.pop("undo"), theirs.pop("undo")
    assert ahead[verb] == afresh[verb][: len(ahead[verb])]
    assert ahead[other] == []
    assert mine == theirs
    return True


def test_undos_and_redos_in_a_row_are_the_full_paths(tmp_path: Path) -> None:
    fast = tmp_path / "fast" / "db.json"
    fast.parent.mkdir()
    history(fast)
    assert same_step(tmp_path, fast, redo=False, n=-1)  # (another command worked out one)
    assert not same_step(tmp_path, fast, redo=False, n=-2)
    # The full path's undo works out the next few.
    assert full_step(fast, redo=False) == "undid: started a block on 'Top two'"
    steps = 0
    while same_step(tmp_path, fast, redo=False, n=steps):
        steps += 1
    assert steps == STEPS_AHEAD
    assert full_step(fast, redo=False) == "undid: marked 'Weigh flour' done"
    redos = 0
    while same_step(tmp_path, fast, redo=True, n=redos):
        redos += 1
    assert redos == STEPS_AHEAD


def test_status_and_add_after_a_fast_undo_are_the_full_paths(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    history(path)
    assert summary(path)["running"]["title"] == "Top two"
    # Undo the edit (the full path), then the start of the running block: no block runs.
    full_step(path, redo=False)
    assert fastpath.undo_step(str(path), redo=False) == (
        "undid: started a block on 'Top two'",
        Store.open(path, Clock()).log(1)[0].id,
    )
    assert fastpath.status(str(path)) == fastpath.NO_BLOCK
    added = fastpath.add_goal(str(path), "after the undo")
    assert added is not None
    store = Store.open(path, Clock())
    assert store.running_block() is None
    others = [g.position for g in store.goals().values() if g.parent is None]
    assert store.goal(added[0]).position == sorted(others)[-2] + 1
    # The fast add's change makes the steps worked out ahead stale; its own undo is one.
    assert [step["what"] for step in summary(path)["undo"]["undo"]] == [
        "undid: added 'after the undo'"
    ]
    assert summary(path)["undo"]["redo"] == []


def test_an_undo_right_after_a_fast_add_is_the_full_paths(tmp_path: Path) -> None:
    fast = tmp_path / "fast" / "db.json"
    fast.parent.mkdir()
    history(fast)
    for n in range(3):  # (each fast undo keeps the bound the next fast add plans with)
        assert fastpath.add_goal(str(fast), f"added fast {n}") is not None
        assert same_step(tmp_path, fast, redo=False, n=n)
    assert fastpath.add_goal(str(fast), "one") is not None
    assert fastpath.add_goal(str(fast), "two") is not None
    assert same_step(tmp_path, fast, redo=False, n=3)
    # The add before: past what the fast add planned, so the full path.
    assert not same_step(tmp_path, fast, redo=False, n=4)
    assert full_step(fast, redo=False) == "undid: added 'one'"


def test_a_fast_add_plans_no_undo_of_a_goal_something_refers_to(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "db.json"
    store = cli_store(path)
    store.add_goal("Bake")
    with store._tx("a hand edit", undoable=False):  # waits for the next goal, made later
        doc = {**store._goals_t.get(doc_id=1), "after": [2]}  # type: ignore[dict-item]
        store._goals_t.upsert(Document(doc, doc_id=1))
    assert summary(path)["undo"]["free"] == 3
    assert fastpath.add_goal(str(path), "Weigh flour") == (2, ANY)
    assert "undo" not in summary(path)
    assert entry.main(["--db", str(path), "undo"]) == 2
    assert capsys.readouterr().err == (
        "microgoals: cannot undo \"added 'Weigh flour'\": goal 1 waits for it now; "
        "nothing was changed\n"
    )


def test_a_refused_undo_is_never_answered_fast(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "db.json"
    store = cli_store(path)
    store.add_goal("Launch a new loaf")
    with store._tx("set up the test", undoable=False):  # a goal under it, for good
        store.add_goal("Weigh flour", parent=1)
    assert summary(path)["undo"]["undo"] == []
    assert fastpath.undo_step(str(path), redo=False) is None
    assert entry.main(["--db", str(path), "undo"]) == 2
    assert capsys.readouterr().err == (
        "microgoals: cannot undo \"added 'Launch a new loaf'\": goal 2 is under it now; "
        "nothing was changed\n"
    )


def test_the_steps_ahead_stop_before_a_refusal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "db.json"
    store = cli_store(path)
    store.add_goal("Launch a new loaf")
    with store._tx("set up the test", undoable=False):
        store.add_goal("Weigh flour", parent=1)
    store.edit_goal(1, title="Launch two loaves")
    assert [s["what"] for s in summary(path)["undo"]["undo"]] == [
        "undid: edited 'Launch a new loaf' (title)"
    ]
    assert entry.main(["--db", str(path), "undo"]) == 0
    assert "undo" in summary(path)  # (answered fast: the step was taken from it)
    assert summary(path)["undo"]["undo"] == []
    before = state(path)
    assert entry.main(["--db", str(path), "undo"]) == 2
    out, err = capsys.readouterr()
    assert out == "undid: edited 'Launch a new loaf' (title)\n"
    assert err.startswith("microgoals: cannot undo \"added 'Launch a new loaf'\": goal 2 is")
    assert state(path) == before


def test_the_command_line_says_the_same_both_ways(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fast, full = tmp_path / "fast" / "db.json", tmp_path / "full" / "db.json"
    fast.parent.mkdir()
    history(fast)
    shutil.copytree(fast.parent, full.parent, symlinks=True)  # (the copy's summary is stale)
    for args in (["undo"], ["undo", "--json"], ["--json", "redo"]):
        assert entry.main(["--db", str(fast), *args]) == 0
        said_fast = capsys.readouterr().out
        assert entry.main(["--db", str(full), *args]) == 0
        said_full = capsys.readouterr().out
        if "--json" in args:
            mine, theirs = json.loads(said_fast), json.loads(said_full)
            assert mine.pop("id") == Store.open(fast, Clock()).log(1)[0].id
            assert theirs.pop("id") == Store.open(full, Clock()).log(1)[0].id
            assert mine == theirs
            said_fast, said_full = json.dumps(mine), json.dumps(theirs)
        assert said_fast == said_full
        # The full copy's commit worked out the next steps: both are current from here on.
    assert state(fast) == state(full)


def test_the_apps_commits_work_out_no_step_but_keep_free_ids(tmp_path: Path) -> None:
    path = tmp_path / "app" / "db.json"
    path.parent.mkdir()
    history(path)  # goals 1 to 4; 2 and 3 under 1, 3 waits for 2, a block runs on 4
    app = Store.open(path, Clock())
    app.add_goal("from the app")  # (no steps ahead: the app's commits stay as fast)
    assert summary(path)["undo"] == {"undo": [], "redo": [], "free": 5}
    assert fastpath.undo_step(str(path), redo=False) is None
    assert full_step(path, redo=False) == "undid: added 'from the app'"
    # The bound is kept from commit to commit (another process's too), without a scan.
    app.add_goal("Proof", parent=app.add_goal("Shape").id)  # 7 under 6
    assert summary(path)["undo"]["free"] == 7
    cli_store(path).add_goal("Bake it", after=[7])  # 8, by another process
    app.edit_goal(1, title="Bake bread again")
    assert summary(path)["undo"] == {"undo": [], "redo": [], "free": 8}
    assert free_ids(Store.open(path, Clock()).storage.read() or {}) == 8
    # With it the fast add works out its own undo: an undo right after it is fast.
    assert fastpath.add_goal(str(path), "from the shell") is not None
    assert same_step(tmp_path, path, redo=False, n=0)


@pytest.mark.parametrize(
    "damage",
    [
        lambda s: s.update(undo=[1]),
        lambda s: s["undo"].update(undo="x"),
        lambda s: s["undo"]["undo"][0].update(tables=[]),
        lambda s: s["undo"]["undo"][0].update(tables={}),
        lambda s: s["undo"]["undo"][0].update(ops=None),
        lambda s: s["undo"]["undo"][0].update(id=7),
        lambda s: s["undo"]["undo"][0].pop("what"),
        lambda s: s["undo"]["undo"][0]["tables"].update(ops={"1": {}}),
        lambda s: s["add"].update(ops=None),
        lambda s: s["add"]["meta"].pop("device"),
        lambda s: s.update(stale=True),
    ],
)
def test_a_damaged_summary_falls_back_to_the_full_path(tmp_path: Path, damage: Any) -> None:
    path = tmp_path / "db.json"
    history(path)
    doc = summary(path)
    damage(doc)
    Path(f"{path}.status").write_bytes(orjson.dumps(doc))
    before = state(path)
    assert fastpath.undo_step(str(path), redo=False) is None
    assert state(path) == before  # nothing written
    assert full_step(path, redo=False) == "undid: edited 'Bake' (title)"


def test_a_summary_older_than_the_files_falls_back(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    history(path)
    kept = Path(f"{path}.status").read_bytes()
    Store.open(path, Clock()).edit_goal(1, title="Bake rye")  # another process, since
    Path(f"{path}.status").write_bytes(kept)
    assert fastpath.undo_step(str(path), redo=False) is None
    assert full_step(path, redo=False) == "undid: edited 'Bake bread' (title)"


@pytest.mark.parametrize(
    ("goals", "blocks", "free"),
    [
        ({}, {}, 1),
        ({"1": {"parent": None, "after": []}, "2": {"parent": 1, "after": None}}, {}, 2),
        ({"1": {"after": [7]}, "2": {"parent": 1}}, {}, 8),
        ({"1": {}}, {"1": {"goal": 9, "ended_at": None}, "2": {"goal": 12, "ended_at": "x"}}, 10),
        # A reference that is not a plain id: only the scan can say.
        ({"1": {"parent": 2.0}}, {}, None),
        ({"1": {"parent": True}}, {}, None),
        ({"1": {"after": "3"}}, {}, None),
        ({"1": {"after": ["3"]}}, {}, None),
        ({"1": ["not a goal"]}, {}, None),
        ({}, {"1": {"goal": "2", "ended_at": None}}, None),
    ],
)
def test_free_ids_is_where_the_check_of_a_delete_finds_nothing(
    goals: dict[str, Any], blocks: dict[str, Any], free: int | None
) -> None:
    tables = {"goals": goals, "blocks": blocks}
    assert free_ids(tables) == free
    if free is None:
        return
    for goal_id in range(1, free + 5):
        docs = {("goals", str(goal_id)): ABSENT}
        refused = None
        try:
            _check_gone(goal_id, goals, tables, docs)
        except UndoRefused as why:
            refused = str(why)
        assert (refused is None) == (goal_id >= free or goal_id not in referred(tables))


def referred(tables: dict[str, Any]) -> set[int]:
    found = set()
    for doc in tables["goals"].values():
        found |= {doc.get("parent"), *(doc.get("after") or ())}
    found |= {b["goal"] for b in tables["blocks"].values() if b.get("ended_at") is None}
    return found


def test_the_check_skips_the_scan_only_past_free() -> None:
    """A delete whose own documents refer to the goal is still refused (``free_after``)."""
    tables: dict[str, Any] = {"goals": {"1": {"parent": None, "after": []}}, "blocks": {}}
    docs = {("goals", "5"): ABSENT, ("goals", "1"): {"parent": None, "after": [5]}}
    with pytest.raises(UndoRefused, match="goal 1 waits for it now"):
        _check(docs, tables, free=free_ids(tables))
    _check({("goals", "5"): ABSENT}, tables, free=free_ids(tables))


def test_a_store_that_is_open_sees_a_fast_undo(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    history(path)
    app = Store.open(path, Clock())
    assert app.goal(1).title == "Bake bread" and app.running_block() is not None
    assert fastpath.undo_step(str(path), redo=False) is not None
    assert app.changed()
    assert app.goal(1).title == "Bake"
    assert [line.what for line in app.log(1)] == ["undid: edited 'Bake' (title)"]
    # And undoes on from there itself: the block started on 'Top two'.
    assert app.undo() == "undid: started a block on 'Top two'"
    assert app.running_block() is None

"""``microgoals undo``, ``redo`` and ``log`` (issue 14) through the real entry point, in
subprocesses, on a database that other processes (a ``Store``, the fast ``add``) change too."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pendulum
import pytest
from test_cli import CLI

from tui_microgoals.cli import log_text, when_text
from tui_microgoals.core.oplog import HOST
from tui_microgoals.core.store import Store
from tui_microgoals.core.store_undo import LogLine


@pytest.fixture
def cli(tmp_path: Path) -> CLI:
    return CLI(tmp_path / "db.json")


def goal(cli: CLI, goal_id: int) -> dict:
    found = [g for g in cli.json("list", "--all") if g["id"] == goal_id]
    assert found, goal_id
    return found[0]


def test_undo_and_redo_a_done(cli: CLI) -> None:
    cli.ok("add", "Bake test batch #2")
    cli.ok("done", "1")
    assert goal(cli, 1)["status"] == "done"

    assert cli.ok("undo") == "undid: marked 'Bake test batch #2' done\n"
    assert goal(cli, 1)["status"] == "open"
    assert cli.ok("redo") == "redid: marked 'Bake test batch #2' done\n"
    assert goal(cli, 1)["status"] == "done"
    # Undo twice: the done, then the add.
    assert cli.ok("undo") == "undid: marked 'Bake test batch #2' done\n"
    assert cli.ok("undo") == "undid: added 'Bake test batch #2'\n"
    assert cli.json("list", "--all") == []
    cli.fails(1, "undo", match="nothing to undo")
    assert cli.ok("redo") == "redid: added 'Bake test batch #2'\n"
    assert [g["title"] for g in cli.json("list")] == ["Bake test batch #2"]


def test_nothing_to_undo_or_redo_is_exit_1_with_one_line(cli: CLI) -> None:
    assert cli.fails(1, "undo") == "microgoals: nothing to undo"
    assert cli.fails(1, "redo") == "microgoals: nothing to redo"
    assert cli.fails(1, "undo", "--json") == "microgoals: nothing to undo"
    cli.ok("add", "A")
    cli.fails(1, "redo", match="nothing to redo")
    cli.ok("undo")
    cli.ok("add", "B")  # a new change: what was undone cannot be redone any more
    cli.fails(1, "redo", match="nothing to redo")


def test_undo_that_would_leave_a_goal_under_a_missing_parent_is_refused(cli: CLI) -> None:
    cli.ok("add", "Launch a new loaf")
    store = Store.open(cli.db)  # another process puts a goal under it, and cannot be undone
    with store._tx("set up the test", undoable=False):
        store.add_goal("Weigh flour", parent=1)
    before = cli.ok("export")

    line = cli.fails(2, "undo")
    assert line == (
        "microgoals: cannot undo \"added 'Launch a new loaf'\": goal 2 is under it now; "
        "nothing was changed"
    )
    assert cli.ok("export") == before
    assert [e["what"] for e in cli.json("log")] == ["set up the test", "added 'Launch a new loaf'"]


def test_undo_json_names_the_entry_it_wrote(cli: CLI) -> None:
    cli.ok("add", "A")
    cli.ok("done", "1")
    undid = cli.json("undo")
    log = cli.json("log")
    assert undid == {"undid": "marked 'A' done", "id": log[0]["id"]}
    assert log[0]["what"] == "undid: marked 'A' done" and log[0]["by"] == "cli undo"
    redid = cli.json("redo")
    assert redid == {"redid": "marked 'A' done", "id": cli.json("log")[0]["id"]}
    assert json.loads(cli.ok("--json", "undo"))["undid"] == "marked 'A' done"


def test_log_json_shape_and_who_made_each_change(cli: CLI) -> None:
    cli.fast().ok("add", "first")  # a new database: the full path
    cli.ok("add", "second")  # the fast add
    cli.ok("add", "third", "--parent", "1")
    cli.ok("plan", "2")
    cli.ok("done", "2")
    cli.ok("undo")
    log = cli.json("log")
    assert [(e["by"], e["what"], e["undone"]) for e in log] == [
        ("cli undo", "undid: marked 'second' done", False),
        ("cli done", "marked 'second' done", True),
        ("cli plan", "planned 'second' for today", False),
        ("cli add", "added 'third'", False),
        ("cli add", "added 'second'", False),
        ("cli add", "added 'first'", False),
    ]
    for entry in log:
        assert set(entry) == {"id", "at", "what", "by", "host", "pid", "undone"}
        assert entry["host"] == HOST and isinstance(entry["pid"], int)
        assert pendulum.parse(entry["at"]).tzinfo is not None and entry["at"].endswith("Z")
    assert len({e["id"] for e in log}) == len(log)
    assert [e["id"] for e in cli.json("log", "-n", "2")] == [e["id"] for e in log[:2]]


def test_log_text_one_line_per_change(cli: CLI) -> None:
    assert cli.ok("log") == "no changes recorded yet\n"
    cli.ok("add", "Weigh flour")
    cli.ok("done", "1")
    cli.ok("undo")
    lines = cli.ok("log").splitlines()
    when = r"(?:\w{3} \d{1,2} \w{3} )?\d\d:\d\d"  # today: the time; other days: the day too
    pid = r", pid \d+"
    assert len(lines) == 3, lines
    assert re.fullmatch(
        rf"{when}  undid: marked 'Weigh flour' done · cli undo on {HOST}{pid}", lines[0]
    )
    assert re.fullmatch(
        rf"{when}  marked 'Weigh flour' done \(undone\) · cli done on {HOST}{pid}", lines[1]
    )
    assert re.fullmatch(rf"{when}  added 'Weigh flour' · cli add on {HOST}{pid}", lines[2])
    assert cli.ok("log", "-n", "1").splitlines() == lines[:1]


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("log", "-n", "0"), "must be 1 or more"),
        (("log", "-n", "-3"), "must be 1 or more"),
        (("log", "-n", "x"), "not a whole number"),
        (("undo", "now"), "unrecognized arguments"),
    ],
)
def test_bad_arguments_are_exit_2_with_one_line(
    cli: CLI, args: tuple[str, ...], match: str
) -> None:
    cli.fails(2, *args, match=match)


def test_undo_across_processes_after_a_fold_and_a_restart(cli: CLI) -> None:
    cli.fast().ok("add", "Proof the dough")  # the full path (a new database)
    cli.ok("add", "Shape the loaf")  # the fast add
    store = Store.open(cli.db)  # another process: the app, say
    store.mark_done(1)
    store.storage.fold()  # the app quits: the journal is folded into the main file
    del store

    assert cli.ok("undo") == "undid: marked 'Proof the dough' done\n"
    assert goal(cli, 1)["status"] == "open"
    assert cli.ok("undo") == "undid: added 'Shape the loaf'\n"  # the fast add's entry
    assert [g["title"] for g in cli.json("list")] == ["Proof the dough"]

    again = Store.open(cli.db)  # and the CLI's undo is undone (redone) by another process
    assert again.redo() == "redid: added 'Shape the loaf'"
    again.storage.fold()
    assert cli.ok("redo") == "redid: marked 'Proof the dough' done\n"
    assert [(g["title"], g["status"]) for g in cli.json("list", "--all")] == [
        ("Proof the dough", "done"),
        ("Shape the loaf", "open"),
    ]
    by = [e["by"] for e in cli.json("log")]
    assert by == [
        "cli redo",
        "microgoals",
        "cli undo",
        "cli undo",
        "microgoals",
        "cli add",
        "cli add",
    ]


def test_undo_of_a_block_from_the_shell(cli: CLI) -> None:
    cli.ok("add", "Weigh flour", "--minutes", "20")
    cli.ok("start", "1")
    cli.ok("stop", "--done")
    assert cli.json("status")["running"] is False
    assert cli.ok("undo") == "undid: ended the block on 'Weigh flour' (done)\n"
    status = cli.json("status")
    assert status["running"] is True and status["goal"] == 1
    assert goal(cli, 1)["status"] == "open"


# -- the history's lines, with a fixed clock ----------------------------------------------

TZ = "Europe/Berlin"
TODAY = pendulum.date(2026, 11, 29)  # a Sunday


def line(at: pendulum.DateTime | None, what: str, *, undone: bool = False) -> LogLine:
    return LogLine(id="e1", at=at, what=what, by="cli done", host="laptop", pid=4242, undone=undone)


def test_when_today_other_days_other_years_and_unknown() -> None:
    utc = pendulum.UTC
    assert when_text(pendulum.datetime(2026, 11, 29, 13, 3, tz=utc), TODAY, TZ) == "14:03"
    assert when_text(pendulum.datetime(2026, 11, 28, 13, 3, tz=utc), TODAY, TZ) == (
        "Sat 28 Nov 14:03"
    )
    # 23:30 UTC on the 28th is already the 29th in Berlin: today.
    assert when_text(pendulum.datetime(2026, 11, 28, 23, 30, tz=utc), TODAY, TZ) == "00:30"
    assert when_text(pendulum.datetime(2025, 12, 31, 9, 0, tz=utc), TODAY, TZ) == (
        "Wed 31 Dec 2025 10:00"
    )
    assert when_text(None, TODAY, TZ) == "?"


def test_log_lines_are_aligned_marked_and_one_line_each() -> None:
    lines = [
        line(pendulum.datetime(2026, 11, 29, 13, 3, tz="UTC"), "marked 'Bake [b]x[/b]' done"),
        line(pendulum.datetime(2026, 11, 28, 8, 0, tz="UTC"), "added 'a\nb\x1b[31m'", undone=True),
    ]
    assert log_text(lines, TODAY, TZ) == [
        "           14:03  marked 'Bake [b]x[/b]' done · cli done on laptop, pid 4242",
        "Sat 28 Nov 09:00  added 'a b' (undone) · cli done on laptop, pid 4242",
    ]


def test_a_break_that_ended_does_not_block_undo(cli: CLI) -> None:
    cli.ok("add", "Proof the dough")
    cli.ok("done", "1")
    store = Store.open(cli.db)  # the app: a break, then back to work
    store.set_break_until(store.clock.now().add(minutes=5))
    store.set_break_until(None)
    for _ in range(2):
        result = cli.run("undo")
        assert result.returncode == 0, result.stderr
        if goal(cli, 1)["status"] == "open":
            return
    pytest.fail("the done was never undone")


def test_completion_offers_the_new_commands(cli: CLI) -> None:
    script = cli.ok("completion", "bash")
    commands = re.search(r"_shtab_microgoals_subparsers=\(([^)]*)\)", script)
    assert commands is not None
    assert {"undo", "redo", "log"} <= set(commands.group(1).split())
    assert "_shtab_microgoals_log_option_strings=(-h --help --json -n)" in script

"""The command line through its real entry point, in subprocesses, as scripts use it."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest


def clear_of_midnight(margin: float = 60.0) -> None:
    """Wait out the last ``margin`` seconds of a UTC day: the summary's day hint, which the
    fast add needs, is for one day only."""
    left = 86400 - time.time() % 86400
    if left < margin:
        time.sleep(left + 0.1)


class CLI:
    #: Tests that expect the fast add set a zone without DST (``Clock.day_hint`` gives no
    #: hint on a day the UTC offset changes, and the add then takes the full path).
    tz = "Europe/Berlin"

    def __init__(self, db: Path) -> None:
        self.db = db

    def fast(self) -> CLI:
        """Settings under which the fast add is taken whatever the date."""
        self.tz = "UTC"
        clear_of_midnight()
        return self

    def run(self, *args: str, stdin: str | None = None, env: dict[str, str] | None = None):
        full_env = {**os.environ, "MICROGOALS_DB": str(self.db), "MICROGOALS_TZ": self.tz}
        full_env.pop("MICROGOALS_DEBUG", None)
        full_env.update(env or {})
        return subprocess.run(
            [sys.executable, "-m", "tui_microgoals", *args],
            capture_output=True,
            text=True,
            input=stdin,
            env=full_env,
            timeout=60,
        )

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        return result.stdout

    def json(self, *args: str):
        return json.loads(self.ok(*args, "--json"))

    def fails(self, code: int, *args: str, match: str = "") -> str:
        result = self.run(*args)
        assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("microgoals: ")
        assert match.lower() in lines[0].lower(), lines[0]
        return lines[0]


@pytest.fixture
def cli(tmp_path: Path) -> CLI:
    return CLI(tmp_path / "db.json")


def test_the_whole_days_loop(cli: CLI) -> None:
    root = cli.json("add", "Launch a new loaf")["id"]
    recipe = cli.json("add", "Standardize the recipe", "--parent", str(root))["id"]
    weigh = cli.json("add", "Weigh flour", "--parent", str(recipe), "--minutes", "15")["id"]
    card = cli.json(
        "add",
        "Write recipe card",
        "--parent",
        str(recipe),
        "--minutes",
        "20",
        "--after",
        str(weigh),
    )
    assert card["after"] == [weigh]

    listed = cli.json("list")
    assert [g["id"] for g in listed] == [root, recipe, weigh, card["id"]]
    assert set(listed[0]) >= {
        "id",
        "title",
        "parent",
        "status",
        "minutes",
        "due",
        "after",
        "done_at",
    }

    items = cli.json("plan", str(weigh), str(card["id"]))
    assert [i["id"] for i in items] == [weigh, card["id"]]
    today = cli.json("today")
    assert set(today[0]) >= {"id", "title", "status", "one_thing", "blocked", "carried"}
    assert today[1]["blocked"] is True

    block = cli.json("start", str(weigh), "--minutes", "15")
    assert block["goal"] == weigh and block["planned_seconds"] == 900

    status = cli.json("status")
    assert status["running"] is True and status["goal"] == weigh
    assert 0 < status["remaining_seconds"] <= 900
    assert set(status) >= {"running", "goal", "title", "remaining_seconds", "paused"}
    assert "· Weigh flour" in cli.ok("status")

    assert cli.json("pause")["paused"] is True
    assert cli.ok("status").startswith("⏸")
    assert cli.json("resume")["paused"] is False
    cli.ok("interrupt", "the phone rang")

    stopped = cli.json("stop", "--done", "--note", "weighed twice to be sure")
    assert stopped["outcome"] == "done" and stopped["ended_at"] is not None
    assert cli.ok("status").strip() == "no block"
    assert cli.json("status")["running"] is False

    # The done goal unblocks the next one.
    assert cli.json("today")[1]["blocked"] is False

    review = cli.json("review")
    assert set(review) >= {
        "date",
        "done",
        "blocks",
        "focus_minutes",
        "planned",
        "interruptions",
        "streak",
        "one_thing",
        "suggestions",
    }
    assert [d["id"] for d in review["done"]] == [weigh]
    assert review["done"][0]["path"] == "Launch a new loaf › Standardize the recipe › Weigh flour"
    assert review["interruptions"] == 1
    assert review["streak"] == 1
    only = review["blocks"][0]
    assert set(only) >= {
        "goal",
        "started_at",
        "ended_at",
        "planned_seconds",
        "focus_seconds",
        "outcome",
        "interruptions",
        "reflection",
    }
    assert only["reflection"] == "weighed twice to be sure"
    assert [p["id"] for p in review["planned"]] == [weigh, card["id"]]

    md = cli.ok("review", "--format", "md")
    assert "- [x] Launch a new loaf › Standardize the recipe › Weigh flour" in md
    assert "- [ ] Write recipe card" in md
    csv_text = cli.ok("review", "--format", "csv")
    assert csv_text.splitlines()[1].split(",")[1] == str(weigh)


def test_done_without_a_block_and_one_thing(cli: CLI) -> None:
    a = cli.json("add", "Five push-ups", "--today")["id"]
    b = cli.json("add", "Call the mill", "--today")["id"]
    cli.ok("one", str(b))
    today = cli.json("today")
    assert [i["id"] for i in today] == [b, a]
    assert today[0]["one_thing"] is True
    assert cli.json("done", str(b))["status"] == "done"
    assert cli.json("review")["one_thing"] == {
        "id": b,
        "title": "Call the mill",
        "path": "Call the mill",
        "done": True,
    }


def test_recurring_goal_stays_open(cli: CLI) -> None:
    habit = cli.json("add", "Write 200 words", "--every", "daily")
    assert habit["recurrence"] == "daily"
    assert [i["id"] for i in cli.json("today")] == [habit["id"]]
    assert cli.json("done", str(habit["id"]))["status"] == "open"
    assert cli.json("today")[0]["status"] == "done"


def test_edit_and_depend(cli: CLI) -> None:
    a = cli.json("add", "A")["id"]
    b = cli.json("add", "B")["id"]
    edited = cli.json(
        "edit",
        str(b),
        "--title",
        "  B two  ",
        "--minutes",
        "10",
        "--due",
        "2026-12-24",
        "--parent",
        str(a),
    )
    assert edited["title"] == "B two" and edited["minutes"] == 10
    assert edited["due"] == "2026-12-24" and edited["parent"] == a
    assert cli.json("edit", str(b), "--due", "none", "--parent", "none")["due"] is None
    c = cli.json("add", "C")["id"]
    assert cli.json("depend", str(c), "--after", str(b))["after"] == [b]
    cli.fails(2, "depend", str(b), "--after", str(c), match="cycle")


def test_text_is_kept_literally_and_cleaned(cli: CLI) -> None:
    goal = cli.json("add", "[bold]x[/] \x1b[31mred\x1b[0m \x07bell\x9b")
    assert goal["title"] == "[bold]x[/] red bell"
    assert "[bold]x[/] red bell" in cli.ok("list")


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("add", ""), "empty"),
        (("add", "   \t "), "empty"),
        (("add", "x" * 201), "limit"),
        (("add", "x", "--parent", "42"), "no goal with id 42"),
        (("add", "x", "--after", "42"), "no goal with id 42"),
        (("add", "x", "--due", "2026-02-30"), "bad date"),
        (("add", "x", "--due", "soon"), "bad date"),
        (("add", "x", "--minutes", "0"), "must be 1 or more"),
        (("add", "x", "--minutes", "ten"), "whole number"),
        (("add", "x", "--every", "fortnightly"), "bad recurrence"),
        (("edit", "7", "--title", "x"), "no goal with id 7"),
        (("edit", "abc"), "not a goal id"),
        (("done", "7"), "no goal with id 7"),
        (("plan", "7"), "no goal with id 7"),
        (("start", "7"), "no goal with id 7"),
        (("pause",), "no block is running"),
        (("resume",), "no block is running"),
        (("stop",), "no block is running"),
        (("interrupt",), "no block is running"),
        (("review", "--date", "nope"), "bad date"),
        (("config", "capacity", "lots"), "whole number"),
        (("config", "colour", "red"), "unknown setting"),
        (("frobnicate",), "invalid choice"),
        (("stop", "--done", "--abandon"), "not allowed"),
        (("import", "/nonexistent/export.json"), "cannot read"),
    ],
)
def test_user_errors_exit_2_with_one_line(cli: CLI, args: tuple[str, ...], match: str) -> None:
    cli.fails(2, *args, match=match)


def test_block_errors(cli: CLI) -> None:
    a = cli.json("add", "A")["id"]
    b = cli.json("add", "B", "--after", str(a))["id"]
    cli.fails(2, "start", str(b), match="blocked")
    cli.fails(2, "start", str(a), "--minutes", "3", match="5 to 90")
    cli.ok("start", str(a))
    cli.fails(2, "start", str(a), match="already running")
    cli.ok("pause")
    cli.fails(2, "pause", match="already paused")
    cli.ok("stop", "--abandon")
    assert cli.json("list")[0]["status"] == "open"


def test_damaged_or_newer_database_exits_1_untouched(cli: CLI) -> None:
    for content in (b"", b'{"goals": {"1": {"title": "x"', b"[1, 2]"):
        cli.db.write_bytes(content)
        cli.fails(1, "status")
        cli.fails(1, "add", "x")
        assert cli.db.read_bytes() == content
    newer = b'{"schema_version": 99, "goals": {}}'
    cli.db.write_bytes(newer)
    cli.fails(1, "list", match="newer")
    assert cli.db.read_bytes() == newer


def test_missing_folder_is_one_clear_line(cli: CLI, tmp_path: Path) -> None:
    result = CLI(tmp_path / "nowhere" / "db.json").run("add", "x")
    assert result.returncode == 1
    assert "does not exist" in result.stderr and "Traceback" not in result.stderr


def test_db_flag_beats_environment(cli: CLI, tmp_path: Path) -> None:
    other = tmp_path / "other.json"
    cli.ok("--db", str(other), "add", "elsewhere")
    assert cli.json("list") == []
    assert [g["title"] for g in cli.json("--db", str(other), "list")] == ["elsewhere"]


def test_default_path_comes_from_platformdirs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "MICROGOALS_DB"}
    env["XDG_DATA_HOME"] = str(tmp_path / "xdg")
    env["MICROGOALS_TZ"] = "UTC"  # the fast add below needs a day hint: no DST
    clear_of_midnight()
    result = subprocess.run(
        [sys.executable, "-m", "tui_microgoals", "add", "x"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    db = tmp_path / "xdg" / "microgoals" / "microgoals.json"
    assert db.exists()
    # Once the file is there, status and a plain add at the default location take the fast
    # path too (no TinyDB, no pendulum), and write where the full path does.
    for args, expected in ((["add", "y"], "added 2: y"), (["status"], "no block")):
        out, modules = traced(env, *args)
        assert out.strip() == expected
        assert not modules & set(HEAVY)
    listed = subprocess.run(
        [sys.executable, "-m", "tui_microgoals", "--db", str(db), "--json", "list"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert [g["title"] for g in json.loads(listed.stdout)] == ["x", "y"]


def test_export_import_round_trip(cli: CLI, tmp_path: Path) -> None:
    a = cli.json("add", "A [x]", "--today")["id"]
    cli.ok("start", str(a))
    cli.ok("stop", "--done")
    exported = cli.ok("export")
    dump = tmp_path / "export.json"
    dump.write_text(exported)
    fresh = CLI(tmp_path / "fresh.json")
    fresh.ok("import", str(dump))
    assert fresh.ok("export") == exported
    fresh.fails(2, "import", str(dump), match="not empty")
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    CLI(tmp_path / "third.json").fails(2, "import", str(bad), match="not a microgoals export")


def test_help_and_version(cli: CLI) -> None:
    assert "status" in cli.ok("--help")
    assert cli.ok("--version").startswith("microgoals ")


@pytest.mark.parametrize("module", ["entry", "cli"])  # the console script; the full path
def test_status_does_not_import_textual(cli: CLI, module: str) -> None:
    cli.ok("add", "a goal")
    code = (
        "import sys\n"
        f"from tui_microgoals.{module} import main\n"
        "assert main(['status']) == 0\n"
        "assert 'textual' not in sys.modules and 'rich' not in sys.modules, 'ui imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "MICROGOALS_DB": str(cli.db)},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "no block\n"


def test_status_summary_is_used_only_while_current(cli: CLI) -> None:
    goal = cli.json("add", "Weigh flour")["id"]
    cli.ok("start", str(goal))
    summary = Path(str(cli.db) + ".status")
    assert summary.exists()
    assert "· Weigh flour" in cli.ok("status")

    # A summary that lies about a file version it does not describe is ignored.
    doc = json.loads(summary.read_text())
    doc["running"]["title"] = "stale"
    doc["main"] = [0, 0, 0]
    summary.write_text(json.dumps(doc))
    assert "· Weigh flour" in cli.ok("status")

    # Missing or garbage: the slow path still answers.
    summary.write_text("not json")
    assert cli.json("status")["goal"] == goal
    summary.unlink()
    assert cli.json("status")["running"] is True

    cli.ok("pause")
    paused = cli.json("status")
    assert paused["paused"] is True and 0 < paused["remaining_seconds"] <= 1200
    cli.ok("stop")
    assert cli.ok("status").strip() == "no block"


def test_status_shows_hours_the_same_way_on_both_paths(cli: CLI) -> None:
    goal = cli.json("add", "Long block")["id"]
    cli.ok("start", str(goal), "--minutes", "90")
    shape = re.compile(r"^1:(29:\d\d|30:00) · Long block$")
    assert shape.match(cli.ok("status").strip())  # from the summary beside the database
    Path(str(cli.db) + ".status").unlink()
    assert shape.match(cli.ok("status").strip())  # from the database itself


# -- the fast path: status and a plain add before the full command line loads ----------------

HEAVY = ("pendulum", "tinydb", "orjson", "textual", "rich", "argparse", "tui_microgoals.cli")


def run_traced(cli: CLI, *args: str) -> tuple[str, set[str]]:
    """stdout, and the modules the command imported."""
    full_env = {**os.environ, "MICROGOALS_DB": str(cli.db), "MICROGOALS_TZ": cli.tz}
    return traced(full_env, *args)


def traced(env: dict[str, str], *args: str) -> tuple[str, set[str]]:
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "tui_microgoals", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("import time:")]
    assert len(lines) == len(result.stderr.splitlines()), result.stderr
    return result.stdout, {ln.rsplit("|", 1)[1].strip() for ln in lines}


def heavy(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in HEAVY or m in HEAVY)


ROOT = Path(__file__).resolve().parents[2]


def test_the_console_script_enters_through_the_fast_path() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert project["project"]["scripts"] == {"microgoals": "tui_microgoals.entry:main"}
    main = (ROOT / "tui_microgoals" / "__main__.py").read_text()
    assert "from tui_microgoals.entry import main" in main


def test_the_full_command_line_imports_at_its_top() -> None:
    """Only the full-screen app (Textual) and shell completion (shtab) are imported inside a
    function: the fast path is a module of its own, reached first."""
    tree = ast.parse((ROOT / "tui_microgoals" / "cli.py").read_text())
    inside = sorted(
        alias.name if isinstance(node, ast.Import) else str(node.module)
        for function in ast.walk(tree)
        if isinstance(function, ast.FunctionDef)
        for node in ast.walk(function)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    )
    assert inside == ["shtab", "tui_microgoals.app"]


APP_ALONE = """
import sys
from textual.app import App

opened = []
App.run = lambda app, *args, **kwargs: opened.append(str(app.session.store.path))
from tui_microgoals.entry import main

code = main([])
print(code, opened, "tui_microgoals.cli" in sys.modules, "argparse" in sys.modules)
"""


def test_the_app_alone_opens_without_the_command_line(cli: CLI) -> None:
    """``microgoals`` with no arguments opens the app on ``$MICROGOALS_DB`` without importing
    ``cli`` (its parser and every command's modules: ~60 ms before the first frame)."""
    cli.ok("add", "first")
    env = {**os.environ, "MICROGOALS_DB": str(cli.db), "MICROGOALS_TZ": cli.tz}
    result = subprocess.run(
        [sys.executable, "-c", APP_ALONE], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split(maxsplit=1) == ["0", f"{[str(cli.db)]} False False\n"]
    # A file it cannot read is one line, before any screen opens, as from the full path.
    newer = b'{"schema_version": 99, "goals": {}}'
    cli.db.write_bytes(newer)
    assert "newer" in cli.fails(1)
    assert cli.db.read_bytes() == newer


def test_status_and_a_plain_add_import_nothing_heavy(cli: CLI) -> None:
    cli.fast()
    cli.ok("add", "first")  # a new database goes the full way and leaves the summary
    for args in (
        ("status",),
        ("status", "--json"),
        ("--json", "status"),
        ("add", "second"),
        ("add", "third", "--minutes", "15", "--notes", "n", "--json"),
        ("--db", str(cli.db), "add", "--minutes=5", "fourth"),
    ):
        out, modules = run_traced(cli, *args)
        assert heavy(modules) == [], (args, heavy(modules))
        assert out
    cli.ok("start", "1")
    out, modules = run_traced(cli, "status")
    assert out.endswith(" · first\n") and heavy(modules) == []
    # Without a current summary the full path answers (and imports what it needs).
    Path(str(cli.db) + ".status").unlink()
    out, modules = run_traced(cli, "status")
    assert out.endswith(" · first\n") and "pendulum" in modules
    assert [g["title"] for g in cli.json("list")] == ["first", "second", "third", "fourth"]


def test_the_fast_and_the_full_path_print_the_same(cli: CLI) -> None:
    cli.fast()
    summary = Path(str(cli.db) + ".status")
    cli.ok("add", "setup")

    def both(*args: str) -> tuple[str, str]:
        cli.ok("config", "reward", "a commit: the summary is current again")
        fast, modules = run_traced(cli, *args)
        assert heavy(modules) == [], heavy(modules)
        summary.unlink()
        full, modules = run_traced(cli, *args)
        assert "pendulum" in modules
        return fast, full

    for args in (("status",), ("status", "--json")):
        fast, full = both(*args)
        assert fast == full
    cli.ok("start", "1", "--minutes", "90")
    cli.ok("pause")
    for args in (("status",), ("status", "--json")):
        fast, full = both(*args)
        assert fast == full and "⏸ 1:" in cli.ok("status")
    cli.ok("stop")

    fast, full = both("add", 'Ünïcödé "quoted" \\ title', "--minutes", "20", "--json")
    first, second = json.loads(fast), json.loads(full)
    assert list(first) == list(second)  # the same fields in the same order
    assert second["id"] == first["id"] + 1 and second["position"] == first["position"] + 1
    ids = first["id"], second["id"]
    for doc in (first, second):
        del doc["id"], doc["position"], doc["created_at"]
    assert first == second
    assert fast == json.dumps(json.loads(fast), indent=2, ensure_ascii=False) + "\n"
    # What each stored: the same document, field for field and in the same order.
    stored = cli.json("export")["tables"]["goals"]
    fast_doc, full_doc = (stored[str(goal_id)] for goal_id in ids)
    assert list(fast_doc) == list(full_doc)
    assert fast_doc["position"] + 1 == full_doc["position"]
    assert fast_doc["gid"] != full_doc["gid"]  # (each goal its own global id)
    for doc in (fast_doc, full_doc):
        assert doc["created_at"].endswith("Z") and doc["created_on"]
        assert re.fullmatch("[0-9a-f]{32}", doc["gid"])
        del doc["position"], doc["created_at"], doc["gid"]
    assert fast_doc == full_doc
    fast, full = both("add", "plain text", "--notes", "a note")
    assert re.fullmatch(r"added (\d+): plain text\n", fast)
    assert re.fullmatch(r"added (\d+): plain text\n", full)
    goals = cli.json("list")
    assert [g["notes"] for g in goals[-2:]] == ["a note", "a note"]


def stamp(path: Path) -> list[int] | None:
    if not path.exists():
        return None
    st = path.stat()
    return [st.st_ino, st.st_mtime_ns, st.st_size]


def test_a_damaged_summary_is_never_a_traceback(cli: CLI) -> None:
    """A summary that describes the files as they are (its stamps match) but has damaged
    content: the full path answers instead, from the database."""
    summary = Path(str(cli.db) + ".status")
    goal = cli.json("add", "Knead")["id"]
    cli.ok("start", str(goal))
    good = json.loads(summary.read_text())
    nested = "[" * 100_000 + "]" * 100_000
    for running in (
        '{"title": "Knead", "goal": 1, "ends": 1' + "0" * 400 + "}",  # OverflowError
        '{"title": "Knead", "goal": 1, "ends": 1e999}',  # infinity
        '{"title": "Knead", "goal": 1, "remaining_seconds": -5}',
        '{"title": "Knead", "goal": 1, "ends": "soon"}',
        '{"title": ["Knead"], "goal": 1, "ends": 1}',
        "[1, 2]",
        "7",
        nested,  # RecursionError
    ):
        text = json.dumps(good).replace(json.dumps(good["running"]), running)
        assert running in text
        summary.write_text(text)
        assert cli.ok("status").endswith(" · Knead\n"), running
        status = cli.json("status")
        assert status["running"] is True and status["goal"] == goal, running


def test_a_newer_schema_goes_to_the_full_path_which_refuses_it(cli: CLI) -> None:
    summary = Path(str(cli.db) + ".status")
    cli.ok("add", "Knead")  # a new database: written whole, no journal
    doc = json.loads(cli.db.read_text())
    doc["schema_version"] = 99
    cli.db.write_text(json.dumps(doc))
    good = json.loads(summary.read_text())
    journal = Path(str(cli.db) + ".journal")
    summary.write_text(
        json.dumps({**good, "schema": 99, "main": stamp(cli.db), "journal": stamp(journal)})
    )
    cli.fails(1, "status", match="upgrade microgoals")
    cli.fails(1, "status", "--json", match="upgrade microgoals")
    cli.fails(1, "add", "more", match="upgrade microgoals")


def test_ctrl_c_during_a_fast_status_is_exit_130_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from tui_microgoals import fastcli
    from tui_microgoals.core import fastpath

    def interrupted(db: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(fastpath, "status", interrupted)
    assert fastcli.run(["--db", str(tmp_path / "db.json"), "status"]) == 130
    assert capsys.readouterr() == ("", "")


def test_bytes_that_are_not_utf8_are_an_input_error_on_both_paths(cli: CLI) -> None:
    """``microgoals add $'\\xff'``: Python decodes the byte to a lone surrogate, which can be
    neither stored nor printed. The same one line on the fast and the full path, exit 2."""
    env = {**os.environ, "MICROGOALS_DB": str(cli.db), "MICROGOALS_TZ": "UTC"}
    env.pop("MICROGOALS_DEBUG", None)

    def add(*args: str | bytes) -> tuple[int, str, str]:
        result = subprocess.run(
            [sys.executable, "-m", "tui_microgoals", "add", *args],
            capture_output=True,
            env=env,
            timeout=60,
        )
        return result.returncode, result.stdout.decode(), result.stderr.decode()

    summary = Path(str(cli.db) + ".status")
    assert add("setup")[0] == 0
    for args, message in (
        ((b"\xff",), "microgoals: the title is not valid text (bad bytes)\n"),
        ((b"ok \xc3(", "--minutes", "5"), "microgoals: the title is not valid text (bad bytes)\n"),
        (("ok", "--notes", b"\xfe\xff"), "microgoals: the notes are not valid text (bad bytes)\n"),
    ):
        assert summary.exists()  # the fast path would answer
        assert add(*args) == (2, "", message), args
        summary.unlink()  # the full path answers
        assert add(*args) == (2, "", message), args
        assert add("a commit leaves the summary again")[0] == 0
    assert b"\\udc" not in cli.db.read_bytes()


def test_add_forms_the_fast_path_leaves_to_argparse(cli: CLI) -> None:
    cli.ok("add", "setup")
    line = cli.fails(2, "add", "x", "--minutes", "0")
    assert line.endswith("must be 1 or more: '0' (see 'microgoals add --help')")
    cli.fails(2, "add", "   ", match="the title is empty")
    cli.fails(2, "add", "x", "--minutes", "1441", match="between 1 and 1440")
    cli.fails(2, "add", "x", "--db", "other.json", match="unrecognized arguments")
    cli.fails(2, "add", "x", "y", match="unrecognized arguments")
    cli.fails(2, "add", "--minutes", "5", match="required: title")
    cli.fails(2, "add", "x", "--minutes", "-5", match="must be 1 or more")
    assert cli.ok("add", "x", "--min", "5") == "added 2: x\n"  # an abbreviation: argparse
    assert cli.ok("add", "--", "-dash") == "added 3: -dash\n"
    assert cli.ok("add", "y", "--minutes", " 7") == "added 4: y\n"
    assert cli.ok("add", "z", "--today") == "added 5: z (on today's list)\n"
    assert cli.ok("add", "w", "--minutes", "7", "--minutes", "8") == "added 6: w\n"
    minutes = {g["title"]: g["minutes"] for g in cli.json("list")}
    assert (minutes["x"], minutes["y"], minutes["w"]) == (5, 7, 8)
    assert cli.ok("add", "after the errors") == "added 7: after the errors\n"


def test_status_after_the_clock_went_back_shows_no_more_than_the_block(cli: CLI) -> None:
    """Issue 13, finding 15: the clock set back two days mid-block showed 48:20:00."""
    import pendulum

    from tui_microgoals.core.clock import FixedClock
    from tui_microgoals.core.store import Store

    store = Store.open(cli.db, FixedClock(pendulum.now("UTC").add(days=2)))
    store.start_block(store.add_goal("Weigh flour").id, 20)
    assert cli.ok("status") == "20:00 · Weigh flour\n"
    assert cli.json("status")["remaining_seconds"] == 1200

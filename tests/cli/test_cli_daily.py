"""Issue 12 ("a daily driver") from the shell, through the real entry point: dates the way
Taskwarrior users type them, reopen, depend --remove, today --date, edit --minutes none,
shell completion, and a review that carries interruption notes and the whole done list."""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

import pendulum
import pytest
from test_cli import CLI, heavy, run_traced

from tui_microgoals.core.dates import DATE_FORMS


@pytest.fixture
def cli(tmp_path: Path) -> CLI:
    # UTC and clear of midnight: "today" in the test is "today" in the command it runs.
    return CLI(tmp_path / "db.json").fast()


def today() -> pendulum.Date:
    return pendulum.today("UTC").date()


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        ("today", lambda t: t),
        ("tomorrow", lambda t: t.add(days=1)),
        ("yesterday", lambda t: t.subtract(days=1)),
        ("fri", lambda t: t.next(pendulum.FRIDAY)),  # the next Friday, never today
        ("Friday", lambda t: t.next(pendulum.FRIDAY)),
        ("mon", lambda t: t.next(pendulum.MONDAY)),
        ("+3d", lambda t: t.add(days=3)),
        ("+2w", lambda t: t.add(weeks=2)),
        ("eow", lambda t: t.end_of("week")),  # Sunday
        ("eom", lambda t: t.end_of("month")),
        ("2031-02-28", lambda t: pendulum.date(2031, 2, 28)),
    ],
)
def test_every_date_form_in_due_and_date(cli: CLI, form: str, expected) -> None:
    day = expected(today()).isoformat()
    goal = cli.json("add", "Bake", "--due", form)
    assert goal["due"] == day
    assert cli.json("edit", str(goal["id"]), "--due", "none")["due"] is None
    assert cli.json("edit", str(goal["id"]), "--due", form)["due"] == day
    cli.ok("plan", str(goal["id"]), "--date", form)
    assert [i["id"] for i in cli.json("today", "--date", form)] == [goal["id"]]
    assert cli.json("review", "--date", form)["date"] == day


def test_help_lists_every_date_form(cli: CLI) -> None:
    assert " ".join(DATE_FORMS.split()) in " ".join(cli.ok("--help").split())
    for command in ("add", "edit", "plan", "unplan", "today", "review"):
        assert "eow (this week's Sunday)" in " ".join(cli.ok(command, "--help").split())


def test_today_date_shows_that_days_list(cli: CLI) -> None:
    a = cli.json("add", "A", "--today")["id"]
    b = cli.json("add", "B")["id"]
    cli.ok("plan", str(b), "--date", "tomorrow")
    assert [i["id"] for i in cli.json("today")] == [a]
    tomorrow = cli.json("today", "--date", "tomorrow")
    assert [(i["id"], i["carried"]) for i in tomorrow] == [(b, 0), (a, 1)]
    summary = cli.json("today", "--date", "tomorrow", "--summary")
    assert [i["id"] for i in summary["items"]] == [b, a]
    assert "B" in cli.ok("today", "--date", "tomorrow")


def test_reopen_a_done_and_a_dropped_goal(cli: CLI) -> None:
    project = cli.json("add", "Project")["id"]
    step = cli.json("add", "Step", "--parent", str(project))["id"]
    cli.ok("done", str(step))
    assert cli.json("list", "--all")[0]["status"] == "done"  # the project finished with it
    reopened = cli.json("reopen", str(step))
    assert reopened["status"] == "open" and reopened["done_at"] is None
    assert [g["status"] for g in cli.json("list")] == ["open", "open"]
    cli.ok("drop", str(project))
    assert cli.json("list") == []
    assert cli.ok("reopen", str(step)) == f"open again: {step} Step\n"
    assert [(g["id"], g["status"]) for g in cli.json("list")] == [
        (project, "open"),
        (step, "open"),
    ]


def test_reopen_a_habit_undoes_todays_occurrence(cli: CLI) -> None:
    habit = cli.json("add", "Push-ups", "--every", "daily")["id"]
    cli.ok("done", str(habit))
    assert cli.json("today")[0]["status"] == "done"
    assert cli.json("reopen", str(habit))["status"] == "open"
    assert cli.json("today")[0]["status"] == "open"


def test_reopen_a_dropped_habit_and_refuse_one_not_done_today(cli: CLI) -> None:
    habit = cli.json("add", "Push-ups", "--every", "daily")["id"]
    cli.fails(2, "reopen", str(habit), match=f"habit {habit} is not done today")
    cli.ok("drop", str(habit))
    assert cli.json("today") == []
    assert cli.json("reopen", str(habit))["status"] == "open"
    assert [i["id"] for i in cli.json("today")] == [habit]


def test_depend_remove(cli: CLI) -> None:
    a = cli.json("add", "A")["id"]
    b = cli.json("add", "B", "--after", str(a))["id"]
    assert cli.json("today") == [] and cli.json("list")[1]["after"] == [a]
    goal = cli.json("depend", str(b), "--remove", str(a))
    assert goal["after"] == []
    assert cli.json("depend", str(b), "--after", str(a))["after"] == [a]
    assert cli.ok("depend", str(b), "--remove", str(a)) == f"{b} (B) no longer waits for {a}\n"
    cli.ok("start", str(b))  # not blocked any more


def test_edit_minutes_none_clears_the_estimate(cli: CLI) -> None:
    goal = cli.json("add", "A", "--minutes", "25")["id"]
    assert cli.json("edit", str(goal), "--minutes", "none")["minutes"] is None
    assert cli.json("list")[0]["minutes"] is None
    assert cli.json("edit", str(goal), "--minutes", "10")["minutes"] == 10


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("add", "x", "--due", "0001-01-01"), "give a day from 1970-01-01 to 9999-12-31"),
        (("plan", "1", "--date", "0001-01-01"), "give a day from 1970-01-01"),
        (("review", "--date", "0001-01-01"), "give a day from 1970-01-01"),
        (("review", "--date", "+9999999w"), "give a day from 1970-01-01"),
        (("today", "--date", "10000-01-01"), DATE_FORMS),
        (("unplan", "1", "--date", "soon"), f"bad date 'soon': use {DATE_FORMS}"),
        (("edit", "1", "--due", "2026-02-29"), DATE_FORMS),
        (("plan", "--suggest", "--date", "fri day"), DATE_FORMS),
        (("edit", "1", "--minutes", "zero"), "whole number"),
        (("edit", "1", "--minutes", "0"), "1 or more"),
        (("depend", "1", "--remove", "2"), "goal 1 does not wait for 2"),
        (("depend", "1", "--remove", "9"), "goal 1 does not wait for 9"),
        (("depend", "9", "--remove", "1"), "no goal with id 9"),
        (("depend", "1"), "one of the arguments --after --remove is required"),
        (("depend", "1", "--after", "2", "--remove", "2"), "not allowed"),
        (("reopen", "1"), "goal 1 is already open"),
        (("reopen", "9"), "no goal with id 9"),
        (("completion", "tcsh"), "invalid choice"),
        (("completion",), "required"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_changes_nothing(
    cli: CLI, args: tuple[str, ...], match: str
) -> None:
    cli.ok("add", "one", "--today")
    cli.ok("add", "two")
    before = cli.ok("export")
    cli.fails(2, *args, match=match)
    assert cli.ok("export") == before


def test_suggest_hint_keeps_the_date(cli: CLI) -> None:
    cli.ok("add", "Weigh flour", "--minutes", "15")
    tomorrow = today().add(days=1).isoformat()
    text = cli.ok("plan", "--suggest", "--date", "tomorrow")
    hint = f"accept with: microgoals plan --suggest --date {tomorrow} --accept"
    assert text.splitlines()[-1] == hint
    cli.ok(*hint.split()[3:])
    assert cli.json("today") == []
    assert [i["title"] for i in cli.json("today", "--date", "tomorrow")] == ["Weigh flour"]
    # Without --date the hint has none.
    assert cli.ok("plan", "--suggest").splitlines()[-1] == (
        "accept with: microgoals plan --suggest --accept"
    )


def test_forecast_prints_the_finish_date_once(cli: CLI) -> None:
    launch = cli.json("add", "Launch", "--due", today().add(days=5).isoformat())["id"]
    cli.ok("add", "Weigh", "--parent", str(launch), "--minutes", "15")
    row = cli.json("forecast")[0]
    assert row["status"] == "on_track"
    lines = cli.ok("forecast").splitlines()
    assert len(lines) == 2  # the step inherits the deadline
    for line in lines:
        assert line.count(row["finish"]) == 1, line


def test_review_shows_interruption_notes_and_the_whole_done_list(cli: CLI) -> None:
    weigh = cli.json("add", "Weigh flour", "--today")["id"]
    call = cli.json("add", "Call, the mill", "--today")["id"]
    cli.ok("start", str(weigh))
    cli.ok("interrupt", "the phone rang")
    cli.ok("interrupt")
    cli.ok("stop", "--done")
    cli.ok("done", str(call))  # done without a block

    review = cli.json("review")
    (block,) = review["blocks"]
    assert block["interruptions"] == 2
    assert [n["note"] for n in block["interruption_notes"]] == ["the phone rang", ""]
    assert all(n["at"].endswith("Z") for n in block["interruption_notes"])

    text = cli.ok("review").splitlines()
    at = text.index(next(line for line in text if "Weigh flour  2 interruption(s)" in line))
    assert text[at + 1].strip().endswith("interrupted: the phone rang")
    assert text[at + 2].strip().endswith("interrupted")

    md = cli.ok("review", "--format", "md").splitlines()
    at = md.index(next(line for line in md if "of focus" in line and "Weigh flour" in line))
    assert md[at + 1].startswith("  - ") and md[at + 1].endswith("interrupted: the phone rang")

    rows = list(csv.DictReader(io.StringIO(cli.ok("review", "--format", "csv"))))
    assert [(r["kind"], r["goal"]) for r in rows] == [
        ("block", str(weigh)),
        ("interruption", str(weigh)),
        ("interruption", str(weigh)),
        ("done", str(weigh)),
        ("done", str(call)),
    ]
    assert rows[0]["outcome"] == "done" and rows[0]["interruptions"] == "2"
    assert rows[1]["note"] == "the phone rang" and rows[1]["at"].endswith("Z")
    assert rows[4]["title"] == "Call, the mill" and rows[4]["at"].endswith("Z")
    assert rows[4]["path"] == "Call, the mill"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_completion_scripts_come_from_the_parser(cli: CLI, shell: str) -> None:
    script = cli.ok("completion", shell)
    for word in ("reopen", "completion", "remove", "summary"):  # fish: -l remove
        assert word in script, word
    as_json = cli.json("completion", shell)
    assert as_json["shell"] == shell and as_json["script"].strip() == script.strip()


def test_the_bash_completion_completes_commands(cli: CLI) -> None:
    script = cli.ok("completion", "bash")
    probe = (
        script
        + '\nCOMP_WORDS=(microgoals reo); COMP_CWORD=1; COMP_LINE="microgoals reo"; '
        + "COMP_POINT=${#COMP_LINE}\n"
        + '"$(complete -p microgoals | sed -E "s/.* -F ([^ ]+) .*/\\1/")" microgoals reo '
        + "microgoals\n"
        + 'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    result = subprocess.run(["bash", "-c", probe], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "reopen" in result.stdout.split()


def test_status_and_help_do_not_import_shtab(cli: CLI) -> None:
    cli.ok("add", "first")
    cli.ok("start", "1")
    for args in (("status",), ("status", "--json"), ("--help",), ("today",)):
        _, modules = run_traced(cli, *args)
        assert "shtab" not in modules, args
    Path(str(cli.db) + ".status").unlink()  # status without a summary: the full path
    _, modules = run_traced(cli, "status")
    assert "tui_microgoals.cli" in modules and "shtab" not in modules
    _, modules = run_traced(cli, "completion", "bash")
    assert "shtab" in modules  # (the check can fail)
    assert heavy(modules)  # completion is the full path, as it may be

"""review --week through the real entry point, on the seeded week of tests/retro_week.py."""

from __future__ import annotations

import json
from pathlib import Path

import pendulum
import pytest
from retro_week import END, ZONE, seed_week
from test_cli import CLI

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.retro_report import render_retro
from tui_microgoals.core.store import Store


@pytest.fixture
def cli(tmp_path: Path) -> CLI:
    """A database holding the seeded week (written by the store with a frozen clock)."""
    path = tmp_path / "db.json"
    clock = FixedClock(pendulum.datetime(2026, 11, 22, 9, tz="UTC"), ZONE)
    store = Store.open(path, clock)
    seed_week(store, clock)
    store.set_week_note("Less *Slack*", END)
    store.storage.close()
    tool = CLI(path)
    tool.tz = ZONE
    return tool


def expected(cli: CLI, fmt: str) -> str:
    store = Store.open(cli.db, FixedClock(pendulum.datetime(2026, 11, 22, 9, tz="UTC"), ZONE))
    return render_retro(store.retro(END), fmt)


def test_the_json_keys_and_values(cli: CLI) -> None:
    got = cli.json("review", "--week", "--date", "2026-11-22")
    assert list(got) == [
        "start", "end", "days", "planned", "done", "micro_done", "focus_minutes", "blocks",
        "interruption_count", "estimate", "interruptions", "habits", "carried", "completed",
        "streak", "longest_streak", "milestones", "note",
    ]  # fmt: skip
    assert (got["start"], got["end"]) == ("2026-11-16", "2026-11-22")
    assert [d["focus_minutes"] for d in got["days"]] == [18.0, 34.0, 0.0, 20.0, 0.0, 0.0, 0.0]
    assert (got["planned"], got["done"], got["micro_done"]) == (20, 9, 9)
    assert got["estimate"] == {"ratio": 1.2, "samples": 3}
    assert got["interruptions"][0] == {"note": "Phone call", "count": 2}
    assert [c["days"] for c in got["carried"]] == [7, 3]
    assert [c["title"] for c in got["completed"]] == ["Write the guide"]
    assert [m["kind"] for m in got["milestones"]] == [
        "micro_goals",
        "goal_completed",
        "longest_streak",
    ]
    assert got["note"] == "Less *Slack*"
    # The whole document is the one the core renders.
    assert got == json.loads(expected(cli, "json"))
    assert cli.ok("review", "--week", "--date", "2026-11-22", "--format", "json") == expected(
        cli, "json"
    )


def test_markdown_and_text(cli: CLI) -> None:
    md = cli.ok("review", "--week", "--date", "2026-11-22", "--format", "md")
    assert md == expected(cli, "md")
    assert md.startswith("# Week 2026-11-16 – 2026-11-22\n")
    assert "## Week note\n\nLess *Slack*\n" in md
    text = cli.ok("review", "--week", "--date", "2026-11-22")
    assert text == expected(cli, "text")
    assert (
        text.splitlines()[0]
        == "Week 2026-11-16 – 2026-11-22 (the 7 days ending Sunday, November 22)"
    )
    assert "★ Your 10th micro-goal done, on Mon Nov 16" in text


def test_date_forms_and_the_default_week(cli: CLI) -> None:
    week_before = cli.json("review", "--week", "--date", "2026-11-15")
    assert (week_before["start"], week_before["micro_done"]) == ("2026-11-09", 8)
    today = cli.json("review", "--week")  # the 7 days ending today, whatever today is
    end = pendulum.parse(today["end"]).date()
    assert pendulum.parse(today["start"]).date() == end.subtract(days=6)
    assert len(today["days"]) == 7


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("--date", "nope"), "bad date"),
        (("--date", "2026-13-01"), "bad date"),
        (("--format", "csv"), "review --week has no csv format"),
        (("--format", "pdf"), "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line(cli: CLI, args: tuple[str, ...], match: str) -> None:
    cli.fails(2, "review", "--week", *args, match=match)


def test_the_help_says_which_week(cli: CLI) -> None:
    text = " ".join(cli.ok("review", "--help").split())
    assert "the 7 days ending on --date" in text and "not a calendar week" in text

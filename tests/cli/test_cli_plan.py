"""plan --suggest, forecast, today --summary and config through the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pendulum
import pytest

TZ = "Europe/Berlin"


def run(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MICROGOALS_DB": str(db), "MICROGOALS_TZ": TZ}
    env.pop("MICROGOALS_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "tui_microgoals", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def ok(db: Path, *args: str):
    result = run(db, *args, "--json")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return json.loads(result.stdout)


def export(db: Path) -> str:
    result = run(db, "export")
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """A goal due in 3 days with a chain of steps, a too-big step, and a loose step."""
    db = tmp_path / "db.json"
    due = pendulum.today(TZ).add(days=3).to_date_string()
    ok(db, "add", "Launch", "--due", due)  # 1
    ok(db, "add", "Weigh flour", "--parent", "1", "--minutes", "15")  # 2
    ok(db, "add", "Write card", "--parent", "1", "--minutes", "20", "--after", "2")  # 3
    ok(db, "add", "Design the post", "--parent", "1", "--minutes", "60")  # 4: too big
    ok(db, "add", "Tidy", "--minutes", "10")  # 5, no deadline
    return db


def test_plan_suggest_json(db: Path) -> None:
    plan = ok(db, "plan", "--suggest")
    assert set(plan) >= {
        "date",
        "capacity_minutes",
        "planned_minutes",
        "one_thing",
        "items",
        "split",
    }
    assert plan["date"] == pendulum.today(TZ).to_date_string()
    assert plan["capacity_minutes"] == 120  # no history: the setting's default
    assert [i["id"] for i in plan["items"]] == [2, 3, 5]
    for item in plan["items"]:
        assert set(item) >= {"id", "title", "minutes", "reason"}
        assert item["reason"]
    assert plan["items"][0]["reason"] == "due in 3 days, unblocks 1"
    assert plan["items"][2]["reason"] == "next step"
    assert plan["planned_minutes"] == 45
    assert plan["one_thing"] == 2  # unblocks the most
    assert plan["split"] == [{"id": 4, "title": "Design the post", "minutes": 60}]
    assert ok(db, "today") == []  # a suggestion writes nothing


def test_plan_suggest_capacity_and_date(db: Path) -> None:
    small = ok(db, "plan", "--suggest", "--capacity", "10")
    assert small["capacity_minutes"] == 10
    assert [i["id"] for i in small["items"]] == [2]  # one item may run over, no more
    tomorrow = pendulum.today(TZ).add(days=1).to_date_string()
    later = ok(db, "plan", "--suggest", "--date", tomorrow)
    assert later["date"] == tomorrow
    assert later["items"][0]["reason"] == "due in 2 days, unblocks 1"


def test_accept_twice_changes_nothing_the_second_time(db: Path) -> None:
    first = ok(db, "plan", "--suggest", "--accept")
    today = ok(db, "today")
    assert [i["id"] for i in today] == [i["id"] for i in first["items"]]
    assert [i["id"] for i in today if i["one_thing"]] == [2]
    before = export(db)
    ok(db, "plan", "--suggest", "--accept")
    assert export(db) == before


def test_today_summary(db: Path) -> None:
    ok(db, "plan", "2", "3", "5")
    ok(db, "config", "capacity", "30")
    summary = ok(db, "today", "--summary")
    assert set(summary) >= {"planned_minutes", "capacity_minutes", "items"}
    assert summary["planned_minutes"] == 45
    assert summary["capacity_minutes"] == 30
    assert [i["id"] for i in summary["items"]] == [2, 3, 5]
    assert isinstance(ok(db, "today"), list)  # the plain form keeps its array
    text = run(db, "today", "--summary")
    assert text.stdout.splitlines()[0] == "45 min planned; you usually focus 30"


def test_forecast_json(db: Path) -> None:
    rows = ok(db, "forecast")
    by_id = {r["id"]: r for r in rows}
    assert set(by_id) == {1, 2, 3, 4}  # the goal with a deadline and everything under it
    for row in rows:
        assert set(row) >= {"id", "title", "due", "remaining_minutes", "finish", "status"}
    assert by_id[2]["status"] == "on_track"
    assert by_id[2]["finish"] == pendulum.today(TZ).to_date_string()
    assert by_id[4]["status"] == "at_risk"  # too big: never taken
    assert by_id[1]["status"] == "at_risk"
    assert by_id[1]["remaining_minutes"] == 95
    assert by_id[1]["finish"] is None


def test_config_capacity(db: Path) -> None:
    settings = ok(db, "config", "capacity", "90")
    assert settings["capacity"] == 90
    assert ok(db, "config")["capacity"] == 90
    assert ok(db, "plan", "--suggest")["capacity_minutes"] == 90


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("config", "capacity", "-5"), "capacity"),
        (("config", "capacity", "lots"), "capacity"),
        (("config", "capacity", "0"), "capacity"),
        (("plan", "--suggest", "--capacity", "-5"), "capacity"),
        (("plan", "--suggest", "--capacity", "abc"), "capacity"),
        (("plan", "--suggest", "--capacity", "0", "--accept"), "capacity"),
        (("forecast", "--capacity", "x"), "capacity"),
        (("plan", "--suggest", "--date", "2026-13-45"), "date"),
        (("plan", "--suggest", "--date", "soon", "--accept"), "date"),
    ],
)
def test_bad_input_exits_2_with_one_line_and_changes_nothing(
    db: Path, args: tuple[str, ...], words: str
) -> None:
    before = export(db)
    result = run(db, *args)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert words in lines[0].lower()
    assert export(db) == before

"""Issue 17, calibrated estimates: ``plan --suggest`` and ``forecast`` at the user's pace, and
exactly as before with calibration off or too little data; the setting through ``config``."""

from __future__ import annotations

import json
from pathlib import Path

import pendulum
import pytest
from test_cli_plan import TZ, run  # (the one subprocess runner of these tests)

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store

CAPACITY = ("--capacity", "60")


def out(db: Path, *args: str) -> str:
    result = run(db, *args)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def build(path: Path, sampled: int) -> Path:
    """Five past micro-goals estimated 10 min, ``sampled`` of them done in a 20-minute block
    (2.0x) and the rest marked done without one; then "Launch", due in two days, with eight
    open steps of 15 min. The same ids and titles whatever ``sampled`` is."""
    today = pendulum.today(TZ)
    clock = FixedClock(today.subtract(days=3).add(hours=9).in_timezone("UTC"), TZ)
    store = Store.open(path, clock)
    past = store.add_goal("Past project")
    for n in range(5):
        goal = store.add_goal(f"past step {n}", parent=past.id, minutes=10)
        if n < sampled:
            store.start_block(goal.id, 30)
            clock.advance(minutes=20)
            store.stop_block("done")
        else:
            store.mark_done(goal.id)
        clock.advance(minutes=5)
    launch = store.add_goal("Launch", due=today.add(days=2).date())
    for n in range(8):
        store.add_goal(f"launch step {n}", parent=launch.id, minutes=15)
    store.storage.close()
    return path


@pytest.fixture
def dbs(tmp_path: Path) -> dict[str, Path]:
    return {
        "calibrated": build(tmp_path / "a.json", sampled=5),
        "no samples": build(tmp_path / "b.json", sampled=0),
        "too few": build(tmp_path / "c.json", sampled=3),
    }


COMMANDS = [
    ("plan", "--suggest", *CAPACITY, "--json"),
    ("plan", "--suggest", *CAPACITY),
    ("forecast", *CAPACITY, "--json"),
    ("forecast", *CAPACITY),
]


def test_off_or_too_little_data_is_byte_identical_to_no_calibration(
    dbs: dict[str, Path],
) -> None:
    out(dbs["calibrated"], "config", "calibration", "off")
    for command in COMMANDS:
        baseline = out(dbs["no samples"], *command)
        assert out(dbs["calibrated"], *command) == baseline, command
        assert out(dbs["too few"], *command) == baseline, command
    assert "paced_minutes" not in out(dbs["too few"], *COMMANDS[0])


def test_the_plan_and_the_forecast_follow_the_calibration(dbs: dict[str, Path]) -> None:
    before = json.loads(out(dbs["no samples"], *COMMANDS[0]))
    plan = json.loads(out(dbs["calibrated"], *COMMANDS[0]))
    # 15-minute steps: four fill 60 minutes as estimated, two at twice the pace.
    assert [i["minutes"] for i in before["items"]] == [15] * 4
    assert [(i["minutes"], i["paced_minutes"]) for i in plan["items"]] == [(15, 30)] * 2
    assert plan["planned_minutes"] == 30 and plan["paced_minutes"] == 60
    assert plan["items"][0]["reason"] == "due in 2 days; 15m est., ~30m at your pace"
    assert before["items"][0]["reason"] == "due in 2 days"
    text = out(dbs["calibrated"], *COMMANDS[1])
    assert ": 30 (~60 at your pace) of your usual 60 min" in text
    assert "15m  (due in 2 days; 15m est., ~30m at your pace)" in text

    [was] = [r for r in json.loads(out(dbs["no samples"], *COMMANDS[2])) if r["id"] == 7]
    [now] = [r for r in json.loads(out(dbs["calibrated"], *COMMANDS[2])) if r["id"] == 7]
    assert (was["status"], was["remaining_minutes"]) == ("on_track", 120)
    assert "paced_minutes" not in was
    assert (now["status"], now["remaining_minutes"], now["paced_minutes"]) == (
        "at_risk",
        120,
        240,
    )
    assert now["why"] == (
        "needs 4 more days of your usual 60 min; 3 left; 120m est., ~240m at your pace"
    )


def test_the_setting_round_trips_through_config_and_undo(dbs: dict[str, Path]) -> None:
    db = dbs["calibrated"]
    assert json.loads(out(db, "config", "--json"))["calibration"] == "on"
    assert json.loads(out(db, "config", "calibration", "off", "--json"))["calibration"] == "off"
    assert "calibration = off" in out(db, "config")
    assert "turned calibration off" in out(db, "undo")
    assert json.loads(out(db, "config", "--json"))["calibration"] == "on"
    refused = run(db, "config", "calibration", "maybe")
    assert refused.returncode == 2
    assert refused.stderr.strip().endswith("calibration is on or off, not 'maybe'")
    assert refused.stderr.count("\n") == 1


def test_review_json_carries_the_calibration(dbs: dict[str, Path]) -> None:
    review = json.loads(out(dbs["calibrated"], "review", "--json"))
    assert review["calibration"] == {
        "ratio": 2.0,
        "samples": 5,
        "min_samples": 5,
        "by_root": [{"id": 1, "title": "Past project", "ratio": 2.0, "samples": 5}],
    }
    text = out(dbs["too few"], "review")
    assert (
        "Estimates: not enough data yet: 3 of 5 done micro-goals with an estimate and a block"
        in text
    )

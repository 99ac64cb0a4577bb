"""Issue 12 through the real entry point: a goal with steps leaves today's list to them and
the command says so (trap 4); settings are checked; a block lasts the step's estimate."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any


class CLI:
    def __init__(self, db: Path) -> None:
        self.env = {**os.environ, "MICROGOALS_DB": str(db), "MICROGOALS_TZ": "UTC"}
        self.env.pop("MICROGOALS_DEBUG", None)

    def ok(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "tui_microgoals", *args],
            capture_output=True,
            text=True,
            env=self.env,
            timeout=60,
        )
        assert (result.returncode, result.stderr) == (0, ""), result.stderr
        return result.stdout

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json"))


def test_first_step_takes_the_planned_goals_place_and_says_so(tmp_path: Path) -> None:
    cli = CLI(tmp_path / "db.json")
    big = cli.json("add", "Write the report", "--today")["id"]
    out = cli.ok("add", "Outline it", "--parent", str(big))
    step = int(out.split()[1].rstrip(":"))
    assert f"goal {big} now has steps: its place on today's list passed to {step}" in out
    assert [i["id"] for i in cli.json("today")] == [step]
    out = cli.ok("plan", str(big))  # planning the goal plans its open steps
    assert f"goal {big} has steps: planned its open steps {step}" in out
    cli.ok("unplan", str(big))  # and taking it off is never stuck
    assert cli.json("today") == []


def test_settings_out_of_range_are_input_errors(tmp_path: Path) -> None:
    cli = CLI(tmp_path / "db.json")
    before = cli.json("config")
    for args, says in [
        (("capacity", str(10**20)), "capacity must be a whole number from 1 to 1440"),
        (("capacity", "2000"), "from 1 to 1440"),
        (("reward_every", str(10**20)), "from 1 to 1000"),
        (("block_minutes", "91"), "a block lasts 5 to 90 minutes"),
        (("theme", "nosuchtheme"), "unknown theme 'nosuchtheme'; the themes are: ansi-dark"),
    ]:
        result = subprocess.run(
            [sys.executable, "-m", "tui_microgoals", "config", *args],
            capture_output=True,
            text=True,
            env=cli.env,
            timeout=60,
        )
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and says in lines[0], result.stderr
    assert cli.json("config") == before


def test_start_lasts_the_estimate(tmp_path: Path) -> None:
    cli = CLI(tmp_path / "db.json")
    step = cli.json("add", "Outline it", "--minutes", "15")["id"]
    assert "15:00 left" in cli.ok("start", str(step))
    cli.ok("stop", "--abandon")
    assert "30:00 left" in cli.ok("start", str(step), "--minutes", "30")

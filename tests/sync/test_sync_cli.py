"""``microgoals sync`` through the real entry point (``python -m tui_microgoals``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


class Machine:
    def __init__(self, db: Path) -> None:
        db.parent.mkdir(parents=True, exist_ok=True)
        self.db = db

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "MICROGOALS_DB": str(self.db), "MICROGOALS_TZ": "Europe/Berlin"}
        env.pop("MICROGOALS_DEBUG", None)
        return subprocess.run(
            [sys.executable, "-m", "tui_microgoals", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )

    def ok(self, *args: str) -> str:
        result = self.run(*args)
        assert result.returncode == 0, result.stderr
        assert result.stderr == ""
        return result.stdout

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
def laptop(tmp_path: Path) -> Machine:
    return Machine(tmp_path / "laptop" / "db.json")


@pytest.fixture
def desktop(tmp_path: Path) -> Machine:
    return Machine(tmp_path / "desktop" / "db.json")


def test_sync_before_it_is_set_up_says_how_in_one_line(laptop: Machine) -> None:
    laptop.ok("add", "Something")
    laptop.fails(2, "sync", match="sync init")
    laptop.fails(2, "sync", "--json", match="sync init")
    assert "not set up" in laptop.ok("sync", "--status")
    assert json.loads(laptop.ok("sync", "--status", "--json"))["set_up"] is False


def test_init_with_a_missing_folder_or_nowhere_fails_in_one_line(
    laptop: Machine, tmp_path: Path
) -> None:
    laptop.fails(2, "sync", "init", "--folder", str(tmp_path / "missing"), match="no such folder")
    laptop.fails(2, "sync", "init", match="--folder")
    laptop.fails(2, "sync", "--folder", str(tmp_path), match="sync init")
    laptop.fails(2, "sync", "--git", "/nowhere.git", match="sync init")


def test_two_machines_sync_through_a_folder_with_the_commands_a_person_types(
    laptop: Machine, desktop: Machine, tmp_path: Path
) -> None:
    shared = tmp_path / "Sync"
    shared.mkdir()
    assert "sync set up: folder" in laptop.ok("sync", "init", "--folder", str(shared))
    desktop.ok("sync", "init", "--folder", str(shared))
    laptop.ok("add", "Plan the trip")
    desktop.ok("add", "Fix the bike")
    first = json.loads(laptop.ok("sync", "--json"))
    assert set(first) >= {"in", "out", "superseded", "settled", "refused", "waiting", "devices"}
    assert (first["in"], first["out"], first["devices"]) == (0, 1, 1)
    lines = desktop.ok("sync").splitlines()
    assert lines[0] == "synced: 1 change came in, 1 went out (2 devices)", lines
    back = json.loads(laptop.ok("sync", "--json"))
    assert (back["in"], back["out"], back["superseded"], back["refused"]) == (1, 0, [], [])
    for machine in (laptop, desktop):
        titles = {g["title"] for g in json.loads(machine.ok("list", "--json"))}
        assert titles == {"Plan the trip", "Fix the bike"}
    status = laptop.ok("sync", "--status").splitlines()
    assert status[0] == f"sync: folder {shared}"
    assert status[1].startswith("last sync: ")
    assert status[2] == "waiting to go out: 0 changes"
    assert len([line for line in status if line.startswith("device ")]) == 2
    assert sum("(this machine)" in line for line in status) == 1
    laptop.ok("add", "One more")
    assert "waiting to go out: 1 change" in laptop.ok("sync", "--status")
    doc = json.loads(laptop.ok("sync", "--status", "--json"))
    assert doc["set_up"] is True and doc["waiting"] == 1 and len(doc["devices"]) == 2

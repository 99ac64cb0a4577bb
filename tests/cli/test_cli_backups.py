"""``backup --to`` and ``backups`` through the real entry point, in subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tui_microgoals.core.store import Store


def run(db: Path, *args: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    """``microgoals --db DB ARGS``; ``limit``: files may grow to that many bytes at most (a
    disk that holds a journal line but not a whole new file)."""
    code = "import sys; from tui_microgoals.cli import main; sys.exit(main(sys.argv[1:]))"
    if limit is not None:
        code = f"import resource; resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        code += "import sys; from tui_microgoals.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {**os.environ, "MICROGOALS_TZ": "UTC"}
    env.pop("MICROGOALS_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def ok(db: Path, *args: str) -> str:
    result = run(db, *args)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    return result.stdout


def one_line_error(result: subprocess.CompletedProcess[str], code: int) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("microgoals: "), result.stderr
    return lines[0]


def titles(db: Path) -> list[str]:
    goals = json.loads(ok(db, "export"))["tables"]["goals"]
    return [goals[key]["title"] for key in sorted(goals, key=int)]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "goals.json"
    for n in range(3):
        ok(path, "add", f"goal {n}")
    assert Path(f"{path}.journal").exists()  # the last ones live in the journal
    return path


def test_backup_to_writes_the_whole_database_as_one_file(db: Path, tmp_path: Path) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    assert ok(db, "backup", "--to", str(usb)) == (
        f"copied {db} (recent changes included) to {usb / 'goals.json'}\n"
    )
    copy = usb / "goals.json"
    assert sorted(p.name for p in usb.iterdir()) == ["goals.json"]
    assert os.stat(copy).st_mode & 0o777 == 0o600
    assert titles(copy) == ["goal 0", "goal 1", "goal 2"]

    named = tmp_path / "moved.json"
    assert json.loads(ok(db, "backup", "--to", str(named), "--json")) == {"copied_to": str(named)}
    before = named.read_bytes()
    line = one_line_error(run(db, "backup", "--to", str(named)), 1)
    assert "already exists" in line
    assert named.read_bytes() == before
    assert "already exists" in one_line_error(run(db, "backup", "--to", str(usb)), 1)


def test_restore_over_a_damaged_journal_keeps_it_aside(db: Path, tmp_path: Path) -> None:
    [backup] = ok(db, "backups").split()
    journal = Path(f"{db}.journal")
    with open(journal, "ab") as handle:
        handle.write(b"damage\n")
    damaged = journal.read_bytes()
    assert "damaged" in one_line_error(run(db, "list"), 1)

    out = ok(db, "backups", "--restore", backup).splitlines()
    assert out[0] == f"restored {backup} into {db}"
    kept = [Path(line.rsplit(" as ", 1)[1]) for line in out[1:]]
    assert [line.split(" it replaced")[0] for line in out[1:]] == ["the file", "the journal"]
    assert kept[1].read_bytes() == damaged
    assert titles(db) == ["goal 0"]


def test_backups_of_a_database_beside_it_are_not_its_own(db: Path, tmp_path: Path) -> None:
    work = tmp_path / "goals-work.json"
    ok(work, "add", "work")
    mine, theirs = ok(db, "backups").split(), ok(work, "backups").split()
    assert len(mine) == len(theirs) == 1
    assert all(n.startswith("goals-work-") for n in theirs)
    line = one_line_error(run(db, "backups", "--restore", theirs[0]), 1)
    assert "another database" in line and "goals-work.json" in line
    assert titles(db) == ["goal 0", "goal 1", "goal 2"]


def test_a_backup_that_cannot_be_written_is_one_warning(tmp_path: Path) -> None:
    db = tmp_path / "goals.json"
    many = Store.memory()
    for n in range(100):
        many.add_goal(f"goal {n}")
    Store.open(db).import_(many.export())  # a main file much larger than an add's line
    backups = tmp_path / "backups"
    for old in backups.iterdir():  # the last backup was long ago: one is due
        os.utime(old, (946684800, 946684800))
        old.rename(backups / "goals-20000101-000000-auto.json")
    result = run(db, "add", "fits in the journal", limit=db.stat().st_size // 2)
    assert result.stdout == "added 101: fits in the journal\n"
    line = one_line_error(result, 0)
    assert "no backup was made" in line and "File too large" in line
    assert titles(db)[-1] == "fits in the journal"

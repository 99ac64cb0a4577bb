"""What a hostile or careless user can do to the files beside the database (issue 13): journal
lines the loader would refuse, bit flips, planted symlinks and FIFOs, a deleted lock file, a
command run with sudo. Each test failed on the storage before its fix."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import orjson
import pytest

from tui_microgoals.core import fastpath, journal, summary_file
from tui_microgoals.core.clock import Clock, FixedClock
from tui_microgoals.core.errors import CorruptDatabase, LockTimeout
from tui_microgoals.core.store import Store

GOAL = {"title": "planted", "status": "open", "parent": None, "position": 0}


def files(folder: Path) -> dict[str, bytes]:
    """Every regular file in ``folder`` and below, byte for byte (the lock aside: it names
    its holder)."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink() and not p.name.endswith(".lock")
    }


def cli(db: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MICROGOALS_DB": str(db), "MICROGOALS_TZ": "UTC"}
    env.pop("MICROGOALS_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "tui_microgoals", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )


def one_line_error(result: subprocess.CompletedProcess[str], code: int = 1) -> str:
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("microgoals: "), result.stderr
    assert "internal error" not in lines[0] and "Traceback" not in result.stderr
    return lines[0]


def with_journal(tmp_path: Path, clock: FixedClock) -> Path:
    """A database whose main file is followed by a journal of three added goals."""
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    store.add_goal("in the main file")
    for title in ("first", "second", "third"):
        store.add_goal(title)
    assert len(journal_path(path).read_bytes().splitlines()) == 4  # the header and 3 lines
    return path


def journal_path(path: Path) -> Path:
    return path.with_name(path.name + ".journal")


# -- 7. the journal: every line checked with the loader's rules, and checksummed ---------------

REFUSED = {
    "id that is not a number": {"goals": {"abc": GOAL}},
    "negative id": {"goals": {"-1": GOAL}},
    "id with a leading zero": {"goals": {"05": GOAL}},
    "id in other digits": {"goals": {"\u0665": GOAL}},
    "the schema as a table": {"schema_version": {"1": {}}},
    "the journal id as a table": {"journal_id": {"1": {}}},
    "a document that is a number": {"goals": {"5": 3}},
    "a table that is a list": {"goals": [GOAL]},
}


@pytest.mark.parametrize("kind", list(REFUSED))
@pytest.mark.parametrize("checksummed", [True, False])
def test_a_journal_line_the_loader_would_refuse_is_reported_and_never_folded(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, kind: str, checksummed: bool
) -> None:
    path = with_journal(tmp_path, clock)
    body = orjson.dumps({"tables": REFUSED[kind]})
    with open(journal_path(path), "ab") as handle:
        handle.write(journal.line(body) if checksummed else body + b"\n")
    before = files(tmp_path)
    monkeypatch.setattr(journal, "JOURNAL_MAX_ENTRIES", 0)  # the next commit folds
    with pytest.raises(CorruptDatabase, match="journal .* is damaged .*left untouched"):
        Store.open(path, clock).goals()
    with pytest.raises(CorruptDatabase, match="is damaged"):
        Store.open(path, clock).add_goal("more")
    assert files(tmp_path) == before


def test_the_command_line_says_so_in_one_line_and_changes_nothing(
    tmp_path: Path, clock: FixedClock
) -> None:
    path = with_journal(tmp_path, clock)
    with open(journal_path(path), "ab") as handle:
        handle.write(orjson.dumps({"tables": {"goals": {"abc": GOAL}}}) + b"\n")
    with open(journal_path(path), "ab") as handle:
        handle.write(journal.line(orjson.dumps({"tables": {"goals": {"9": GOAL}}})))
    before = files(tmp_path)
    for args in (("list",), ("status",), ("add", "more"), ("add", "x", "--minutes", "5")):
        line = one_line_error(cli(path, *args))
        assert "is damaged" in line and "'abc'" in line, line
    assert files(tmp_path) == before


def flip(data: bytes, bit: int) -> bytes:
    return data[: bit // 8] + bytes([data[bit // 8] ^ (1 << bit % 8)]) + data[bit // 8 + 1 :]


def test_a_bit_flip_inside_a_title_in_the_middle_of_the_journal_is_reported(
    tmp_path: Path, clock: FixedClock
) -> None:
    path = with_journal(tmp_path, clock)
    raw = journal_path(path).read_bytes()
    at = raw.index(b'"second"') + 3
    journal_path(path).write_bytes(flip(raw, at * 8))  # "second" -> "sedond"
    before = files(tmp_path)
    with pytest.raises(CorruptDatabase, match=r"damaged \(the line at byte \d+: its checksum"):
        Store.open(path, clock).goals()
    line = one_line_error(cli(path, "list"))
    assert "checksum does not match" in line
    assert files(tmp_path) == before


def test_every_single_bit_flip_of_a_line_is_caught(tmp_path: Path, clock: FixedClock) -> None:
    path = with_journal(tmp_path, clock)
    header, *entries = journal_path(path).read_bytes().splitlines()
    for good in (header, entries[1]):
        assert journal.parse_line(good, orjson.loads)
        for bit in range(len(good) * 8):
            with pytest.raises(ValueError):
                journal.parse_line(flip(good, bit), orjson.loads)


def test_both_writers_make_the_same_line_and_old_lines_still_read(
    tmp_path: Path, clock: FixedClock
) -> None:
    from tui_microgoals.core import lightjson

    entry = {"tables": {"goals": {"7": {**GOAL, "title": "ünïcode ✓"}}}}
    line = journal.line(orjson.dumps(entry))
    assert line == journal.line(lightjson.dumps(entry).encode())
    assert journal.parse_line(line.rstrip(b"\n"), orjson.loads) == entry
    assert journal.parse_line(line.rstrip(b"\n"), lightjson.loads) == entry

    # A journal written before lines had checksums.
    path = tmp_path / "db.json"
    Store.open(path, clock).add_goal("in the main file")
    journal_id = orjson.loads(path.read_bytes())["journal_id"]
    old = orjson.dumps({"base": journal_id}) + b"\n" + orjson.dumps(entry) + b"\n"
    journal_path(path).write_bytes(old)
    assert [g.title for g in Store.open(path, clock).goals().values()] == [
        "in the main file",
        "ünïcode ✓",
    ]


# -- 11. links planted beside the database are never written through -------------------------


def test_a_link_planted_at_the_summary_temp_name_is_not_written_through(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MICROGOALS_TZ", "UTC")  # the fast add's conditions (test_fastpath)
    left = 86400 - time.time() % 86400
    if left < 30:  # its day hint is for one day only
        time.sleep(left + 0.1)
    path = tmp_path / "db.json"
    Store.open(path, Clock()).add_goal("one")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    # The name the summary's temp file had: the writer's pid.
    (tmp_path / f".db.json.status.{os.getpid()}.tmp").symlink_to(victim)
    assert fastpath.add_goal(str(path), "two") is not None
    assert victim.read_text() == "precious"
    assert summary_file.read_summary(str(path)) is not None  # still written, under another name
    assert [g.title for g in Store.open(path, Clock()).goals().values()] == ["one", "two"]


@pytest.mark.parametrize("suffix", [".journal", ".lock"])
def test_a_link_planted_at_the_journal_or_the_lock_is_refused(
    tmp_path: Path, clock: FixedClock, suffix: str
) -> None:
    path = tmp_path / "db.json"
    Store.open(path, clock).add_goal("one")
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    sidecar = tmp_path / ("db.json" + suffix)
    sidecar.unlink(missing_ok=True)
    sidecar.symlink_to(victim)
    before = files(tmp_path)
    for args in (("add", "two"), ("list",), ("add", "three", "--minutes", "5")):
        result = cli(path, *args)
        if suffix == ".lock" and args == ("list",):  # a read takes no lock
            assert result.returncode == 0, result.stderr
            continue
        line = one_line_error(result)
        assert f"{sidecar} is a symbolic link, not a regular file" in line, line
    assert victim.read_text() == "precious"
    assert files(tmp_path) == before


def test_a_link_planted_at_the_summary_is_not_believed(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "db.json"
    Store.open(path, clock).add_goal("one")
    summary = tmp_path / "db.json.status"
    forged = orjson.loads(summary.read_bytes())
    forged["running"] = {"title": "forged", "goal": 1, "remaining_seconds": 60}
    (tmp_path / "forged.json").write_bytes(orjson.dumps(forged))
    summary.unlink()
    summary.symlink_to(tmp_path / "forged.json")
    result = cli(path, "status")
    assert result.returncode == 0 and result.stdout == "no block\n", result
    assert "forged" not in cli(path, "status", "--json").stdout


def test_a_database_path_that_is_a_link_keeps_working(tmp_path: Path) -> None:
    real = tmp_path / "synced" / "db.json"
    real.parent.mkdir()
    link = tmp_path / "db.json"
    link.symlink_to(real)
    for title in ("one", "two"):
        assert cli(link, "add", title).returncode == 0
    assert cli(link, "status").stdout == "no block\n"
    assert "two" in cli(link, "list").stdout
    assert link.is_symlink() and sorted(p.name for p in real.parent.iterdir() if p.is_file()) == [
        "db.json",
        "db.json.journal",
        "db.json.lock",
        "db.json.status",
    ]


# -- 12. a FIFO (or any non-regular file) at a path of the database never hangs a command ------


@pytest.mark.parametrize("suffix", ["", ".journal", ".lock", ".status"])
def test_a_fifo_beside_the_database_is_refused_without_hanging(
    tmp_path: Path, clock: FixedClock, suffix: str
) -> None:
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    store.add_goal("one")
    store.add_goal("two")  # a journal, and a summary for the fast paths
    fifo = tmp_path / ("db.json" + suffix)
    fifo.unlink()
    os.mkfifo(fifo)
    for args in (("status",), ("add", "three"), ("list",), ("status",)):
        result = cli(path, *args)  # a hang fails the test (timeout), it does not stop it
        # The summary is only a cache: taken as missing, then replaced; reads take no lock.
        if suffix == ".status" or (suffix == ".lock" and args[0] != "add"):
            assert result.returncode == 0, result.stderr
        else:
            line = one_line_error(result)
            assert f"{fifo} is a FIFO, not a regular file" in line, line


def test_a_folder_at_the_lock_or_the_journal_is_refused(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "db.json"
    Store.open(path, clock).add_goal("one")
    for suffix in (".lock", ".journal"):
        folder = tmp_path / ("db.json" + suffix)
        folder.unlink(missing_ok=True)
        folder.mkdir()
        line = one_line_error(cli(path, "add", "two"))
        assert f"{folder} is a folder, not a regular file" in line, line
        folder.rmdir()


# -- 3. a lock file deleted while held lets no second writer in -------------------------------

HOLDER = """
import sys
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store

store = Store.open(sys.argv[1], FixedClock("2026-11-22T09:00:00Z", "UTC"))
with store.storage.transaction():
    goal = store.add_goal("from the holder")
    print("holding", flush=True)
    sys.stdin.readline()  # as if stopped (SIGSTOP) inside its transaction
print(f"added {goal.id}", flush=True)
"""


def hold_lock(path: Path) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and holder.stdout.readline() == "holding\n"
    return holder


def release(holder: subprocess.Popen[str]) -> str:
    out, _ = holder.communicate("go\n", timeout=60)
    assert holder.returncode == 0
    return out


@pytest.mark.parametrize("delete_lock", [True, False])
def test_a_second_writer_waits_for_the_holder_even_when_the_lock_file_is_deleted(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch, delete_lock: bool
) -> None:
    path = tmp_path / "db.json"
    Store.open(path, clock).add_goal("before")
    lock = tmp_path / "db.json.lock"
    monkeypatch.setattr(journal, "LOCK_TIMEOUT_SECONDS", 0.3)
    holder = hold_lock(path)
    try:
        if delete_lock:
            lock.unlink()  # "a stale lock"
        with pytest.raises(LockTimeout) as refused:
            Store.open(path, clock).add_goal("from the second writer")
    finally:
        acknowledged = release(holder)
    message = str(refused.value)
    assert f"Do not delete {lock}" in message
    if not delete_lock:  # the holder named: its pid, command and since when
        assert f"microgoals process {holder.pid} (-c " in message, message
        assert re.search(r", since 20\d\d-\d\d-\d\d \d\d:\d\d:\d\d\) has held", message)
    second = Store.open(path, clock).add_goal("from the second writer")
    assert acknowledged == "added 2\n" and second.id == 3
    titles = [g.title for g in Store.open(path, clock).goals().values()]
    assert titles == ["before", "from the holder", "from the second writer"]


def test_the_lock_names_no_holder_once_released(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "db.json"
    Store.open(path, clock).add_goal("one")
    assert (tmp_path / "db.json.lock").read_bytes().strip() == b""


def test_a_lock_file_deleted_as_it_is_taken_is_taken_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl

    lock = tmp_path / "db.json.lock"
    real_open = journal.open_regular
    deletions = []

    def open_then_lose_it(path: str, flags: int, mode: int = 0o600) -> int:
        fd = real_open(path, flags, mode)
        if path == str(lock) and not deletions:  # deleted between our open and our flock
            deletions.append(path)
            os.unlink(path)
        return fd

    monkeypatch.setattr(journal, "open_regular", open_then_lose_it)
    with journal.locked(str(tmp_path / "db.json"), 1.0):
        assert deletions and lock.exists()
        other = os.open(lock, os.O_RDWR)
        try:
            with pytest.raises(BlockingIOError):  # the file at the path is the one held
                fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        finally:
            os.close(other)


# -- 16. a command run with sudo leaves the files to their owner; the folder is private ---------

USER = (4242, 4343)  # a user who owns the folder, not the one running the test (root)


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, as a command run with sudo")
def test_a_command_run_as_root_leaves_every_file_to_the_folders_owner(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "data"
    folder.mkdir(mode=0o700)
    path = folder / "db.json"
    Store.open(path, clock).add_goal("one")
    for p in [folder, *folder.iterdir()]:
        os.chown(p, *USER)
    path.chmod(0o640)  # the user's own choice of mode is kept too

    monkeypatch.setattr(journal, "JOURNAL_MAX_ENTRIES", 2)  # folds: a new main file
    store = Store.open(path, clock)
    for n in range(5):
        store.add_goal(f"as root {n}")
    made = [p for p in folder.iterdir() if p.name != "backups"]
    assert sorted(p.name for p in made) == [
        "db.json",
        "db.json.journal",
        "db.json.lock",
        "db.json.status",
    ]
    assert {p.name: (p.stat().st_uid, p.stat().st_gid) for p in made} == {
        p.name: USER for p in made
    }
    assert path.stat().st_mode & 0o777 == 0o640
    assert {p.name: p.stat().st_mode & 0o777 for p in made if p != path} == {
        p.name: 0o600 for p in made if p != path
    }


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root, as a command run with sudo")
def test_a_new_database_made_as_root_belongs_to_the_folders_owner(
    tmp_path: Path, clock: FixedClock
) -> None:
    os.chown(tmp_path, *USER)
    Store.open(tmp_path / "db.json", clock).add_goal("one")
    # (backups/ is the backups' own business)
    made = [p for p in tmp_path.iterdir() if p.name != "backups"]
    owners = {p.name: (p.stat().st_uid, p.stat().st_gid) for p in made}
    assert owners == {name: USER for name in owners} and len(owners) == 3  # main, lock, status


def test_the_default_data_folder_is_private(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "share"), "MICROGOALS_TZ": "UTC"}
    env.pop("MICROGOALS_DB", None)
    result = subprocess.run(
        [sys.executable, "-m", "tui_microgoals", "add", "one"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "share" / "microgoals"
    assert folder.stat().st_mode & 0o777 == 0o700
    assert {p.name: p.stat().st_mode & 0o777 for p in folder.iterdir() if p.is_file()} == {
        "microgoals.json": 0o600,
        "microgoals.json.lock": 0o600,
        "microgoals.json.status": 0o600,
    }


def test_a_fold_keeps_the_main_files_mode(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    store.add_goal("one")
    path.chmod(0o640)
    monkeypatch.setattr(journal, "JOURNAL_MAX_ENTRIES", 0)  # every commit folds
    before = path.stat().st_ino
    store.add_goal("two")
    assert path.stat().st_ino != before and path.stat().st_mode & 0o777 == 0o640

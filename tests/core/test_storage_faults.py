"""The file storage under faults: kills mid-write, concurrent writers, damaged, newer, older and
symlinked files, a full disk, and reads that must not re-parse an unchanged file."""

from __future__ import annotations

import fcntl
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import orjson
import pytest
from tinydb import TinyDB

from tui_microgoals.core import backup_names, journal, storage_load
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import CorruptDatabase, LockTimeout, NewerSchema, StorageError
from tui_microgoals.core.journal import SCHEMA_VERSION
from tui_microgoals.core.store import Store

KILL_ROUNDS = 100


def temp_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


def python(code: str, *args: str, **kwargs: Any) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


# -- SIGKILL at random moments ------------------------------------------------------------

# One process pays the import cost once, then forks a writer per round: the writer adds
# goals in a loop and acknowledges each committed one on stdout; the test kills it.
FORK_SERVER = """
    import os, sys
    from tui_microgoals.core import journal
    from tui_microgoals.core.clock import FixedClock
    from tui_microgoals.core.store import Store

    # Fold the journal into the main file every few commits, so kills land in both kinds
    # of commit: a journal append and a whole-file replace.
    journal.JOURNAL_MAX_ENTRIES = 4
    path = sys.argv[1]
    for _ in sys.stdin:
        pid = os.fork()
        if pid == 0:
            try:
                store = Store.open(path, FixedClock("2026-11-22T09:00:00Z", "UTC"))
                while True:
                    goal = store.add_goal("written")
                    os.write(1, f"ack {goal.id}\\n".encode())
            finally:
                os._exit(70)
        print(f"pid {pid}", flush=True)
        print(f"exit {os.waitpid(pid, 0)[1]}", flush=True)
"""


def test_sigkill_at_random_moments_loses_no_acknowledged_write(
    tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "db.json"
    rng = random.Random(20261122)
    server = python(FORK_SERVER, str(path))
    assert server.stdin is not None and server.stdout is not None
    acknowledged: set[int] = set()
    writes: list[int] = []
    temp_seen = 0
    deadline = time.monotonic() + 180  # ~8 s on an idle machine; generous under load
    try:
        for _ in range(KILL_ROUNDS):
            assert time.monotonic() < deadline, "the kill rounds are too slow"
            server.stdin.write("go\n")
            server.stdin.flush()
            acks: list[int] = []
            pid = 0
            while not acks:  # the pid, then the first ack (in either order)
                line = server.stdout.readline()
                assert line.startswith(("pid ", "ack ")), line + server.stderr.read()
                if line.startswith("pid "):
                    pid = int(line.split()[1])
                else:
                    acks.append(int(line.split()[1]))
            while not pid:
                pid = int(server.stdout.readline().split()[1])
            # Once it writes (forking and the first commit take 5-60 ms), kill it at any point.
            time.sleep(rng.uniform(0, 0.04))
            os.kill(pid, signal.SIGKILL)
            for line in iter(server.stdout.readline, ""):
                if line.startswith("exit "):
                    status = int(line.split()[1])
                    break
                acks.append(int(line.split()[1]))
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
            acknowledged.update(acks)
            writes.append(len(acks))
            journal = path.with_name(path.name + ".journal")
            torn = journal.exists() and not journal.read_bytes().endswith(b"\n")
            temp_seen += bool(temp_files(tmp_path)) or torn

            store = Store.open(path, clock)
            ids = set(store.goals())  # the file loads: a whole version, never a torn one
            assert acknowledged <= ids
            assert ids == set(range(1, len(ids) + 1))  # no id lost or skipped
            with store.storage.transaction():
                pass
            assert temp_files(tmp_path) == []  # the next transaction cleans up after a kill
    finally:
        server.kill()
        server.wait()
    # (How many writes a round gets in depends on the machine's load: only their count is
    # checked, against the ids the file holds above.)
    assert len(acknowledged) == sum(writes)
    assert temp_seen > 0, "some kills must land inside a commit"
    print(
        f"acknowledged writes per round {min(writes)}-{max(writes)}, {sum(writes)} in all; "
        f"a temp file or a torn journal line was left by {temp_seen} kills"
    )


# -- concurrent writers -------------------------------------------------------------------

WRITER = """
    import os, sys, time
    from tui_microgoals.core.clock import FixedClock
    from tui_microgoals.core.store import Store

    path, name, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    store = Store.open(path, FixedClock("2026-11-22T09:00:00Z", "UTC"))
    while not os.path.exists(go):
        time.sleep(0.001)
    for i in range(count):
        print(store.add_goal(f"{name}-{i}").id, flush=True)
"""


def test_three_concurrent_writers_lose_nothing(tmp_path: Path, clock: FixedClock) -> None:
    path, go, count = tmp_path / "db.json", tmp_path / "go", 40
    writers = [python(WRITER, str(path), f"w{n}", str(count), str(go)) for n in range(3)]
    time.sleep(0.3)
    go.touch()  # all three start writing at once
    printed: list[list[int]] = []
    for writer in writers:
        out, err = writer.communicate(timeout=30)
        assert writer.returncode == 0, err
        printed.append([int(x) for x in out.split()])
    goals = Store.open(path, clock).goals()
    assert len(goals) == 3 * count
    assert sorted(i for ids in printed for i in ids) == sorted(goals)  # unique, all present
    assert sorted(g.title for g in goals.values()) == sorted(
        f"w{n}-{i}" for n in range(3) for i in range(count)
    )


def test_two_stores_in_one_process_see_each_others_writes(
    tmp_path: Path, clock: FixedClock
) -> None:
    path = tmp_path / "db.json"
    first, second = Store.open(path, clock), Store.open(path, clock)
    for n in range(5):
        assert first.add_goal(f"a{n}").id == 2 * n + 1
        assert second.add_goal(f"b{n}").id == 2 * n + 2
    assert len(first.goals()) == len(second.goals()) == 10


# -- damaged, newer and older files -------------------------------------------------------


def valid_file(tmp_path: Path, clock: FixedClock) -> bytes:
    source = tmp_path / "source" / "db.json"
    source.parent.mkdir()
    store = Store.open(source, clock)
    for n in range(5):
        store.add_goal(f"goal {n}", today=True)
    return source.read_bytes()


BAD_FILES: dict[str, Any] = {
    "zero-byte": (b"", CorruptDatabase),
    "whitespace": (b"  \n", CorruptDatabase),
    "truncated": (None, CorruptDatabase),
    "invalid": (b'{"goals": {"1": {"title": "x",}}}', CorruptDatabase),
    "binary": (b"\x00\xff\xfe garbage", CorruptDatabase),
    "a list": (b"[]", CorruptDatabase),
    "null": (b"null", CorruptDatabase),
    "table is a list": (b'{"schema_version": 1, "goals": []}', CorruptDatabase),
    "document not an object": (b'{"schema_version": 1, "goals": {"1": 5}}', CorruptDatabase),
    "bad version": (b'{"schema_version": "1", "goals": {}}', CorruptDatabase),
    "newer schema": (b'{"schema_version": 3, "goals": {}}', NewerSchema),
}


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_damaged_and_newer_files_are_refused_and_left_untouched(
    tmp_path: Path, clock: FixedClock, kind: str
) -> None:
    content, error = BAD_FILES[kind]
    if content is None:
        whole = valid_file(tmp_path, clock)
        content = whole[: len(whole) // 2]
    path = tmp_path / "db.json"
    path.write_bytes(content)
    before = {p.name for p in tmp_path.iterdir()}

    store = Store.open(path, clock)  # opening alone reads nothing
    for attempt in (
        store.goals,
        store.today,
        store.running_block,
        store.export,
        lambda: store.add_goal("new"),
        lambda: store.set_setting("capacity", 60),
        lambda: store.import_(Store.memory(clock).export()),
    ):
        with pytest.raises(error) as caught:
            attempt()
        assert isinstance(caught.value, StorageError)
        assert str(path) in str(caught.value)
        assert path.read_bytes() == content
    assert {p.name for p in tmp_path.iterdir()} - before <= {"db.json.lock"}
    assert not (tmp_path / "backups").exists()


def test_an_older_file_is_migrated_after_a_backup(tmp_path: Path, clock: FixedClock) -> None:
    path = tmp_path / "db.json"
    with TinyDB(path) as old:  # what microgoals wrote before schema_version existed
        old.table("goals").insert({"title": "from before", "status": "open", "after": []})
    original = path.read_bytes()
    assert b"schema_version" not in original

    store = Store.open(path, clock)
    assert [g.title for g in store.goals().values()] == ["from before"]
    backups = list((tmp_path / "backups").glob("*.json"))
    assert [b.read_bytes() for b in backups] == [original]

    assert store.add_goal("after").id == 2
    doc = orjson.loads(path.read_bytes())
    assert doc["schema_version"] == SCHEMA_VERSION
    assert sorted(g["title"] for g in doc["goals"].values()) == ["after", "from before"]
    assert [b.read_bytes() for b in (tmp_path / "backups").glob("*.json")] == [original]


# -- a full disk --------------------------------------------------------------------------

FULL_DISK = """
    import resource, signal, sys
    from tui_microgoals.core.clock import FixedClock
    from tui_microgoals.core.errors import StorageError
    from tui_microgoals.core.store import Store

    path, limit = sys.argv[1], int(sys.argv[2])
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    store = Store.open(path, FixedClock("2026-11-22T09:00:00Z", "UTC"))
    store.goals()
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    try:
        store.add_goal("one more goal than the disk can hold")
    except StorageError as error:
        print(error)
        sys.exit(0)
    sys.exit(3)
"""


@pytest.mark.parametrize("share", [0.5, 1.0])
def test_a_full_disk_leaves_the_old_file_intact(
    tmp_path: Path, clock: FixedClock, share: float
) -> None:
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    for n in range(20):
        store.add_goal(f"goal {n}")
    before = path.read_bytes()
    child = python(FULL_DISK, str(path), str(int(len(before) * share)))
    out, err = child.communicate(timeout=30)
    assert child.returncode == 0, out + err
    assert "could not save" in out and "File too large" in out
    assert path.read_bytes() == before
    assert temp_files(tmp_path) == []
    assert store.add_goal("space again").id == 21  # the failed write did not take an id


def test_a_failed_save_leaves_store_and_file_as_they_were(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    store.add_goal("kept", today=True)
    before, goals_before = path.read_bytes(), dict(store.goals())

    def no_space(*args: Any) -> None:
        raise OSError(28, "No space left on device")

    journal = path.with_name(path.name + ".journal")
    store.add_goal("kept too")  # the next commit goes to the journal
    before, goals_before = path.read_bytes(), dict(store.goals())
    journal_before = journal.read_bytes()

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(StorageError, match="No space left"):
        store.add_goal("lost", today=True)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert journal.read_bytes() == journal_before
    assert temp_files(tmp_path) == []
    assert store.goals() == goals_before  # no cached trace of the failed write
    assert [i.goal.title for i in store.today()] == ["kept"]
    assert Store.open(path, clock).goals() == goals_before
    assert store.add_goal("next").id == 3


# -- caching and changes by others ----------------------------------------------------------


class CountingJson:
    """Stands in for orjson where the storage reads (``storage_load``) and counts parses."""

    def __init__(self) -> None:
        self.parses = 0

    def loads(self, raw: bytes | str) -> Any:
        self.parses += 1
        return orjson.loads(raw)

    def __getattr__(self, name: str) -> Any:
        return getattr(orjson, name)


def test_an_unchanged_file_is_not_parsed_again(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.json"
    writer = Store.open(path, clock)
    for n in range(3):
        writer.add_goal(f"goal {n}", today=True)
    counting = CountingJson()
    monkeypatch.setattr(storage_load, "orjson", counting)

    reader = Store.open(path, clock)
    reader.goals()
    first = counting.parses  # the main file, and the journal's lines
    assert first >= 1
    for _ in range(50):
        assert len(reader.goals()) == 3
        reader.today()
        reader.running_block()
        reader.snapshot()
    assert counting.parses == first
    assert not reader.changed()

    reader.add_goal("own write")  # a transaction: nothing changed since we read
    reader.goals()
    assert counting.parses == first  # our own commit appends; nothing is parsed
    generation = reader.storage.generation

    writer.add_goal("from another process")  # the writer parses just our one new line
    assert counting.parses == first + 1
    assert reader.changed()
    assert "from another process" in {g.title for g in reader.goals().values()}
    assert counting.parses == first + 2  # and the reader just the writer's
    assert reader.storage.generation > generation
    assert not reader.changed()
    for _ in range(20):
        reader.goals()
    assert counting.parses == first + 2


def test_a_failed_transaction_leaves_nothing_behind(store: Store) -> None:
    store.add_goal("kept")
    before = store.export()
    with pytest.raises(RuntimeError), store.storage.transaction():
        store.add_goal("lost")
        store.plan([1])
        raise RuntimeError("boom")
    assert store.export() == before
    assert [g.title for g in store.goals().values()] == ["kept"]
    assert store.add_goal("next").id == 2


def test_a_lock_held_too_long_times_out_without_writing(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    store.add_goal("one")
    before = path.read_bytes()
    monkeypatch.setattr(journal, "LOCK_TIMEOUT_SECONDS", 0.2)
    fd = os.open(store.storage.lock_path, os.O_RDWR)  # type: ignore[union-attr]
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as another process would
        with pytest.raises(LockTimeout):
            store.add_goal("two")
    finally:
        os.close(fd)
    assert path.read_bytes() == before
    assert store.add_goal("two").id == 2


def test_an_unreadable_backup_folder_does_not_stop_a_save(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.json"
    Store.open(path, clock).add_goal("one")
    real_listdir = os.listdir

    def listdir(folder: Any = ".") -> list[str]:  # as for a folder we may not read (EACCES)
        if os.path.basename(os.fspath(folder)) == "backups":
            raise PermissionError(13, "Permission denied", os.fspath(folder))
        return real_listdir(folder)

    monkeypatch.setattr(os, "listdir", listdir)
    store = Store.open(path, clock)
    store.add_goal("two")
    store.add_goal("three")
    monkeypatch.undo()
    assert [g.title for g in Store.open(path, clock).goals().values()] == ["one", "two", "three"]


def test_replaced_versions_are_kept_as_backups(
    tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    store.add_goal("one")
    first = path.read_bytes()
    monkeypatch.setattr(backup_names, "BACKUP_EVERY_SECONDS", 0)
    store.add_goal("two")
    backups = store.storage.backups()  # type: ignore[union-attr]
    assert [b.read_bytes() for b in backups] == [first]
    assert path.read_bytes() != first


# -- symlinks -------------------------------------------------------------------------------


@pytest.mark.parametrize("target_exists", [True, False])
def test_a_symlinked_database_writes_through_to_its_target(
    tmp_path: Path, clock: FixedClock, target_exists: bool
) -> None:
    real = tmp_path / "synced" / "db.json"
    real.parent.mkdir()
    if target_exists:
        Store.open(real, clock).add_goal("already there")
    link = tmp_path / "link.json"
    link.symlink_to(real)

    store = Store.open(link, clock)
    store.add_goal("through the link")
    store.add_goal("and again")
    assert link.is_symlink() and os.readlink(link) == str(real)
    titles = [g.title for g in Store.open(real, clock).goals().values()]
    assert titles[-2:] == ["through the link", "and again"]
    assert len(titles) == 2 + target_exists
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link.json", "synced"]
    assert temp_files(real.parent) == []

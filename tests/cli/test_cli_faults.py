"""The command line under faults: SIGKILL mid-write, three writers at once, a full disk, a
read-only folder, symlinks, a folder that vanishes, hand-damaged files, hostile text and a
time zone that changes between runs.

Commands run through ``tui_microgoals.entry.main`` (the console script: the fast path, then
the full command line) in forked children of one server process that paid the import cost
once: the real entry point, without 0.2 s of interpreter start per command.
"""

from __future__ import annotations

import csv
import io
import json
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
import pendulum
import pytest

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store

KILL_ROUNDS = 200
CONTROL_CHARS = {chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]}

# -- the fork server --------------------------------------------------------------------------

# Requests are JSON lines. "run": one command in a child with its own environment and file
# size limit; the reply has its exit status, stdout and stderr. "loop": a child that runs
# commands until it is killed, acknowledging each success on stdout ("ack ...").
SERVER = r"""
import json, os, random, resource, sys, io, traceback
from tui_microgoals.core import journal
from tui_microgoals import entry
# What the commands import, imported once here rather than in every child: the full command
# line, and what the fast path imports as it needs it.
import tui_microgoals.cli, tui_microgoals.core.fastpath, tui_microgoals.core.docs, platformdirs

def child(req):
    os.environ.update(req.get("env") or {})
    for key in req.get("unset") or []:
        os.environ.pop(key, None)
    for name, value in (req.get("storage") or {}).items():
        assert hasattr(journal, name), name  # (a limit that moved away must not pass unset)
        setattr(journal, name, value)
    if req.get("fsize") is not None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (req["fsize"], req["fsize"]))
    if req["kind"] == "run":
        out, err = io.StringIO(), io.StringIO()
        sys.stdout, sys.stderr = out, err
        try:
            rc = entry.main(req["argv"])
        except BaseException:
            err.write("UNCAUGHT\n" + traceback.format_exc())
            rc = 99
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
        with open(req["result"], "w") as handle:
            json.dump({"rc": rc, "out": out.getvalue(), "err": err.getvalue()}, handle)
        return
    if req["kind"] == "adds":
        run_adds(req)
    run_loop(req)

def quiet(argv):
    out, err = io.StringIO(), io.StringIO()
    sys.stdout, sys.stderr = out, err
    try:
        rc = entry.main(argv)
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    return rc, out.getvalue(), err.getvalue()

def ack(*words):
    os.write(1, (" ".join(map(str, words)) + "\n").encode())

def run_adds(req):
    # Plain adds, forever: most take the fast path (a journal append from the summary),
    # every few the full one (the journal is folded). Acknowledged with the path taken.
    from tui_microgoals.core import fastpath
    real_add, fast = fastpath.add_goal, [0]
    def counting(*args, **kwargs):
        added = real_add(*args, **kwargs)
        fast[0] += added is not None
        return added
    fastpath.add_goal = counting
    n = 0
    while True:
        n += 1
        before = fast[0]
        argv = ["--db", req["db"], "add", f"a{req['seed']}-{n}", "--json"]
        rc, out, err = quiet(argv)
        if rc != 0:
            ack("fail", rc, json.dumps(argv), json.dumps(err))
            continue
        data = json.loads(out)
        ack("fastadd" if fast[0] > before else "fulladd", data["id"], data["title"])

def run_loop(req):
    # A day of shell use, forever: add (to today), plan, start, stop, done. Each command
    # that exits 0 is acknowledged; the test kills the child at a random moment.
    rng = random.Random(req["seed"])
    db = ["--db", req["db"]]
    rc, out, err = quiet([*db, "list", "--all", "--json"])
    assert rc == 0, err
    open_ids = [g["id"] for g in json.loads(out) if g["status"] == "open"]
    rc, out, err = quiet([*db, "status", "--json"])
    assert rc == 0, err
    running = json.loads(out)["goal"]
    n = 0
    while True:
        n += 1
        choice = rng.random()
        if choice < 0.35 or not open_ids:
            argv, what = ["add", f"r{req['seed']}-{n}", "--today", "--json"], "add"
        elif choice < 0.5:
            argv, what = ["plan", str(rng.choice(open_ids)), "--json"], "plan"
        elif choice < 0.7 and running is None:
            goal = rng.choice(open_ids)
            argv, what = ["start", str(goal), "--json"], "start"
        elif choice < 0.85 and running is not None:
            argv, what = ["stop", "--json"] + (["--done"] if rng.random() < 0.5 else []), "stop"
        else:
            goal = rng.choice([g for g in open_ids if g != running] or [None])
            if goal is None:
                continue
            argv, what = ["done", str(goal), "--json"], "done"
        rc, out, err = quiet([*db, *argv])
        if rc != 0:
            ack("fail", rc, json.dumps(argv), json.dumps(err))
            continue
        data = json.loads(out)
        if what == "add":
            open_ids.append(data["id"])
            ack("add", data["id"], data["title"])
        elif what == "plan":
            ack("plan", argv[1])
        elif what == "start":
            running = int(argv[1])
            ack("start", data["id"], running)
        elif what == "stop":
            ack("stop", data["id"], data["goal"], data["outcome"])
            if data["outcome"] == "done":
                open_ids.remove(running)
            running = None
        else:
            open_ids.remove(int(argv[1]))
            ack("done", argv[1])

for line in sys.stdin:
    req = json.loads(line)
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            child(req)
        except BaseException:
            traceback.print_exc()
            code = 98
        finally:
            sys.stdout.flush()
            os._exit(code)
    print(f"pid {pid}", flush=True)
    print(f"exit {os.waitpid(pid, 0)[1]}", flush=True)
"""


class Server:
    """One long-lived process that forks a child per request."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        env = {**os.environ, "MICROGOALS_TZ": "Europe/Berlin"}
        env.pop("MICROGOALS_DEBUG", None)
        env.pop("MICROGOALS_DB", None)
        self.proc = subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(SERVER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.count = 0

    def send(self, req: dict[str, Any]) -> int:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        assert line.startswith("pid "), line + self.proc.stderr.read()  # type: ignore[union-attr]
        return int(line.split()[1])

    def run(
        self, *argv: str, env: dict[str, str] | None = None, **extra: Any
    ) -> tuple[int, str, str]:
        self.count += 1
        result = self.tmp / f"result-{self.count}.json"
        self.send({"kind": "run", "argv": list(argv), "env": env, "result": str(result), **extra})
        status = self.wait_exit()
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, status
        data = json.loads(result.read_text())
        result.unlink()
        return data["rc"], data["out"], data["err"]

    def wait_exit(self) -> int:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line.startswith("exit "), line
        return int(line.split()[1])

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()


@pytest.fixture
def server(tmp_path: Path):
    srv = Server(tmp_path)
    yield srv
    srv.close()


def one_line_error(rc: int, err: str, codes: tuple[int, ...] = (1, 2)) -> str:
    assert rc in codes, (rc, err)
    assert "Traceback" not in err and "UNCAUGHT" not in err, err
    assert "internal error" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("microgoals: "), err
    return lines[0]


def ok(result: tuple[int, str, str]) -> str:
    rc, out, err = result
    assert rc == 0 and err == "", (rc, err)
    return out


def temp_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


def snapshot_files(folder: Path) -> dict[str, bytes]:
    """Every database file that matters, byte for byte (the lock and the status cache aside)."""
    return {
        p.name: p.read_bytes()
        for p in folder.iterdir()
        if p.is_file() and not p.name.endswith((".lock", ".status"))
    }


# -- 1. SIGKILL at random moments through the CLI -----------------------------------------------


class Model:
    """What the acknowledged commands promise about the file."""

    def __init__(self) -> None:
        self.titles: dict[int, str] = {}
        self.planned: set[int] = set()
        self.done: set[int] = set()
        self.blocks: dict[int, int] = {}  # block id -> goal
        self.stopped: dict[int, str] = {}  # block id -> outcome

    def apply(self, words: list[str]) -> None:
        kind = words[0]
        assert kind != "fail", f"a command failed: {words}"
        if kind in ("fastadd", "fulladd"):
            self.titles[int(words[1])] = words[2]
        elif kind == "add":
            self.titles[int(words[1])] = words[2]
            self.planned.add(int(words[1]))
        elif kind == "plan":
            self.planned.add(int(words[1]))
        elif kind == "start":
            self.blocks[int(words[1])] = int(words[2])
        elif kind == "stop":
            self.stopped[int(words[1])] = words[3]
            if words[3] == "done":
                self.done.add(int(words[2]))
        elif kind == "done":
            self.done.add(int(words[1]))

    def check(self, path: Path, clock: FixedClock) -> None:
        store = Store.open(path, clock)
        goals = store.goals()  # the file loads: a whole version, never a torn one
        assert set(goals) == set(range(1, len(goals) + 1))  # no id lost, none skipped
        for goal_id, title in self.titles.items():
            assert goals[goal_id].title == title
        for goal_id in self.done:
            assert goals[goal_id].status == "done", goal_id
        today = store.day(clock.today())
        assert self.planned <= set(today.items)
        blocks = {b.id: b for b in store.blocks()}
        for block_id, goal in self.blocks.items():
            assert blocks[block_id].goal == goal
        for block_id, outcome in self.stopped.items():
            assert blocks[block_id].outcome == outcome
            assert blocks[block_id].ended_at is not None
        assert sum(b.running for b in blocks.values()) <= 1
        running = store.running_block()
        assert running is None or running.id == max(blocks)


def words_of(line: str) -> list[str]:
    """An acknowledgement's words; an add's title (the last) may hold spaces."""
    line = line.rstrip("\n")
    adds = ("add", "fastadd", "fulladd")
    return line.split(" ", 2) if line.split(" ", 1)[0] in adds else line.split()


def kill_and_drain(
    server: Server, pid: int, model: Model, delay: float
) -> tuple[int, list[list[str]]]:
    """Kill the child after ``delay`` seconds; the model takes what it acknowledged
    meanwhile. Its wait status, and those acknowledgements."""
    assert server.proc.stdout is not None
    time.sleep(delay)
    os.kill(pid, signal.SIGKILL)
    acked = []
    for line in iter(server.proc.stdout.readline, ""):
        if line.startswith("exit "):
            return int(line.split()[1]), acked
        words = words_of(line)
        model.apply(words)
        acked.append(words)
    raise AssertionError("the server stopped before the child's exit status")


def test_cli_killed_at_random_moments_loses_no_acknowledged_change(
    server: Server, tmp_path: Path
) -> None:
    db = tmp_path / "data" / "db.json"
    db.parent.mkdir()
    rng = random.Random(5_2026)
    model = Model()
    clock = FixedClock(pendulum.now("UTC"), "Europe/Berlin")
    temp_left = kills_in_commit = 0
    deadline = time.monotonic() + 240  # ~20 s when the machine is idle; generous under load
    assert server.proc.stdout is not None
    for round_no in range(KILL_ROUNDS):
        assert time.monotonic() < deadline, f"too slow: {round_no} rounds in 240 s"
        pid = server.send(
            {
                "kind": "loop",
                "seed": round_no,
                "db": str(db),
                # Fold the journal into a new main file every few commits: kills land in
                # journal appends, whole-file replaces and status-cache writes alike.
                "storage": {"JOURNAL_MAX_ENTRIES": 3},
            }
        )
        model.apply(words_of(server.proc.stdout.readline()))
        status, _ = kill_and_drain(server, pid, model, rng.uniform(0, 0.03))
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
        left = temp_files(db.parent)
        journal = db.with_name(db.name + ".journal")
        torn = journal.exists() and not journal.read_bytes().endswith(b"\n")
        kills_in_commit += bool(left) or torn
        assert len(left) <= 2  # at most the one commit and one status cache in flight
        temp_left = max(temp_left, len(left))
        # a writer cleans up after the killed one: temp files never pile up
        model.check(db, clock)
    ok(server.run("--db", str(db), "add", "after the kills"))
    assert temp_files(db.parent) == []
    model.check(db, clock)
    # How many commands get acknowledged before each kill depends on the machine's load;
    # a busy machine still acknowledges at least the first command of every round.
    assert len(model.titles) > KILL_ROUNDS // 10
    assert model.done and model.stopped, "every kind of command was acknowledged"
    # Kills inside a commit are counted, not required: where they land is down to timing
    # (tests/core/test_storage_faults.py lands them in commits far more often).
    print(
        f"{KILL_ROUNDS} kills: {len(model.titles)} adds, {len(model.done)} done, "
        f"{len(model.blocks)} blocks acknowledged; {kills_in_commit} kills left a temp file "
        f"or a torn journal line"
    )


def test_cli_killed_during_fast_adds_loses_no_acknowledged_goal(
    server: Server, tmp_path: Path
) -> None:
    """Kills land in fast journal appends, in summary writes and in the full path's folds of
    the journal (every third commit here): no acknowledged goal is lost, no id is skipped or
    given twice, and the fast path is taken again once a commit leaves a current summary."""
    db = tmp_path / "data" / "db.json"
    db.parent.mkdir()
    # A zone without DST: on a day the UTC offset changes there is no day hint, and every
    # add would take the full path.
    utc = {"MICROGOALS_TZ": "UTC"}
    ok(server.run("--db", str(db), "add", "first", env=utc))
    rng = random.Random(6_2026)
    model = Model()
    model.titles[1] = "first"
    clock = FixedClock(pendulum.now("UTC"), "UTC")
    paths = {"fastadd": 0, "fulladd": 0}
    deadline = time.monotonic() + 240
    assert server.proc.stdout is not None
    for round_no in range(KILL_ROUNDS // 2):
        assert time.monotonic() < deadline, f"too slow: {round_no} rounds in 240 s"
        storage = {"JOURNAL_MAX_ENTRIES": 3}
        request = {"kind": "adds", "seed": round_no, "db": str(db), "storage": storage}
        pid = server.send({**request, "env": utc})
        first = words_of(server.proc.stdout.readline())
        model.apply(first)
        status, acked = kill_and_drain(server, pid, model, rng.uniform(0, 0.02))
        for words in [first, *acked]:
            paths[words[0]] = paths.get(words[0], 0) + 1
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status
        assert len(temp_files(db.parent)) <= 2
        model.check(db, clock)
    print(f"{KILL_ROUNDS // 2} kills during adds: {paths}")
    # How many of each depends on the disk's fsync time against the kill delays: both
    # happen (every fourth commit folds the journal), in no promised ratio.
    assert paths["fastadd"] > 0 and paths["fulladd"] > 0, paths
    model.check(db, clock)


# -- 2. three processes at once -------------------------------------------------------------------

WORKER = r"""
import io, json, os, sys, time
from tui_microgoals import entry

db, name, count, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]

def run(*argv):
    out, err = io.StringIO(), io.StringIO()
    sys.stdout, sys.stderr = out, err
    try:
        rc = entry.main(["--db", db, *argv])
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    if rc != 0:
        print(json.dumps({"fail": argv, "rc": rc, "err": err.getvalue()}), flush=True)
        return None
    return out.getvalue()

while not os.path.exists(go):
    time.sleep(0.001)
mine = []
for i in range(count):
    goal = json.loads(run("add", f"{name}-{i}", "--json"))["id"]
    print(json.dumps({"added": goal}), flush=True)
    mine.append(goal)
    if run("plan", str(goal), "--json") is not None:
        print(json.dumps({"planned": goal}), flush=True)
    if i % 3 == 2:
        target = mine.pop(0)
        if run("done", str(target), "--json") is not None:
            print(json.dumps({"done": target}), flush=True)
    if i % 5 == 4:
        # someone else's goal too: the shared day document is where updates get lost
        others = [g for g in json.loads(run("list", "--json")) if g["title"][:2] != name]
        if others and run("plan", str(others[0]["id"]), "--json") is not None:
            print(json.dumps({"planned": others[0]["id"]}), flush=True)
"""


def test_three_cli_processes_at_once_lose_no_update(tmp_path: Path) -> None:
    db, go, count = tmp_path / "db.json", tmp_path / "go", 30
    env = {**os.environ, "MICROGOALS_TZ": "Europe/Berlin"}
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db), f"w{n}", str(count), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for n in range(3)
    ]
    time.sleep(0.4)
    go.touch()
    events: list[dict[str, Any]] = []
    for worker in workers:
        out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        events += [json.loads(line) for line in out.splitlines()]
    assert not [e for e in events if "fail" in e], events
    added = [e["added"] for e in events if "added" in e]
    planned = {e["planned"] for e in events if "planned" in e}
    done = {e["done"] for e in events if "done" in e}

    store = Store.open(db, FixedClock(pendulum.now("UTC"), "Europe/Berlin"))
    goals = store.goals()
    assert len(added) == len(set(added)) == 3 * count  # every add got its own id
    assert sorted(goals) == sorted(added) == list(range(1, 3 * count + 1))
    assert sorted(g.title for g in goals.values()) == sorted(
        f"w{n}-{i}" for n in range(3) for i in range(count)
    )
    today = store.day(store.clock.today())
    assert planned <= set(today.items)  # no plan was overwritten by another process
    assert set(today.items) <= set(goals)  # every planned id exists
    assert len(today.items) == len(set(today.items))
    assert {g.id for g in goals.values() if g.status == "done"} == done


# -- 3. disk faults --------------------------------------------------------------------------------


def filled_db(server: Server, folder: Path, goals: int = 12) -> Path:
    folder.mkdir(exist_ok=True)
    db = folder / "db.json"
    for n in range(goals):
        ok(server.run("--db", str(db), "add", f"goal {n}", "--today"))
    ok(server.run("--db", str(db), "start", "1"))
    return db


WRITES = [
    ("add", "one more goal than the disk holds", "--today"),
    ("plan", "2"),
    ("done", "3"),
    ("stop", "--done"),
    ("pause",),
    ("edit", "4", "--title", "renamed"),
]


@pytest.mark.parametrize("path", ["journal", "compaction"])
def test_disk_full_during_a_save(server: Server, tmp_path: Path, path: str) -> None:
    db = filled_db(server, tmp_path / "data")
    journal = db.with_name(db.name + ".journal")
    before = snapshot_files(db.parent)
    # The limit is what the file being written already holds: growing it fails (EFBIG).
    limit = len(before[journal.name] if path == "journal" else before[db.name])
    force = {"JOURNAL_MAX_ENTRIES": 0} if path == "compaction" else {}
    for argv in WRITES:
        rc, out, err = server.run("--db", str(db), *argv, fsize=limit, storage=force)
        line = one_line_error(rc, err, codes=(1,))
        assert "could not save" in line and "File too large" in line, line
        assert out == ""
        assert snapshot_files(db.parent) == before  # old file and journal byte-identical
        assert temp_files(db.parent) == []
    assert journal.exists() or path == "compaction"
    # With room again, every command works and nothing of the failures shows.
    ok(server.run("--db", str(db), "add", "room again"))
    goals = Store.open(db, FixedClock(pendulum.now("UTC"))).goals()
    assert [g.title for g in goals.values()][-1] == "room again"
    assert max(goals) == 13  # the failed adds took no id


def try_read_only_mount(folder: Path) -> str | None:
    """Bind-mount ``folder`` read-only over itself; None if that is not allowed here."""
    steps = [
        ["mount", "--bind", str(folder), str(folder)],
        ["mount", "-o", "remount,ro,bind", str(folder)],
    ]
    for n, step in enumerate(steps):
        try:
            result = subprocess.run(step, capture_output=True, text=True, timeout=10)
        except (OSError, subprocess.SubprocessError) as error:
            return f"cannot run mount: {error}"
        if result.returncode != 0:
            if n:
                subprocess.run(["umount", str(folder)], capture_output=True, timeout=10)
            return f"{' '.join(step[:2])} not permitted: {result.stderr.strip()}"
    return None


def test_read_only_data_folder_real_mount(server: Server, tmp_path: Path) -> None:
    db = filled_db(server, tmp_path / "data")
    before = snapshot_files(db.parent)
    why_not = try_read_only_mount(db.parent)
    if why_not:
        pytest.skip(f"no read-only bind mount here ({why_not}); the EROFS test stands in")
    try:
        assert "list" not in (server.run("--db", str(db), "list")[2])
        for argv in WRITES:
            rc, out, err = server.run("--db", str(db), *argv)
            line = one_line_error(rc, err, codes=(1,))
            assert "Read-only file system" in line, line
        # reading still works
        assert "goal 0" in ok(server.run("--db", str(db), "list"))
        assert json.loads(ok(server.run("--db", str(db), "status", "--json")))["running"]
    finally:
        subprocess.run(["umount", str(db.parent)], capture_output=True, timeout=10)
    assert snapshot_files(db.parent) == before


@pytest.mark.parametrize("where", ["open", "replace", "fsync"])
def test_read_only_data_folder_simulated(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    where: str,
) -> None:
    """EROFS / EACCES from the system calls a save makes (root ignores chmod 0o555)."""
    from tui_microgoals import entry

    db = tmp_path / "db.json"
    for n in range(5):
        assert entry.main(["--db", str(db), "add", f"goal {n}", "--today"]) == 0
    capsys.readouterr()
    before = snapshot_files(tmp_path)
    real_open, real_replace, real_fsync = os.open, os.replace, os.fsync

    def refuse(*args: Any) -> Any:
        raise OSError(30, "Read-only file system")

    def guarded_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        writing = flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)
        if writing and not str(path).endswith(".lock"):
            raise OSError(13, "Permission denied")
        return real_open(path, flags, *args, **kwargs)

    for argv in WRITES[:3]:
        with monkeypatch.context() as patch:
            if where == "open":
                patch.setattr(os, "open", guarded_open)
            elif where == "replace":
                patch.setattr(os, "replace", refuse)
                patch.setattr("tui_microgoals.core.journal.JOURNAL_MAX_ENTRIES", 0)
            else:
                patch.setattr(os, "fsync", refuse)
            rc = entry.main(["--db", str(db), *argv])
        captured = capsys.readouterr()
        line = one_line_error(rc, captured.err, codes=(1,))
        assert ("Permission denied" if where == "open" else "Read-only") in line, line
        assert snapshot_files(tmp_path) == before
        assert temp_files(tmp_path) == []
    assert (real_open, real_replace, real_fsync) == (os.open, os.replace, os.fsync)
    assert entry.main(["--db", str(db), "add", "writable again"]) == 0


def test_symlinked_database_paths(server: Server, tmp_path: Path) -> None:
    real = tmp_path / "synced" / "db.json"
    real.parent.mkdir()
    link = tmp_path / "link.json"
    link.symlink_to(real)
    for n in range(3):
        ok(server.run("--db", str(link), "add", f"through the link {n}", "--today"))
    ok(server.run("--db", str(link), "done", "2"))
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert [
        g["title"] for g in json.loads(ok(server.run("--db", str(real), "list", "--json")))
    ] == [
        "through the link 0",
        "through the link 2",
    ]
    assert temp_files(tmp_path) == temp_files(real.parent) == []
    # a relative link, and a link to a link
    (tmp_path / "rel.json").symlink_to(Path("synced") / "db.json")
    (tmp_path / "chain.json").symlink_to(tmp_path / "rel.json")
    ok(server.run("--db", str(tmp_path / "chain.json"), "add", "via a chain"))
    assert (tmp_path / "chain.json").is_symlink() and (tmp_path / "rel.json").is_symlink()
    assert len(Store.open(real).goals()) == 4
    # a dangling link into a missing folder, and a link that points at itself
    (tmp_path / "dangling.json").symlink_to(tmp_path / "gone" / "db.json")
    line = one_line_error(*server.run("--db", str(tmp_path / "dangling.json"), "add", "x")[::2])
    assert "does not exist" in line
    loop = tmp_path / "loop.json"
    loop.symlink_to(loop)
    for argv in (("list",), ("add", "x")):
        one_line_error(*server.run("--db", str(loop), *argv)[::2], codes=(1,))
    assert not (tmp_path / "gone").exists()


def test_database_folder_vanishes_between_commands(server: Server, tmp_path: Path) -> None:
    db = filled_db(server, tmp_path / "data", goals=3)
    before = snapshot_files(db.parent)
    (tmp_path / "data").rename(tmp_path / "moved")
    line = one_line_error(*server.run("--db", str(db), "add", "x")[::2], codes=(1,))
    assert "does not exist" in line
    rc, out, err = server.run("--db", str(db), "list")
    assert rc in (0, 1) and "Traceback" not in err  # reading nothing is not a crash
    assert snapshot_files(tmp_path / "moved") == before
    assert not (tmp_path / "data").exists()  # nothing was created in its place


def test_database_folder_vanishes_while_a_store_is_open(tmp_path: Path) -> None:
    from tui_microgoals.core.errors import StorageError

    folder = tmp_path / "data"
    folder.mkdir()
    clock = FixedClock(pendulum.datetime(2026, 11, 22, 9), "Europe/Berlin")
    store = Store.open(folder / "db.json", clock)
    for n in range(3):
        store.add_goal(f"goal {n}", today=True)
    store.start_block(1)
    before = snapshot_files(folder)

    folder.rename(tmp_path / "moved")
    with pytest.raises(StorageError, match="does not exist"):
        store.add_goal("lost?")
    with pytest.raises(StorageError):  # reading says so too, rather than show nothing
        store.goals()

    folder.mkdir()  # an empty folder at the old place: a fresh file there would lose it all
    for attempt in (lambda: store.add_goal("into the void"), store.stop_block, store.goals):
        with pytest.raises(StorageError, match="disappeared"):
            attempt()
    assert [p.name for p in folder.iterdir()] in ([], ["db.json.lock"])  # no database
    assert snapshot_files(tmp_path / "moved") == before

    for stray in folder.iterdir():
        stray.unlink()
    folder.rmdir()
    (tmp_path / "moved").rename(folder)  # back again: the store carries on
    assert store.add_goal("back").id == 4
    assert store.stop_block().goal == 1


# -- 4. hand-damaged files ------------------------------------------------------------------------


def goal_doc(**fields: Any) -> dict[str, Any]:
    return {
        "title": "fine",
        "notes": "",
        "parent": None,
        "position": 0,
        "status": "open",
        "minutes": None,
        "due": None,
        "after": [],
        "recurrence": None,
        "created_at": "2026-11-20T09:00:00.000000Z",
        "done_at": None,
        "done_on": None,
        "created_on": "2026-11-20",
        **fields,
    }


BAD_GOALS: dict[str, dict[str, Any]] = {
    "title is a number": {"1": goal_doc(title=42)},
    "title is null": {"1": goal_doc(title=None)},
    "title has escapes": {"1": goal_doc(title="\x1b]0;owned\x07x\x1b[2J")},
    "after is a string": {"1": goal_doc(), "2": goal_doc(after="1")},
    "after holds junk": {"1": goal_doc(), "2": goal_doc(after=[1, "x", None, 9])},
    "after is a number": {"1": goal_doc(), "2": goal_doc(after=1)},
    "parent is missing": {"1": goal_doc(parent=99)},
    "parent is a string": {"1": goal_doc(parent="x")},
    "dependency cycle": {"1": goal_doc(after=[2]), "2": goal_doc(after=[1])},
    "parent loop": {"1": goal_doc(parent=2), "2": goal_doc(parent=1), "3": goal_doc(parent=1)},
    "own parent": {"1": goal_doc(parent=1)},
    "minutes is text": {"1": goal_doc(minutes="ten")},
    "minutes is true": {"1": goal_doc(minutes=True)},
    "due is not a date": {"1": goal_doc(due="tomorrow")},
    "due is a number": {"1": goal_doc(due=20261224)},
    "status unknown": {"1": goal_doc(status="wip")},
    "created_at is junk": {"1": goal_doc(created_at="yesterday")},
    "position is text": {"1": goal_doc(position="first")},
    "recurrence is a number": {"1": goal_doc(recurrence=3)},
    "recurrence unknown": {"1": goal_doc(recurrence="fortnightly")},
    "notes is a list": {"1": goal_doc(notes=["a"])},
}
COMMANDS = [
    ("list", "--all"),
    ("list", "--json"),
    ("today",),
    ("today", "--summary"),
    ("status",),
    ("review",),
    ("review", "--format", "md"),
    ("forecast",),
    ("plan", "--suggest"),
    ("export",),
    ("add", "new one", "--parent", "1"),
    ("plan", "1"),
    ("start", "1"),
    ("stop",),
    ("done", "1"),
    ("edit", "2", "--title", "edited"),
    ("edit", "1", "--minutes", "15"),
    ("depend", "1", "--after", "2"),
    ("drop", "2"),
]


def raw_tables(path: Path) -> dict[str, Any]:
    """What the file holds, journal replayed, without the store interpreting anything."""
    store = Store.open(path)
    return orjson.loads(orjson.dumps(store.storage.read()))


@pytest.mark.parametrize("kind", list(BAD_GOALS))
def test_wrong_types_in_a_hand_edited_file(server: Server, tmp_path: Path, kind: str) -> None:
    db = tmp_path / "db.json"
    original = BAD_GOALS[kind]
    db.write_bytes(orjson.dumps({"schema_version": 1, "goals": original}))
    outcomes = []
    for argv in COMMANDS:
        rc, out, err = server.run("--db", str(db), *argv)
        if rc:
            one_line_error(rc, err)
        else:
            assert err == ""
            assert not CONTROL_CHARS & set(out), (argv, out)
        outcomes.append(rc)
    assert outcomes.count(0) >= len(COMMANDS) // 2, outcomes  # usable, not just refused
    # Nothing stored was silently lost: each original document keeps every field the
    # commands did not set, with the value it had (unreadable ones included).
    changed = {"title", "minutes", "status", "done_at", "done_on", "after", "position"}
    after = raw_tables(db)["goals"]
    for key, doc in original.items():
        kept = after[key]
        for field, value in doc.items():
            if field not in changed:
                assert kept[field] == value, (key, field, kept[field], value)


def test_hand_made_loops_are_reported_and_repairable(server: Server, tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    db.write_bytes(orjson.dumps({"schema_version": 1, "goals": BAD_GOALS["parent loop"]}))
    listed = json.loads(ok(server.run("--db", str(db), "list", "--all", "--json")))
    assert sorted(g["id"] for g in listed) == [1, 2, 3]  # every goal shows, none hidden
    # the loop is cut at its lowest id; the user moves it to repair the file
    ok(server.run("--db", str(db), "edit", "1", "--parent", "none"))
    from tui_microgoals.core import tree

    assert tree.find_tree_problems(Store.open(db).goals()) == []
    db.write_bytes(orjson.dumps({"schema_version": 1, "goals": BAD_GOALS["dependency cycle"]}))
    today = ok(server.run("--db", str(db), "plan", "1", "2"))
    assert today.count("blocked") == 2
    ok(server.run("--db", str(db), "done", "2"))  # done without a block breaks the cycle
    assert json.loads(ok(server.run("--db", str(db), "today", "--json")))[0]["blocked"] is False


DAY = pendulum.date(2026, 11, 22)
BLOCK = {
    "goal": 1,
    "planned_seconds": 1200,
    "started_at": "2026-11-22T09:00:00.000000Z",
    "tz": "UTC",
    "day": "2026-11-22",
    "pauses": [],
    "interruptions": [],
    "ended_at": "2026-11-22T09:20:00.000000Z",
    "outcome": "done",
    "reflection": "",
}
BAD_OTHERS: dict[str, tuple[dict[str, Any], str]] = {
    "block without a start": ({"blocks": {"1": {**BLOCK, "started_at": None}}}, "damaged"),
    "block on goal 'x'": ({"blocks": {"1": {**BLOCK, "goal": "x"}}}, "damaged"),
    "block with junk pauses": ({"blocks": {"1": {**BLOCK, "pauses": [["x"], 5]}}}, ""),
    "block in an unknown zone": ({"blocks": {"1": {**BLOCK, "tz": "Mars/Olympus"}}}, ""),
    "block planned as text": ({"blocks": {"1": {**BLOCK, "planned_seconds": "x"}}}, ""),
    "running block is missing": ({"meta": {"1": {"running": 7}}}, ""),
    "day without a date": ({"days": {str(DAY.toordinal()): {"items": [1]}}}, "damaged"),
    "day items as text": (
        {"days": {str(DAY.toordinal()): {"date": "2026-11-22", "items": "1"}}},
        "",
    ),
    "day plans missing goals": (
        {"days": {str(DAY.toordinal()): {"date": "2026-11-22", "items": [1, 99], "one_thing": 99}}},
        "",
    ),
    "settings is a list": ({"meta": {"1": {"settings": [1]}}}, ""),
    "settings of the wrong type": (
        {"meta": {"1": {"settings": {"block_minutes": "x", "capacity": -5}}}},
        "",
    ),
    "document id is not a number": ({"blocks": {"first": BLOCK}}, "not a number"),
}


@pytest.mark.parametrize("kind", list(BAD_OTHERS))
def test_damaged_blocks_days_and_settings(server: Server, tmp_path: Path, kind: str) -> None:
    db = tmp_path / "db.json"
    tables, refusal = BAD_OTHERS[kind]
    content = orjson.dumps({"schema_version": 1, "goals": {"1": goal_doc()}, **tables})
    db.write_bytes(content)
    env = {"MICROGOALS_TZ": "UTC"}
    for argv in [*COMMANDS, ("review", "--date", "2026-11-22", "--format", "csv")]:
        rc, out, err = server.run("--db", str(db), *argv, env=env)
        if rc:
            line = one_line_error(rc, err)
            if refusal and rc == 1:
                assert refusal in line, line
        elif refusal and argv[0] not in ("list", "export", "add", "edit", "depend", "drop"):
            # a document the core cannot do without is refused, not guessed; a review of
            # today reads only today's blocks, and the damaged one is dated DAY
            today = argv[0] == "review" and "--date" not in argv and pendulum.today("UTC") != DAY
            # start, stop and done read no day plan (goal 1 is still a micro-goal when a
            # damaged day plan, which may hold it, kept `add --parent 1` from handing it
            # its place)
            allowed = ("plan", "today", "status", "forecast", "start", "stop", "done")
            assert argv[0] in allowed or today, (argv, out)
    if refusal:
        assert orjson.loads(db.read_bytes()) == orjson.loads(content) or refusal != "not a number"
    for name, docs in tables.items():  # what was there is still there
        kept = raw_tables(db).get(name, {}) if refusal != "not a number" else {}
        for key, doc in docs.items():
            if refusal == "not a number":
                continue
            for field, value in doc.items():
                if name == "meta" and field == "running":
                    continue
                assert kept[key][field] == value, (name, key, field)


def test_unknown_fields_survive_every_edit(server: Server, tmp_path: Path) -> None:
    source = tmp_path / "source.json"
    for argv in (("add", "A"), ("add", "B", "--today"), ("start", "2"), ("stop",)):
        ok(server.run("--db", str(source), *argv))
    tables = raw_tables(source)
    for name in ("goals", "blocks", "days"):
        for doc in tables[name].values():
            doc["x_future"] = {"kept": [1, "two"]}
    tables["meta"]["1"]["x_future"] = "meta too"
    db = tmp_path / "db.json"
    db.write_bytes(orjson.dumps({"schema_version": 1, **tables}))
    day = next(iter(tables["days"]))
    for argv in (
        ("edit", "1", "--title", "A2", "--minutes", "10", "--notes", "n"),
        ("edit", "2", "--parent", "1"),
        ("plan", "2"),
        ("one", "2"),
        ("unplan", "2"),
        ("start", "2"),
        ("pause",),
        ("resume",),
        ("interrupt", "phone"),
        ("stop", "--done"),
        ("config", "capacity", "90"),
        ("drop", "1"),
    ):
        ok(server.run("--db", str(db), *argv))
        now = raw_tables(db)
        assert now["goals"]["1"]["x_future"] == now["goals"]["2"]["x_future"]
        assert now["goals"]["1"]["x_future"] == {"kept": [1, "two"]}
        assert now["blocks"]["1"]["x_future"] == {"kept": [1, "two"]}
        assert now["days"][day]["x_future"] == {"kept": [1, "two"]}
        assert now["meta"]["1"]["x_future"] == "meta too"
    # and through a whole-file rewrite (compaction) too
    ok(server.run("--db", str(db), "add", "C", storage={"JOURNAL_MAX_ENTRIES": 0}))
    assert orjson.loads(db.read_bytes())["goals"]["1"]["x_future"] == {"kept": [1, "two"]}


# -- 5. hostile text ---------------------------------------------------------------------------

NASTY = {
    "markup": "[bold]x[/]",
    "closing tag": "a [/] b",
    "open bracket": "[b",
    "link": "[link=https://x.invalid]click[/link]",
    "csi": "\x1b[31mred\x1b[0m text",
    "osc title": "\x1b]0;pwned\x07plain",
    "osc hyperlink": "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\",
    "nul and bel": "nul\x00 bel\x07 end",
    "c1": "c1\x9b31m \x85next \x9dosc\x9c",
    "emoji zwj": "👩‍👩‍👧‍👦 family",
    "flags": "🇩🇪🇯🇵",
    "cjk": "漢字とかな 한국어",
    "combining": "e\u0301 a\u0308 Z\u0336\u0334",
    "rtl": "שלום עולם مرحبا",
    "rtl override": "abc\u202edcba",
    "csv and md": 'a,"b"\n|c| *d* `e` <f> #g',
}
REFUSED = {
    "zero width only": "\u200b\u200d\u2060\ufeff",
    "spaces only": " \t \u3000 ",
    "escapes only": "\x1b[31m\x1b[0m\x07",
    "ten thousand": "x" * 10_000,
}


def test_hostile_titles_are_stored_and_shown_literally(server: Server, tmp_path: Path) -> None:
    from tui_microgoals.core.text import clean_title

    db = ["--db", str(tmp_path / "db.json")]
    expected = {}
    for name, text in NASTY.items():
        goal = json.loads(ok(server.run(*db, "add", text, "--today", "--json")))
        assert goal["title"] == clean_title(text), name
        assert not CONTROL_CHARS & set(goal["title"]), name
        expected[goal["id"]] = goal["title"]
    for name, text in REFUSED.items():
        rc, out, err = server.run(*db, "add", text)
        line = one_line_error(rc, err, codes=(2,))
        assert ("empty" if name != "ten thousand" else "limit") in line
        assert len(line) < 200
    ok(server.run(*db, "edit", "1", "--notes", "notes\x1b[2J with \x07 bell\nand lines"))
    ok(server.run(*db, "start", "5"))
    ok(server.run(*db, "interrupt", "\x1b]0;x\x07[red]note[/]"))
    ok(server.run(*db, "stop", "--done", "--note", "[i]refl\x9b[/i] ✓ שלום"))
    ok(server.run(*db, "start", "10"))

    outputs = {
        argv: ok(server.run(*db, *argv))
        for argv in [
            ("list",),
            ("list", "--json"),
            ("today",),
            ("today", "--json"),
            ("status",),
            ("status", "--json"),
            ("review",),
            ("review", "--format", "md"),
            ("review", "--format", "json"),
            ("review", "--format", "csv"),
            ("export",),
            ("plan", "--suggest"),
            ("forecast",),
        ]
    }
    for argv, text in outputs.items():
        assert not CONTROL_CHARS & set(text), argv
    listed = {g["id"]: g["title"] for g in json.loads(outputs[("list", "--json")])}
    assert {k: listed[k] for k in expected if k in listed} == {
        k: v for k, v in expected.items() if k in listed
    }
    for goal_id, title in expected.items():
        if goal_id != 5:
            assert f"{goal_id} [ ] {title}" in outputs[("list",)]
    assert {i["id"]: i["title"] for i in json.loads(outputs[("today", "--json")])} == expected
    assert outputs[("status",)].endswith(f"· {expected[10]}\n")
    assert json.loads(outputs[("status", "--json")])["title"] == expected[10]
    review = json.loads(outputs[("review", "--format", "json")])
    assert review["done"][0]["title"] == expected[5]
    assert review["blocks"][0]["reflection"] == "[i]refl/i] ✓ שלום"  # \x9b[ is a CSI
    rows = list(csv.reader(io.StringIO(outputs[("review", "--format", "csv")])))
    assert [r[2] for r in rows[1:] if r[10] == "block"] == [expected[5], expected[10]]
    assert [r[12] for r in rows[1:] if r[10] == "interruption"] == ["[red]note[/]"]
    assert [r[2] for r in rows[1:] if r[10] == "done"] == [expected[5]]
    md = outputs[("review", "--format", "md")]
    assert "\\[bold\\]x\\[/\\]" in md  # markdown-escaped, never interpreted


# -- 6. the time zone changes between runs ----------------------------------------------------


def test_time_zone_changes_between_runs(server: Server, tmp_path: Path) -> None:
    """UTC+14 and UTC-11 never share a date: the block keeps the day it started on, and the
    list of today follows whatever zone is in force now."""
    east, west = {"MICROGOALS_TZ": "Pacific/Kiritimati"}, {"MICROGOALS_TZ": "Pacific/Pago_Pago"}
    db = ["--db", str(tmp_path / "db.json")]
    east_day = pendulum.now("Pacific/Kiritimati").date()
    west_day = pendulum.now("Pacific/Pago_Pago").date()
    assert east_day > west_day
    ok(server.run(*db, "add", "east", "--today", env=east))
    ok(server.run(*db, "add", "west", "--today", env=west))
    ok(server.run(*db, "start", "1", env=east))
    assert json.loads(ok(server.run(*db, "status", "--json", env=west)))["running"]
    ok(server.run(*db, "stop", "--done", env=west))

    assert [i["title"] for i in json.loads(ok(server.run(*db, "today", "--json", env=east)))] == [
        "east",
        "west",  # planned on an earlier date there and not done: carried
    ]
    west_today = json.loads(ok(server.run(*db, "today", "--json", env=west)))
    assert [i["title"] for i in west_today] == ["west"]  # the east plan is a later date here
    on_east = json.loads(
        ok(server.run(*db, "review", "--date", east_day.isoformat(), "--json", env=west))
    )
    assert [b["goal"] for b in on_east["blocks"]] == [1]  # the block keeps its start day
    assert on_east["done"] == []  # finished in the west: on the date in force there
    on_west = json.loads(ok(server.run(*db, "review", "--json", env=west)))
    assert on_west["blocks"] == []
    assert [d["id"] for d in on_west["done"]] == [1]


def test_a_goal_cut_out_of_a_parent_loop_can_be_moved(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    db.write_bytes(orjson.dumps({"schema_version": 1, "goals": BAD_GOALS["parent loop"]}))
    store = Store.open(db)
    store.add_goal("another root")
    assert store.move(1, 1).id == 1  # shown at the top level, moved among the roots
    from tui_microgoals.core import tree

    assert [g.id for g, depth in tree.walk(store.goals()) if depth == 0] == [4, 1]


# Issue 13, finding 17: Ctrl-C while orjson's module init runs (it imports Python modules as
# it starts) crashed the interpreter with SIGSEGV. The interrupt is sent from inside that
# init, at the import of a module orjson loads, so the crash point is hit every time.
CTRL_C_INSIDE_ORJSON = """
import os, runpy, signal, sys

class CtrlCInsideOrjson:
    def find_spec(self, name, path, target=None):
        if "orjson" in sys.modules and name in {"dataclasses", "json", "json.decoder"}:
            sys.meta_path.remove(self)
            os.kill(os.getpid(), signal.SIGINT)
        return None

sys.meta_path.insert(0, CtrlCInsideOrjson())
sys.argv = ["microgoals", *sys.argv[1:]]
runpy.run_module("tui_microgoals", run_name="__main__")
"""


@pytest.mark.parametrize("command", [["list"], ["add", "x", "--due", "today"], ["review"]])
def test_ctrl_c_while_the_dependencies_load_exits_130(tmp_path: Path, command: list[str]) -> None:
    env = {**os.environ, "MICROGOALS_DB": str(tmp_path / "db.json")}
    result = subprocess.run(
        [sys.executable, "-c", CTRL_C_INSIDE_ORJSON, *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert (result.returncode, result.stderr) == (130, "")
    assert not (tmp_path / "db.json").exists()  # interrupted before anything was written

"""The app SIGKILLed at random moments while it saves: every acknowledged change survives.

One server process imports the app once and forks a child per round; the child runs the real
app headless, adding goals through the add dialog and acknowledging each one once the store
has it (a commit is fsynced before the dialog's save returns); the test kills it at a random
moment after its first acknowledgement.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from tui_microgoals.core.store import Store

ROUNDS = 25

SERVER = r"""
import os, sys
from tui_microgoals.app import MicroGoalsApp
from tui_microgoals.core import journal
from tui_microgoals.core.store import Store

journal.JOURNAL_MAX_ENTRIES = 3  # whole-file replaces as well as journal appends
path = sys.argv[1]
for line in sys.stdin:
    round_no = int(line)
    pid = os.fork()
    if pid == 0:
        try:
            store = Store.open(path)
            app = MicroGoalsApp(store, blink=False)

            async def drive(pilot):
                await pilot.pause()
                n = 0
                while True:
                    n += 1
                    title = f"r{round_no}x{n}"
                    await pilot.press("a")
                    await pilot.pause()
                    await pilot.press(*title, "enter")
                    await pilot.pause()
                    if any(g.title == title for g in store.goals().values()):
                        os.write(1, f"ack {title}\n".encode())

            app.run(headless=True, size=(100, 30), auto_pilot=drive)
        finally:
            os._exit(70)
    print(f"pid {pid}", flush=True)
    print(f"exit {os.waitpid(pid, 0)[1]}", flush=True)
"""


def test_app_killed_mid_save_loses_no_acknowledged_goal(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    rng = random.Random(20261122)
    env = {k: v for k, v in os.environ.items() if k != "MICROGOALS_DB"}
    server = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(SERVER), str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert server.stdin is not None and server.stdout is not None
    acknowledged: set[str] = set()
    deadline = time.monotonic() + 240
    try:
        for round_no in range(ROUNDS):
            assert time.monotonic() < deadline, f"too slow: {round_no} rounds"
            server.stdin.write(f"{round_no}\n")
            server.stdin.flush()
            line = server.stdout.readline()
            assert line.startswith("pid "), line + server.stderr.read()
            pid = int(line.split()[1])
            first = server.stdout.readline()
            assert first.startswith("ack "), first + server.stderr.read()
            acknowledged.add(first.split()[1])
            time.sleep(rng.uniform(0, 0.3))
            os.kill(pid, signal.SIGKILL)
            for line in iter(server.stdout.readline, ""):
                if line.startswith("exit "):
                    status = int(line.split()[1])
                    break
                acknowledged.add(line.split()[1])
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status

            store = Store.open(path)
            titles = {g.title for g in store.goals().values()}  # the file loads
            assert acknowledged <= titles
            with store.storage.transaction():
                pass
            assert not list(tmp_path.glob(".*.tmp"))  # a killed save's temp file is gone
    finally:
        server.kill()
        server.wait()
    assert len(acknowledged) >= ROUNDS

"""The sync benchmark (issue 15): what a sync costs, and how big the sync folder grows.

    python bench/sync.py                 # M; about a minute on 2 cores
    python bench/sync.py --size L --changes 1000 --year 4500

On generated data (bench/generate.py), two devices (two databases, one shared folder):
1. the first sync of a database of that size (everything it holds goes out once): time,
   and the folder's size after it;
2. N new changes on one device (N single edits, each its own log entry): the time of the
   sync that sends them, and of the other device's sync that takes them in;
3. a year of use: as many changes as a year at M makes (about 4,500 entries: done, plan,
   blocks started and stopped, edits), sent; the sync folder's size then, beside the
   database file's. Each figure is beside its reference (the same database's size, a
   ``microgoals status`` in the same run).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def mib(n: int) -> str:
    return f"{n / 2**20:.1f} MiB"


def timed(fn):  # noqa: ANN001, ANN201
    start = time.perf_counter()
    result = fn()
    return (time.perf_counter() - start) * 1000, result


def changes(store, n: int, seed: int = 7) -> None:  # noqa: ANN001
    """``n`` single changes of the kinds a day has, each its own entry."""
    import random

    from tui_microgoals.core.models import OPEN

    rnd = random.Random(seed)
    leaves = [g.id for g in store.goals().values() if g.status == OPEN and g.parent is not None]
    for i in range(n):
        goal = rnd.choice(leaves)
        kind = i % 4
        if kind == 0:
            store.edit_goal(goal, title=f"edited {i}")
        elif kind == 1:
            store.edit_goal(goal, minutes=rnd.choice([10, 15, 20, 25]))
        elif kind == 2:
            store.set_setting("capacity", rnd.randint(60, 300))
        else:
            store.edit_goal(goal, notes=f"note {i}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", default="M")
    parser.add_argument("--changes", type=int, default=1000)
    parser.add_argument("--year", type=int, default=4500)
    args = parser.parse_args()

    from generate import SIZES, generate

    from tui_microgoals.core.clock import Clock
    from tui_microgoals.core.storage import DurableStorage
    from tui_microgoals.core.store import Store
    from tui_microgoals.core.sync import Syncer

    work = Path(tempfile.mkdtemp(prefix="microgoals-sync-bench-"))
    try:
        share = work / "share"
        share.mkdir()
        a_path, b_path = work / "a" / "db.json", work / "b" / "db.json"
        a_path.parent.mkdir()
        b_path.parent.mkdir()
        DurableStorage(a_path).write(generate(SIZES[args.size]))
        a, b = Store.open(a_path, Clock()), Store.open(b_path, Clock())
        Syncer(a).init(folder=share)
        Syncer(b).init(folder=share)
        status_ms, _ = timed(
            lambda: subprocess.run(
                [sys.executable, "-m", "tui_microgoals", "--db", str(a_path), "status"],
                capture_output=True,
                check=True,
            )
        )
        first_ms, _ = timed(lambda: Syncer(a).run())
        join_ms, _ = timed(lambda: Syncer(b).run())
        a_size = a_path.stat().st_size
        print(f"size {args.size}: database {mib(a_size)}; `microgoals status` {status_ms:.0f} ms")
        print(f"first sync (all of it out): {first_ms:8.0f} ms; folder {mib(folder_size(share))}")
        print(f"a new device takes it all in:     {join_ms:8.0f} ms")
        made_ms, _ = timed(lambda: changes(a, args.changes))
        send_ms, report = timed(lambda: Syncer(a).run())
        take_ms, taken = timed(lambda: Syncer(b).run())
        print(
            f"{args.changes} changes ({made_ms:.0f} ms to make): sent in {send_ms:.0f} ms "
            f"({report.went_out} entries); taken in by the other in {take_ms:.0f} ms "
            f"({taken.came_in} entries)"
        )
        again_ms, _ = timed(lambda: Syncer(a).run())
        print(f"a sync with nothing new:          {again_ms:8.0f} ms")
        changes(a, args.year, seed=11)
        Syncer(a).run()
        Syncer(b).run()
        print(
            f"after {args.year} more changes (a year at M): folder {mib(folder_size(share))}, "
            f"database {mib(a_path.stat().st_size)} (with its journal "
            f"{mib(a_path.stat().st_size + Path(str(a_path) + '.journal').stat().st_size)})"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""The benchmark: one table, each figure beside its reference measured in the same run.

    python bench/run.py                 # S, M, L and XL
    python bench/run.py --sizes M --cpu-seconds 10 --runs 3    # a quick look

Measures, on generated data (bench/generate.py) of each size:
1. first painted frame of the app, started as a user starts it (``microgoals``, no
   arguments), vs. a bare one-widget Textual app (both headless, wall time from the
   process's start to its first frame);
2. one edit committed - keystroke to saved file to updated screen - p50 and p95, vs. the same
   change made with stock TinyDB ``JSONStorage`` on the same data;
3. ``microgoals status``, ``add`` and ``undo`` wall time vs. Taskwarrior's ``task count``,
   ``task add`` and ``task undo`` on as many tasks (Taskwarrior's Debian package is
   installed when missing and this process may; the first line says what happened);
4. CPU over N seconds with a block running (percent of one core) vs. a bare Textual app
   with a 1 s timer, and the peak memory of each (VmHWM: its own, since exec);
5. the review of a day a year back: pushing the review screen on that day to its first frame.
Also the planning simulation and forecast (issue 8) on each size. At the end, issue 16's
targets with S, M, L and XL side by side, and the seconds each step took.
The app and the CLI run from a normal install (``pip install .`` into a virtualenv the
benchmark makes) unless ``--install editable``. Medians of several runs; see
bench/README.md for the method.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PY = sys.executable
#: The Python the app's children (first paint, edit, review, CPU) and the CLI run with: a
#: normal install's unless ``--install editable`` (``main`` sets it).
APP_PY = PY


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def wall(
    cmd: list[str], env: dict[str, str] | None = None, runs: int = 5, cwd: Path | None = None
) -> float:
    """Median wall seconds of a command (after one warm-up run)."""
    times = []
    for i in range(runs + 1):
        start = time.perf_counter()
        subprocess.run(
            cmd,
            env=env,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        if i:
            times.append(time.perf_counter() - start)
    return median(times)


# -- subprocess entry points (python bench/run.py _paint ...) --------------------------------


def _bare_app(timer: bool = False):  # noqa: ANN202 - built lazily so the parent never imports textual
    from textual.app import App, ComposeResult
    from textual.widgets import Static

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Static("hello")

        def on_mount(self) -> None:
            if timer:
                self.set_interval(1, lambda: self.query_one(Static).update(str(time.time())))

        def on_key(self, event) -> None:  # noqa: ANN001 - the edit's reference: one redraw
            if event.key == "o":
                self.query_one(Static).update(f"pressed at {time.time()}")

    return Bare()


def _real_app(db: str):  # noqa: ANN202
    from tui_microgoals.app import MicroGoalsApp
    from tui_microgoals.core.store import Store

    return MicroGoalsApp(Store.open(db), blink=False)


class _OnImport:
    """Calls ``patch(module)`` as ``name`` is imported, wherever that happens first. The first
    paint's child hooks Textual's ``App`` this way rather than importing Textual first:
    that would run the import before whatever the command itself does first
    (``entry._app`` turns the cyclic collector off before its imports)."""

    def __init__(self, name: str, patch) -> None:  # noqa: ANN001
        self.name, self.patch = name, patch

    def find_spec(self, name: str, path=None, target=None):  # noqa: ANN001, ANN201
        if name != self.name:
            return None
        sys.meta_path.remove(self)
        from importlib.machinery import PathFinder

        spec = PathFinder.find_spec(name, path)
        assert spec is not None and spec.loader is not None
        exec_module = spec.loader.exec_module

        def exec_and_patch(module) -> None:  # noqa: ANN001
            exec_module(module)
            self.patch(module)

        spec.loader.exec_module = exec_and_patch  # type: ignore[method-assign]
        return spec


def child_paint(which: str, db: str) -> None:
    """Print the wall-clock time (``time.time()``) at which the first frame was drawn, and
    where ``tui_microgoals`` was imported from. ``app`` is the command a user types,
    ``microgoals`` with no arguments (``entry.main``), on ``db``; ``bare`` the bare app."""
    painted: list[float] = []

    def hook(module) -> None:  # noqa: ANN001 - textual.app, as it is imported
        app_class = module.App
        display, run = app_class._display, app_class.run

        def first_display(app, screen, renderable) -> None:  # noqa: ANN001
            display(app, screen, renderable)
            if renderable is not None and not painted:
                painted.append(time.time())
                app.exit()  # what comes after the first frame is not timed

        def headless_run(app, *args, **kwargs):  # noqa: ANN001, ANN202
            return run(app, headless=True, size=(120, 40))

        app_class._display = first_display
        app_class.run = headless_run

    sys.meta_path.insert(0, _OnImport("textual.app", hook))
    if which == "bare":
        _bare_app().run()
        origin = None
    else:
        os.environ["MICROGOALS_DB"] = db
        from tui_microgoals.entry import main

        main([])
        import tui_microgoals

        origin = tui_microgoals.__file__
    print(json.dumps({"painted": painted[0], "from": origin}))


#: An edit's screen update is over when no frame has been drawn for this long.
QUIET_SECONDS = 0.15


async def after_start(pilot) -> None:  # noqa: ANN001
    """Wait until the start's own work is over: a big plan's forecast follows the first
    frame in a thread (~3 s of CPU at XL), and a key or a CPU window that overlapped it
    would time the start, not the key or the idle app."""
    for _ in range(2):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await asyncio.sleep(QUIET_SECONDS)


def child_edit(which: str, db: str, presses: int) -> None:
    """Keystroke to saved file to updated screen, ``presses`` times; prints two lists of ms:
    to the first frame drawn after the change was saved (the screen shows the change: the
    key's handler saves and updates every pane before it returns, and no frame can be drawn
    while it runs), and to the last frame before the screen goes quiet (anything drawn
    after it, such as a toast).

    The key goes in the way a terminal's would (the driver's message queue). Pilot's own
    ``press`` and ``pause`` are not used for timing: each waits for at least one 20 ms idle
    check, so they would add ~60 ms of the harness's own to every figure.

    ``which`` = "bare": the floor, a one-widget Textual app whose ``o`` changes its text (no
    file: its first frame after the key counts).
    """
    from textual import events

    bare = which == "bare"
    app = _bare_app() if bare else _real_app(db)
    journal = Path(db + ".journal")
    first: list[float] = []
    settled: list[float] = []
    frames: list[float] = []  # frames drawn since the change was saved
    saved_after: list[tuple[int, int]] = []  # the file stamp before the key
    display = app._display

    def stamp() -> tuple[int, int]:
        paths = [Path(db), journal]
        return tuple(p.stat().st_mtime_ns if p.exists() else 0 for p in paths)  # type: ignore[return-value]

    def timed_display(screen, renderable) -> None:  # noqa: ANN001
        display(screen, renderable)
        if renderable is not None and saved_after and (bare or stamp() != saved_after[0]):
            frames.append(time.perf_counter())

    app._display = timed_display  # type: ignore[method-assign]

    async def drive(pilot) -> None:  # noqa: ANN001
        await after_start(pilot)
        for _ in range(presses):
            await asyncio.sleep(QUIET_SECONDS)  # the last edit's frames are all drawn
            saved_after[:] = [(0, 0) if bare else stamp()]
            frames.clear()
            start = time.perf_counter()
            # Make the highlighted item the One Thing: one commit.
            app._driver.send_message(events.Key("o", "o"))
            while not frames or time.perf_counter() - frames[-1] < QUIET_SECONDS:
                await asyncio.sleep(0.002)
                if time.perf_counter() - start > 10:
                    raise SystemExit("the key did not save anything")
            first.append((frames[0] - start) * 1000)
            settled.append((frames[-1] - start) * 1000)
        pilot.app.exit()

    app.run(headless=True, size=(120, 40), auto_pilot=drive)
    print(json.dumps({"first": first, "settled": settled}))


#: How far back the review opens: "the review of a day a year ago" (issue 16).
REVIEW_DAYS_BACK = 365


def child_review(db: str) -> None:
    """The review of the day a year back (365 days before today), opened as the ``r`` key's
    handler opens today's review: import the screen, push it, but with that date (the app
    has no key that jumps a year: ``[`` moves one day). Prints ms from the push to the first
    frame of the review and to its last frame before 150 ms without one; then the same for
    one ``[`` key there (the day before, put on the driver's queue as a terminal's key)."""
    from textual import events

    app = _real_app(db)
    frames: list[tuple[float, object]] = []
    display = app._display

    def timed_display(screen, renderable) -> None:  # noqa: ANN001
        display(screen, renderable)
        if renderable is not None:
            # The screen and the day it shows: a frame drawn after the key's handler.
            frames.append((time.perf_counter(), (screen, getattr(screen, "date", None))))

    app._display = timed_display  # type: ignore[method-assign]
    result: dict[str, float] = {}

    async def settle(name: str, start: float, screen: object, date: object) -> None:
        while True:
            await asyncio.sleep(0.002)
            mine = [t for t, (s, d) in frames if s is screen and d == date]
            if mine and time.perf_counter() - mine[-1] >= QUIET_SECONDS:
                break
            if time.perf_counter() - start > 20:
                raise SystemExit(f"{name}: no frame of the review")
        result[f"{name}_first"] = (mine[0] - start) * 1000
        result[f"{name}_settled"] = (mine[-1] - start) * 1000

    async def drive(pilot) -> None:  # noqa: ANN001
        await after_start(pilot)
        date = app.session.clock.today().subtract(days=REVIEW_DAYS_BACK)
        frames.clear()
        start = time.perf_counter()
        from tui_microgoals.screens.review import ReviewScreen  # as action_open_review does

        screen = ReviewScreen(app.session, date)
        app.push_screen(screen)
        await settle("open", start, screen, date)
        frames.clear()
        start = time.perf_counter()
        app._driver.send_message(events.Key("left_square_bracket", "["))
        await settle("day_before", start, screen, date.subtract(days=1))
        pilot.app.exit()

    app.run(headless=True, size=(120, 40), auto_pilot=drive)
    print(json.dumps(result))


def peak_mib() -> float:
    """This process's own peak RSS since exec: ``VmHWM`` belongs to the address space exec
    made. (``ru_maxrss`` does not: on Linux it keeps the high-water mark of the process
    before exec, i.e. of the benchmark parent that had parsed the whole file.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource  # not Linux: the best there is

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_idle(which: str, db: str, seconds: float) -> None:
    """Run for ``seconds`` with a block running; print CPU seconds and peak RSS."""
    import resource

    if which == "bare":
        app = _bare_app(timer=True)
    else:
        from tui_microgoals.app import MicroGoalsApp
        from tui_microgoals.core.store import Store

        store = Store.open(db)  # one store, as the real app has: a second would add its copy
        if store.running_block() is None:
            item = next(i for i in store.today() if not i.done and not i.blocked and not i.habit)
            store.start_block(item.goal.id, 90)
        app = MicroGoalsApp(store, blink=False)

    cpu_at_start: list[float] = []

    async def idle(pilot) -> None:  # noqa: ANN001
        await after_start(pilot)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu_at_start.append(usage.ru_utime + usage.ru_stime)
        # One sleep, not a pilot.pause() every 0.5 s: each pause posts a callback to every
        # widget on the screen, which is the harness's cost, and grows with the app's widgets.
        await asyncio.sleep(seconds)
        usage = resource.getrusage(resource.RUSAGE_SELF)
        cpu = usage.ru_utime + usage.ru_stime - cpu_at_start[0]
        print(json.dumps({"cpu_percent": 100 * cpu / seconds, "peak_mib": peak_mib()}))
        pilot.app.exit()

    app.run(headless=True, size=(120, 40), auto_pilot=idle)


# -- the measurements ---------------------------------------------------------------------------


def make_db(size: str, folder: Path) -> Path:
    sys.path.insert(0, str(HERE))
    from generate import SIZES, generate, write

    path = folder / f"{size}.json"
    write(path, generate(SIZES[size]), archive=True)
    return path


def fresh_copy(src: Path, folder: Path, name: str) -> Path:
    dst = folder / name
    for suffix in ("", ".journal", ".status", ".lock", ".archive"):
        target = Path(str(dst) + suffix)
        if target.exists():
            target.unlink()
    shutil.copy(src, dst)
    archive = Path(str(src) + ".archive")
    if archive.exists():  # (the copy's archive: named for it)
        shutil.copy(archive, Path(str(dst) + ".archive"))
    return dst


def to_first_frame(which: str, db: Path) -> float:
    """Seconds from starting the process to its first frame."""
    start = time.time()
    out = subprocess.run(
        [APP_PY, __file__, "_paint", which, str(db)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["painted"] - start


def imported_from(db: Path) -> str:
    """Where the app's children import ``tui_microgoals`` from (the install they time)."""
    out = subprocess.run(
        [APP_PY, __file__, "_paint", "app", str(db)], capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["from"]


def measure_paint(db: Path, runs: int) -> tuple[float, float]:
    """Medians; after a warm-up of each, runs of the app and the bare app alternate, so both
    see the same machine."""
    to_first_frame("app", db)
    to_first_frame("bare", db)
    ours, bare = [], []
    for _ in range(runs):
        ours.append(to_first_frame("app", db))
        bare.append(to_first_frame("bare", db))
    return median(ours), median(bare)


def measure_edit(which: str, db: Path, presses: int) -> dict[str, list[float]]:
    out = subprocess.run(
        [APP_PY, __file__, "_edit", which, str(db), str(presses)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure_stock_tinydb(db: Path, edits: int) -> list[float]:
    """The same change (a day's One Thing) through stock TinyDB with JSONStorage."""
    from tinydb import TinyDB
    from tinydb.storages import JSONStorage

    raw = json.loads(db.read_text())
    raw.pop("schema_version", None)
    raw.pop("journal_id", None)
    stock_path = db.with_name(db.stem + "-stock.json")
    stock_path.write_text(json.dumps(raw))
    days = TinyDB(stock_path, storage=JSONStorage).table("days")
    last = max(int(k) for k in raw["days"])
    items = raw["days"][str(last)]["items"]
    times = []
    for i in range(edits):
        start = time.perf_counter()
        days.update({"one_thing": items[i % len(items)]}, doc_ids=[last])
        times.append((time.perf_counter() - start) * 1000)
    return times


def measure_commit(db: Path, commits: int) -> list[float]:
    """One commit in-process (the store's call, its operation-log entry, the journal's fsync):
    the One Thing of the last planned day, moved along its items."""
    from tui_microgoals.core.store import Store

    store = Store.open(db)
    days = store.days()
    day = max((d for d in days.values() if d.items), key=lambda d: d.date)
    items = list(day.items)
    times = []
    for i in range(commits):
        start = time.perf_counter()
        store.set_one_thing(items[i % len(items)], day.date)
        times.append((time.perf_counter() - start) * 1000)
    return times


def microgoals_command(python: str) -> list[str]:
    """How a user runs the command line of the install of ``python``: its console script
    (pip's wrapper: ``import re``, then ``entry.main``); ``python -m tui_microgoals`` where
    there is none."""
    script = Path(python).parent / "microgoals"
    return [str(script)] if script.exists() else [python, "-m", "tui_microgoals"]


def measure_cli(db: Path, runs: int, python: str = PY) -> tuple[float, float, float, float]:
    env = {**os.environ, "MICROGOALS_DB": str(db)}
    command = microgoals_command(python)
    # Any commit (by the app or the CLI) leaves the summary that status reads.
    subprocess.run(
        [*command, "add", "warm-up"], env=env, cwd=db.parent, check=True, stdout=subprocess.DEVNULL
    )
    # Run from the data's folder, as a status bar would (with `-m`, from a checkout, the
    # source tree there would be imported instead of the install).
    here = db.parent
    status = wall([*command, "status"], env=env, runs=runs, cwd=here)
    add = wall([*command, "add", "benchmark task"], env=env, runs=runs, cwd=here)
    # Undos in a row (the first, the warm-up, takes the full path and works out the next few
    # ahead for the fast one), then each undo right after an add (an add makes what was
    # worked out ahead stale: the full path).
    undo = wall([*command, "undo"], env=env, runs=runs, cwd=here)
    after_add = []
    for _ in range(runs):
        subprocess.run(
            [*command, "add", "benchmark task"],
            env=env,
            cwd=here,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        start = time.perf_counter()
        subprocess.run([*command, "undo"], env=env, cwd=here, check=True, stdout=subprocess.DEVNULL)
        after_add.append(time.perf_counter() - start)
    return status, add, undo, median(after_add)


def normal_install(folder: Path) -> str:
    """A virtualenv with microgoals installed from this checkout as a user installs it
    (``pip install .``: a wheel, its modules byte-compiled at install); its Python.

    An editable install (the tests') differs in two ways a user never sees: an import hook
    on every start (~15 ms), and, with ``PYTHONDONTWRITEBYTECODE`` set as on this machine,
    the project's ~100 modules compiled from source on every start (~150 ms of the app's)."""
    venv = folder / "userenv"
    python = venv / "bin" / "python"
    pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", HERE.parent]
    for cmd in ([PY, "-m", "venv", str(venv)], pip):
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            last = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()[-1]
            raise SystemExit(
                f"could not make a normal install ({last}): give one with --python, or time "
                "the tests' install with --install editable"
            )
    return str(python)


def ensure_taskwarrior() -> tuple[str | None, str]:
    """Taskwarrior's ``task``, installed from the Debian package ``taskwarrior`` when it is
    missing and this process may install it (root, or sudo without a password); the path (or
    None) and one line saying what was found, done, or why it could not be."""
    task = shutil.which("task")
    if task is not None:
        return task, f"Taskwarrior: {task} (already installed)"
    if shutil.which("apt-get") is None:
        return None, "Taskwarrior: not installed, and no apt-get here to install it (not Debian)"
    if os.geteuid() == 0:
        prefix: list[str] = []
    elif (
        shutil.which("sudo")
        and subprocess.run(["sudo", "-n", "true"], capture_output=True, check=False).returncode == 0
    ):
        prefix = ["sudo", "-n"]
    else:
        return None, (
            "Taskwarrior: not installed, and this user can't install it (not root, no "
            "passwordless sudo): run `apt-get install taskwarrior` as root for its column"
        )
    print("Taskwarrior: not installed; apt-get update, apt-get install -y taskwarrior", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "taskwarrior"]):
        done = subprocess.run(prefix + cmd, env=env, capture_output=True, text=True)
        if done.returncode != 0:
            last = (done.stderr.strip() or done.stdout.strip() or "no output").splitlines()[-1]
            return None, f"Taskwarrior: `{' '.join(cmd)}` failed ({done.returncode}): {last}"
    task = shutil.which("task")
    if task is None:
        return None, "Taskwarrior: apt-get installed taskwarrior, but `task` is not on PATH"
    return task, f"Taskwarrior: installed the Debian package just now ({task})"


def measure_taskwarrior(
    goals: dict[str, dict], folder: Path, runs: int
) -> tuple[float, float, float] | None:
    """``task count``, ``task add`` and ``task undo`` (each undoes one of the adds, as
    ``microgoals undo`` does) on a task list as big as the goals: a done goal is a completed
    task (Taskwarrior keeps those in completed.data), any other a pending one."""
    task = shutil.which("task")
    if task is None:
        return None
    tasks = len(goals)
    data = folder / f"task-{tasks}"
    data.mkdir(exist_ok=True)
    rc = folder / f"taskrc-{tasks}"
    rc.write_text(f"data.location={data}\nconfirmation=off\nverbose=nothing\nnews.version=99\n")
    env = {**os.environ, "TASKRC": str(rc), "TASKDATA": str(data)}
    if not (data / "pending.data").exists():
        lines = []
        for n, goal in enumerate(goals.values()):
            done = goal.get("status") == "done"
            record = {
                "description": f"task {n}",
                "status": "completed" if done else "pending",
                "uuid": f"00000000-0000-4000-8000-{n:012d}",
                "entry": "20260101T000000Z",
            }
            if done:
                record["end"] = "20260102T000000Z"
            lines.append(json.dumps(record))
        subprocess.run(
            [task, "import"],
            input="\n".join(lines),
            text=True,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=True,
        )
    count = wall([task, "count"], env=env, runs=runs)
    add = wall([task, "add", "benchmark task"], env=env, runs=runs)
    undo = wall([task, "rc.confirmation=off", "undo"], env=env, runs=runs)
    return count, add, undo


def measure_idle(db: Path, seconds: float) -> tuple[dict, dict]:
    def run(which: str) -> dict:
        out = subprocess.run(
            [APP_PY, __file__, "_idle", which, str(db), str(seconds)],
            capture_output=True,
            text=True,
            check=True,
        )
        return json.loads(out.stdout.strip().splitlines()[-1])

    return run("app"), run("bare")


def measure_review(db: Path, runs: int) -> dict[str, float]:
    """Medians over ``runs`` processes (each the first review it opens, after a warm-up)."""
    results = []
    for i in range(runs + 1):
        out = subprocess.run(
            [APP_PY, __file__, "_review", str(db)], capture_output=True, text=True, check=True
        )
        if i:
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return {key: median([r[key] for r in results]) for key in results[0]}


def measure_forecast(db: Path) -> tuple[float, float]:
    from tui_microgoals.core import forecast
    from tui_microgoals.core.store import Store

    store = Store.open(db)
    goals, days = store.goals(), store.days()
    today = store.clock.today()
    start = time.perf_counter()
    sim = forecast.simulate(goals, days, today, 120, 20)
    middle = time.perf_counter()
    forecast.forecast(goals, sim, today, 20)
    return (middle - start) * 1000, (time.perf_counter() - middle) * 1000


# -- issue 16's targets: S, M, L and XL side by side ------------------------------------------

TARGET_SIZES = ("S", "M", "L", "XL")


def targets_table(fig: dict[str, dict[str, float]]) -> str:
    """Issue 16's targets table: each figure at S, M, L and XL, its target, and whether the
    sizes the target names meet it (a size not run, or a figure not measured, is said so)."""

    def value(size: str, key: str, over: str | None = None) -> float | None:
        got = fig.get(size, {})
        if key not in got or (over is not None and not got.get(over)):
            return None
        return got[key] / got[over] if over is not None else got[key]

    def over_s(size: str, key: str) -> float | None:
        base = fig.get("S", {}).get(key)
        mine = fig.get(size, {}).get(key)
        return mine / base if base and mine is not None else None

    lines = [
        "| figure | " + " | ".join(TARGET_SIZES) + " | target | met? |",
        "|---" * (len(TARGET_SIZES) + 3) + "|",
    ]

    def line(name: str, get, fmt: str, target: str = "", at=(), ok=None) -> None:  # noqa: ANN001
        cells = []
        for size in TARGET_SIZES:
            got = get(size)
            cells.append("-" if got is None else fmt.format(got))
        met = ""
        if at:
            verdicts = []
            for size in at:
                got = get(size)
                if got is None:
                    verdicts.append(f"{size}: not measured")
                elif (verdict := ok(size, got)) is not True:
                    why = verdict or fmt.format(got)
                    verdicts.append(f"{size}: no ({why})")
            met = "yes" if not verdicts else "; ".join(verdicts)
        lines.append(f"| {name} | " + " | ".join(cells) + f" | {target} | {met} |")

    big = ("L", "XL")
    line("first paint", lambda z: value(z, "paint"), "{:.0f} ms")
    line(
        "first paint ÷ S",
        lambda z: over_s(z, "paint"),
        "{:.2f}x",
        "≤ 1.15x at L, XL",
        big,
        lambda z, v: v <= 1.15,
    )
    line(
        "first paint ÷ bare app",
        lambda z: value(z, "paint", "paint_bare"),
        "{:.2f}x",
        "≤ 1.6x at L, XL",
        big,
        lambda z, v: v <= 1.6,
    )
    line("peak memory", lambda z: value(z, "peak"), "{:.0f} MiB")
    line(
        "peak memory ÷ S",
        lambda z: over_s(z, "peak"),
        "{:.2f}x",
        "≤ 1.15x at L, XL",
        big,
        lambda z, v: v <= 1.15,
    )
    line(
        "edit committed, p95",
        lambda z: value(z, "edit_p95"),
        "{:.1f} ms",
        "≤ 16 ms at M, L, XL",
        ("M", "L", "XL"),
        lambda z, v: v <= 16,
    )
    line("  a bare app's key to frame, p95", lambda z: value(z, "edit_bare_p95"), "{:.1f} ms")
    for ours, peer in (("status", "task count"), ("add", "task add"), ("undo", "task undo")):
        line(
            f"`{ours}`",
            lambda z, k=ours: value(z, k),
            "{:.0f} ms",
            f"≤ 30 ms and below `{peer}` at XL",
            ("XL",),
            lambda z, v, p=peer: (
                (v <= 30 and v < fig[z][p]) or f"{v:.0f} ms vs {fig[z][p]:.0f} ms"
                if p in fig[z]
                else f"{v:.0f} ms, no `task` to compare"
            ),
        )
        line(f"  `{peer}`", lambda z, k=peer: value(z, k), "{:.0f} ms")
    line(
        "review of a day a year back, first frame",
        lambda z: value(z, "review"),
        "{:.0f} ms",
        "≤ 300 ms at XL",
        ("XL",),
        lambda z, v: v <= 300,
    )
    line(
        "CPU, a block running",
        lambda z: value(z, "cpu"),
        "{:.2f} %",
        "≤ 1 % of a core at XL",
        ("XL",),
        lambda z, v: v <= 1,
    )
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1].startswith("_"):
        name, *args = sys.argv[1:]
        if name == "_paint":
            child_paint(*args)
        elif name == "_edit":
            child_edit(args[0], args[1], int(args[2]))
        elif name == "_idle":
            child_idle(args[0], args[1], float(args[2]))
        elif name == "_review":
            child_review(args[0])
        return

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="S,M,L,XL", help="of S, M, L, XL")
    parser.add_argument("--runs", type=int, default=5, help="runs per wall-time figure")
    parser.add_argument("--edits", type=int, default=40, help="keystrokes per edit figure")
    parser.add_argument("--cpu-seconds", type=float, default=60.0)
    parser.add_argument(
        "--install",
        choices=("normal", "editable"),
        default="normal",
        help="what the app's children and the CLI run from: `normal` (default) a virtualenv "
        "the benchmark makes with `pip install .` of this checkout (~20 s), as a user "
        "installs it; `editable` this Python (the tests' install: an import hook, and "
        "modules compiled at every start when PYTHONDONTWRITEBYTECODE is set)",
    )
    parser.add_argument(
        "--python",
        "--cli-python",
        dest="python",
        help="the Python of a normal install made beforehand (instead of making one)",
    )
    args = parser.parse_args()

    rows: list[tuple[str, str, str, str]] = []
    sizes = args.sizes.split(",")
    fig: dict[str, dict[str, float]] = {size: {} for size in sizes}  # the targets' figures
    took: dict[str, dict[str, float]] = {size: {} for size in sizes}  # seconds per step
    # The machine's load (1-minute average) at each size's start and end: the figures of a
    # shared machine are read beside it.
    load: dict[str, list[float]] = {size: [] for size in sizes}

    def row(size: str, figure: str, ours: str, reference: str) -> None:
        rows.append((size, figure, ours, reference))
        print(f"  {size}  {figure:<34} {ours:>18}   {reference}", flush=True)

    def step(size: str, name: str, since: float) -> float:
        now = time.perf_counter()
        took[size][name] = now - since
        return now

    task_path, task_note = ensure_taskwarrior()
    print(task_note, flush=True)

    global APP_PY
    with tempfile.TemporaryDirectory(prefix="microgoals-bench-") as tmp:
        folder = Path(tmp)
        if args.python:
            APP_PY = args.python
        elif args.install == "normal":
            print("making a normal install (pip install . in a fresh virtualenv)", flush=True)
            APP_PY = normal_install(folder)
        kind = (
            "the given"
            if args.python
            else f"an {args.install}"
            if args.install == "editable"
            else "a normal"
        )
        install_note = f"app and CLI run by {APP_PY} ({kind} install)"
        print(install_note, flush=True)
        for size in sizes:
            f, t = fig[size], time.perf_counter()
            load[size].append(os.getloadavg()[0])
            base = make_db(size, folder)
            t = step(size, "generate", t)
            raw = json.loads(base.read_text())
            docs = sum(len(v) for k, v in raw.items() if isinstance(v, dict))
            goals = raw.get("goals", {})
            opened = sum(1 for g in goals.values() if g.get("status") == "open")
            print(
                f"{size}: {docs} documents, {len(goals)} goals ({opened} open), "
                f"{base.stat().st_size / 1e6:.1f} MB",
                flush=True,
            )

            paint_db = fresh_copy(base, folder, "paint.json")
            if size == sizes[0]:
                print(f"the app imports tui_microgoals from {imported_from(paint_db)}", flush=True)
            ours, bare = measure_paint(paint_db, args.runs)
            f["paint"], f["paint_bare"] = ours * 1000, bare * 1000
            row(
                size,
                "first paint",
                f"{ours * 1000:.0f} ms",
                f"bare Textual app {bare * 1000:.0f} ms ({ours / bare:.2f}x)",
            )
            t = step(size, "first paint", t)

            edits = measure_edit("app", fresh_copy(base, folder, "edit.json"), args.edits)
            floor = measure_edit("bare", base, args.edits)["first"]
            t = step(size, "edit", t)
            stock = measure_stock_tinydb(
                fresh_copy(base, folder, "stock.json"), min(args.edits, 20)
            )
            t = step(size, "stock TinyDB", t)
            first, settled = edits["first"], edits["settled"]
            f["edit_p95"], f["edit_bare_p95"] = p95(first), p95(floor)
            row(
                size,
                "edit committed p50 / p95",
                f"{median(first):.1f} / {p95(first):.1f} ms",
                f"stock TinyDB JSONStorage {median(stock):.0f} / {p95(stock):.0f} ms",
            )
            row(
                size,
                "  ... its last frame, p50 / p95",
                f"{median(settled):.1f} / {p95(settled):.1f} ms",
                f"a key's redraw in a bare Textual app {median(floor):.1f} / {p95(floor):.1f} ms",
            )

            commits = measure_commit(fresh_copy(base, folder, "commit.json"), args.edits)
            row(
                size,
                "commit in-process p50 / p95",
                f"{median(commits):.1f} / {p95(commits):.1f} ms",
                "target: p95 within 2 ms (issue 14)",
            )
            t = step(size, "commit in-process", t)

            status, add, undo, undo_after_add = measure_cli(
                fresh_copy(base, folder, "cli.json"), args.runs, APP_PY
            )
            f["status"], f["add"], f["undo"] = status * 1000, add * 1000, undo * 1000
            t = step(size, "status/add/undo", t)
            tw = measure_taskwarrior(goals, folder, args.runs) if task_path else None
            t = step(size, "Taskwarrior", t)
            if tw:
                f["task count"], f["task add"], f["task undo"] = (x * 1000 for x in tw)
            none = "task not installed (see above)"
            tw_status = f"task count {tw[0] * 1000:.0f} ms" if tw else none
            tw_add = f"task add {tw[1] * 1000:.0f} ms" if tw else none
            tw_undo = f"task undo {tw[2] * 1000:.0f} ms" if tw else none
            row(size, "microgoals status", f"{status * 1000:.0f} ms", tw_status)
            row(size, "microgoals add", f"{add * 1000:.0f} ms", tw_add)
            row(
                size,
                "microgoals undo: in a row / right after an add",
                f"{undo * 1000:.0f} / {undo_after_add * 1000:.0f} ms",
                tw_undo,
            )

            review = measure_review(fresh_copy(base, folder, "review.json"), args.runs)
            f["review"] = review["open_first"]
            row(
                size,
                "review a year back, first / last frame",
                f"{review['open_first']:.0f} / {review['open_settled']:.0f} ms",
                "opened through ReviewScreen (no key jumps a year)",
            )
            row(
                size,
                "  ... then `[`, first / last frame",
                f"{review['day_before_first']:.0f} / {review['day_before_settled']:.0f} ms",
                "the day before, by its key",
            )
            t = step(size, "review", t)

            sim_ms, fc_ms = measure_forecast(fresh_copy(base, folder, "plan.json"))
            row(size, "simulation / forecast", f"{sim_ms:.0f} / {fc_ms:.0f} ms", "(no peer)")
            t = step(size, "forecast", t)

            if args.cpu_seconds > 0:
                app, ref = measure_idle(fresh_copy(base, folder, "idle.json"), args.cpu_seconds)
                f["cpu"], f["peak"] = app["cpu_percent"], app["peak_mib"]
                row(
                    size,
                    f"CPU over {args.cpu_seconds:.0f} s, block running",
                    f"{app['cpu_percent']:.2f} %",
                    f"bare app + 1 s timer {ref['cpu_percent']:.2f} %",
                )
                row(
                    size,
                    "peak memory",
                    f"{app['peak_mib']:.0f} MiB",
                    f"bare app {ref['peak_mib']:.0f} MiB",
                )
                t = step(size, "CPU and memory", t)
            load[size].append(os.getloadavg()[0])
            spent = ", ".join(f"{name} {secs:.0f} s" for name, secs in took[size].items())
            print(
                f"  {size}  took {sum(took[size].values()):.0f} s: {spent}; load average "
                f"{load[size][0]:.1f} at the start, {load[size][1]:.1f} at the end",
                flush=True,
            )

    print()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}; {task_note}")
    print(install_note)
    print("| size | figure | microgoals | reference |")
    print("|---|---|---|---|")
    for size, figure, ours, reference in rows:
        print(f"| {size} | {figure} | {ours} | {reference} |")
    print()
    print(targets_table(fig))
    print()
    print("| size | seconds taken | load average, start / end |")
    print("|---|---|---|")
    for size in sizes:
        spent = ", ".join(f"{name} {secs:.0f}" for name, secs in took[size].items())
        first, last = load[size][0], load[size][-1]
        print(f"| {size} | {sum(took[size].values()):.0f} ({spent}) | {first:.1f} / {last:.1f} |")


if __name__ == "__main__":
    main()

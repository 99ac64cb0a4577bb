"""Write a realistic microgoals database of a given size through the project's own storage.

    python bench/generate.py --size M --out /tmp/m.json

S ~ 1,000 documents, M ~ 10,000 (a year of a heavy user), L ~ 30,000 (three years),
XL ~ 100,000 (ten years: the same user's days, ~3,850 of them).
A heavy user finishes about a dozen micro-goals a day (15 on the list), each in a block,
under deep goal trees, with a few habits and a few carried items. As a real user does, they
take a day off now and then (about one in nine: nothing done, no habit), and drop a project
still unfinished six weeks after it began, so the open goals stay about as many after ten
years as after one.
Seeded: the same size gives the same file. ``--out`` writes it, then moves the old history to
the archive as the app would (``--no-archive``: everything in the main file).
"""

from __future__ import annotations

import argparse
import random
from collections import deque
from pathlib import Path

import pendulum

from tui_microgoals.core.models import Block, Day, Goal, Interruption, Pause
from tui_microgoals.core.storage import DurableStorage
from tui_microgoals.core.store import Store

SIZES = {"S": 1_000, "M": 10_000, "L": 30_000, "XL": 100_000}
DOCS_PER_DAY = 26  # ~13 goals + ~12 blocks + the day (a day off in nine: the day alone)
DAY_OFF = 0.11
PER_DAY = 15  # micro-goals on the list of a working day
DROP_AFTER_DAYS = 45


def generate(total_docs: int, seed: int = 7) -> dict[str, dict[str, dict]]:
    rng = random.Random(seed)
    days_count = max(7, total_docs // DOCS_PER_DAY)
    today = pendulum.date(2026, 11, 22)
    start = today.subtract(days=days_count)
    goals: dict[int, Goal] = {}
    blocks: dict[int, Block] = {}
    days: dict[str, dict] = {}
    next_id = iter(range(1, 10**9))
    next_block = iter(range(1, 10**9))
    siblings: dict[int | None, int] = {}
    open_steps: dict[int, int] = {}  # a parent's steps not done yet

    def add(title: str, parent: int | None, created: pendulum.DateTime, **kw) -> Goal:
        goal = Goal(id=next(next_id), title=title, parent=parent, created_at=created, **kw)
        goal.position = siblings.get(parent, 0)
        siblings[parent] = goal.position + 1
        goals[goal.id] = goal
        if parent is not None:
            open_steps[parent] = open_steps.get(parent, 0) + 1
        return goal

    def finish(goal: Goal, when: pendulum.DateTime, date: pendulum.Date) -> None:
        """Done, and so is each goal above whose steps are now all done (the store's rule)."""
        while True:
            goal.status, goal.done_at, goal.done_on = "done", when, date
            if goal.parent is None:
                return
            open_steps[goal.parent] -= 1
            if open_steps[goal.parent]:
                return
            goal = goals[goal.parent]

    created = pendulum.datetime(start.year, start.month, start.day, 8, tz="UTC")
    habits = [
        add("Five push-ups", None, created, recurrence="daily", minutes=5),
        add("Write 200 words", None, created, recurrence="weekdays", minutes=15),
        add("Stretch", None, created, recurrence="3/week", minutes=10),
    ]
    open_leaves: deque[Goal] = deque()
    projects: deque[Goal] = deque()
    numbers = iter(range(1, 10**9))
    for offset in range(days_count + 1):
        date = start.add(days=offset)
        morning = pendulum.datetime(date.year, date.month, date.day, 8, tz="UTC")
        while projects and projects[0].created_at < morning.subtract(days=DROP_AFTER_DAYS):
            stale = projects.popleft()  # six weeks on and not finished: dropped
            if stale.status == "open":
                for goal in goals.values():
                    if goal.status == "open" and _under(goals, goal, stale.id):
                        goal.status, goal.dropped_at = "dropped", morning
                open_leaves = deque(g for g in open_leaves if g.status == "open")
        if len(open_leaves) < 36:  # a new project when the work runs low: 4 parts > 6 steps
            project = add(f"Project {next(numbers)}", None, morning, due=date.add(days=30))
            projects.append(project)
            for p in range(4):
                part = add(f"Part {p + 1} of {project.title}", project.id, morning)
                for s in range(6):
                    leaf = add(
                        f"Step {s + 1}: {rng.choice(WORDS)} {rng.choice(WORDS)}",
                        part.id,
                        morning,
                        minutes=rng.choice([10, 15, 15, 20, 20, 25]),
                    )
                    if s and rng.random() < 0.2:
                        leaf.after = [leaf.id - 1]
                    open_leaves.append(leaf)
        if date != today and rng.random() < DAY_OFF:  # a day off: the list waits
            days[str(Day(date).doc_id)] = Day(date).to_doc()
            continue
        planned = [open_leaves.popleft() for _ in range(min(PER_DAY, len(open_leaves)))]
        day = Day(date, items=[g.id for g in planned], one_thing=planned[0].id if planned else None)
        clock = morning.add(hours=1)
        for goal in planned:
            if date == today or rng.random() < 0.15:
                continue  # not done: carried
            minutes = 20
            block = Block(
                id=next(next_block),
                goal=goal.id,
                planned_seconds=minutes * 60,
                started_at=clock,
                tz="Europe/Berlin",
                day=date,
            )
            if rng.random() < 0.3:
                block.pauses.append(Pause(clock.add(minutes=7), clock.add(minutes=9)))
            if rng.random() < 0.3:
                block.interruptions.append(Interruption(clock.add(minutes=5), "slack"))
            clock = clock.add(minutes=minutes + rng.randint(3, 15))
            block.ended_at = clock
            block.outcome = "done"
            block.reflection = rng.choice(["", "", "smooth", "harder than it looked"])
            blocks[block.id] = block
            finish(goal, clock, date)
        day.habits_done = [h.id for h in habits if rng.random() < 0.8]
        open_leaves.extend(g for g in planned if g.status == "open" and date != today)
        days[str(day.doc_id)] = day.to_doc()
    return {
        "meta": {
            "1": {"next_goal": next(next_id), "next_block": next(next_block), "running": None}
        },
        "goals": {str(g.id): g.to_doc() for g in goals.values()},
        "blocks": {str(b.id): b.to_doc() for b in blocks.values()},
        "days": days,
    }


def _under(goals: dict[int, Goal], goal: Goal, root: int) -> bool:
    """Whether ``goal`` is ``root`` or below it."""
    while goal.id != root:
        if goal.parent is None:
            return False
        goal = goals[goal.parent]
    return True


WORDS = [
    "draft",
    "outline",
    "call",
    "email",
    "sketch",
    "test",
    "weigh",
    "price",
    "review",
    "write",
    "measure",
    "plan",
    "print",
    "order",
    "bake",
    "photograph",
    "label",
    "post",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="M")
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--no-archive", action="store_true", help="keep it all in one file")
    args = parser.parse_args()
    count = write(args.out, generate(SIZES[args.size]), archive=not args.no_archive)
    print(f"{args.out}: {count} documents, {args.out.stat().st_size / 1e6:.1f} MB")


def write(path: Path, tables: dict[str, dict[str, dict]], *, archive: bool) -> int:
    """Write ``tables`` as a new database at ``path``; then, as the app would once a week,
    move the old history to the archive (today's date: so the app finds no pass due).
    Returns the number of documents."""
    for old in path.parent.glob(path.name + "*"):
        old.unlink()
    DurableStorage(path).write(tables)
    if archive:
        Store.open(path).archive_old()
    return sum(len(t) for t in tables.values())


if __name__ == "__main__":
    main()

"""Undo all, redo all (issue 14): from any state, a random sequence of user commands, then
undoing every one of them gives back the state before, document for document, and redoing
every one gives the state after.

A command is drawn as plain numbers and read against the store as it is when it runs (which
goal, which block), so hypothesis can shrink a failure to a few commands. A command the store
refuses (``InputError``: a Conflict, a NotFound, a value out of range) changes nothing and is
skipped. The clock moves on between commands, sometimes across midnight.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pendulum
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_microgoals.core import oplog, tree
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import InputError
from tui_microgoals.core.models import OUTCOMES
from tui_microgoals.core.oplog import OPS_TABLE
from tui_microgoals.core.store import Store

START = pendulum.datetime(2026, 11, 23, 8, 0, tz="UTC")
TEXTS = ("Bake test batch #2", "Write the report", "[b]not markup[/b]", "Ünïcode ✓", "x" * 40)

#: One command: which one, and three numbers it reads its arguments from.
Command = tuple[int, int, int, int]
command = st.tuples(st.integers(0, 29), st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))


def pick(ids: list[int], n: int) -> int:
    """One of ``ids`` by ``n``, or an id that does not exist (the store refuses it)."""
    return ids[n % len(ids)] if ids else n + 1


def _goal_ids(store: Store) -> list[int]:
    return sorted(store.goals())


def _open_leaves(store: Store) -> list[int]:
    goals = store.goals()
    return [i for i in sorted(goals) if goals[i].status == "open" and tree.is_leaf(goals, i)]


def _ended_blocks(store: Store) -> list[int]:
    return [b.id for b in store.blocks() if b.ended_at is not None]


def _accept(store: Store, a: int, b: int) -> None:
    plan = store.suggest_plan()
    ids = [i.goal.id for i in plan.items]
    store.accept_plan(plan, ids[: 1 + a % 4] if b % 2 else ids)


def _apply(store: Store, cmd: Command) -> None:
    """Run one user command (every Store mutator a user can reach with one key or command)."""
    kind, a, b, c = cmd
    goals = _goal_ids(store)
    g, h = pick(goals, a), pick(goals, b)
    text = TEXTS[c % len(TEXTS)]
    minutes = (None, 5, 15, 20, 45, 240)[c % 6]
    actions: list[Callable[[], object]] = [
        lambda: store.add_goal(f"{text} {a}", minutes=minutes, notes=TEXTS[b % 5] if b % 3 else ""),
        lambda: store.add_goal(f"step {a}", parent=g, minutes=minutes, today=bool(c % 2)),
        lambda: store.edit_goal(g, title=f"{text} edited", minutes=minutes, notes=f"n{b}"),
        lambda: store.edit_goal(g, parent=h if c % 3 else None),  # reparent (indent/outdent)
        lambda: store.add_steps(g, [(f"split {i}", minutes) for i in range(1 + c % 3)]),
        lambda: store.depend(g, h),
        lambda: store.undepend(g, h),
        lambda: store.move(g, -1 if c % 2 else 1),
        lambda: store.mark_done(g),
        lambda: store.reopen(g),
        lambda: store.drop(g),
        lambda: store.delete(g),
        lambda: store.plan([g, h][: 1 + c % 2]),
        lambda: store.unplan(g),
        lambda: store.set_one_thing(None if c % 5 == 0 else g),
        lambda: store.reorder_day(g, -1 if c % 2 else 1),
        lambda: store.set_day_note(text if c % 4 else ""),
        lambda: _accept(store, a, b),
        lambda: store.set_setting(
            ("capacity", "block_minutes", "reward_every", "reward")[a % 4],
            (30 + b, 5 + b, 1 + b % 20, text)[a % 4],
        ),
        lambda: store.start_block(pick(_open_leaves(store), a), (None, 5, 20, 90)[c % 4]),
        lambda: store.pause(),
        lambda: store.resume(),
        lambda: store.interrupt(text if c % 2 else None),
        lambda: store.extend(5),
        lambda: store.stop_block(OUTCOMES[a % 3], text if b % 2 else None),
        lambda: store.stop_block("abandoned"),
        lambda: store.set_reflection(pick(_ended_blocks(store), a), text),
        lambda: store.dismiss_suggestion(g, ("split", "stuck", "drop")[c % 3]),
        lambda: store.set_break_until(store.clock.now().add(minutes=5 + c)),
        lambda: store.toggle_pause(),
    ]
    actions[kind % len(actions)]()


def base(store: Store, clock: FixedClock) -> None:
    """Some of everything to start from: a tree of goals, a wait, a plan with its One Thing,
    finished blocks, a reflection, settings, a day note."""
    report = store.add_goal("Write the report", notes="for Monday").id
    outline = store.add_goal("Outline", parent=report, minutes=15).id
    draft = store.add_goal("Draft", parent=report, minutes=45, after=[outline]).id
    bake = store.add_goal("Bake test batch #2", minutes=20).id
    store.add_goal("Call the bank")
    store.plan([outline, bake])
    store.set_one_thing(outline)
    store.start_block(bake)
    clock.advance(minutes=20)
    block = store.stop_block("partial", "oven too hot")
    store.set_reflection(block.id, "the oven runs hot")
    store.start_block(outline)
    clock.advance(minutes=15)
    store.stop_block("done")
    store.set_setting("capacity", 90)
    store.set_day_note("slow morning")
    store.add_steps(draft, [("Intro", 10), ("Body", 30)])
    clock.advance(hours=1)


def run_all(store: Store, clock: FixedClock, commands: list[Command]) -> None:
    for cmd in commands:
        clock.advance(minutes=1 + cmd[3] * 7)  # up to ~6 h: days go by in a long sequence
        with contextlib.suppress(InputError):  # refused: nothing changed
            _apply(store, cmd)


def data(store: Store) -> dict[str, Any]:
    """The export, less what undo deliberately leaves alone: meta's id counters (an id is
    never handed out twice, so they are not rolled back), the device's id and the once-a-day
    nudge (``oplog.LOCAL_FIELDS``); a meta document left empty, and empty tables, are the
    same as none."""
    tables = store.export()["tables"]
    assert OPS_TABLE not in tables
    meta = {
        key: {f: v for f, v in doc.items() if ("meta", f) not in oplog.LOCAL_FIELDS}
        for key, doc in tables.get("meta", {}).items()
    }
    tables["meta"] = {key: doc for key, doc in meta.items() if doc}
    return {name: table for name, table in tables.items() if table}


def log_length(store: Store) -> int:
    return len((store.storage.read() or {}).get(OPS_TABLE, {}))


def check_undo_all_redo_all(
    store: Store, clock: FixedClock, start: list[Command], commands: list[Command]
) -> None:
    base(store, clock)
    run_all(store, clock, start)
    before, first = data(store), log_length(store)
    run_all(store, clock, commands)
    after, changes = data(store), log_length(store) - first
    for _ in range(changes):
        clock.advance(seconds=30)
        assert store.undo().startswith("undid: ")
    assert data(store) == before
    for _ in range(changes):
        clock.advance(seconds=30)
        assert store.redo().startswith("redid: ")
    assert data(store) == after
    assert log_length(store) == first + 3 * changes  # each undo and redo is an entry too


@settings(
    derandomize=True,
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    start=st.lists(command, min_size=0, max_size=25),
    commands=st.lists(command, min_size=1, max_size=25),
)
def test_undo_all_then_redo_all_in_memory(start: list[Command], commands: list[Command]) -> None:
    clock = FixedClock(START, "Europe/Berlin")
    check_undo_all_redo_all(Store.memory(clock), clock, start, commands)


@settings(
    derandomize=True,
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    start=st.lists(command, min_size=3, max_size=15),
    commands=st.lists(command, min_size=1, max_size=12),
)
def test_undo_all_then_redo_all_on_a_file(
    tmp_path_factory: pytest.TempPathFactory, start: list[Command], commands: list[Command]
) -> None:
    clock = FixedClock(START, "America/New_York")
    path: Path = tmp_path_factory.mktemp("undo") / "db.json"
    store = Store.open(path, clock)
    check_undo_all_redo_all(store, clock, start, commands)
    assert data(Store.open(path, clock)) == data(store)  # what a fresh process reads

"""Property tests: the tree stays a tree, no dependency cycle is ever accepted, timer bounds."""

from __future__ import annotations

import graphlib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_microgoals.core import timer, tree
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import Conflict, InputError
from tui_microgoals.core.models import Block, Interruption, Pause
from tui_microgoals.core.store import Store

START = pendulum.datetime(2026, 11, 22, 9, 0, tz="UTC")
#: (examples, fewest operations each): the file store is slower, so fewer but longer runs.
TREE_RUNS = {"memory": (150, 5), "file": (12, 30)}


@contextmanager
def fresh_store(kind: str) -> Iterator[Store]:
    clock = FixedClock(START, "Europe/Berlin")
    if kind == "memory":
        yield Store.memory(clock)
        return
    with tempfile.TemporaryDirectory() as folder:
        yield Store.open(Path(folder) / "db.json", clock)


# -- the tree -------------------------------------------------------------------------------

pick = st.integers(min_value=0, max_value=10_000)
#: Half the operations add, so trees grow deep enough for moves and parent loops to matter.
OP_KINDS = ("add",) * 5 + ("move", "move", "reparent", "reparent", "delete")
tree_op = st.tuples(
    st.sampled_from(OP_KINDS),
    st.one_of(st.none(), pick),
    st.one_of(st.none(), pick),
    st.integers(min_value=-4, max_value=4),
)


def subtree(kids: dict[int | None, list[int]], root: int) -> set[int]:
    found, stack = {root}, [root]
    while stack:
        for child in kids.get(stack.pop(), []):
            found.add(child)
            stack.append(child)
    return found


def check_tree(store: Store, kids: dict[int | None, list[int]]) -> None:
    goals = store.goals()
    assert tree.find_tree_problems(goals) == []
    for goal in goals.values():
        assert goal.parent is None or goal.parent in goals
    walked = [g.id for g, _ in tree.walk(goals)]
    assert sorted(walked) == sorted(goals)  # every goal reachable from a root, exactly once
    actual = {p: [g.id for g in gs] for p, gs in tree.children_map(goals).items() if gs}
    assert actual == {p: ids for p, ids in kids.items() if ids}  # same shape, same order
    for siblings in tree.children_map(goals).values():
        positions = [g.position for g in siblings]
        assert len(set(positions)) == len(positions)


def run_tree_ops(store: Store, ops: list[tuple[str, int | None, int | None, int]]) -> None:
    kids: dict[int | None, list[int]] = {None: []}  # the model: children in manual order
    parent_of: dict[int, int | None] = {}
    issued: set[int] = set()

    def choose(index: int | None) -> int | None:
        return None if index is None or not parent_of else sorted(parent_of)[index % len(parent_of)]

    for kind, first, second, delta in ops:
        if kind == "add":
            parent = choose(first)
            goal = store.add_goal(f"g{len(issued)}", parent=parent)
            assert goal.id not in issued and goal.id > max(issued, default=0)
            issued.add(goal.id)
            parent_of[goal.id] = parent
            kids.setdefault(parent, []).append(goal.id)
        elif not parent_of:
            continue
        elif kind == "move":
            goal_id = choose(first or 0)
            assert goal_id is not None
            siblings = kids[parent_of[goal_id]]
            index = siblings.index(goal_id)
            siblings.remove(goal_id)
            siblings.insert(max(0, min(len(siblings), index + delta)), goal_id)
            store.move(goal_id, delta)
        elif kind == "reparent":
            goal_id, new_parent = choose(first or 0), choose(second)
            assert goal_id is not None
            if new_parent is not None and new_parent in subtree(kids, goal_id):
                with pytest.raises(InputError):
                    store.edit_goal(goal_id, parent=new_parent)
            else:
                store.edit_goal(goal_id, parent=new_parent)
                if new_parent != parent_of[goal_id]:
                    kids[parent_of[goal_id]].remove(goal_id)
                    kids.setdefault(new_parent, []).append(goal_id)
                    parent_of[goal_id] = new_parent
        elif kind == "delete":
            goal_id = choose(first or 0)
            assert goal_id is not None
            gone = subtree(kids, goal_id)
            assert set(store.delete(goal_id)) == gone
            kids[parent_of[goal_id]].remove(goal_id)
            for i in gone:
                kids.pop(i, None)
                del parent_of[i]
        check_tree(store, kids)
    assert set(store.goals()) == set(parent_of)


@pytest.mark.parametrize("kind", ["memory", "file"])
def test_tree_operations_keep_a_tree(kind: str) -> None:
    examples, fewest = TREE_RUNS[kind]

    @settings(max_examples=examples)
    @given(ops=st.lists(tree_op, min_size=fewest, max_size=50))
    def run(ops: list[tuple[str, int | None, int | None, int]]) -> None:
        with fresh_store(kind) as store:
            run_tree_ops(store, ops)

    run()


# -- dependencies --------------------------------------------------------------------------


def has_cycle(edges: dict[int, set[int]]) -> bool:
    try:
        tuple(graphlib.TopologicalSorter(edges).static_order())
    except graphlib.CycleError:
        return True
    return False


@settings(max_examples=200)
@given(
    size=st.integers(min_value=2, max_value=8),
    calls=st.lists(st.tuples(pick, pick, st.booleans()), min_size=1, max_size=30),
)
def test_no_dependency_cycle_is_ever_accepted(
    size: int, calls: list[tuple[int, int, bool]]
) -> None:
    store = Store.memory(FixedClock(START, "UTC"))
    ids = [store.add_goal(f"g{i}").id for i in range(size)]
    edges: dict[int, set[int]] = {i: set() for i in ids}  # goal -> goals it waits for
    for a, b, finish in calls:
        goal, after = ids[a % size], ids[b % size]
        closes_loop = goal == after or has_cycle({**edges, goal: edges[goal] | {after}})
        if closes_loop:
            with pytest.raises(InputError):
                store.depend(goal, after=after)
        else:
            assert after in store.depend(goal, after=after).after
            edges[goal].add(after)
        goals = store.goals()
        assert {g.id: set(g.after) for g in goals.values()} == edges
        assert not has_cycle(edges)
        assert tree.find_tree_problems(goals) == []
        if finish and goals[goal].is_open:
            waiting = any(goals[x].is_open for x in edges[goal])
            if waiting:  # blocked goals cannot start
                with pytest.raises(Conflict, match="blocked"):
                    store.start_block(goal)
            else:
                store.mark_done(goal)
            assert tree.is_blocked(store.goals(), store.goal(goal)) == waiting


# -- the timer ------------------------------------------------------------------------------

timer_steps = st.lists(
    st.tuples(
        st.sampled_from(["wait", "jump", "pause", "resume", "interrupt", "extend"]),
        st.integers(min_value=-3 * 3600, max_value=3 * 3600),
    ),
    min_size=1,
    max_size=30,
)


def focus_oracle(block: Block, now: pendulum.DateTime) -> float:
    """Seconds in [started_at, end] covered by no pause, by brute force over the boundaries."""
    end = block.ended_at or now
    if end <= block.started_at:
        return 0.0
    cuts = {block.started_at, end}
    spans = []
    for pause in block.pauses:
        stop = pause.end or end
        spans.append((pause.start, stop))
        cuts |= {t for t in (pause.start, stop) if block.started_at < t < end}
    points = sorted(cuts)
    total = 0.0
    for left, right in zip(points, points[1:], strict=False):
        if not any(start <= left and right <= stop for start, stop in spans):
            total += (right - left).total_seconds()
    return total


def check_bounds(block: Block, now: pendulum.DateTime) -> None:
    focus = timer.focus_seconds(block, now)
    remaining = timer.remaining_seconds(block, now)
    end = block.ended_at or now
    assert 0 <= focus <= max(0.0, (end - block.started_at).total_seconds())
    assert 0 <= remaining <= block.planned_seconds
    assert focus == pytest.approx(focus_oracle(block, now), abs=1e-6)


@settings(max_examples=300)
@given(steps=timer_steps, minutes=st.integers(min_value=5, max_value=90))
def test_timer_stays_in_bounds_through_pauses_and_clock_jumps(
    steps: list[tuple[str, int]], minutes: int
) -> None:
    clock = FixedClock(START, "Europe/Berlin")
    store = Store.memory(clock)
    goal = store.add_goal("focus").id
    block = store.start_block(goal, minutes)
    for action, seconds in steps:
        if action == "wait":
            clock.advance(seconds=abs(seconds))
        elif action == "jump":
            clock.advance(seconds=seconds)  # backwards as well as forwards
        elif action == "pause" and not block.paused:
            block = store.pause()
        elif action == "resume" and block.paused:
            block = store.resume()
        elif action == "interrupt":
            block = store.interrupt("x")
        elif action == "extend":
            block = store.extend(5)
        running = store.running_block()
        assert running == block
        check_bounds(running, clock.now())
    clock.advance(seconds=steps[-1][1])
    ended = store.stop_block("partial")
    assert ended.ended_at is not None and ended.ended_at >= ended.started_at
    assert not ended.paused
    check_bounds(ended, clock.now())
    assert timer.focus_seconds(ended, clock.now()) <= ended.planned_seconds + 1e-6
    later = clock.now().add(days=1)
    assert timer.focus_seconds(ended, later) == timer.focus_seconds(ended, clock.now())


instants = st.integers(min_value=-7200, max_value=7200).map(lambda s: START.add(seconds=s))


@settings(max_examples=400)
@given(
    planned=st.integers(min_value=0, max_value=5400),
    pauses=st.lists(st.tuples(instants, st.one_of(st.none(), instants)), max_size=6),
    ended=st.one_of(st.none(), instants),
    now=instants,
)
def test_timer_arithmetic_on_any_stored_timestamps(
    planned: int,
    pauses: list[tuple[pendulum.DateTime, pendulum.DateTime | None]],
    ended: pendulum.DateTime | None,
    now: pendulum.DateTime,
) -> None:
    """Hand-edited or clock-skewed files: pauses out of order, overlapping, ending early."""
    block = Block(
        id=1,
        goal=1,
        planned_seconds=planned,
        started_at=START,
        pauses=[Pause(a, b) for a, b in pauses],
        interruptions=[Interruption(now)],
        ended_at=ended,
    )
    check_bounds(block, now)
    assert timer.is_over(block, now) == (ended is None and timer.remaining_seconds(block, now) == 0)

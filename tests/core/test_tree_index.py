"""The incremental tree index always equals a full recomputation, and says what it touched."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from tui_microgoals.core import tree
from tui_microgoals.core.models import DONE, DROPPED, OPEN, Goal
from tui_microgoals.core.tree_index import TreeIndex

pick = st.integers(min_value=0, max_value=1_000)
op = st.tuples(
    st.sampled_from(["add", "status", "status", "parent", "position", "after", "remove", "many"]),
    pick,
    pick,
)


def start_goals() -> dict[int, Goal]:
    goals = {1: Goal(1, "root"), 2: Goal(2, "other root", position=1)}
    for i in range(3, 13):
        goals[i] = Goal(i, f"g{i}", parent=(i - 1) // 2 if i > 3 else 1, position=i)
    return goals


def apply(goals: dict[int, Goal], kind: str, a: int, b: int) -> dict[int, Goal]:
    goals = dict(goals)
    ids = sorted(goals)
    if not ids:
        goals[1] = Goal(1, "again")
        return goals
    target = ids[a % len(ids)]
    other = ids[b % len(ids)]
    goal = goals[target]
    if kind == "add":
        new_id = max(ids) + 1
        goals[new_id] = Goal(new_id, "new", parent=target if b % 3 else None, position=b % 5)
    elif kind == "status":
        goals[target] = replace(goal, status=(OPEN, DONE, DROPPED)[b % 3])
    elif kind == "parent":  # may make a loop of parents, as a hand-edited file can
        goals[target] = replace(goal, parent=None if b % 4 == 0 else other)
    elif kind == "position":
        goals[target] = replace(goal, position=b % 7)
    elif kind == "after":
        goals[target] = replace(goal, after=[] if b % 3 == 0 else [other])
    elif kind == "remove":
        del goals[target]
    else:
        for i in ids[: b % len(ids) + 1]:
            goals[i] = replace(goals[i], status=DONE)
    return goals


def line_facts(goals: dict[int, Goal]) -> dict[int, tuple[object, ...]]:
    progress = tree.progress_all(goals)
    kids = tree.children_map(goals)
    return {
        i: (g, progress[i], tree.is_leaf(goals, i, kids), tree.is_blocked(goals, g))
        for i, g in goals.items()
    }


@settings(max_examples=200, deadline=None)
@given(st.lists(op, min_size=1, max_size=25))
def test_incremental_index_equals_full(ops: list[tuple[str, int, int]]) -> None:
    check_incremental(ops)


def test_a_loop_of_parents_made_and_broken_again() -> None:
    """Found by the test above while it ran unseeded: the index kept the loop's progress."""
    check_incremental([("parent", 0, 57), ("parent", 3, 0)])


def check_incremental(ops: list[tuple[str, int, int]]) -> None:
    goals = start_goals()
    index = TreeIndex(goals)
    for kind, a, b in ops:
        before = line_facts(goals)
        goals = apply(goals, kind, a, b)
        touched = index.update(goals)
        kids = tree.children_map(goals)
        assert {p: [g.id for g in c] for p, c in index.kids.items() if c} == {
            p: [g.id for g in c] for p, c in kids.items() if c
        }
        assert index.progress == tree.progress_all(goals)
        after = line_facts(goals)
        if touched is not None:
            moved = {i for i in after if before.get(i) != after[i]}
            assert moved <= touched

"""Issue 13, finding 9: a goal tree 1,500 levels deep (through import) left the app on a blank
screen, deaf to q and ctrl+c (RecursionError drawing the tree). Goals nest at most
``tree.MAX_DEPTH`` levels: refused with one line at every way in (add, move, import), and a
hand-edited file's deeper goals show at the top level."""

from __future__ import annotations

from typing import Any

import pytest

from tui_microgoals.core import tree
from tui_microgoals.core.errors import InputError
from tui_microgoals.core.models import Goal
from tui_microgoals.core.store import Store


def chain(store: Store, levels: int) -> list[int]:
    ids: list[int] = []
    for level in range(levels):
        ids.append(store.add_goal(f"level {level + 1}", parent=ids[-1] if ids else None).id)
    return ids


def test_adding_below_the_deepest_level_is_refused(store: Store) -> None:
    ids = chain(store, tree.MAX_DEPTH)
    before = store.export()
    with pytest.raises(InputError, match=f"at most {tree.MAX_DEPTH} levels"):
        store.add_goal("one too deep", parent=ids[-1])
    assert store.export() == before


def test_moving_a_branch_too_deep_is_refused(store: Store) -> None:
    ids = chain(store, tree.MAX_DEPTH - 1)
    branch = store.add_goal("branch")
    store.add_goal("leaf", parent=branch.id)
    with pytest.raises(InputError, match="levels"):
        store.edit_goal(branch.id, parent=ids[-1])  # branch + leaf: two levels below it
    store.edit_goal(branch.id, parent=ids[-2])  # fits exactly
    assert tree.depth(store.goals(), branch.id) == tree.MAX_DEPTH - 1


def deep_export(levels: int) -> dict[str, Any]:
    goals = {
        str(i): {"title": f"g{i}", "status": "open", "parent": i - 1 if i > 1 else None}
        for i in range(1, levels + 1)
    }
    return {"format": "microgoals-export", "schema_version": 1, "tables": {"goals": goals}}


def test_importing_a_tree_too_deep_is_refused(store: Store) -> None:
    with pytest.raises(InputError, match="levels deep"):
        store.import_(deep_export(1500))
    assert store.is_empty()
    store.import_(deep_export(tree.MAX_DEPTH))
    assert len(store.goals()) == tree.MAX_DEPTH


def test_a_hand_edited_deep_file_shows_the_deeper_goals_at_the_top() -> None:
    goals = {i: Goal(id=i, title=f"g{i}", parent=i - 1 if i > 1 else None) for i in range(1, 1501)}
    kids = tree.children_map(goals)
    depths = {goal.id: level + 1 for goal, level in tree.walk(goals, kids)}
    assert len(depths) == 1500  # every goal is shown once
    assert max(depths.values()) == tree.MAX_DEPTH
    assert [g.id for g in kids[None]] == list(range(1, 1501, tree.MAX_DEPTH))

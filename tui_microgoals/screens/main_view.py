"""Pure functions of the data for the main screen: where a cursor goes, what a pane says.

No widgets here: each function takes goals (and a little UI state) and returns plain
values, so they are tested without Pilot (tests/ui/test_main_view.py).
"""

from __future__ import annotations

from collections.abc import Container, Mapping

from tui_microgoals.core import tree
from tui_microgoals.core.models import DONE, DROPPED, Goal


def shown(goal: Goal, show_done: bool) -> bool:
    """Whether the tree gives ``goal`` a line of its own (its parents aside)."""
    return show_done or goal.status not in (DONE, DROPPED)


def first_in_tree_order(
    goals: Mapping[int, Goal], wanted: Container[int], show_done: bool
) -> int | None:
    """The first goal of ``wanted`` on a line of the tree, top to bottom (a hidden goal
    hides its steps too)."""
    kids = tree.children_map(goals)
    stack = list(reversed(kids.get(None, [])))
    while stack:
        goal = stack.pop()
        if not shown(goal, show_done):
            continue
        if goal.id in wanted:
            return goal.id
        stack.extend(reversed(kids.get(goal.id, [])))
    return None


def nearest_shown(goals: Mapping[int, Goal], goal_id: int | None, show_done: bool) -> int | None:
    """Where the tree's cursor goes when done goals are hidden: the goal itself if it still
    has a line; else, beside the highest hidden goal above it (or itself), the nearest shown
    sibling above, else their parent, else the first shown sibling below. ``None``: the
    tree shows nothing there (an empty tree)."""
    goal = goals.get(goal_id) if goal_id is not None else None
    if goal is None:
        return None
    path = [*reversed(tree.ancestors(goals, goal.id)), goal]
    hidden = next((g for g in path if not shown(g, show_done)), None)
    if hidden is None:
        return goal.id
    parent = hidden.parent if hidden.parent in goals else None
    siblings = tree.children_map(goals).get(parent, [])
    index = next((i for i, g in enumerate(siblings) if g.id == hidden.id), 0)
    above = [g.id for g in siblings[:index] if shown(g, show_done)]
    below = [g.id for g in siblings[index + 1 :] if shown(g, show_done)]
    if above:
        return above[-1]
    if parent is not None:
        return parent
    return below[0] if below else None

"""Children, progress and waiters of a goal snapshot, kept up to date from what changed.

A change to one goal touches its ancestors' progress and the goals waiting for it, not the
other thousands: ``update`` diffs the new snapshot against the last (goals are immutable
once stored: a changed goal is a new object) and redoes only that part.
"""

from __future__ import annotations

from collections.abc import Mapping

from tui_microgoals.core.models import DROPPED, Goal
from tui_microgoals.core.tree import (
    Progress,
    children_map,
    leaf_progress,
    progress_all,
    sum_progress,
)

#: Past this share of goals changed, recomputing everything is simpler and no slower.
FULL_SHARE = 0.25


class TreeIndex:
    def __init__(self, goals: Mapping[int, Goal]) -> None:
        self._full(goals)

    def _full(self, goals: Mapping[int, Goal]) -> None:
        self.goals = goals
        self.kids = children_map(goals)
        #: Where each goal sits in ``kids`` (its parent, or None for a cut loop's goal).
        self.slot = {c.id: p for p, siblings in self.kids.items() for c in siblings}
        self.progress: dict[int, Progress] = progress_all(goals, self.kids)
        self.cut = _cut(goals, self.kids)
        self.waiters: dict[int, set[int]] = {}
        for goal in goals.values():
            for other in goal.after:
                self.waiters.setdefault(other, set()).add(goal.id)

    def children(self, goal_id: int | None) -> list[Goal]:
        return self.kids.get(goal_id, [])

    def ancestors(self, goal_id: int) -> list[int]:
        """Up the tree as drawn (a cut loop's goal is a root)."""
        out: list[int] = []
        parent = self.slot.get(goal_id)
        while parent is not None and parent not in out:
            out.append(parent)
            parent = self.slot.get(parent)
        return out

    def update(self, goals: Mapping[int, Goal]) -> set[int] | None:
        """Adopt ``goals``; the ids whose progress, leafness, blocking or own fields may have
        changed (None: everything was recomputed)."""
        old = self.goals
        if goals is old:
            return set()
        changed = {i for i, g in goals.items() if old.get(i) is not g}
        added = sum(1 for i in changed if i not in old)
        removed = {i for i in old if i not in goals} if len(old) + added != len(goals) else set()
        self.goals = goals
        if not changed and not removed:
            return set()
        if len(changed) + len(removed) > FULL_SHARE * max(len(goals), 1):
            self._full(goals)
            return None
        touched = changed | removed
        structural = bool(removed) or any(
            i not in old or old[i].parent != goals[i].parent for i in changed
        )
        above: set[int] = set()
        for i in touched:
            if i in old:
                above.update(self.ancestors(i))
        if structural:
            self.kids = children_map(goals)
            self.slot = {c.id: p for p, siblings in self.kids.items() for c in siblings}
            cut = _cut(goals, self.kids)
            if cut or self.cut:  # (a loop made or broken: whose progress is whose changes)
                self._full(goals)
                return None
        else:
            resort: set[int | None] = set()
            for i in changed:
                siblings = self.kids[self.slot[i]]
                index = next(n for n, g in enumerate(siblings) if g.id == i)
                siblings[index] = goals[i]
                if old[i].position != goals[i].position:
                    resort.add(self.slot[i])
            for parent in resort:
                self.kids[parent].sort(key=lambda g: (g.position, g.id))
        for i in changed:
            above.update(self.ancestors(i))
        for i in touched:
            before = old[i].after if i in old else []
            after = goals[i].after if i in goals else []
            if before != after:
                for other in before:
                    self.waiters.get(other, set()).discard(i)
                for other in after:
                    self.waiters.setdefault(other, set()).add(i)
        for i in removed:
            self.progress.pop(i, None)
        redo = (changed | above) - removed
        for i in sorted(redo, key=lambda i: len(self.ancestors(i)), reverse=True):
            self.progress[i] = self._progress_of(i)
        waiting = {w for i in touched for w in self.waiters.get(i, ())}
        return (touched | above | waiting) - removed

    def _progress_of(self, goal_id: int) -> Progress:
        goal = self.goals[goal_id]
        live = [c for c in self.kids.get(goal_id, []) if c.status != DROPPED]
        if not live:
            return leaf_progress(goal)
        return sum_progress(self.progress[c.id] for c in live)


def _cut(goals: Mapping[int, Goal], kids: Mapping[int | None, list[Goal]]) -> bool:
    """Whether a loop of parents (a hand-edited file) was cut: a goal with a parent drawn at
    the top level."""
    return any(g.parent is not None and g.parent in goals for g in kids.get(None, ()))

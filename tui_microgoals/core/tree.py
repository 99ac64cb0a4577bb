"""Pure functions over a snapshot of goals (``dict[id, Goal]``): order, progress, blocking."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from tui_microgoals.core.models import DONE, DROPPED, OPEN, Goal

Goals = Mapping[int, Goal]

#: How deep goals nest: a top-level goal is level 1. Deeper is refused where a goal comes in
#: (add, move, import); a hand-edited file's deeper goals show at the top level.
MAX_DEPTH = 100


def children_map(goals: Goals) -> dict[int | None, list[Goal]]:
    """Children of every goal (``None`` for the roots), in manual order."""
    kids: dict[int | None, list[Goal]] = defaultdict(list)
    for goal in goals.values():
        parent = goal.parent if goal.parent in goals else None
        kids[parent].append(goal)
    for siblings in kids.values():
        siblings.sort(key=lambda g: (g.position, g.id))
    if _has_parent_loop(goals):
        _cut_parent_loops(goals, kids)
    if len(goals) > MAX_DEPTH and _too_deep(kids):
        _cut_too_deep(kids)
    return kids


def _too_deep(kids: dict[int | None, list[Goal]]) -> bool:
    """Cheap: one comprehension per level, and trees are a few levels deep."""
    level = kids.get(None, [])
    for _ in range(MAX_DEPTH - 1):
        level = [child for goal in level for child in kids.get(goal.id, ())]
        if not level:
            return False
    return any(goal.id in kids for goal in level)


def _cut_too_deep(kids: dict[int | None, list[Goal]]) -> None:
    """Goals below ``MAX_DEPTH`` levels (only a hand-edited file has them) show at the top
    level, so nothing that draws or walks the tree goes deeper; the file keeps ``parent``."""
    stack = [(goal.id, 1) for goal in kids.get(None, ())]
    moved: list[Goal] = []
    while stack:
        goal_id, level = stack.pop()
        children = kids.get(goal_id)
        if not children:
            continue
        if level < MAX_DEPTH:
            stack.extend((child.id, level + 1) for child in children)
        else:
            moved.extend(children)
            del kids[goal_id]
            stack.extend((child.id, 1) for child in children)
    if moved:
        kids[None].extend(moved)
        kids[None].sort(key=lambda g: (g.position, g.id))


def depth(goals: Goals, goal_id: int | None) -> int:
    """The level of ``goal_id`` (1 at the top; 0 for None, the level above the top)."""
    return 0 if goal_id is None else 1 + len(ancestors(goals, goal_id))


def height(goals: Goals, goal_id: int) -> int:
    """Levels from ``goal_id`` down to its deepest goal (1 for a leaf)."""
    kids = children_map(goals)
    deepest = 0
    stack = [(goal_id, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child.id, level + 1) for child in kids.get(current, ()))
    return deepest


def _has_parent_loop(goals: Goals) -> bool:
    """Cheap: a loop of parents needs a goal whose parent has a higher id (goals are created
    under existing ones), so only those goals' ancestor chains are walked."""
    for goal in goals.values():
        parent = goal.parent
        if parent is None or parent < goal.id:
            continue
        seen = {goal.id}
        while parent is not None and parent in goals:
            if parent in seen:
                return True
            seen.add(parent)
            parent = goals[parent].parent
    return False


def _cut_parent_loops(goals: Goals, kids: dict[int | None, list[Goal]]) -> None:
    """A hand-edited file can hold a loop of parents, which no root reaches (and which would
    make every walk down the tree endless). Each loop is cut at its lowest id, which shows
    as a top-level goal; the file keeps its ``parent`` until the user moves it."""
    reached: set[int] = set()
    stack: list[int | None] = [None]
    while stack:
        for child in kids.get(stack.pop(), ()):
            reached.add(child.id)
            stack.append(child.id)
    for goal_id in sorted(goals):
        if goal_id in reached:
            continue
        goal = goals[goal_id]
        kids[goal.parent].remove(goal)
        kids[None].append(goal)
        reached.add(goal_id)
        stack = [goal_id]
        while stack:
            for child in kids.get(stack.pop(), ()):
                reached.add(child.id)
                stack.append(child.id)
    kids[None].sort(key=lambda g: (g.position, g.id))


def walk(
    goals: Goals, kids: dict[int | None, list[Goal]] | None = None
) -> Iterator[tuple[Goal, int]]:
    """Depth-first, in manual order: ``(goal, depth)``."""
    kids = kids if kids is not None else children_map(goals)
    stack = [(g, 0) for g in reversed(kids.get(None, []))]
    while stack:
        goal, depth = stack.pop()
        yield goal, depth
        stack.extend((c, depth + 1) for c in reversed(kids.get(goal.id, [])))


def descendants(goals: Goals, goal_id: int) -> list[int]:
    kids = children_map(goals)
    out: list[int] = []
    stack = [goal_id]
    while stack:
        for child in kids.get(stack.pop(), []):
            out.append(child.id)
            stack.append(child.id)
    return out


def ancestors(goals: Goals, goal_id: int) -> list[Goal]:
    """From the parent up to the root."""
    out: list[Goal] = []
    seen = {goal_id}
    parent = goals[goal_id].parent if goal_id in goals else None
    while parent is not None and parent in goals and parent not in seen:
        seen.add(parent)
        out.append(goals[parent])
        parent = goals[parent].parent
    return out


def path(goals: Goals, goal_id: int, sep: str = " › ") -> str:
    """``Root › Parent › Goal``."""
    titles = [g.title for g in reversed(ancestors(goals, goal_id))]
    return sep.join([*titles, goals[goal_id].title])


def is_leaf(goals: Goals, goal_id: int, kids: dict[int | None, list[Goal]] | None = None) -> bool:
    kids = kids if kids is not None else children_map(goals)
    return not any(c.status != DROPPED for c in kids.get(goal_id, []))


def is_blocked(goals: Goals, goal: Goal) -> bool:
    """Open, with an ``after`` goal that is neither done nor dropped."""
    return goal.status == OPEN and any(a in goals and goals[a].status == OPEN for a in goal.after)


def waits(goals: Goals, goal: Goal) -> bool:
    """Blocked, or below a blocked goal: it cannot start yet (the planning simulation waits
    for both, and the One Thing must be able to start)."""
    return goal.status == OPEN and any(
        is_blocked(goals, g) for g in [goal, *ancestors(goals, goal.id)]
    )


def blockers(goals: Goals, goal: Goal) -> list[Goal]:
    return [goals[a] for a in goal.after if a in goals and goals[a].status == OPEN]


def would_cycle(goals: Goals, goal_id: int, after: Iterable[int]) -> bool:
    """Would making ``goal_id`` wait for each of ``after`` close a loop of dependencies?"""
    stack = list(after)
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if current == goal_id:
            return True
        if current in seen or current not in goals:
            continue
        seen.add(current)
        stack.extend(goals[current].after)
    return False


def is_too_big(goal: Goal, block_minutes: int) -> bool:
    return goal.minutes is not None and goal.minutes > block_minutes


@dataclass(frozen=True, slots=True)  # one per goal: 16k at 30k documents
class Progress:
    done: int
    total: int
    minutes_done: int
    minutes_total: int

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0

    @property
    def complete(self) -> bool:
        return self.total > 0 and self.done == self.total


_NO_PROGRESS = Progress(0, 0, 0, 0)


def leaf_progress(goal: Goal) -> Progress:
    """A micro-goal counts 1 (done or not) and its estimate. A habit (recurring) counts
    nothing: it never finishes, so it would keep every goal above it short of complete;
    its occurrences are counted where days are (today's list, the review, the streak)."""
    if goal.is_habit:
        return _NO_PROGRESS
    finished = goal.status == DONE
    minutes = goal.minutes or 0
    return Progress(int(finished), 1, minutes if finished else 0, minutes)


def sum_progress(parts: Iterable[Progress]) -> Progress:
    done = total = minutes_done = minutes_total = 0
    for part in parts:
        done += part.done
        total += part.total
        minutes_done += part.minutes_done
        minutes_total += part.minutes_total
    return Progress(done, total, minutes_done, minutes_total)


def progress_all(
    goals: Goals, kids: dict[int | None, list[Goal]] | None = None
) -> dict[int, Progress]:
    """Done leaves / all leaves below each goal, and minutes done / planned; dropped goals
    and habits don't count (see ``leaf_progress``).

    One bottom-up pass, so a tree of thousands costs milliseconds.
    """
    kids = kids if kids is not None else children_map(goals)
    result: dict[int, Progress] = {}
    order = [g for g, _ in walk(goals, kids)]
    for goal in reversed(order):
        live = [c for c in kids.get(goal.id, ()) if c.status != DROPPED]
        if not live:
            result[goal.id] = leaf_progress(goal)
            continue
        result[goal.id] = sum_progress(result[child.id] for child in live)
    return result


def find_tree_problems(goals: Goals) -> list[str]:
    """Invariants a hand-edited file might break: missing parents, parent loops, bad afters."""
    problems = []
    for goal in goals.values():
        if goal.parent is not None and goal.parent not in goals:
            problems.append(f"goal {goal.id} has a missing parent {goal.parent}")
        seen = {goal.id}
        parent = goal.parent
        while parent is not None and parent in goals:
            if parent in seen:
                problems.append(f"goal {goal.id} is inside a loop of parents")
                break
            seen.add(parent)
            parent = goals[parent].parent
        if len(seen) > MAX_DEPTH:
            problems.append(f"goal {goal.id} is more than {MAX_DEPTH} levels deep")
        for a in goal.after:
            if a not in goals:
                problems.append(f"goal {goal.id} waits for a missing goal {a}")
        if would_cycle(goals, goal.id, goal.after):
            problems.append(f"goal {goal.id} is in a dependency cycle")
    return problems

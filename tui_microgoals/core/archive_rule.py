"""What moves to the archive (``storage_archive``): history today's screen never needs.

* **Days** before ``before``: the Monday ``KEEP_DAYS`` or a few more before today (or before
  the newest record, if that is older: a clock that ran ahead moves nothing recent), even
  when a streak runs across it: how each run stood then is kept (``kept_runs``), so every
  streak is still worked out without the archive.
* **Goals**: whole top-level trees, every goal in them finished (done or dropped) before
  ``before``, none of them waiting for a goal that stays or waited for by a goal outside the
  tree, planned on a day that stays, or the goal of a block that stays. So nothing that
  stays refers to what moves, nor the other way round, and a check or a clean-up over the
  main file alone (a cycle, a goal under a deleted one, the waits on a deleted goal) sees
  all it must.
* **Blocks** that ended on a day before ``before`` whose goal moves (or is gone): the blocks
  of a goal still open stay with it.

Works on the raw tables (str keys), under the storage's lock, without the store.
"""

from __future__ import annotations

from typing import Any

import pendulum
from pendulum import Date

from tui_microgoals.core import calibration, review
from tui_microgoals.core.kept_runs import KEY as RUNS
from tui_microgoals.core.kept_runs import Runs
from tui_microgoals.core.models import DONE, DROPPED, Block, Goal
from tui_microgoals.core.models_day import Day
from tui_microgoals.core.planner import CARRY_WINDOW_DAYS, habit_done_days
from tui_microgoals.core.storage_archive import MOVABLE as MOVABLE

#: Days (and their blocks, and goal trees finished before them) kept in the main file: a
#: day's review reads ``CARRY_WINDOW_DAYS`` back (what its list carries), so the reviews of
#: the last month read nothing archived, the week's on the review screen included.
KEEP_DAYS = CARRY_WINDOW_DAYS + 30

Choice = tuple[dict[str, set[str]], str, dict[str, Any]]


def choose(data: dict[str, dict[str, Any]], today: Date, kept: dict[str, Any]) -> Choice:
    """The keys to move by table, the first day that stays, and the figures to keep
    (``kept``, the figures kept so far, updated)."""
    _count_past_every_id(data)
    goals = {int(k): Goal.from_doc(int(k), v) for k, v in data.get("goals", {}).items()}
    days = {k: Day.from_doc(v) for k, v in data.get("days", {}).items()}
    before = _first_kept_day(goals, days, today)
    stays = {k for k, d in days.items() if d.date >= before}
    moving_days = set(days) - stays
    blocks = data.get("blocks", {})
    moving_goals = _finished_trees(goals, before)
    held: set[int] = set()  # goals that what stays refers to
    for key in stays:
        day = days[key]
        held.update(day.items, day.off, day.habits_done)
        if day.one_thing is not None:
            held.add(day.one_thing)
    staying_blocks = {k for k, b in blocks.items() if not _old(b, before)}
    held.update(blocks[k].get("goal") for k in staying_blocks)
    moving_goals = _drop_held(goals, moving_goals, held)
    staying_goals = goals.keys() - moving_goals
    moving_blocks = {
        k for k in set(blocks) - staying_blocks if blocks[k].get("goal") not in staying_goals
    }
    roots = [goals[g].position for g in moving_goals if goals[g].parent is None]
    top = max([*roots, kept.get("top", -1)], default=-1)
    moved_blocks = [Block.from_doc(int(k), blocks[k]) for k in moving_blocks]
    focus = calibration.focus_by_goal(moved_blocks, pendulum.now("UTC"))  # (all ended)
    samples = [s for s in calibration.samples_of(goals, focus) if s.goal in moving_goals]
    return (
        {"goals": {str(g) for g in moving_goals}, "blocks": moving_blocks, "days": moving_days},
        before.isoformat(),
        # (what moves now is all the archive will hold: the figures are made afresh)
        {
            **kept,
            "top": top,
            "ratios": calibration.kept_ratios(samples),
            RUNS: runs_at(goals, days, before).to_doc(),
        },
    )


def _first_kept_day(goals: dict[int, Goal], days: dict[str, Day], today: Date) -> Date:
    """The Monday on or before ``KEEP_DAYS`` ago. A streak may run across it: the pass
    keeps how it stood (``kept_runs``); a Monday, so that a week's habits ("3/week") are
    worked out from one side."""
    # (from the newest record when it is before today: a clock that ran ahead moves nothing
    # recent, and makes no horizon after the real today)
    newest = max((*days_of(goals), *(d.date for d in days.values())), default=today)
    before = min(today, newest).subtract(days=KEEP_DAYS)
    return before.subtract(days=before.weekday())


def runs_at(goals: dict[int, Goal], days: dict[str, Day], before: Date) -> Runs:
    """How the streaks stood on the day before ``before``, over the whole history: what a
    streak counted from the main file goes on with when it reaches ``before`` unbroken."""
    last = before.subtract(days=1)
    active = review.goal_done_days(goals) | review.habit_days(days)  # type: ignore[arg-type]
    done = habit_done_days(days)  # type: ignore[arg-type]
    habits = {
        g.id: review.habit_streak(g, done[g.id], last, today_pending=False)
        for g in goals.values()
        if g.is_habit and g.id in done
    }
    streak = review.streak(active, last, today_pending=False)
    return Runs(before, streak, {k: v for k, v in habits.items() if v})


def days_of(goals: dict[int, Goal]) -> list[Date]:
    """The dates the goals record: each one's first day, and the day it was done."""
    return [d for g in goals.values() for d in (g.first_day, g.done_on) if d is not None]


def _finished_trees(goals: dict[int, Goal], before: Date) -> set[int]:
    """The goals of the top-level trees finished, all of them, before ``before``."""
    children: dict[int | None, list[int]] = {}
    for goal in goals.values():
        children.setdefault(goal.parent, []).append(goal.id)
    out: set[int] = set()
    for root in children.get(None, []):
        tree, stack = [], [root]
        while stack:
            goal_id = stack.pop()
            tree.append(goal_id)
            stack.extend(children.get(goal_id, []))
        if all(_finished_before(goals[g], before) for g in tree):
            out.update(tree)
    return out


def _finished_before(goal: Goal, before: Date) -> bool:
    if goal.status == DONE:
        return goal.done_on is not None and goal.done_on < before
    if goal.status == DROPPED:
        return goal.dropped_at is not None and goal.dropped_at.date() < before
    return False


def _drop_held(goals: dict[int, Goal], moving: set[int], held: set[Any]) -> set[int]:
    """``moving`` less every tree with a goal that stays refers to (one in ``held``, or one
    a staying goal waits for) or that waits for a goal that stays; each may hold another
    tree in turn."""
    root_of: dict[int, int] = {}
    for goal_id in moving:
        root = goal_id
        while goals[root].parent is not None:
            root = goals[root].parent  # type: ignore[assignment]
        root_of[goal_id] = root
    held_roots = {root_of[g] for g in held if g in root_of}
    while True:
        staying = {
            g.id for g in goals.values() if g.id not in root_of or root_of[g.id] in held_roots
        }
        more = {root_of[a] for g in staying for a in goals[g].after if a in root_of}
        # (and one that waits for a goal that stays: deleting that goal edits the wait)
        more |= {root_of[g] for g in root_of if any(a in staying for a in goals[g].after)}
        more -= held_roots
        if not more:
            return {g for g in moving if root_of[g] not in held_roots}
        held_roots |= more


def _old(block: dict[str, Any], before: Date) -> bool:
    return block.get("ended_at") is not None and (block.get("day") or "9999") < before.isoformat()


def _count_past_every_id(data: dict[str, dict[str, Any]]) -> None:
    """New ids come from counters in the settings document; a file from before them counts
    from the highest id in the table, which must not be an id that moves out of sight."""
    meta = data.setdefault("meta", {}).setdefault("1", {})
    for kind, table in (("goal", "goals"), ("block", "blocks")):
        highest = max((int(k) for k in data.get(table, {})), default=0)
        counter = meta.get(f"next_{kind}")
        if type(counter) is not int or counter <= highest:
            meta[f"next_{kind}"] = highest + 1

"""Plain-JSON views of domain objects for ``--json`` output and exports (the CLI contract)."""

from __future__ import annotations

from typing import Any

from pendulum import DateTime

from tui_microgoals.core import docs, timer, tree
from tui_microgoals.core.calibration import MIN_SAMPLES, Calibration
from tui_microgoals.core.clock import to_iso
from tui_microgoals.core.models import Block, Goal
from tui_microgoals.core.planner import TodayItem
from tui_microgoals.core.review import Review
from tui_microgoals.core.tree import Goals


def goal_json(goal: Goal) -> dict[str, Any]:
    return docs.goal_json(goal.id, goal.read_doc())


def today_json(item: TodayItem) -> dict[str, Any]:
    return {
        "id": item.goal.id,
        "title": item.goal.title,
        "status": item.status,
        "one_thing": item.one_thing,
        "blocked": item.blocked,
        "carried": item.carried,
        "habit": item.habit,
        "minutes": item.goal.minutes,
        "parent_title": item.parent_title,
    }


def block_json(block: Block, goals: Goals, now: DateTime) -> dict[str, Any]:
    goal = goals.get(block.goal)
    return {
        "id": block.id,
        "goal": block.goal,
        "title": goal.title if goal else None,
        "planned_seconds": block.planned_seconds,
        "started_at": to_iso(block.started_at),
        "ended_at": to_iso(block.ended_at),
        "running": block.running,
        "paused": block.paused,
        "focus_seconds": round(timer.focus_seconds(block, now), 3),
        "remaining_seconds": round(timer.remaining_seconds(block, now), 3),
        "pauses": [[to_iso(p.start), to_iso(p.end)] for p in block.pauses],
        "interruptions": [{"at": to_iso(i.at), "note": i.note} for i in block.interruptions],
        "outcome": block.outcome,
        "reflection": block.reflection,
    }


def review_json(review: Review, goals: Goals) -> dict[str, Any]:
    def ref(goal_id: int, title: str) -> dict[str, Any]:
        path = tree.path(goals, goal_id) if goal_id in goals else title
        return {"id": goal_id, "title": title, "path": path}

    one = review.one_thing
    return {
        "date": review.date.isoformat(),
        "done": [{**ref(d.id, d.title), "at": to_iso(d.at), "habit": d.habit} for d in review.done],
        "blocks": [
            {
                "goal": b.goal,
                "title": goals[b.goal].title if b.goal in goals else None,
                "started_at": to_iso(b.started_at),
                "ended_at": to_iso(b.ended_at),
                "planned_seconds": b.planned_seconds,
                "focus_seconds": round(review.focus_seconds[b.id], 3),
                "outcome": b.outcome,
                "interruptions": len(b.interruptions),
                "interruption_notes": [
                    {"at": to_iso(i.at), "note": i.note} for i in b.interruptions
                ],
                "reflection": b.reflection,
            }
            for b in review.blocks
        ],
        "focus_minutes": review.focus_minutes,
        "planned": [
            {**ref(i.goal.id, i.goal.title), "status": i.status, "carried": i.carried}
            for i in review.planned
        ],
        "interruptions": review.interruptions,
        "streak": review.streak,
        "one_thing": (
            {**ref(one.goal.id, one.goal.title), "done": one.done} if one is not None else None
        ),
        "suggestions": [
            {"id": s.id, "title": s.title, "kind": s.kind, "reason": s.reason}
            for s in review.suggestions
        ],
        "note": review.note,
        "superseded": review.superseded,
        "first_day": review.first_day.isoformat() if review.first_day else None,
        "calibration": calibration_json(review.calibration, goals),
    }


def calibration_json(calibration: Calibration | None, goals: Goals) -> dict[str, Any] | None:
    """None with the setting off; ``ratio`` None below ``min_samples`` samples."""
    if calibration is None:
        return None
    overall = calibration.overall
    return {
        "ratio": overall.value if overall is not None else None,
        "samples": calibration.samples,
        "min_samples": MIN_SAMPLES,
        "by_root": [
            {
                "id": root,
                "title": goals[root].title if root in goals else None,
                "ratio": ratio.value,
                "samples": ratio.samples,
            }
            for root, ratio in calibration.by_root.items()
        ],
    }

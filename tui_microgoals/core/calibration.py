"""Calibrated estimates: how long the user's micro-goals really take against their estimate.

A sample is one done micro-goal (a leaf) with an estimate and at least one ended focus
block: its focus time (``timer.focus_seconds``, summed over its blocks) over its estimate.
The ratio is the median of the samples, overall and for each top-level goal (the root of
the goal's tree) that has ``MIN_SAMPLES`` of its own. Below ``MIN_SAMPLES`` overall there
is no ratio and nothing is calibrated.

Two pure steps, so the figure can be fed from elsewhere (an archive's kept samples):
``samples_from`` (goals and blocks -> samples) and ``calibrate`` (samples -> Calibration).
The store keeps the result (``Store.calibration``).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from pendulum import DateTime

from tui_microgoals.core import timer
from tui_microgoals.core.models import DONE, DROPPED, Block, Goal
from tui_microgoals.core.text import quoted

#: Samples needed before a ratio is used: overall, and for a top-level goal's own.
MIN_SAMPLES = 5


@dataclass(frozen=True)
class Sample:
    goal: int
    #: The top-level goal of the micro-goal's tree (the micro-goal itself at the top).
    root: int
    estimate: int  # minutes, > 0
    focus_seconds: float  # > 0

    @property
    def ratio(self) -> float:
        return self.focus_seconds / 60 / self.estimate


@dataclass(frozen=True)
class Ratio:
    """A median ratio of actual to estimated time, kept in tenths ("1.4x")."""

    tenths: int
    samples: int

    @property
    def value(self) -> float:
        return self.tenths / 10

    def minutes(self, estimate: int) -> int:
        """The estimate at this pace, in whole minutes (half up), at least 1."""
        return max(1, (estimate * self.tenths + 5) // 10)

    def __str__(self) -> str:
        return f"{self.value:.1f}x"


@dataclass(frozen=True)
class Calibration:
    #: None below ``MIN_SAMPLES`` samples: nothing is calibrated.
    overall: Ratio | None
    #: Top-level goal id -> its own ratio, for those with ``MIN_SAMPLES`` samples.
    by_root: dict[int, Ratio] = field(default_factory=dict)
    samples: int = 0

    @property
    def enough(self) -> bool:
        return self.overall is not None

    def ratio_for(self, root: int | None) -> Ratio | None:
        """The root's own ratio when it has one, else the overall one."""
        own = self.by_root.get(root) if root is not None else None
        return own or self.overall

    def minutes_for(self, goal: Goal, goals: Mapping[int, Goal]) -> int | None:
        """The goal's estimate at the user's pace; None when it has no estimate, is a
        habit, or there is too little data (callers then use the estimate as it is)."""
        if not goal.minutes or goal.is_habit:
            return None
        ratio = self.ratio_for(root_of(goals, goal.id))
        return ratio.minutes(goal.minutes) if ratio is not None else None


def root_of(goals: Mapping[int, Goal], goal_id: int, known: dict[int, int] | None = None) -> int:
    """The top-level goal above ``goal_id`` (itself when it has no parent). ``known``
    keeps the roots found, for many goals of the same trees."""
    seen = [goal_id]
    current = goal_id
    parent = goals[goal_id].parent if goal_id in goals else None
    while parent is not None and parent in goals and parent not in seen:
        if known is not None and parent in known:
            current = known[parent]
            break
        seen.append(parent)
        current = parent
        parent = goals[parent].parent
    if known is not None:
        known.update(dict.fromkeys(seen, current))
    return current


def samples_from(goals: Mapping[int, Goal], blocks: Iterable[Block], now: DateTime) -> list[Sample]:
    """One sample per done micro-goal with an estimate and ended blocks of some focus."""
    return samples_of(goals, focus_by_goal(blocks, now))


def focus_by_goal(blocks: Iterable[Block], now: DateTime) -> dict[int, float]:
    """The focus seconds of each goal's ended blocks; a running block's time is not known
    yet, so it is not counted."""
    focus: dict[int, float] = {}
    for block in blocks:
        if block.ended_at is not None:
            focus[block.goal] = focus.get(block.goal, 0.0) + timer.focus_seconds(block, now)
    return focus


def sampled(goals: Mapping[int, Goal]) -> dict[int, int]:
    """The micro-goals a sample can come from, with their estimates: done, estimated, no
    live (not dropped) steps. Habits never are done, so never sampled."""
    has_steps = {g.parent for g in goals.values() if g.parent is not None and g.status != DROPPED}
    return {
        gid: g.minutes
        for gid, g in goals.items()
        if g.status == DONE and g.minutes and g.minutes > 0 and gid not in has_steps
    }


def samples_of(goals: Mapping[int, Goal], focus: Mapping[int, float]) -> list[Sample]:
    """The samples, from each goal's focus seconds (``focus_by_goal``)."""
    wanted = sampled(goals)
    roots: dict[int, int] = {}
    return [
        Sample(gid, root_of(goals, gid, roots), wanted[gid], seconds)
        for gid, seconds in sorted(focus.items())
        if gid in wanted and seconds > 0
    ]


def median_ratio(samples: list[Sample], archived: Mapping[str, int] | None = None) -> Ratio:
    """The median (of two middle ones, their mean), rounded half up to tenths; with the
    ratios of ``archived`` samples (``kept_ratios``) too."""
    ratios = [s.ratio for s in samples]
    for ratio, count in (archived or {}).items():
        ratios.extend([float(ratio)] * count)
    middle = statistics.median(ratios)
    return Ratio(int(middle * 10 + 0.5), len(ratios))


def kept_ratios(samples: Iterable[Sample], kept: Mapping[str, int] | None = None) -> dict[str, int]:
    """Samples as the archive keeps them (their goals and blocks out of sight): how many
    of each ratio, to the thousandth, added to ``kept``."""
    out = dict(kept or {})
    for sample in samples:
        key = f"{sample.ratio:.3f}"
        out[key] = out.get(key, 0) + 1
    return out


def calibrate(samples: Iterable[Sample], archived: Mapping[str, int] | None = None) -> Calibration:
    """From the samples in sight, and those of ``archived`` goals (``kept_ratios``: they
    count toward the overall ratio; their top-level goals are finished and archived)."""
    samples = list(samples)
    count = len(samples) + sum((archived or {}).values())
    if count < MIN_SAMPLES:
        return Calibration(None, {}, count)
    by_root: dict[int, list[Sample]] = {}
    for sample in samples:
        by_root.setdefault(sample.root, []).append(sample)
    own = {
        root: median_ratio(group)
        for root, group in sorted(by_root.items())
        if len(group) >= MIN_SAMPLES
    }
    return Calibration(median_ratio(samples, archived), own, count)


# -- in words ------------------------------------------------------------------------------


def not_enough_words(calibration: Calibration) -> str:
    return (
        f"not enough data yet: {calibration.samples} of {MIN_SAMPLES} done micro-goals "
        "with an estimate and a block"
    )


def _micro_goals(n: int) -> str:
    return f"{n} done micro-goal{'s' if n != 1 else ''}"


def words(
    calibration: Calibration,
    estimate: int | None = None,
    root: int | None = None,
    root_title: str | None = None,
) -> str:
    """The hint where an estimate is typed: "you usually take 1.4x your estimate: 15 →
    about 21 min (from 12 done micro-goals)"; the root's own ratio when it has one."""
    ratio = calibration.ratio_for(root)
    if ratio is None:
        return not_enough_words(calibration)
    own = root is not None and root in calibration.by_root
    where = f"under {quoted(root_title)} " if own and root_title else ""
    line = f"{where}you usually take {ratio} your estimate"
    if estimate:
        line += f": {estimate} → about {ratio.minutes(estimate)} min"
    return f"{line} (from {_micro_goals(ratio.samples)})"


def form_words(
    calibration: Calibration,
    goals: Mapping[int, Goal],
    estimate: int | None,
    parent: int | None,
    goal_id: int | None = None,
) -> str:
    """``words`` for a goal being added (``goal_id`` None) or edited, under ``parent``: its
    tree's own ratio when that tree has one."""
    root = root_of(goals, parent) if parent is not None and parent in goals else goal_id
    title = goals[root].title if root is not None and root in goals else None
    return words(calibration, estimate, root, title)


def pace_words(estimate: int, paced: int) -> str:
    """What a plan item or a forecast says of its minutes: "15m est., ~21m at your pace"."""
    return f"{estimate}m est., ~{paced}m at your pace"


def summary_words(calibration: Calibration) -> str:
    """One line for the review: the overall ratio and how many samples it rests on."""
    if calibration.overall is None:
        return not_enough_words(calibration)
    own = len(calibration.by_root)
    roots = f"; {own} top-level goal{'s' if own != 1 else ''} with its own" if own else ""
    return (
        f"you usually take {calibration.overall} your estimate "
        f"(median of {_micro_goals(calibration.samples)}{roots})"
    )

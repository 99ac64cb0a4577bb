"""Right-sized steps: the review's advice to split, shrink or step up, with its reasons.

From misses and carries (the day list), and from time data: a micro-goal that keeps running
past its block, one done in under a third of its estimate again and again, a habit missed
or kept. Only the blocks of the last few weeks are read (the store's blocks by day), and
only the day plans of the habits' look-back: a review costs the same after three years.

One item never gets advice both ways within a week (``one_way``): see README "Right-sized
steps" for the rules in words.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from pendulum import Date

from tui_microgoals.core import timer, tree
from tui_microgoals.core.errors import InputError
from tui_microgoals.core.models import OPEN, Block, Day, Goal
from tui_microgoals.core.planner import TodayItem
from tui_microgoals.core.recurrence import Recurrence
from tui_microgoals.core.review_index import GoalIndex

#: An item carried this many days: split it.
CARRIED_DAYS = 3
#: A habit missed ``HABIT_MISSES`` of its last ``HABIT_DUE_DAYS`` due days: a smaller version.
HABIT_DUE_DAYS = 7
HABIT_MISSES = 3
#: A habit done this many due days in a row: step it up.
HABIT_STREAK = 14
#: How far back a habit's due days are read: 5 weeks (a daily or weekday habit's 14 in a
#: row fit; a habit due fewer than 3 days a week never reaches 14 in it, and one due once
#: a week shows its last 5 due days). Days before it are never counted as missed.
HABIT_LOOKBACK_DAYS = 35
#: The time rules read a goal's blocks of the review's day and the 13 days before...
TIME_DAYS = 14
#: ...its last 4 of them (or, for a goal's steps, its last 4 steps done in them)...
LAST_BLOCKS = 4
#: ...ran past its block in 2 of them: split it (a habit: a smaller version)...
RAN_PAST_MIN = 2
#: ...done in under ``1 / FAST_SHARE`` of the estimate in 3 of them: step up (or combine).
FAST_MIN = 3
FAST_SHARE = 3
#: A done step's focus time: its blocks of its done day and the 6 days before.
STEP_SPAN_DAYS = 7
#: Never both ways (split or shrink, and step up) for one item within this many days.
ONE_WAY_DAYS = 7
#: The blocks ``suggestions`` needs: those of the review's day and this many days before.
BLOCK_DAYS_BACK = ONE_WAY_DAYS - 1 + TIME_DAYS - 1 + STEP_SPAN_DAYS - 1
#: All that ``suggestions`` reads (blocks and day plans): the review's day and this many
#: days before it (what an archive must leave in reach: 41 days).
LOOKBACK_DAYS = max(BLOCK_DAYS_BACK, HABIT_LOOKBACK_DAYS + ONE_WAY_DAYS - 1)

SMALLER, BIGGER = "smaller", "bigger"
SIDE = {"split": SMALLER, "shrink": SMALLER, "step_up": BIGGER}


@dataclass(frozen=True)
class Suggestion:
    id: int
    title: str
    kind: str  # "split", "shrink", "step_up"
    reason: str
    #: The goal acting on it edits, when not the item itself (a goal's next step).
    act_on: int | None = None


def _times(n: int) -> str:
    return {1: "once", 2: "twice"}.get(n, f"{n} times")


def _minutes_of(pairs: Sequence[tuple[float, int]]) -> str:
    """ "4, 3, 5 of 15 min" (one estimate), else "4 of 15, 3 of 20 min"."""
    took = [f"{round(seconds / 60)}" for seconds, _ in pairs]
    estimates = {minutes for _, minutes in pairs}
    if len(estimates) == 1:
        return f"{', '.join(took)} of {estimates.pop()} min"
    return ", ".join(f"{t} of {m}" for t, (_, m) in zip(took, pairs, strict=True)) + " min"


def ran_past(block: Block) -> bool:
    """Its micro-goal outlasted the time first planned: it took more time (+5), or its time
    ran out and it ended not done."""
    if block.ended_at is None:
        return False
    used = _focus(block) >= block.first_planned_seconds - 1
    return used and (bool(block.extensions) or block.outcome != "done")


def _focus(block: Block) -> float:
    """An ended block's focus seconds: ``timer.focus_seconds`` by timestamps (pendulum's own
    subtraction costs ~0.1 ms, and the rules ask about hundreds of blocks at a time)."""
    end = block.ended_at or block.started_at
    spans = timer.pause_spans(block, end) if block.pauses else ()
    paused = sum(stop.timestamp() - start.timestamp() for start, stop in spans)
    return max(0.0, end.timestamp() - block.started_at.timestamp() - paused)


def _estimate(goal: Goal, block: Block) -> int:
    """A goal's estimate in minutes; without one, the time first planned for its block."""
    return goal.minutes or max(1, block.first_planned_seconds // 60)


class _Evidence:
    """What the time and habit rules read, gathered once for the review's day and the week
    before it, so each rule can be asked about any of those days (``one_way``)."""

    def __init__(
        self,
        goals: Mapping[int, Goal],
        days: Mapping[Date, Day],
        date: Date,
        block_minutes: int,
        index: GoalIndex,
        blocks: Iterable[Block],
    ) -> None:
        self.goals, self.index, self.block_minutes = goals, index, block_minutes
        self.last = date.toordinal()
        first = self.last - BLOCK_DAYS_BACK
        self.blocks: dict[int, list[Block]] = defaultdict(list)
        for block in sorted(blocks, key=lambda b: b.started_at):
            day = block.day.toordinal() if block.day else block.started_at.date().toordinal()
            if first <= day <= self.last and block.ended_at is not None:
                self.blocks[block.goal].append(block)
        self.days = days
        self._habit_done: dict[int, set[int]] | None = None
        self._steps: list[tuple[int, int, object, float, int]] | None = None
        self._parents: set[int] | None = None

    @staticmethod
    def _day(block: Block) -> int:
        return block.day.toordinal() if block.day else block.started_at.date().toordinal()

    def _recent(self, goal_id: int, day: int) -> list[Block]:
        """The goal's ended blocks of ``day`` and the ``TIME_DAYS - 1`` before, oldest first."""
        return [b for b in self.blocks.get(goal_id, ()) if day - TIME_DAYS < self._day(b) <= day]

    # -- the rules, for any day of the week up to the review's ------------------------------

    def ran_past(self, goal: Goal, day: int) -> Suggestion | None:
        """A micro-goal that keeps running past its block: split it (a habit: shrink it)."""
        if goal.status != OPEN or self.index.has_children(goal.id):
            return None
        last = self._recent(goal.id, day)[-LAST_BLOCKS:]
        past = [b for b in last if ran_past(b)]
        if len(past) < RAN_PAST_MIN:
            return None
        more = [e for b in last for e in b.extensions]
        plus = ""
        if more:
            label = "+5" if all(e.seconds == 300 for e in more) else "more time"
            plus = f" ({label} {_times(len(more))})"
        words = f"ran past its block {len(past)} of its last {len(last)} blocks{plus}"
        if goal.is_habit:
            return Suggestion(goal.id, goal.title, "shrink", f"{words}: make it smaller")
        return Suggestion(goal.id, goal.title, "split", f"{words}: split it")

    def habit_fast(self, goal: Goal, day: int) -> Suggestion | None:
        """A habit done in under a third of its estimate, 3 of its last 4 blocks done."""
        if not goal.is_habit or goal.status != OPEN:
            return None
        done = [b for b in self._recent(goal.id, day) if b.outcome == "done"][-LAST_BLOCKS:]
        pairs = [(_focus(b), _estimate(goal, b)) for b in done]
        fast = [(s, m) for s, m in pairs if s * FAST_SHARE < m * 60]
        if len(fast) < FAST_MIN:
            return None
        reason = (
            f"done in under a third of its estimate {len(fast)} of the last {len(done)} times "
            f"({_minutes_of(fast)}): make it a little harder"
        )
        return Suggestion(goal.id, goal.title, "step_up", reason)

    def steps_fast(self, parent: Goal, day: int) -> Suggestion | None:
        """A goal whose steps went in under a third of their estimate, 3 of its last 4 done
        with a block: make its next steps bigger (acting edits the next open step)."""
        if parent.status != OPEN:
            return None
        nxt = self.next_step(parent.id)
        if nxt is None:
            return None
        pairs = [(at, s, m) for goal_id, at, s, m in self._done_steps(day) if goal_id == parent.id]
        last = sorted(pairs)[-LAST_BLOCKS:]
        fast = [(s, m) for _, s, m in last if s * FAST_SHARE < m * 60]
        if len(fast) < FAST_MIN:
            return None
        reason = (
            f"{len(fast)} of its last {len(last)} steps took under a third of their estimate "
            f"({_minutes_of(fast)}): make the next ones bigger, or combine them"
        )
        return Suggestion(parent.id, parent.title, "step_up", reason, act_on=nxt)

    def _done_steps(self, day: int) -> list[tuple[int, object, float, int]]:
        """(parent, done at, focus seconds, estimate) of each step done on ``day`` or the
        ``TIME_DAYS - 1`` before that had a block in its ``STEP_SPAN_DAYS``."""
        steps = self._all_done_steps()
        return [step for on, *step in steps if day - TIME_DAYS < on <= day]  # type: ignore[misc]

    def _all_done_steps(self) -> list[tuple[int, int, object, float, int]]:
        if self._steps is None:
            self._steps = self._find_done_steps()
        return self._steps

    def _find_done_steps(self) -> list[tuple[int, int, object, float, int]]:
        """``_done_steps`` of every day of the week, each with its done day, found once."""
        out: list[tuple[int, int, object, float, int]] = []
        for on in range(self.last - ONE_WAY_DAYS - TIME_DAYS + 2, self.last + 1):
            for goal_id in self.index.done_ids(Date.fromordinal(on)):
                goal = self.goals.get(goal_id)
                if goal is None or goal.parent is None or goal.is_habit:
                    continue
                own = [
                    b
                    for b in self.blocks.get(goal_id, ())
                    if on - STEP_SPAN_DAYS < self._day(b) <= on
                ]
                if own and not self.index.has_children(goal_id):
                    focus = sum(_focus(b) for b in own)
                    estimate = _estimate(goal, own[0])
                    at = (goal.done_at.timestamp() if goal.done_at else 0.0, goal_id)
                    out.append((on, goal.parent, at, focus, estimate))
        return out

    def next_step(self, parent: int) -> int | None:
        """The goal's first open one-off step (by position), the one to make bigger."""
        steps = self.index.kept("open steps", self._open_steps)
        return steps.get(parent)

    def _open_steps(self) -> dict[int, int]:
        first: dict[int, Goal] = {}
        for goal_id in self.index.open_ids():
            goal = self.goals[goal_id]
            if goal.parent is None or goal.is_habit or self.index.has_children(goal_id):
                continue
            now = first.get(goal.parent)
            if now is None or (goal.position, goal.id) < (now.position, now.id):
                first[goal.parent] = goal
        return {parent: goal.id for parent, goal in first.items()}

    def habit_record(self, goal: Goal, day: int) -> list[bool]:
        """The habit's due days up to ``day``, newest first, True for done: ``day`` itself
        only once done (it is not missed until it is over). "N times a week" counts N due
        days a week: those done, then the rest missed once the week is over."""
        try:
            rule = Recurrence.parse(goal.recurrence or "")
        except InputError:
            return []
        done = self.habit_done().get(goal.id, set())
        start = max(day - HABIT_LOOKBACK_DAYS, goal.first_day.toordinal() if goal.first_day else 0)
        record: list[bool] = []
        if rule.per_week:
            monday = day - (day - 1) % 7  # (ordinal 1 was a Monday)
            while monday + 6 >= start:
                week = [d for d in range(monday, monday + 7) if start <= d <= day]
                got = min(rule.per_week, sum(1 for d in week if d in done))
                over = monday + 6 < day
                missed = rule.per_week - got if over and monday >= start else 0
                record += [False] * missed + [True] * got
                monday -= 7
            return record
        for d in range(day, start - 1, -1):
            if (d - 1) % 7 in rule.days and (d in done or d != day):
                record.append(d in done)
        return record

    def habit_done(self) -> dict[int, set[int]]:
        """Each habit's done days (ordinals) in the look-back: only those day plans read."""
        if self._habit_done is None:
            found: dict[int, set[int]] = defaultdict(set)
            for back in range(HABIT_LOOKBACK_DAYS + ONE_WAY_DAYS):
                plan = self.days.get(Date.fromordinal(self.last - back))
                for goal_id in plan.habits_done if plan else ():
                    found[goal_id].add(self.last - back)
            self._habit_done = found
        return self._habit_done

    def habit_misses(self, goal: Goal, day: int) -> Suggestion | None:
        if not goal.is_habit or goal.status != OPEN:
            return None
        last = self.habit_record(goal, day)[:HABIT_DUE_DAYS]
        missed = last.count(False)
        if missed < HABIT_MISSES:
            return None
        reason = f"missed {missed} of its last {len(last)} due days: scale it back"
        return Suggestion(goal.id, goal.title, "shrink", reason)

    def habit_streak(self, goal: Goal, day: int) -> Suggestion | None:
        if not goal.is_habit or goal.status != OPEN:
            return None
        record = self.habit_record(goal, day)
        streak = next((n for n, done in enumerate(record) if not done), len(record))
        if streak < HABIT_STREAK:
            return None
        reason = f"done {streak} due days in a row: make it a little harder"
        return Suggestion(goal.id, goal.title, "step_up", reason)

    def advice(self, goal: Goal, day: int) -> list[Suggestion]:
        """Every rule that holds for ``goal`` on ``day`` (before ``one_way``)."""
        found = [
            rule(goal, day)
            for rule in (
                self.ran_past,
                self.habit_misses,
                self.habit_streak,
                self.habit_fast,
                self.steps_fast,
            )
        ]
        return [s for s in found if s is not None]

    def timed(self, goal: Goal) -> bool:
        """Whether any rule of ``advice`` can hold for the goal: a habit, a goal with blocks
        in the weeks read, or one with steps done in them (most goals are none of these)."""
        if self._parents is None:
            self._parents = {parent for _, parent, *_ in self._all_done_steps()}
        return goal.is_habit or goal.id in self.blocks or goal.id in self._parents

    def week_before(self, goal_id: int) -> set[str]:
        """The ways the rules leaned for the goal on any of the ``ONE_WAY_DAYS - 1`` days
        before the review's: ``SMALLER``, ``BIGGER``."""
        goal = self.goals.get(goal_id)
        if goal is None:
            return set()
        sides = set()
        if not self.index.has_children(goal_id) and tree.is_too_big(goal, self.block_minutes):
            sides.add(SMALLER)  # (as on the review's day: too big is too big all week)
        if self.timed(goal):
            for day in range(self.last - ONE_WAY_DAYS + 1, self.last):
                sides |= {SIDE[s.kind] for s in self.advice(goal, day)}
        return sides


def one_way(
    found: Sequence[Suggestion], week_before: Callable[[int], set[str]]
) -> list[Suggestion]:
    """The one rule that keeps advice from going both ways: an item is never told to split
    (or shrink) and to step up within ``ONE_WAY_DAYS``. A suggestion is dropped when the
    other way holds for its item on the review's day or any of the 6 days before
    (``week_before``: the evidence, whether or not it was shown then), so two reviews less
    than a week apart never disagree, and an item with evidence both ways today gets
    neither."""
    today: dict[int, set[str]] = defaultdict(set)
    for s in found:
        today[s.id].add(SIDE[s.kind])
    earlier: dict[int, set[str]] = {}
    kept = []
    for s in found:
        other = BIGGER if SIDE[s.kind] == SMALLER else SMALLER
        if other in today[s.id]:
            continue
        if s.id not in earlier:
            earlier[s.id] = week_before(s.id)
        if other not in earlier[s.id]:
            kept.append(s)
    return kept


def _too_big(goal: Goal, block_minutes: int) -> Suggestion:
    reason = f"estimated {goal.minutes} min, longer than a {block_minutes}-min block: split it"
    return Suggestion(goal.id, goal.title, "split", reason)


def suggestions(
    goals: Mapping[int, Goal],
    days: Mapping[Date, Day],
    date: Date,
    block_minutes: int,
    index: GoalIndex,
    planned: list[TodayItem],
    blocks: Iterable[Block] = (),
) -> list[Suggestion]:
    """Advice for ``date``: from its list (``planned``, its ``day_list``), the open goals,
    and ``blocks`` (those of ``date`` and the ``BLOCK_DAYS_BACK`` days before; without
    them, no time rule fires). One suggestion per item at most."""
    found: list[Suggestion] = []
    evidence = _Evidence(goals, days, date, block_minutes, index, blocks)

    def open_goals() -> list[Goal]:
        return [goals[i] for i in index.open_ids()]

    too_big = index.kept(
        ("too big", block_minutes),
        lambda: [
            g.id
            for g in open_goals()
            if not index.has_children(g.id) and not g.is_habit and tree.is_too_big(g, block_minutes)
        ],
    )
    habits = index.kept("habits", lambda: [g.id for g in open_goals() if g.is_habit])
    listed: set[int] = set()
    for item in planned:
        goal = item.goal
        if item.too_big and not item.done:
            found.append(_too_big(goal, block_minutes))
            listed.add(goal.id)
        elif item.carried >= CARRIED_DAYS:
            reason = f"carried {item.carried} days: split it or make it smaller"
            found.append(Suggestion(goal.id, goal.title, "split", reason))
    found += [_too_big(goals[i], block_minutes) for i in too_big if i not in listed]
    day = date.toordinal()
    timed = sorted(i for i in evidence.blocks if i in goals and goals[i].status == OPEN)
    parents = {p for p, *_ in evidence._done_steps(day)}
    for goal_id in dict.fromkeys([*timed, *habits, *sorted(parents)]):
        if goal_id in goals:
            found += evidence.advice(goals[goal_id], day)
    seen: set[int] = set()
    out = []
    for s in one_way(found, evidence.week_before):
        if s.id not in seen:
            seen.add(s.id)
            out.append(s)
    return out

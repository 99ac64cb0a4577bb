"""The review and the history read a day through the store's index (issue 16), and give what
the whole-history scans they replaced gave: the old computation is kept here as the reference.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path

import pendulum
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pendulum import Date

from tui_microgoals.core import timer, tree
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import MicrogoalsError
from tui_microgoals.core.history import DayTotals
from tui_microgoals.core.models import DONE, Block, Day, Goal
from tui_microgoals.core.planner import day_list
from tui_microgoals.core.review import DoneItem, Review, Suggestion, streak
from tui_microgoals.core.review_index import GoalIndex
from tui_microgoals.core.right_size import BLOCK_DAYS_BACK as BACK
from tui_microgoals.core.right_size import suggestions
from tui_microgoals.core.storage import DurableStorage
from tui_microgoals.core.store import Store
from tui_microgoals.core.store_settings import dismissal_active

sys.path.insert(0, str(Path(__file__).parents[2] / "bench"))
from generate import generate  # noqa: E402 - the benchmark's seeded data

TODAY = pendulum.date(2026, 11, 22)  # the generated data's today


# -- the reference: the review as it was computed before the index -----------------------------


def _old_done_on(goals: Mapping[int, Goal], days: Mapping[Date, Day], date: Date) -> list:
    parents = {g.parent for g in goals.values() if g.parent is not None}
    items = [
        DoneItem(g.id, g.title, tree.path(goals, g.id), g.done_at, whole=g.id in parents)
        for g in goals.values()
        if g.status == DONE and g.done_on == date
    ]
    items.sort(key=lambda i: (i.at is None, i.at or 0, i.whole))
    day = days.get(date)
    for goal_id in day.habits_done if day else []:
        if goal_id in goals:
            path = tree.path(goals, goal_id)
            items.append(DoneItem(goal_id, goals[goal_id].title, path, None, True))
    return items


def _old_suggestions(
    goals: Mapping[int, Goal], days: Mapping[Date, Day], date: Date, bm: int, blocks: list[Block]
) -> list[Suggestion]:
    """Issue 17's rules (``right_size``), fed by scans: an index built afresh from every goal
    and the blocks read from the whole table, where the store passes its patched index and
    its blocks by day."""
    index = GoalIndex(goals.values())
    return suggestions(goals, days, date, bm, index, day_list(goals, days, date, bm), blocks)


def _old_blocks(store: Store, start: Date, end: Date) -> list[Block]:
    low, high = start.isoformat(), end.isoformat()
    raw = store._blocks_t._read_table()
    found = [
        Block.from_doc(int(k), v) for k, v in raw.items() if low <= (v.get("day") or "") <= high
    ]
    return sorted(found, key=lambda b: b.started_at)


def old_review(store: Store, date: Date) -> Review:
    goals, days = store.goals(), store.days()
    bm = store.settings()["block_minutes"]
    now = store.clock.now()
    blocks = _old_blocks(store, date, date)
    planned = day_list(goals, days, date, bm)
    done_days = {g.done_on for g in goals.values() if g.status == DONE and g.done_on}
    done_days |= {d.date for d in days.values() if d.habits_done}
    created = (g.first_day for g in goals.values() if g.first_day is not None)
    used = (d.date for d in days.values() if d.items or d.note or d.habits_done)
    dismissed = store._meta().get("dismissed", {})
    return Review(
        date=date,
        done=_old_done_on(goals, days, date),
        blocks=blocks,
        focus_seconds={b.id: timer.focus_seconds(b, now) for b in blocks},
        planned=planned,
        one_thing=next((i for i in planned if i.one_thing), None),
        streak=streak(done_days, date),  # type: ignore[arg-type]
        note=(days.get(date) or Day(date)).note,
        suggestions=[
            s
            for s in _old_suggestions(
                goals, days, date, bm, _old_blocks(store, date.subtract(days=BACK), date)
            )
            if not dismissal_active(dismissed.get(f"{s.id}:{s.kind}"), date)
        ],
        first_day=min((*created, *used), default=None),
        superseded=store.superseded_on(date),
        calibration=store.calibration(),  # (issue 17: the user's pace as of now, not the day's)
    )


def old_history(store: Store, end: Date, days: int = 14) -> list[DayTotals]:
    goals, plans, now = store.goals(), store.days(), store.clock.now()
    start = end.subtract(days=days - 1)
    blocks = _old_blocks(store, start, end)
    out, date = [], start
    while date <= end:
        todays = [b for b in blocks if b.day == date]
        plan = plans.get(date)
        out.append(
            DayTotals(
                date=date,
                focus_minutes=round(sum(timer.focus_seconds(b, now) for b in todays) / 60, 1),
                done=sum(1 for i in _old_done_on(goals, plans, date) if not i.whole),
                blocks=len(todays),
                interruptions=sum(len(b.interruptions) for b in todays),
                planned=len(plan.items) if plan else 0,
            )
        )
        date = date.add(days=1)
    return out


def same(store: Store, date: Date) -> None:
    new, old = store.review(date), old_review(store, date)
    assert new == old, date  # (dataclasses: field by field, down to the goals and blocks)
    assert repr(new) == repr(old), date
    assert store.history(date) == old_history(store, date), date


# -- a generated history (the benchmark's, seeded) ----------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gen") / "db.json"
    DurableStorage(path).write(generate(10_000))  # M: a year and a bit of a heavy user
    return path


def test_generated_history_reviews_as_before(generated: Path) -> None:
    store = Store.open(generated, FixedClock(pendulum.datetime(2026, 11, 22, 18, tz="UTC")))
    habit_day = next(d for d in sorted(store.days(), reverse=True) if store.days()[d].habits_done)
    rng = __import__("random").Random(16)
    some = [TODAY.subtract(days=rng.randrange(400)) for _ in range(6)]
    year_back = TODAY.subtract(days=365)
    dates = [TODAY, year_back, pendulum.date(2020, 1, 1), TODAY.add(days=3), habit_day, *some]
    assert store.review(year_back).done, "the reference day has a record to compare"
    assert store.review(year_back).streak > 0
    for date in dates:
        same(store, date)


# -- the index follows the store's writes --------------------------------------------------------


def test_a_block_started_and_stopped_shows_at_once(store: Store) -> None:
    goal = store.add_goal("write", minutes=15)
    assert store.review().blocks == []  # the index is built before the writes below
    store.start_block(goal.id)
    assert [b.goal for b in store.review().blocks] == [goal.id]
    store.clock.advance(minutes=10)  # type: ignore[attr-defined]
    store.stop_block("done")
    review = store.review()
    assert len(review.blocks) == 1 and review.blocks[0].ended_at is not None
    assert store.history()[-1].blocks == 1
    same(store, store.clock.today())


def test_a_goal_done_and_reopened_shows_at_once(store: Store) -> None:
    parent = store.add_goal("project")
    step = store.add_goal("step", parent=parent.id)
    assert store.review().done == []
    index = store._review_index()
    store.mark_done(step.id)
    assert store._review_index() is index  # patched by the write, not built again
    done = store.review().done
    assert [(i.id, i.whole) for i in done] == [(step.id, False), (parent.id, True)]
    assert store.review().streak == 1 and store.history()[-1].done == 1
    same(store, store.clock.today())
    store.reopen(step.id)
    assert step.id not in [i.id for i in store.review().done]
    assert store._review_index() is index
    same(store, store.clock.today())


def test_a_day_planned_and_an_undo_show_at_once(store: Store) -> None:
    goal = store.add_goal("read", minutes=15)
    assert store.review().planned == []
    store.plan([goal.id])
    assert [i.goal.id for i in store.review().planned] == [goal.id]
    store.mark_done(goal.id)
    assert [i.id for i in store.review().done] == [goal.id]
    index = store._review_index()
    store.undo()  # (patches the caches from the log, not through _save_goal)
    assert store.review().done == []
    assert store._review_index() is index
    same(store, store.clock.today())


def test_a_deleted_goal_leaves_the_review(store: Store) -> None:
    goal = store.add_goal("gone", minutes=60)
    assert [s.id for s in store.review().suggestions] == [goal.id]  # too big: split it
    store.delete(goal.id)
    assert store.review().suggestions == []
    same(store, store.clock.today())


def test_another_process_write_shows_at_once(tmp_path: Path, clock: FixedClock) -> None:
    mine = Store.open(tmp_path / "db.json", clock)
    goal = mine.add_goal("shared", minutes=15)
    assert mine.review().done == []
    other = Store.open(tmp_path / "db.json", clock)
    index = mine._review_index()
    other.mark_done(goal.id)
    assert [i.id for i in mine.review().done] == [goal.id]
    assert mine._review_index() is index  # (the other process's change, patched in)
    same(mine, clock.today())


OPS = st.lists(
    st.tuples(
        st.sampled_from(["add", "step", "done", "reopen", "plan", "undo", "day", "delete"]),
        st.integers(0, 30),
    ),
    max_size=25,
)


@settings(max_examples=30)
@given(ops=OPS)
def test_any_writes_review_as_the_scan_does(ops: list[tuple[str, int]]) -> None:
    clock = FixedClock(pendulum.datetime(2026, 11, 22, 9, tz="UTC"))
    store = Store.memory(clock)
    store.review()  # the index exists from the start: every write below patches it
    for op, n in ops:
        index = store._review_index()
        ids = sorted(store.goals())
        pick = ids[n % len(ids)] if ids else None
        try:
            if op == "add":
                store.add_goal(f"g{n}", minutes=5 + n * 3)
            elif op == "step" and pick is not None:
                store.add_goal(f"s{n}", parent=pick, minutes=10)
            elif op == "done" and pick is not None:
                store.mark_done(pick)
            elif op == "reopen" and pick is not None:
                store.reopen(pick)
            elif op == "plan" and pick is not None:
                store.plan([pick])
            elif op == "undo":
                store.undo()
            elif op == "day":
                clock.advance(days=1)
            elif op == "delete" and pick is not None:
                store.delete(pick)
                index = store._review_index()  # (a delete drops the index: built afresh)
        except MicrogoalsError:  # (refused: nothing to undo, a dropped goal...)
            index = store._review_index()  # (a refused change may reload: built afresh)
        store.review()
        assert store._review_index() is index  # patched by the write, not built again
    today = clock.today()
    for date in (today, today.subtract(days=1), today.subtract(days=3)):
        same(store, date)


def test_a_goal_changed_in_place_is_indexed_afresh(store: Store) -> None:
    goal = store.mark_done(store.add_goal("changed in place", minutes=10).id)
    today = store.clock.today()
    assert [i.id for i in store.review().done] == [goal.id]
    cached = store.goals()[goal.id]  # (the store saves copies; a caller might not)
    cached.done_on = today.subtract(days=1)
    with store._tx("moved its day in place"):
        store._save_goal(cached)
    assert store.review().done == []
    assert [i.id for i in store.review(today.subtract(days=1)).done] == [goal.id]
    same(store, today)

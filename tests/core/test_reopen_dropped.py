"""Issue 12: a dropped goal can be opened again, with the steps its drop took."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.models import DONE, DROPPED, OPEN
from tui_microgoals.core.store import Store


def statuses(store: Store, *ids: int) -> list[str]:
    return [store.goal(i).status for i in ids]


def test_reopening_a_dropped_goal_brings_back_what_its_drop_took(
    store: Store, clock: FixedClock, reopen: Callable[[Store], Store]
) -> None:
    project = store.add_goal("Launch").id
    done = store.add_goal("done", parent=project).id
    gone_before = store.add_goal("dropped on its own", parent=project).id
    part = store.add_goal("part", parent=project).id
    deep = store.add_goal("deep", parent=part).id
    store.mark_done(done)
    store.drop(gone_before)
    clock.advance(minutes=5)
    store.drop(project)
    assert statuses(store, project, part, deep) == [DROPPED] * 3
    goal = reopen(store).reopen(project)
    assert goal.status == OPEN
    store = reopen(store)
    assert statuses(store, project, done, gone_before, part, deep) == [
        OPEN,
        DONE,
        DROPPED,  # its own drop was another one: it stays dropped
        OPEN,
        OPEN,
    ]


def test_reopening_a_dropped_step_opens_the_dropped_goals_above_it(store: Store) -> None:
    project = store.add_goal("Launch").id
    part = store.add_goal("part", parent=project).id
    step = store.add_goal("step", parent=part).id
    other = store.add_goal("other", parent=part).id
    store.drop(project)
    store.reopen(step)
    # Else the open step would hide under a dropped goal, in no list.
    assert statuses(store, project, part, step, other) == [OPEN, OPEN, OPEN, DROPPED]


def test_a_file_without_drop_times_reopens_every_dropped_step(store: Store) -> None:
    project = store.add_goal("Launch").id
    a = store.add_goal("a", parent=project).id
    b = store.add_goal("b", parent=project).id
    store.drop(project)
    # as a file written before drops were stamped
    with store._tx("set up the test", undoable=False):
        for goal_id in (project, a, b):
            store._save_goal(replace(store.goal(goal_id), dropped_at=None))
    store.reopen(project)
    assert statuses(store, project, a, b) == [OPEN, OPEN, OPEN]


def test_a_dropped_habit_reopens(store: Store) -> None:
    habit = store.add_goal("push-ups", every="daily").id
    store.drop(habit)
    assert habit not in [i.goal.id for i in store.today()]
    store.reopen(habit)
    assert store.goal(habit).status == OPEN
    assert habit in [i.goal.id for i in store.today()]

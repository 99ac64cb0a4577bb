"""Issue 12, trap 6: a recurring (habit) micro-goal never keeps its parent open, and progress
leaves habits out of done/total (a habit never finishes; its occurrences are counted by the
day list, the review and the streak)."""

from __future__ import annotations

from tui_microgoals.core import tree
from tui_microgoals.core.models import DONE, OPEN
from tui_microgoals.core.store import Store
from tui_microgoals.core.tree_index import TreeIndex


def test_a_project_with_a_habit_completes_with_its_last_plain_step(store: Store) -> None:
    project = store.add_goal("Get fit").id
    store.add_goal("Ten push-ups", parent=project, every="daily")
    plan = store.add_goal("Write a training plan", parent=project).id
    store.mark_done(plan)
    assert store.goal(project).status == DONE
    store.reopen(plan)
    assert store.goal(project).status == OPEN


def test_a_project_whose_only_open_step_is_a_habit_can_be_marked_done(store: Store) -> None:
    project = store.add_goal("Get fit").id
    habit = store.add_goal("Ten push-ups", parent=project, every="daily").id
    store.mark_done(project)  # was: "goal 1 still has 1 open micro-goal(s)"
    assert store.goal(project).status == DONE
    store.mark_done(habit)  # the habit goes on: today's occurrence is done
    assert store.goal(habit).status == OPEN
    assert [i.done for i in store.today() if i.goal.id == habit] == [True]


def test_a_habit_under_a_sub_goal_does_not_hold_the_chain_open(store: Store) -> None:
    root = store.add_goal("root").id
    part = store.add_goal("part", parent=root).id
    store.add_goal("habit", parent=part, every="weekdays")
    step = store.add_goal("step", parent=part).id
    store.mark_done(step)
    assert store.goal(part).status == DONE
    assert store.goal(root).status == DONE


def test_progress_leaves_habits_out(store: Store) -> None:
    project = store.add_goal("Get fit").id
    habit = store.add_goal("Ten push-ups", parent=project, every="daily", minutes=5).id
    plan = store.add_goal("Write a training plan", parent=project, minutes=20).id
    progress = tree.progress_all(store.goals())
    assert progress[project] == tree.Progress(0, 1, 0, 20)
    assert progress[habit] == tree.Progress(0, 0, 0, 0)
    store.mark_done(plan)
    progress = tree.progress_all(store.goals())
    assert progress[project] == tree.Progress(1, 1, 20, 20)
    assert progress[project].complete
    index = TreeIndex(store.goals())  # the app's incremental copy counts the same way
    assert index.progress == progress


def test_a_habit_under_a_planned_goal_does_not_take_its_place(store: Store) -> None:
    """Habits never hold a goal open, so they do not make it a goal with steps either: a
    planned goal that got a habit as its only child fell off the list and could not be
    planned again, though it could still be finished."""
    goal = store.add_goal("Get fit", today=True)
    store.add_goal("Stretch", parent=goal.id, every="daily")
    assert goal.id in [i.goal.id for i in store.today()]
    store.unplan(goal.id)
    store.plan([goal.id])
    assert goal.id in [i.goal.id for i in store.today()]


def test_which_habits_are_due_reads_only_this_week() -> None:
    """``due_habits`` reads the habit days of the date's ISO week only (not every day ever
    recorded): the same answer as from every day, on random histories (seeded)."""
    import random

    import pendulum

    from tui_microgoals.core.models import Day, Goal
    from tui_microgoals.core.planner import due_habits, habit_done_days
    from tui_microgoals.core.recurrence import Recurrence

    rng = random.Random(16)
    specs = ["daily", "weekdays", "mon,wed,fri", "1/week", "3/week", "5/week"]
    goals = {i: Goal(i, f"habit {i}", recurrence=spec) for i, spec in enumerate(specs, 1)}
    start = pendulum.date(2026, 1, 1)
    days = {}
    for n in range(120):
        date = start.add(days=n)
        done = [i for i in goals if rng.random() < 0.4]
        days[date] = Day(date, habits_done=done)
    for n in range(0, 120, 3):
        date = start.add(days=n)
        every_day = habit_done_days(days)
        expected = [
            g.id
            for g in sorted(goals.values(), key=lambda g: (g.position, g.id))
            if Recurrence.parse(g.recurrence or "").is_due(date, every_day.get(g.id, set()))
        ]
        assert [g.id for g in due_habits(goals, days, date)] == expected

"""What the main screen's panes show, as pure functions of the store's snapshot.

No widget is touched here: each function takes the data (and a little UI state: the
highlight, the filter) and returns the frozen view a pane draws (``TreeView``,
``TodayView``, ``FocusView``, ``Score``) or where a cursor goes. The screen calls them and
hands the results down; tests call them without Pilot (tests/ui/test_main_view.py).
"""

from __future__ import annotations

from collections.abc import Container, Mapping

from pendulum import Date, DateTime
from textual.content import Content

from tui_microgoals.core import timer, tree
from tui_microgoals.core.models import DONE, DROPPED, OPEN, Block, Goal
from tui_microgoals.core.planner import TodayItem
from tui_microgoals.core.store import Snapshot
from tui_microgoals.widgets import focus_pane
from tui_microgoals.widgets.focus_pane import FocusView
from tui_microgoals.widgets.goal_tree import TreeView
from tui_microgoals.widgets.status_line import Score
from tui_microgoals.widgets.today_list import DoneEntry, TodayView

#: A big tree opens at start the branches above this many of today's open items (opening
#: all of them - a hundred carried items - drew ~800 lines before the first frame).
REVEAL_ITEMS = 10


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


# -- what each pane draws ---------------------------------------------------------------


def done_goals_today(goals: Mapping[int, Goal], today: Date, now: DateTime) -> list[DoneEntry]:
    """Goals finished today, in the order they were finished (a pass over every goal)."""

    def parent_title(goal: Goal) -> str | None:
        parent = goals.get(goal.parent) if goal.parent is not None else None
        return parent.title if parent else None

    done = [
        DoneEntry(g.id, g.title, parent_title(g), g.done_at)
        for g in goals.values()
        if g.status == DONE and g.done_on == today
    ]
    done.sort(key=lambda e: e.at or now)
    return done


def done_entries(done_goals: list[DoneEntry], items: list[TodayItem]) -> list[DoneEntry]:
    """Today's Done section: the goals finished today, then the habits done today."""
    return done_goals + [
        DoneEntry(i.goal.id, i.goal.title, i.parent_title, None, habit=True)
        for i in items
        if i.done and i.habit
    ]


def today_view(
    items: list[TodayItem],
    done: list[DoneEntry],
    running: int | None,
    tz: str,
    today: Date | None = None,
) -> TodayView:
    return TodayView(
        open_items=[i for i in items if not i.done], done=done, running=running, tz=tz, today=today
    )


def tree_view(
    snap: Snapshot,
    today: Date,
    items: list[TodayItem],
    *,
    show_done: bool,
    filter_text: str,
    forecast: Mapping[int, str],
) -> TreeView:
    return TreeView(
        goals=snap.goals,
        today=today,
        block_minutes=snap.settings["block_minutes"],
        planned=frozenset(i.goal.id for i in items),
        reveal=tuple(i.goal.id for i in items if not i.done)[:REVEAL_ITEMS],
        running=snap.running.goal if snap.running else None,
        show_done=show_done,
        filter=filter_text,
        forecast=forecast,
    )


def focus_view(
    snap: Snapshot,
    highlighted: int | None,
    *,
    break_until: DateTime | None,
    tz: str,
    kids: dict[int | None, list[Goal]] | None = None,
) -> FocusView:
    """The running block; else what ``s`` would start on the highlighted goal (or why not)."""
    return focus_pane.focus_view(
        snap.goals,
        snap.running,
        highlighted,
        block_minutes=snap.settings["block_minutes"],
        break_until=break_until,
        tz=tz,
        kids=kids,
    )


def score(
    snap: Snapshot, blocks_today: list[Block], done_count: int, streak: int, now: DateTime
) -> Score:
    """The status line: done today, focus minutes (the running block's included), streak
    and completions until the next reward."""
    seconds = sum(timer.focus_seconds(b, now) for b in blocks_today)
    if snap.running is not None and all(b.id != snap.running.id for b in blocks_today):
        seconds += timer.focus_seconds(snap.running, now)
    every = snap.settings["reward_every"]
    return Score(
        done_today=done_count,
        focus_minutes=int(seconds // 60),
        streak=streak,
        next_reward=(every - done_count % every) if snap.settings.get("reward") else None,
    )


def drop_question(goals: Mapping[int, Goal], goal: Goal, below: list[int]) -> Content:
    """What ``d`` asks: drop or delete, and what goes with the goal."""
    if below:
        still_open = sum(1 for i in below if goals[i].status == OPEN)
        children = Content.from_markup(
            "\n\nIts [b]$n[/b] sub-goal(s) ($open open) go with it: drop marks the open ones "
            "dropped too; delete removes them all.",
            n=str(len(below)),
            open=str(still_open),
        )
    else:
        children = Content("\n\nIt has no sub-goals.")
    return Content.assemble(
        Content.from_markup("Drop or delete [b]$title[/b]?", title=goal.title),
        Content(
            "\n\nDrop keeps it in the history, marked dropped. "
            "Delete removes it, and other goals stop waiting for it. u undoes either."
        ),
        children,
    )

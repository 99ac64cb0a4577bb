"""A big plan (over 300 goals) starts fast: only the branches above the block and the first of
today's items are open, and the deadline markers follow the first frame instead of delaying it."""

from __future__ import annotations

import gc

from textual.widgets import Tree
from ui_helpers import SIZE, make_app

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.models import Goal
from tui_microgoals.core.store import Store
from tui_microgoals.screens.main_view import REVEAL_ITEMS
from tui_microgoals.screens.plan_commands import SMALL_FORECAST
from tui_microgoals.widgets.goal_tree import GoalTree


def big_plan(store: Store, clock: FixedClock) -> tuple[list[int], list[int]]:
    """Projects of 10 steps each; the first step of each project is planned for today."""
    projects, firsts = [], []
    for n in range(40):
        project = store.add_goal(f"Project {n}")
        steps = [store.add_goal(f"Step {n}.{k}", parent=project.id, minutes=15) for k in range(9)]
        projects.append(project.id)
        firsts.append(steps[0].id)
    store.add_goal("Ship it all", due=clock.today().add(days=2))
    store.plan(firsts)
    return projects, firsts


async def test_big_tree_opens_only_above_the_first_items(store: Store, clock: FixedClock) -> None:
    projects, firsts = big_plan(store, clock)
    assert len(store.goals()) > SMALL_FORECAST
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        tree = app.screen.query_one(GoalTree)
        nodes = tree._goal_nodes
        opened = [p for p in projects if nodes[p].is_expanded]
        assert opened == projects[:REVEAL_ITEMS]
        assert firsts[0] in nodes and firsts[REVEAL_ITEMS] not in nodes  # closed: not built
        # Opening a closed one builds it then.
        await pilot.press("tab")
        tree.move_cursor(nodes[projects[REVEAL_ITEMS]])
        await pilot.press("right")
        assert nodes[projects[REVEAL_ITEMS]].is_expanded and firsts[REVEAL_ITEMS] in nodes


async def test_big_plan_gets_its_forecast_after_the_first_frame(
    store: Store, clock: FixedClock
) -> None:
    big_plan(store, clock)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        main = app.screen
        ship = max(store.goals())
        for _ in range(100):  # bounded: the forecast thread takes milliseconds here
            await pilot.pause(0.02)
            await app.workers.wait_for_complete()
            if ship in main.forecast_rows:
                break
        await pilot.pause()
        assert main.forecast_rows[ship].status == "on_track"
        label = str(main.query_one(GoalTree)._goal_nodes[ship].label)
        assert "Ship it all  on track" in label


async def test_a_big_load_is_kept_out_of_garbage_collection(
    store: Store, clock: FixedClock
) -> None:
    # Written as a file would hold them (2,000 adds one by one take seconds).
    goals, next_id = {}, 1
    for n in range(200):
        project = next_id
        goals[str(project)] = Goal(id=project, title=f"Project {n}", position=n).to_doc()
        for k in range(9):
            next_id += 1
            step = Goal(id=next_id, title=f"Step {n}.{k}", parent=project, position=k)
            goals[str(next_id)] = step.to_doc()
        next_id += 1
    store.storage.write({**(store.storage.read() or {}), "goals": goals})
    assert len(store.goals()) == 2000
    gc.unfreeze()
    try:
        async with make_app(store, clock).run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert gc.isenabled()
            assert gc.get_freeze_count() > len(store.goals())
    finally:
        gc.unfreeze()  # the test process goes on: don't keep its garbage forever


async def test_the_start_runs_without_the_collector_then_is_frozen(
    store: Store, clock: FixedClock
) -> None:
    """Whatever the size: the collector's passes over what the start builds cost ~90 ms
    before the first frame (and found nothing to free). It is off until the first frame,
    then what the start built is frozen and it runs again; closing the app unfreezes."""
    store.add_goal("Write")
    gc.unfreeze()
    app = make_app(store, clock)
    enabled_at_frame: list[bool] = []
    display = app._display

    def first_display(screen, renderable) -> None:  # noqa: ANN001
        display(screen, renderable)
        if renderable is not None and not enabled_at_frame:
            enabled_at_frame.append(gc.isenabled())

    app._display = first_display  # type: ignore[method-assign]
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert enabled_at_frame == [False]
            assert gc.isenabled()
            assert gc.get_freeze_count() > 0
        assert gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
        gc.enable()


async def test_line_widths_are_measured_without_drawing_the_lines(
    store: Store, clock: FixedClock
) -> None:
    """Before the first frame the pane's width is not known: each line's width is then its
    whole row's (``GoalTree.get_label_width``), as drawing the line would measure it
    (Textual's own ``get_label_width`` draws it); after it, at most the room left."""
    big_plan(store, clock)
    store.add_goal("A goal with a title long enough to be cut in a pane of forty cells or so")
    app = make_app(store, clock)
    async with app.run_test(size=(80, 30)) as pilot:
        await pilot.pause()
        tree = app.screen.query_one(GoalTree)
        nodes = list(tree._goal_nodes.values())
        fitted = [tree.get_label_width(node) for node in nodes]
        assert all(w >= Tree.get_label_width(tree, n) for n, w in zip(nodes, fitted, strict=True))
        assert any(tree._rows[n.data].cell_len > w for n, w in zip(nodes, fitted, strict=True))
        tree._width = 0  # (as before the first frame)
        whole = [tree.get_label_width(node) for node in nodes]
        assert whole == [Tree.get_label_width(tree, node) for node in nodes]
        assert whole != fitted

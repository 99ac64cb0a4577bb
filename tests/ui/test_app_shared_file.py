"""The app open while three shell processes write the same file; two apps on one file."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pendulum
from ui_helpers import make_app, screen_text, tick

from tui_microgoals.core import tree
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.models import DONE
from tui_microgoals.core.store import Store

PER_WRITER = 6

#: One process per writer, each running the real command line over and over (one import).
WRITER = textwrap.dedent(
    """
    import contextlib, io, json, sys
    from tui_microgoals.cli import main

    def run(*argv):
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            assert main(["--json", *argv]) == 0, argv
        return json.loads(out.getvalue())

    role, n = sys.argv[1], int(sys.argv[2])
    for i in range(n):
        if role == "add":
            run("add", f"Added by the shell {i}", "--today", "--minutes", "10")
        elif role == "plan":
            goal = run("add", f"Planned by the shell {i}", "--minutes", "10")
            run("plan", str(goal["id"]))
        else:
            goal = run("add", f"Finished by the shell {i}", "--today")
            run("done", str(goal["id"]))
    """
)


def real_today_clock() -> FixedClock:
    """The shell processes use the real clock, so the app's day must be the real day."""
    return FixedClock(pendulum.now("UTC"), "UTC")


async def test_three_shell_writers_lose_nothing_and_the_app_shows_them_all(tmp_path):
    path = tmp_path / "db.json"
    clock = real_today_clock()
    store = Store.open(path, clock)
    mine = store.add_goal("Typed in the app", today=True)
    env = {**os.environ, "MICROGOALS_DB": str(path), "MICROGOALS_TZ": "UTC"}
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        writers = [
            subprocess.Popen(
                [sys.executable, "-c", WRITER, role, str(PER_WRITER)],
                env=env,
                stderr=subprocess.PIPE,
                text=True,
            )
            for role in ("add", "plan", "done")
        ]
        # The app writes too while they run: each key is a save racing three processes.
        # In the Goals pane the highlight stays on the app's own goal (the first one, kept
        # by id across redraws), so only that goal goes on and off today's list; in Today
        # the highlight would move on to the shell's items and take them off.
        await pilot.press("tab")
        await pilot.pause()
        assert app.screen.current_goal() == mine.id
        while any(w.poll() is None for w in writers):
            await pilot.press("t")  # on and off today's list, over and over
            await pilot.pause(0.05)
        assert app.screen.current_goal() == mine.id
        for w in writers:
            assert w.wait(timeout=60) == 0, w.stderr.read() if w.stderr else ""
        await pilot.pause(1.2)  # the periodic check (every 0.5 s), no help from tick()
        text = screen_text(app)
        goals = Store.open(path, clock).goals()
        titles = {g.title for g in goals.values()}
        for role in ("Added", "Planned", "Finished"):
            for i in range(PER_WRITER):
                assert f"{role} by the shell {i}" in titles  # no update lost
        assert mine.id in goals
        for g in goals.values():
            if g.title.startswith("Finished"):
                assert g.status == DONE
        today = {i.goal.title for i in Store.open(path, clock).today()}
        for i in range(PER_WRITER):
            assert f"Added by the shell {i}" in today
            assert f"Planned by the shell {i}" in today
        # Every new goal is on the screen: the open ones in Today and Goals, the done ones
        # under "Done today". Titles are checked without the digit that may wrap.
        for i in range(PER_WRITER):
            for role in ("Added", "Planned", "Finished"):
                assert f"{role} by the shell {i}" in text, (role, i)
        assert tree.find_tree_problems(goals) == []


async def test_two_apps_on_one_file_see_each_other_and_keep_one_running_block(tmp_path):
    path = tmp_path / "db.json"
    clock = real_today_clock()
    seed = Store.open(path, clock)
    first = seed.add_goal("First app's goal", today=True, minutes=15)
    seed.add_goal("Second app's goal", today=True, minutes=15)
    one, two = Store.open(path, clock), Store.open(path, clock)
    app_one, app_two = make_app(one, clock), make_app(two, clock)
    async with app_one.run_test(size=(120, 40)) as p1, app_two.run_test(size=(120, 40)) as p2:
        await p1.press("s")  # the first app starts a block on its first Today item
        assert one.running_block().goal == first.id
        await tick(p2)
        assert "Focus block running" in screen_text(app_two)  # the second one sees it
        await p2.press("down", "s")  # and cannot start a second block
        await p2.pause()
        assert len([b for b in Store.open(path, clock).blocks() if b.running]) == 1
        assert "Focus block running" in screen_text(app_two)

        await p2.press("up", "x")  # on the block's goal, the second app finishes the block
        await p2.pause()
        await p2.press("n")  # and skips the break it offers
        await tick(p1)
        assert one.running_block() is None
        assert "No block running" in screen_text(app_one)
        assert one.goals()[first.id].status == DONE

        # Each app's store writes (as its add dialog would); the other app shows it.
        two.add_goal("Added in the second app")
        one.add_goal("Added in the first app")
        await tick(p1)
        await tick(p2)
        assert "Added in the second app" in screen_text(app_one)
        assert "Added in the first app" in screen_text(app_two)
    reread = Store.open(path, clock)
    assert tree.find_tree_problems(reread.goals()) == []
    assert len(reread.goals()) == 4
    assert [b.outcome for b in reread.blocks()] == ["done"]

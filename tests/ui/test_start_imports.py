"""What the app's start imports before its first frame: only what that frame shows.

Each module costs the start its import (its dataclasses and widget classes are built then:
~1 ms each), so the dialogs and the other screens are imported where they open. Run in a
fresh interpreter, started as a user starts it (``microgoals``, ``entry.main``).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pendulum

from tui_microgoals.core.store import Store
from tui_microgoals.widgets.row import hh_mm, month_day

FIRST_FRAME = """
import sys
from textual.app import App

loaded = []
display = App._display


def first_display(app, screen, renderable):
    display(app, screen, renderable)
    if renderable is not None and not loaded:
        loaded.extend(m for m in sys.modules if m.startswith(("tui_microgoals", "pendulum.loc")))
        app.exit()


App._display = first_display
run = App.run
App.run = lambda app, *args, **kwargs: run(app, headless=True, size=(120, 40))
from tui_microgoals.entry import main

assert main([]) == 0
print(" ".join(loaded))
"""

#: The screens of the first frame (the main screen and the mixins it is made of).
MAIN_SCREEN = {
    "tui_microgoals.screens",
    "tui_microgoals.screens.block_commands",
    "tui_microgoals.screens.main",
    "tui_microgoals.screens.main_view",
    "tui_microgoals.screens.one_dialog",
    "tui_microgoals.screens.plan_commands",
    "tui_microgoals.screens.undo_commands",
}


def test_the_first_frame_imports_no_dialog_no_other_screen_and_no_retro(tmp_path: Path) -> None:
    db = tmp_path / "db.json"
    store = Store.open(db)
    # A line with a due date, one done today and a running block: each shows a date or a
    # time, written without pendulum's ``format`` (its first call loads a locale: ~8 ms).
    soon = store.clock.today().add(days=3)
    store.add_goal("Write the report", due=soon, today=True)
    store.mark_done(store.add_goal("Book the room", today=True).id)
    store.start_block(store.add_goal("Call the printer", today=True).id)
    env = {**os.environ, "MICROGOALS_DB": str(db), "MICROGOALS_TZ": "UTC"}
    result = subprocess.run(
        [sys.executable, "-c", FIRST_FRAME], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    loaded = set(result.stdout.split())
    assert "tui_microgoals.screens.main" in loaded  # (the frame was the app's)
    screens = {m for m in loaded if m.startswith("tui_microgoals.screens")}
    assert screens == MAIN_SCREEN
    # Nor the command line's modules, nor the week's retro, nor sync (after the frame), nor
    # a pendulum locale.
    later = {"tui_microgoals.cli", "tui_microgoals.core.retro", "tui_microgoals.core.sync"}
    assert later.isdisjoint(loaded)
    assert not any(m.startswith("pendulum.locales.en") for m in loaded), loaded


def test_dates_and_times_read_as_pendulum_writes_them() -> None:
    day = pendulum.date(2026, 1, 1)
    for n in range(366):
        assert month_day(day.add(days=n)) == day.add(days=n).format("MMM D")
    moment = pendulum.datetime(2026, 3, 29, tz="Europe/Berlin")  # (a DST change)
    for n in range(0, 1500, 7):
        assert hh_mm(moment.add(minutes=n)) == moment.add(minutes=n).format("HH:mm")


AFTER_START = """
import sys
from textual.app import App

found = []


async def drive(pilot):
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    found.append("tui_microgoals.screens.review" in sys.modules)
    pilot.app.exit()


run = App.run
App.run = lambda app, *args, **kwargs: run(app, headless=True, size=(120, 40), auto_pilot=drive)
from tui_microgoals.entry import main

assert main([]) == 0
print(found)
"""


def test_the_review_screen_is_imported_once_the_app_is_idle(tmp_path: Path) -> None:
    """Not before the first frame (above), but after it, off the loop: the first ``r``
    does not wait for its modules."""
    env = {**os.environ, "MICROGOALS_DB": str(tmp_path / "db.json"), "MICROGOALS_TZ": "UTC"}
    result = subprocess.run(
        [sys.executable, "-c", AFTER_START], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-1] == "[True]", result.stdout

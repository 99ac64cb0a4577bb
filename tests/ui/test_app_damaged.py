"""Issue 13, finding 8: the database damaged while the app is open.

Before: any key after the first notification ended the app with a Rich traceback (a read
in ``check_action``, the footer, the review), a garbage journal line was read past once and
the next change appended after it, and what a dialog held was lost.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input
from ui_helpers import make_app, screen_text, small_plan, tick

from tui_microgoals.core.errors import READ_ONLY
from tui_microgoals.core.store import Store
from tui_microgoals.screens.goal_form import GoalFormScreen
from tui_microgoals.screens.main import MainScreen


def files(folder) -> dict[str, bytes]:  # noqa: ANN001
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def damage(path, how: str) -> None:  # noqa: ANN001
    if how == "main":
        path.write_bytes(path.read_bytes()[:40])  # truncated, as an in-place write can leave it
    else:
        with open(f"{path}.journal", "ab") as journal:
            journal.write(b"garbage\n")


@pytest.mark.parametrize("how", ["main", "journal"])
async def test_a_damaged_file_makes_the_app_read_only_until_restored(how, tmp_path, clock):
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    plan = small_plan(store)
    if how == "main":
        store.storage.fold()  # everything in the main file
    assert (tmp_path / "db.json.journal").exists() == (how == "journal")
    good = files(tmp_path)
    app = make_app(store, clock)
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        original = app.notify
        app.notify = lambda message, **kw: (notes.append(str(message)), original(message, **kw))  # type: ignore[method-assign]
        await pilot.pause()
        damage(path, how)
        damaged = files(tmp_path)
        await tick(pilot)
        await tick(pilot)
        said = [n for n in notes if READ_ONLY[1:] in n]
        assert len(said) == 1, notes  # once, not twice a second
        assert "microgoals backups --restore" in said[0] and "damaged" in said[0]
        assert "read-only: database damaged" in screen_text(app)
        assert "Write the intro" in screen_text(app)  # what was last read stays shown
        # Every change is refused with the one line, and nothing is written.
        for keys in (["s"], ["x"], ["t"], ["o"], ["J"], ["tab", "x"], ["tab", "t"]):
            notes.clear()
            await pilot.press(*keys)
            await pilot.pause()
            assert isinstance(app.screen, MainScreen)
            assert notes == [f"{READ_ONLY}; nothing was changed"], (keys, notes)
            await pilot.press("tab") if keys[0] == "tab" else None
        await pilot.press("d", "d")  # drop
        await pilot.pause()
        assert notes[-1] == f"{READ_ONLY}; nothing was changed"
        await pilot.press("r")  # reading screens still open
        await pilot.pause()
        assert "Review" in screen_text(app) or app.screen is not None
        await pilot.press("escape")
        await pilot.pause()
        # A dialog keeps what was typed when its save is refused.
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, GoalFormScreen)
        await pilot.press(*"Typed while damaged")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GoalFormScreen)
        assert app.screen.query_one("#field-title", Input).value == "Typed while damaged"
        error = str(app.screen.query_one("#form-error").render())
        assert READ_ONLY in error and "\n" not in error.strip()
        assert files(tmp_path) == damaged  # nothing written, by any of it
        # Restored (as `backups --restore` would): the app works again without a restart.
        for name, blob in good.items():
            (tmp_path / name).write_bytes(blob)
        if how == "main":
            (tmp_path / "db.json.journal").unlink(missing_ok=True)
        await tick(pilot)
        assert any("reads again" in n for n in notes), notes
        await pilot.press("ctrl+s")  # the same dialog saves now
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "read-only" not in screen_text(app)
        await pilot.press("t")
        await pilot.pause()
    assert app._exception is None
    after = Store.open(path, clock)
    assert "Typed while damaged" in {g.title for g in after.goals().values()}
    assert after.goals()[plan.first].status == "open"

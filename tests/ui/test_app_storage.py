"""The app and the file under it: the journal folded at quit, a backup not made shown once."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_helpers import SIZE, frozen_clock, make_app

from tui_microgoals.core import backup_names
from tui_microgoals.core.store import Store


async def test_quitting_folds_the_journal_into_the_main_file(tmp_path: Path) -> None:
    path = tmp_path / "goals.json"
    store = Store.open(path, frozen_clock())
    store.add_goal("first")  # a new file: written whole
    app = make_app(store, frozen_clock())
    async with app.run_test(size=SIZE) as pilot:
        store.add_goal("second")  # one line in the journal
        await pilot.pause()
        assert Path(f"{path}.journal").exists()
        await pilot.press("q")
    assert not Path(f"{path}.journal").exists()
    fresh = Store.open(path, frozen_clock())
    assert [g.title for g in fresh.goals().values()] == ["first", "second"]


async def test_a_backup_that_cannot_be_made_is_one_notification(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "goals.json"
    store = Store.open(path, frozen_clock())
    store.add_goal("first")
    (tmp_path / "backups").rename(tmp_path / "elsewhere")
    (tmp_path / "backups").write_text("a file where the folder should be")
    monkeypatch.setattr(backup_names, "BACKUP_EVERY_SECONDS", 0)  # due at every save
    app = make_app(store, frozen_clock())
    async with app.run_test(size=SIZE) as pilot:
        store.add_goal("second")
        store.add_goal("third")
        app.show_storage_warnings()
        app.show_storage_warnings()
        await pilot.pause()
        texts = [str(n.message) for n in app._notifications]
        assert len([t for t in texts if "no backup was made" in t]) == 1, texts
    assert [g.title for g in Store.open(path, frozen_clock()).goals().values()] == [
        "first",
        "second",
        "third",
    ]

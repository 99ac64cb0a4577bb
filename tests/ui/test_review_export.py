"""`m` in the review asks where to write the Markdown, with ./microgoals-DATE.md as the default
(issue 12); an existing file is not overwritten without asking; errors are one line."""

from __future__ import annotations

import pytest
from textual.widgets import Input
from ui_helpers import SIZE, make_app, screen_text

from tui_microgoals.core.demo import build_demo
from tui_microgoals.core.report import render
from tui_microgoals.screens.export import ExportScreen
from tui_microgoals.screens.review import ReviewScreen


@pytest.fixture(autouse=True)
def in_tmp(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)


def toasts(app) -> list[str]:  # noqa: ANN001
    return [str(n.message) for n in app._notifications]


async def open_export(pilot) -> ExportScreen:  # noqa: ANN001
    await pilot.pause()
    if not isinstance(pilot.app.screen, ReviewScreen):
        await pilot.press("r")
        await pilot.pause()
    assert isinstance(pilot.app.screen, ReviewScreen)
    await pilot.press("m")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportScreen)
    return dialog


async def test_m_asks_where_with_the_default_in_the_field(store, clock, tmp_path):
    build_demo(store)
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        dialog = await open_export(pilot)
        field = dialog.query_one("#export-path", Input)
        assert pilot.app.focused is field
        assert field.value == "./microgoals-2026-11-20.md"
        assert field.cursor_position == len(field.value)
        assert not (tmp_path / "microgoals-2026-11-20.md").exists()  # nothing written yet
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReviewScreen)
        path = tmp_path / "microgoals-2026-11-20.md"
        assert f"Markdown written to {path}" in toasts(pilot.app)
    assert path.read_text() == render(store.review(), store.goals(), "md", "UTC")


async def test_another_path_and_a_folder(store, clock, tmp_path):
    (tmp_path / "journal").mkdir()
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        dialog = await open_export(pilot)
        dialog.query_one(Input).value = ""
        await pilot.press(*"journal/friday.md", "enter")
        await pilot.pause()
        assert (tmp_path / "journal" / "friday.md").read_text().startswith("## 2026-11-20")
        await open_export(pilot)
        await pilot.press("ctrl+u", *"journal", "enter")  # a folder: the default name in it
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReviewScreen)
    assert (tmp_path / "journal" / "microgoals-2026-11-20.md").is_file()


async def test_an_existing_file_asks_before_it_is_overwritten(store, clock, tmp_path):
    path = tmp_path / "microgoals-2026-11-20.md"
    path.write_text("yesterday's thoughts")
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ExportScreen)
        assert "exists" in screen_text(pilot.app)
        assert path.read_text() == "yesterday's thoughts"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReviewScreen)
        assert path.read_text() == "yesterday's thoughts"
        await open_export(pilot)
        await pilot.press("enter", "enter")  # asked, and confirmed
        await pilot.pause()
        assert isinstance(pilot.app.screen, ReviewScreen)
    assert path.read_text().startswith("## 2026-11-20")


async def test_a_path_that_cannot_be_written_says_why_in_one_line(store, clock, tmp_path):
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await pilot.press("ctrl+u", *"nowhere/day.md", "enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ExportScreen)  # still open: fix the path
        error = pilot.app.screen.query_one("#export-error").render()
        assert "could not write" in str(error) and "\n" not in str(error).strip()
        assert "Traceback" not in screen_text(pilot.app)
    assert not (tmp_path / "nowhere").exists()


async def test_the_week_has_its_own_default_name(store, clock, tmp_path):
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("r", "w", "m")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ExportScreen)
        assert dialog.query_one(Input).value == "./microgoals-week-2026-11-20.md"
        await pilot.press("enter")
        await pilot.pause()
    week = (tmp_path / "microgoals-week-2026-11-20.md").read_text()
    assert week.startswith("# Week 2026-11-14 – 2026-11-20")


async def test_a_review_that_cannot_be_read_is_one_line_and_writes_nothing(
    store, clock, tmp_path, monkeypatch
):
    from tui_microgoals.core.errors import MicrogoalsError

    def broken(self) -> str:  # noqa: ANN001
        raise MicrogoalsError("the database changed under us: reopen it")

    monkeypatch.setattr(ReviewScreen, "markdown", broken)
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        await open_export(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ExportScreen)
        assert "the database changed under us" in screen_text(pilot.app)
        assert pilot.app._exception is None
    assert not (tmp_path / "microgoals-2026-11-20.md").exists()


@pytest.mark.parametrize("typed", ["~nosuchuser/x.md", "/tmp/" + "a" * 300 + "/x.md"])
async def test_a_path_that_cannot_be_used_is_one_line_in_the_dialog(store, clock, typed):
    """``~nosuchuser`` (RuntimeError) and a name too long (OSError) crashed the app."""
    async with make_app(store, clock).run_test(size=SIZE) as pilot:
        dialog = await open_export(pilot)
        dialog.query_one(Input).value = typed
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is dialog  # still open, to fix the path
        assert "cannot use" in str(dialog.query_one("#export-error").render())
    assert pilot.app._exception is None

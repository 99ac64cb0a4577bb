"""The app under a full disk, hostile text and a moving clock."""

from __future__ import annotations

import errno
import os

import pytest
from rich.cells import cell_len
from textual.widgets import Digits, Input
from ui_helpers import make_app, screen_text, small_plan, tick

from tui_microgoals.core.store import Store
from tui_microgoals.screens.block_end import BlockEndScreen
from tui_microgoals.screens.goal_form import GoalFormScreen
from tui_microgoals.screens.main import MainScreen


def no_space(fd: int) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def files(folder) -> dict[str, bytes]:  # noqa: ANN001
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


# -- a full disk while the user types ---------------------------------------------------


@pytest.mark.parametrize("key", ["a", "e"])
async def test_a_failed_save_keeps_the_dialog_open_with_its_text(key, tmp_path, clock, monkeypatch):
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    small_plan(store)
    before = files(tmp_path)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, GoalFormScreen)
        title = app.screen.query_one("#field-title", Input)
        title.value = "Typed while the disk was full"
        monkeypatch.setattr(os, "fsync", no_space)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GoalFormScreen)  # still open, text kept
        assert title.value == "Typed while the disk was full"
        error = str(app.screen.query_one("#form-error").render())
        assert "No space left" in error and "nothing was changed" in error
        assert "\n" not in error.strip() and "Traceback" not in error
        assert files(tmp_path) == before  # the old files byte-identical
        monkeypatch.undo()
        await pilot.press("ctrl+s")  # space again: the same dialog saves
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    titles = {g.title for g in Store.open(path, clock).goals().values()}
    assert "Typed while the disk was full" in titles


async def test_a_failed_block_end_asks_again(tmp_path, clock, monkeypatch):
    path = tmp_path / "db.json"
    store = Store.open(path, clock)
    small_plan(store)
    app = make_app(store, clock)
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")
        clock.advance(minutes=21)
        await tick(pilot)
        assert isinstance(app.screen, BlockEndScreen)
        app.screen.query_one(Input).value = "went well"
        before = files(tmp_path)
        original = app.notify
        app.notify = lambda message, **kw: (notes.append(str(message)), original(message, **kw))  # type: ignore[method-assign]
        monkeypatch.setattr(os, "fsync", no_space)
        await pilot.press("enter")  # done
        await pilot.pause()
        assert files(tmp_path) == before
        assert any(
            "not saved" in n and "asked again" in n and "No space left" in n for n in notes
        ), notes
        monkeypatch.undo()
        await tick(pilot)  # the answer was not kept: the dialog comes back
        assert isinstance(app.screen, BlockEndScreen)
        await pilot.press("enter")
        await pilot.pause()
    assert Store.open(path, clock).blocks()[0].outcome == "done"


# -- hostile text in every pane and dialog ------------------------------------------------

HOSTILE = [
    "[bold]loud[/bold]",
    "a [/] b",
    "[b",
    "[link=x]click[/link]",
    "esc \x1b[31mred\x1b[0m osc \x1b]0;title\x07 end",
    "nul\x00 bel\x07 c1\x9b",
    "👩‍💻 coder 👨‍👩‍👧",
    "中文标题很长的目标",
    "e\u0301\u0301 combining",
    "שלום עולם RTL",
]


def layout_holds(app, size: tuple[int, int]) -> None:  # noqa: ANN001
    rows = screen_text(app).split("\n")
    assert len(rows) == size[1]
    assert all(cell_len(r) == size[0] for r in rows), [r for r in rows if cell_len(r) != size[0]]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_hostile_text_is_shown_literally_in_every_pane_and_dialog(size, store, clock):
    parent = store.add_goal("[red]parent[/red]")
    for text in HOSTILE:
        store.add_goal(text, parent=parent.id, minutes=10, today=True, notes=text)
    first = store.today()[0].goal.id
    store.start_block(first)
    store.interrupt(HOSTILE[1])
    app = make_app(store, clock)
    async with app.run_test(size=size) as pilot:
        for _ in range(50):  # the footer is laid out once the bindings are known
            await pilot.pause()
            if "? Help" in screen_text(app).split("\n")[-1]:
                break
        text = screen_text(app)
        assert "a [/] b" in text or "[bold]loud[/bold]" in text  # literal, not styled
        assert "\x1b" not in text and "\x00" not in text
        layout_holds(app, size)
        assert "Goals" in text.split("\n")[0]  # pane borders in place
        assert "? Help" in text.split("\n")[-1]  # the footer in place (it fits its keys)
        for keys in (["f"], ["r"], ["?"], ["i"], ["tab", "e"], ["tab", "d"]):
            await pilot.press(*keys)
            await pilot.pause()
            layout_holds(app, size)
            await pilot.press("escape")
            await pilot.pause()
        clock.advance(minutes=25)
        await tick(pilot)
        assert isinstance(app.screen, BlockEndScreen)
        layout_holds(app, size)
        app.screen.query_one(Input).value = HOSTILE[4]
        await pilot.press("enter")  # done
        await pilot.pause()
        await pilot.press("n")
        await pilot.press("r")  # the review shows the reflection
        await pilot.pause()
        layout_holds(app, size)
        assert "\x1b" not in screen_text(app)
    assert app._exception is None


async def test_ten_thousand_characters_are_refused_with_a_message(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one("#field-title", Input).value = "x" * 10_000
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, GoalFormScreen)
        error = str(app.screen.query_one("#form-error").render())
        assert "10000 characters" in error and "limit" in error
        layout_holds(app, (120, 40))
    assert all(len(g.title) < 300 for g in store.goals().values())


# -- time -----------------------------------------------------------------------------------


def countdown(app) -> str:  # noqa: ANN001
    return app.screen.query_one("#focus-clock", Digits).value


async def test_clock_jumps_keep_the_countdown_in_range_and_ask_once(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    asked = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")  # a 15-minute block: the first item's estimate
        clock.advance(minutes=5)
        await tick(pilot)
        assert countdown(app) == "10:00"
        clock.advance(hours=-1)  # the wall clock set an hour back
        await tick(pilot)
        assert countdown(app) == "15:00"  # never more than planned
        clock.advance(hours=1, seconds=5)  # back, then 5 s of a blocked event loop
        await tick(pilot)
        assert countdown(app) == "09:55"
        clock.advance(minutes=8)
        await tick(pilot)
        assert countdown(app) == "01:55"
        clock.advance(minutes=10)  # the process stopped for ten minutes
        for _ in range(4):
            await tick(pilot)
            if isinstance(app.screen, BlockEndScreen):
                asked.append(app.screen)
        assert len(set(map(id, asked))) == 1  # exactly once
        await pilot.press("enter")
        await pilot.pause()
        for _ in range(3):
            await tick(pilot)
            assert not isinstance(app.screen, BlockEndScreen)
    block = store.blocks()[0]
    assert (block.ended_at - block.started_at).total_seconds() == 15 * 60


async def test_a_block_across_midnight_counts_for_its_start_day(store, clock):
    plan = small_plan(store)
    clock.set(clock.now().set(hour=23, minute=50))
    start_day = clock.today()
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")  # a 15-minute block: the first item's estimate
        clock.advance(minutes=12)  # 00:02 the next day
        await tick(pilot)
        assert countdown(app) == "03:00"
        clock.advance(minutes=6)
        await tick(pilot)
        assert isinstance(app.screen, BlockEndScreen)
        await pilot.press("enter")
        await pilot.pause()
    assert [b.goal for b in store.blocks_on(start_day)] == [plan.first]
    assert store.blocks_on(clock.today()) == []


# -- a hand-edited tree deeper than any way in allows ----------------------------------------


async def test_a_tree_1500_levels_deep_opens(tmp_path, clock):
    """Issue 13, finding 9: a blank screen, deaf to q (RecursionError drawing the tree)."""
    import orjson

    goals = {
        str(i): {"title": f"level {i}", "status": "open", "parent": i - 1 if i > 1 else None}
        for i in range(1, 1501)
    }
    path = tmp_path / "db.json"
    path.write_bytes(orjson.dumps({"schema_version": 1, "goals": goals}))
    app = make_app(Store.open(path, clock), clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "level 1 " in text and "level 101 " in text  # deeper goals start at the top
        await pilot.press("q")

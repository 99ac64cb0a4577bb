"""The app on a database with years of history in its archive: the start reads the main file
only, and the review of a day two years back reads the archive when it is asked for."""

from __future__ import annotations

from pathlib import Path

import orjson
import pendulum
import pytest
from ui_helpers import SIZE, make_app, shown

from tui_microgoals.core import archive_rule, models_day, models_goal
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store
from tui_microgoals.screens.review import ReviewScreen

NOW = pendulum.datetime(2026, 11, 20, 9, 0, tz="UTC")


def years_of_history(path: Path, days: int) -> None:
    """A micro-goal of a project done on six days a week for ``days`` days, a project a
    month; then today's open goal, planned. Kept in one file, then archived."""
    store = Store.open(path, FixedClock(NOW.subtract(days=days), "UTC"))
    project = None
    for n in range(days, 0, -1):
        store.clock = FixedClock(NOW.subtract(days=n), "UTC")
        if n % 30 == 0 or project is None:  # (each completes with its last step)
            project = store.add_goal(f"Project {n // 30}").id
        if n % 7:
            step = store.add_goal(f"Step of day {n}", parent=project, minutes=15)
            store.mark_done(step.id)
    store.clock = FixedClock(NOW, "UTC")
    today = store.add_goal("Today's step", minutes=15)
    store.plan([today.id])
    store.archive_old()


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many goal, day and block documents are parsed (each ``from_doc``)."""
    counts = {"goals": 0, "days": 0, "blocks": 0}
    for name, cls in (
        ("goals", models_goal.Goal),
        ("days", models_day.Day),
        ("blocks", models_day.Block),
    ):
        original = cls.from_doc.__func__  # type: ignore[attr-defined]

        def counting(klass, *args, _original=original, _name=name, **kwargs):  # noqa: ANN001, ANN002, ANN003
            counts[_name] += 1
            return _original(klass, *args, **kwargs)

        monkeypatch.setattr(cls, "from_doc", classmethod(counting))
    return counts


async def start_and_count(path: Path, parses: dict[str, int]) -> int:
    for name in parses:
        parses[name] = 0
    clock = FixedClock(NOW, "UTC")
    app = make_app(Store.open(path, clock), clock)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, lambda text: "Today's step" in text)
        await app.workers.wait_for_complete()
        assert app.session.store.storage.history_unread()
    return sum(parses.values())


async def test_the_start_parses_the_same_whatever_the_history(tmp_path: Path, parses) -> None:
    one, three = tmp_path / "one" / "db.json", tmp_path / "three" / "db.json"
    one.parent.mkdir()
    three.parent.mkdir()
    years_of_history(one, 365)
    years_of_history(three, 3 * 365)
    parsed_one = await start_and_count(one, parses)
    parsed_three = await start_and_count(three, parses)
    # the open goals and the recent days (about 90 of them, their steps and projects)
    assert parsed_three == parsed_one, (parsed_one, parsed_three)
    assert parsed_three <= 3 * archive_rule.KEEP_DAYS + 10, parsed_three


async def test_a_day_two_years_back_is_reviewed_from_the_archive(tmp_path: Path) -> None:
    path = tmp_path / "db.json"
    years_of_history(path, 3 * 365)
    clock = FixedClock(NOW, "UTC")
    app = make_app(Store.open(path, clock), clock)
    day = NOW.date().subtract(days=2 * 365)  # a Wednesday with a step done
    assert (2 * 365) % 7
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, lambda text: "Today's step" in text)
        store = app.session.store
        assert store.storage.history_unread()  # the start read no archive
        app.push_screen(ReviewScreen(app.session, day))
        text = await shown(pilot, lambda text: f"Step of day {2 * 365}" in text)
        assert f"Step of day {2 * 365}" in text
        assert "1 micro-goal done" in text
        read, chunks = store.storage.history_share()  # the months it needs, not three years
        assert 0 < read <= 6 < 30 < chunks, (read, chunks)
        app.pop_screen()  # the tree shows what it showed: no old project read in for the review
        text = await shown(pilot, lambda text: "Today's step" in text)
        assert f"Project {2 * 365 // 30} " not in text, text
        app.push_screen(ReviewScreen(app.session, day))
        await shown(pilot, lambda text: f"Step of day {2 * 365}" in text)
        await pilot.press("t")  # back to today's review: still right
        text = await shown(pilot, lambda text: "today" in text.splitlines()[0])
        assert "today" in text.splitlines()[0]


async def test_the_app_archives_old_history_by_itself_off_the_key_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tui_microgoals.core import store_archive

    path = tmp_path / "db.json"
    store = Store.open(path, FixedClock(NOW.subtract(days=200), "UTC"))
    old = store.add_goal("Old project")
    store.mark_done(store.add_goal("Old step", parent=old.id).id)
    store.clock = FixedClock(NOW, "UTC")
    store.plan([store.add_goal("Today's step", minutes=15).id])
    monkeypatch.setattr(store_archive, "ARCHIVE_FIRST_AT", 3)  # (due with a few documents)
    clock = FixedClock(NOW, "UTC")
    app = make_app(Store.open(path, clock), clock)
    async with app.run_test(size=SIZE) as pilot:
        await shown(pilot, lambda text: "Today's step" in text)
        archive = path.with_name("db.json.archive")
        for _ in range(50):  # bounded: the pass starts after the first frame, in a thread
            await pilot.pause()
            await app.workers.wait_for_complete()
            if archive.exists():
                break
        assert archive.exists()
        await pilot.press("a")  # the app goes on as before: a change after the pass
        await pilot.pause()
    fresh = Store.open(path, clock)
    assert set(orjson.loads(path.read_bytes())["goals"]) == {"3"}
    assert fresh.goal(old.id).title == "Old project"  # from the archive
    assert not Store.open(path, clock).archive_due()

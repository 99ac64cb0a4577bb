"""The day's review lists the values a sync superseded that day (issue 15, "nothing
silent"): in the review, and in ``microgoals review`` as text, Markdown and JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tui_microgoals import cli
from tui_microgoals.core import report
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store
from tui_microgoals.core.sync import Syncer


@pytest.fixture
def laptop(tmp_path: Path, clock: FixedClock) -> Store:
    """A laptop whose title of goal 1 lost to the desktop's, in a sync at 09:00 UTC."""
    folder = tmp_path / "shared"
    folder.mkdir()
    stores = []
    for name in ("laptop", "desktop"):
        (tmp_path / name).mkdir()
        store = Store.open(tmp_path / name / "db.json", clock)
        Syncer(store).init(folder=folder)
        stores.append(store)
    laptop, desktop = stores
    goal = laptop.add_goal("Draft")
    Syncer(laptop).run()
    Syncer(desktop).run()
    laptop.edit_goal(goal.id, title="Draft on the laptop")
    clock.advance(minutes=1)
    on_desktop = next(g.id for g in desktop.goals().values() if g.title == "Draft")
    desktop.edit_goal(on_desktop, title="Draft on the desktop")
    Syncer(desktop).run()
    assert len(Syncer(laptop).run().superseded) == 1
    return laptop


def test_the_review_of_the_day_lists_the_superseded_value(laptop: Store, clock: FixedClock):
    review = laptop.review(clock.today())
    assert len(review.superseded) == 1
    line = review.superseded[0]
    assert "title" in line and '"Draft on the laptop"' in line and "Draft on the desktop" in line
    text = report.render(review, laptop.goals(), "text", clock.tz)
    assert f"{report.SUPERSEDED}:\n  {line}\n" in text
    md = report.render(review, laptop.goals(), "md", clock.tz)
    assert f"### {report.SUPERSEDED}\n- " in md
    assert json.loads(report.render(review, laptop.goals(), "json"))["superseded"] == [line]


def test_another_day_and_a_store_without_sync_list_nothing(
    laptop: Store, clock: FixedClock, store: Store
):
    other_day = laptop.review(clock.today().add(days=1))
    assert other_day.superseded == []
    assert report.SUPERSEDED not in report.render(other_day, laptop.goals(), "text")
    assert report.SUPERSEDED not in report.render(other_day, laptop.goals(), "md")
    alone = store.review()  # (memory and file, never set up)
    assert alone.superseded == []
    assert json.loads(report.render(alone, store.goals(), "json"))["superseded"] == []


def test_microgoals_review_says_it(laptop: Store, clock: FixedClock, capsys, monkeypatch):
    monkeypatch.setenv("MICROGOALS_TZ", clock.tz)
    day = clock.today().isoformat()
    db = str(laptop.path)
    assert cli.main(["--db", db, "review", "--date", day]) == 0
    text = capsys.readouterr().out
    assert report.SUPERSEDED in text and "Draft on the desktop" in text
    assert cli.main(["--db", db, "review", "--date", day, "--format", "md"]) == 0
    assert f"### {report.SUPERSEDED}" in capsys.readouterr().out
    assert cli.main(["--db", db, "--json", "review", "--date", day]) == 0
    assert len(json.loads(capsys.readouterr().out)["superseded"]) == 1

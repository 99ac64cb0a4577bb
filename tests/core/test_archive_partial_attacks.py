"""Attacks on the archive's partial reads (issue 16): a view that read some months of the
archive (an old day's review) must not change what a command does, nor what the files hold,
compared with a process that read the whole archive or none of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pendulum
import pytest

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store

NOW = pendulum.datetime(2026, 11, 20, 9, 0, tz="UTC")
#: The first day of each month a project was finished in, a year and more back.
MONTHS = [NOW.subtract(days=400 + 31 * n) for n in range(6)]


def opened(path: Path, when: pendulum.DateTime = NOW) -> Store:
    return Store.open(path, FixedClock(when, "UTC"))


def build(path: Path) -> dict[str, int]:
    """A finished top-level project in each of six old months (a step done on a planned
    day), then three open top-level goals; archived."""
    ids: dict[str, int] = {}
    for n, when in enumerate(reversed(MONTHS)):
        store = opened(path, when)
        project = store.add_goal(f"Old project {n}", minutes=None)
        step = store.add_goal(f"Old step {n}", parent=project.id, minutes=15)
        store.plan([step.id])
        store.mark_done(step.id)
        ids[f"project{n}"], ids[f"step{n}"] = project.id, step.id
    store = opened(path)
    for n in range(3):
        ids[f"open{n}"] = store.add_goal(f"Open {n}", minutes=15).id
    assert store.archive_old()["archived"] >= 12
    return ids


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("partial") / "db.json"
    return path, build(path)


def copied(source: Path, where: Path) -> Path:
    where.mkdir()
    for item in source.parent.iterdir():
        if item.name.startswith(source.name):
            shutil.copy2(item, where / item.name)
    return where / source.name


def everything(path: Path) -> dict[str, dict]:
    store = opened(path)
    store.read_history()
    tables = store.export()["tables"]
    return {name: tables.get(name, {}) for name in ("goals", "blocks", "days")}


def read(store: Store, how: str) -> None:
    """Read none of the archive, the month of one old day's review, or all of it."""
    if how == "partial":
        store.review(MONTHS[2].date())
        share = store.storage.history_share()
        assert 0 < share[0] < share[1], share
    elif how == "whole":
        store.read_history()


@pytest.mark.parametrize(
    ("goal", "delta"), [("open1", -1), ("open0", 1), ("project3", 1), ("project3", -1)]
)
def test_a_move_after_an_old_days_review_does_what_it_does_unread_or_read_whole(
    archived, tmp_path: Path, goal: str, delta: int
) -> None:
    """Moving a top-level goal renumbers its siblings: the archived goals an old day's
    review read in were renumbered with them (and written back to the main file), those
    not read were not, so the same key gave three orders (none read, some, all)."""
    source, ids = archived
    found = {}
    for how in ("none", "partial", "whole"):
        path = copied(source, tmp_path / how)
        store = opened(path)
        read(store, how)
        store.move(ids[goal], delta)
        found[how] = everything(path)
    assert found["partial"] == found["whole"]
    assert found["none"] == found["whole"]

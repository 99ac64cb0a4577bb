"""The streaks across the archive's horizon (issue 16): a habit kept up (or something done
every day) for more than a year no longer keeps a year of history in the main file; the
pass keeps how each run stood at the horizon, and every streak is the same number as on
the same database never archived."""

from __future__ import annotations

from pathlib import Path

import orjson
import pendulum
import pytest
from habit_years import DAILY, MISSED, NOW, START, THREE, TODAY, WEEKDAYS, write
from pendulum import Date

from tui_microgoals.core import archive_rule, kept_runs, report
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.review import goal_done_days, habit_days, streak
from tui_microgoals.core.store import Store


def at(when: pendulum.DateTime) -> FixedClock:
    return FixedClock(when, "UTC")


def opened(path: Path, when: pendulum.DateTime = NOW) -> Store:
    return Store.open(path, at(when))


@pytest.fixture
def twins(tmp_path: Path) -> tuple[Path, Path]:
    """The same database twice: the first is archived by the test, the second never."""
    return write(tmp_path / "archived" / "db.json"), write(tmp_path / "plain" / "db.json")


def main_days(path: Path) -> set[Date]:
    doc = orjson.loads(path.read_bytes())
    return {Date.fromordinal(int(k)) for k in doc["days"]}


def today_streak(store: Store, date: Date) -> int:
    """The overall streak as Today's status line works it out (``screens/main.py``)."""
    active = goal_done_days(store.goals()) | habit_days(store.days())
    return streak(active, date, runs=store.kept_runs(date))


def habit_streaks(store: Store, date: Date) -> dict[int, int]:
    return {goal.id: n for goal, n in store.habit_streaks(date)}


def test_a_habit_kept_up_no_longer_holds_the_horizon_back(twins) -> None:
    archived, _ = twins
    opened(archived).archive_old()
    store = opened(archived)
    horizon = store.horizon()
    assert horizon is not None
    first_kept = TODAY.subtract(days=archive_rule.KEEP_DAYS)
    # the Monday on or before KEEP_DAYS ago, not the start of the runs 400 days back
    assert horizon.weekday() == 0 and first_kept.subtract(days=6) <= horizon <= first_kept
    assert min(main_days(archived)) == horizon
    runs = store.kept_runs(TODAY)
    assert runs is not None and runs.before == horizon
    assert runs.streak == (horizon - START).days  # every day before it
    assert set(runs.habits) == {DAILY, WEEKDAYS, THREE}


def test_every_streak_after_the_horizon_is_as_if_never_archived(twins) -> None:
    archived, plain = twins
    opened(archived).archive_old()
    store, never = opened(archived), opened(plain)
    horizon = store.horizon()
    assert horizon is not None
    day = horizon
    while day <= TODAY:  # Today's line and the review's habits, on every day
        assert today_streak(store, day) == today_streak(never, day), day
        assert habit_streaks(store, day) == habit_streaks(never, day), day
        day = day.add(days=1)
    assert store.storage.history_unread()  # all from the main file and the kept figures
    assert today_streak(store, TODAY) == 401
    streaks = habit_streaks(store, TODAY)
    assert streaks[DAILY] == 401 and streaks[THREE] > 3 * 52
    # today's review, its JSON (`review --json`) and the review of a day just after it
    review, plain_review = store.review(), never.review()
    assert review.streak == plain_review.streak == 401
    assert store.storage.history_unread()
    as_json = orjson.loads(report.render(review, store.goals(), "json"))
    assert as_json["streak"] == 401
    after = horizon.add(days=2)
    assert opened(archived).review(after).streak == never.review(after).streak
    assert habit_streaks(opened(archived), after) == habit_streaks(never, after)


def test_a_run_broken_after_the_horizon_adds_nothing_kept(twins) -> None:
    archived, plain = twins
    opened(archived).archive_old()
    store, never = opened(archived), opened(plain)
    runs = store.kept_runs(TODAY)
    assert runs is not None and runs.habits[WEEKDAYS] > 150
    since_missed = habit_streaks(store, TODAY)[WEEKDAYS]
    assert since_missed == habit_streaks(never, TODAY)[WEEKDAYS] == 22  # weekdays since
    before_missed = MISSED.subtract(days=1)
    assert habit_streaks(store, before_missed) == habit_streaks(never, before_missed)
    assert habit_streaks(store, before_missed)[WEEKDAYS] > runs.habits[WEEKDAYS]


def test_a_newer_pass_counts_the_runs_again_not_on_top(tmp_path: Path) -> None:
    later = NOW.add(days=21)
    archived = write(tmp_path / "a" / "db.json", until=later.date())
    plain = write(tmp_path / "p" / "db.json", until=later.date())
    opened(archived).archive_old()
    first = opened(archived).kept_runs(TODAY)
    opened(archived, later).archive_old()
    store, never = opened(archived, later), opened(plain, later)
    second = store.kept_runs(later.date())
    assert first is not None and second is not None
    assert second.before == first.before.add(days=21)
    assert second.streak == first.streak + 21
    assert second.habits[DAILY] == first.habits[DAILY] + 21
    assert store.review().streak == never.review().streak == 422
    assert habit_streaks(store, later.date()) == habit_streaks(never, later.date())
    assert store.storage.history_unread()


@pytest.mark.parametrize(
    "runs",
    [
        "not a dict",
        {"before": "2026-07-20", "streak": "many", "habits": {}},
        {"before": "2026-07-20", "streak": 3, "habits": {"1": -4}},
        {"before": "2026-07-20", "streak": 3, "habits": {"x": 2}},
        {"before": "2026-07-20", "streak": 3, "habits": []},
        {"before": "1999-01-04", "streak": 3, "habits": {}},  # another horizon's
    ],
    ids=["type", "streak", "count", "key", "habits", "horizon"],
)
def test_a_damaged_kept_figure_is_ignored_safely(twins, runs) -> None:
    """Counted from the main file alone until the next pass: short, never a traceback."""
    archived, _ = twins
    opened(archived).archive_old()
    store = opened(archived)
    store.storage.fold()
    doc = orjson.loads(archived.read_bytes())
    assert doc["archive"]["1"]["before"] == "2026-07-20"
    doc["archive"]["1"]["kept"]["runs"] = runs
    archived.write_bytes(orjson.dumps(doc))
    damaged = opened(archived)
    assert damaged.kept_runs(TODAY) is None
    assert damaged.review().streak == len(main_days(archived))  # from the main file
    assert habit_streaks(damaged, TODAY)[DAILY] == len(main_days(archived))
    damaged.archive_old()  # the next pass writes them again
    assert opened(archived).review().streak == 401


def test_an_archive_from_before_the_kept_runs_counts_as_it_did(twins) -> None:
    """Its horizon was moved back until no run crossed it: nothing kept, nothing added."""
    archived, _ = twins
    opened(archived).archive_old()
    opened(archived).storage.fold()
    doc = orjson.loads(archived.read_bytes())
    del doc["archive"]["1"]["kept"][kept_runs.KEY]
    archived.write_bytes(orjson.dumps(doc))
    assert opened(archived).kept_runs(TODAY) is None


def test_the_rule_adds_the_figure_only_to_a_run_that_reached_the_horizon() -> None:
    """``Runs.add``: the kept figure only on a run that reached the horizon, for a day on
    or after it."""
    runs = kept_runs.Runs(Date(2026, 7, 20), streak=10, habits={1: 4})
    horizon = runs.before
    assert runs.add(3, horizon.add(days=2), horizon.subtract(days=1), 10) == 13
    assert runs.add(2, horizon.add(days=2), horizon, 10) == 2  # broke on the horizon
    assert runs.add(0, horizon.subtract(days=1), horizon.subtract(days=2), 10) == 0
    assert kept_runs.runs_of({"runs": runs.to_doc()}, "2026-07-20") == runs

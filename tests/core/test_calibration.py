"""Issue 17, calibrated estimates: the samples, their medians, and the store's kept figure."""

from __future__ import annotations

from dataclasses import replace

import orjson
import pytest

from tui_microgoals.core import calibration, report
from tui_microgoals.core.calibration import MIN_SAMPLES, Calibration, Ratio, Sample, calibrate
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import InputError
from tui_microgoals.core.store import Store


def sample(ratio: float, root: int = 1, estimate: int = 10, goal: int = 0) -> Sample:
    return Sample(goal, root, estimate, ratio * estimate * 60)


def work(store: Store, clock: FixedClock, goal_id: int, minutes: float, **end: str) -> None:
    """One block of ``minutes`` of focus on the goal, ended done (or as ``end`` says)."""
    store.start_block(goal_id, 90)
    clock.advance(minutes=minutes)
    store.stop_block(end.get("outcome", "done"))
    clock.advance(minutes=5)


def history(store: Store, clock: FixedClock, root: int, actual: list[float], est: int = 10) -> None:
    """Micro-goals under ``root``, each estimated ``est`` and done in its ``actual`` minutes."""
    for minutes in actual:
        goal = store.add_goal("step", parent=root, minutes=est)
        work(store, clock, goal.id, minutes)


# -- the pure figure -----------------------------------------------------------------------


def test_below_the_minimum_there_is_no_ratio_and_the_app_says_so() -> None:
    found = calibrate([sample(2.0)] * (MIN_SAMPLES - 2))
    assert found == Calibration(None, {}, 3)
    assert not found.enough
    expected = "not enough data yet: 3 of 5 done micro-goals with an estimate and a block"
    assert calibration.words(found, 15) == expected
    assert calibration.summary_words(found) == expected


def test_the_ratio_is_the_median_odd_count() -> None:
    found = calibrate([sample(r) for r in (1.0, 3.0, 1.4, 0.5, 1.5)])
    assert found.overall == Ratio(14, 5)
    assert found.overall.value == 1.4
    assert calibration.words(found, 15) == (
        "you usually take 1.4x your estimate: 15 → about 21 min (from 5 done micro-goals)"
    )


def test_the_ratio_is_the_median_even_count_the_mean_of_the_middle_two() -> None:
    # Middle two: 1.2 and 1.5 -> 1.35 -> 1.4 (half up); an outlier moves nothing.
    found = calibrate([sample(r) for r in (1.0, 1.2, 1.5, 9.0, 1.1, 2.0)])
    assert found.overall == Ratio(14, 6)


def test_rounding_ratio_to_tenths_and_minutes_to_whole() -> None:
    assert calibrate([sample(1.24)] * 5).overall == Ratio(12, 5)
    assert calibrate([sample(1.25)] * 5).overall == Ratio(13, 5)
    assert Ratio(14, 5).minutes(15) == 21
    assert Ratio(13, 5).minutes(5) == 7  # 6.5 -> 7, half up
    assert Ratio(1, 5).minutes(2) == 1  # never 0 minutes


def test_a_root_with_five_samples_has_its_own_ratio_against_the_overall() -> None:
    slow = [sample(2.0, root=1) for _ in range(5)]
    quick = [sample(1.0, root=2) for _ in range(4)]  # one short of its own
    found = calibrate(slow + quick + [sample(1.0, root=3)] * 3)
    assert found.samples == 12
    assert found.overall == Ratio(10, 12)  # five 2.0s, seven 1.0s
    assert found.by_root == {1: Ratio(20, 5)}
    assert found.ratio_for(1) == Ratio(20, 5)
    assert found.ratio_for(2) == found.overall
    assert calibration.words(found, 15, root=1, root_title="Essay") == (
        "under 'Essay' you usually take 2.0x your estimate: 15 → about 30 min "
        "(from 5 done micro-goals)"
    )
    assert calibration.words(found, 15, root=2, root_title="Other").startswith(
        "you usually take 1.0x"
    )


# -- samples from a fixed history ------------------------------------------------------------


def test_samples_from_a_history(store: Store, clock: FixedClock) -> None:
    essay = store.add_goal("Essay")
    history(store, clock, essay.id, [12, 14, 15, 30])
    # Ignored: no estimate; an estimate but done without a block; still open; a block of no
    # focus; a goal with steps (its steps count, not it).
    bare = store.add_goal("no estimate", parent=essay.id)
    work(store, clock, bare.id, 20)
    store.mark_done(store.add_goal("no block", parent=essay.id, minutes=10).id)
    open_one = store.add_goal("open", parent=essay.id, minutes=10)
    work(store, clock, open_one.id, 20, outcome="partial")
    nothing = store.add_goal("no focus", parent=essay.id, minutes=10)
    work(store, clock, nothing.id, 0)
    found = store.calibration()
    assert found is not None and found.samples == 4 and not found.enough
    # Two blocks on one micro-goal add up: 8 + 10 minutes on 10 estimated -> 1.8.
    two = store.add_goal("two blocks", parent=essay.id, minutes=10)
    work(store, clock, two.id, 8, outcome="partial")
    work(store, clock, two.id, 10)
    samples = calibration.samples_from(store.goals(), store.blocks(), clock.now())
    assert [round(s.ratio, 2) for s in samples] == [1.2, 1.4, 1.5, 3.0, 1.8]
    assert {s.root for s in samples} == {essay.id}
    found = store.calibration()
    assert found is not None
    assert found.overall == Ratio(15, 5)
    assert found.by_root == {essay.id: Ratio(15, 5)}


def test_a_running_block_is_not_counted(store: Store, clock: FixedClock) -> None:
    root = store.add_goal("Root")
    history(store, clock, root.id, [20] * 5)
    blocks = store.blocks()
    # The last one still running (a goal marked done on another device meanwhile): its
    # time is not known yet, so that micro-goal is no sample.
    running = [*blocks[:-1], replace(blocks[-1], ended_at=None, outcome=None)]
    clock.advance(minutes=60)
    samples = calibration.samples_from(store.goals(), running, clock.now())
    assert [s.ratio for s in samples] == [2.0] * 4
    assert [s.ratio for s in calibration.samples_from(store.goals(), blocks, clock.now())] == [
        2.0
    ] * 5


def test_the_store_keeps_the_figure_until_a_goal_or_block_changes(
    store: Store, clock: FixedClock
) -> None:
    root = store.add_goal("Root")
    history(store, clock, root.id, [15] * 5)
    first = store.calibration()
    assert first is not None and first.overall == Ratio(15, 5)
    assert store.calibration() is first  # kept
    history(store, clock, root.id, [30] * 6)
    again = store.calibration()
    assert again is not None and again.overall == Ratio(30, 11)
    store.undo()  # the last micro-goal's done goes back: the middle two are 1.5 and 3.0
    undone = store.calibration()
    assert undone is not None and undone.overall == Ratio(23, 10)


def test_the_setting_turns_it_off_and_round_trips_through_undo(store: Store) -> None:
    assert store.settings()["calibration"] == "on"
    assert store.calibration() is not None
    assert store.set_setting("calibration", "off")["calibration"] == "off"
    assert store.calibration() is None
    assert store.log(1)[0].what == "turned calibration off"
    store.undo()
    assert store.settings()["calibration"] == "on"
    store.redo()
    assert store.settings()["calibration"] == "off"
    with pytest.raises(InputError, match="calibration is on or off, not 'maybe'"):
        store.set_setting("calibration", "maybe")


def test_the_review_carries_it(store: Store, clock: FixedClock) -> None:
    root = store.add_goal("Root")
    history(store, clock, root.id, [14] * 5)
    review = store.review()
    assert review.calibration is not None and review.calibration.overall == Ratio(14, 5)
    store.set_setting("calibration", "off")
    assert store.review().calibration is None


def test_the_review_json_key(store: Store, clock: FixedClock) -> None:
    root = store.add_goal("Essay")
    history(store, clock, root.id, [14] * 5)
    text = report.render(store.review(), store.goals(), "json")
    got = orjson.loads(text)["calibration"]
    assert got == {
        "ratio": 1.4,
        "samples": 5,
        "min_samples": 5,
        "by_root": [{"id": root.id, "title": "Essay", "ratio": 1.4, "samples": 5}],
    }
    assert (
        "Estimates: you usually take 1.4x your estimate "
        "(median of 5 done micro-goals; 1 top-level goal with its own)"
    ) in report.render(store.review(), store.goals(), "text")
    assert "_Estimates: you usually take 1.4x" in report.render(store.review(), store.goals(), "md")
    store.set_setting("calibration", "off")
    assert orjson.loads(report.render(store.review(), store.goals(), "json"))["calibration"] is None
    assert "Estimates" not in report.render(store.review(), store.goals(), "text")


def test_the_review_json_with_too_little_data(store: Store, clock: FixedClock) -> None:
    history(store, clock, store.add_goal("Root").id, [14] * 3)
    got = orjson.loads(report.render(store.review(), store.goals(), "json"))["calibration"]
    assert got == {"ratio": None, "samples": 3, "min_samples": 5, "by_root": []}


def test_the_plan_and_forecast_use_a_roots_own_ratio_else_the_overall(
    store: Store, clock: FixedClock
) -> None:
    slow, quick = store.add_goal("Slow"), store.add_goal("Quick")
    history(store, clock, slow.id, [20] * 5)  # 2.0x
    history(store, clock, quick.id, [10] * 5)  # 1.0x; overall: the median of ten, 1.5x
    due = clock.today().add(days=5)
    new = store.add_goal("New", due=due)
    steps = {
        store.add_goal("slow step", parent=slow.id, minutes=15).id: 30,
        store.add_goal("quick step", parent=quick.id, minutes=15).id: 15,
        store.add_goal("new step", parent=new.id, minutes=15).id: 23,  # 22.5, half up
    }
    plan = store.suggest_plan(capacity=600)
    assert {i.goal.id: i.paced for i in plan.items} == steps
    assert {i.goal.id: i.minutes for i in plan.items} == dict.fromkeys(steps, 15)
    reasons = {i.goal.id: i.reason for i in plan.items}
    assert reasons[next(iter(steps))].endswith("; 15m est., ~30m at your pace")
    assert "at your pace" not in reasons[list(steps)[1]]  # 1.0x: nothing to say
    [row] = [r for r in store.forecast(capacity=600) if r.goal.id == new.id]
    assert (row.remaining_minutes, row.paced_minutes) == (15, 23)
    assert row.why.endswith("; 15m est., ~23m at your pace")
    store.set_setting("calibration", "off")
    plan = store.suggest_plan(capacity=600)
    assert all(i.paced is None and "pace" not in i.reason for i in plan.items)
    [row] = [r for r in store.forecast(capacity=600) if r.goal.id == new.id]
    assert row.paced_minutes is None and "pace" not in row.why

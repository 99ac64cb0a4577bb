"""Moving clocks: jumps during a block, midnight, DST days in two zones, pendulum travel."""

from __future__ import annotations

import itertools

import pendulum
import pytest

from tui_microgoals.core import timer
from tui_microgoals.core.clock import Clock, FixedClock
from tui_microgoals.core.models import Block
from tui_microgoals.core.store import Store


def sane(block: Block, now: pendulum.DateTime) -> None:
    remaining = timer.remaining_seconds(block, now)
    focus = timer.focus_seconds(block, now)
    assert 0 <= remaining <= block.planned_seconds
    assert focus >= 0 and timer.paused_seconds(block, now) >= 0
    if block.ended_at is not None:
        assert block.ended_at >= block.started_at
        assert focus <= (block.ended_at - block.started_at).total_seconds()
    for pause in block.pauses:
        assert pause.end is None or pause.end >= pause.start


STEPS = ["back", "forward", "wait", "pause", "resume"]


@pytest.mark.parametrize("steps", list(itertools.product(STEPS, repeat=4)))
def test_clock_jumping_an_hour_during_a_block(steps: tuple[str, ...]) -> None:
    """Every order of four steps (625 cases): an hour back, an hour forward, a minute of
    work, a pause and a resume."""
    clock = FixedClock(pendulum.datetime(2026, 11, 22, 9), "Europe/Berlin")
    store = Store.memory(clock)
    block = store.start_block(store.add_goal("focus").id, 20)
    for step in steps:
        if step == "back":
            clock.advance(hours=-1)
        elif step == "forward":
            clock.advance(hours=1)
        elif step == "wait":
            clock.advance(minutes=1)
        elif step == "pause" and not block.paused:
            block = store.pause()
        elif step == "resume" and block.paused:
            block = store.resume()
        sane(store.running_block() or block, clock.now())
    ended = store.stop_block("done")
    sane(ended, clock.now())
    sane(ended, clock.now().add(hours=5))
    assert timer.focus_seconds(ended, clock.now()) <= ended.planned_seconds
    assert store.goal(ended.goal).status == "done"


class WallClock:
    """Stands in for ``pendulum.now``: a wall clock that can be set back and forth, as the
    system clock can (pendulum's own travel helpers need the optional time-machine)."""

    def __init__(self, start: pendulum.DateTime) -> None:
        self.at = start

    def __call__(self, tz: str | None = None) -> pendulum.DateTime:
        return self.at.in_timezone(tz or "UTC")


def test_the_real_clock_set_back_and_forward(monkeypatch: pytest.MonkeyPatch) -> None:
    wall = WallClock(pendulum.datetime(2026, 11, 22, 9))
    monkeypatch.setattr(pendulum, "now", wall)
    store = Store.memory(Clock("Europe/Berlin"))
    block = store.start_block(store.add_goal("real clock").id, 20)
    wall.at = wall.at.add(minutes=5)
    assert timer.remaining_seconds(block, store.clock.now()) == 15 * 60
    wall.at = wall.at.add(hours=-1)  # the wall clock is set back an hour
    assert timer.remaining_seconds(block, store.clock.now()) == 20 * 60
    paused = store.pause()
    wall.at = wall.at.add(hours=2)
    resumed = store.resume()
    sane(resumed, store.clock.now())
    wall.at = wall.at.add(minutes=30)
    assert timer.is_over(resumed, store.clock.now())
    ended = store.stop_block("partial")
    sane(ended, store.clock.now())
    assert ended.ended_at <= store.clock.now()
    assert paused.pauses[0].start < ended.ended_at


def test_a_block_across_midnight_counts_for_its_start_day() -> None:
    clock = FixedClock(pendulum.datetime(2026, 11, 22, 23, 50, tz="Europe/Berlin"), "Europe/Berlin")
    store = Store.memory(clock)
    goal = store.add_goal("late", today=True).id
    store.start_block(goal, 30)
    clock.advance(minutes=25)  # 00:15 on the 23rd
    store.stop_block("done")
    first, second = pendulum.date(2026, 11, 22), pendulum.date(2026, 11, 23)
    assert [b.goal for b in store.blocks_on(first)] == [goal]
    assert store.blocks_on(second) == []
    assert store.review(first).focus_minutes == 25
    assert store.review(second).focus_minutes == 0
    # the goal itself was finished after midnight: done on the 23rd
    assert [d.id for d in store.review(second).done] == [goal]
    history = {t.date: t.focus_minutes for t in store.history(second, days=2)}
    assert history == {first: 25, second: 0}


# (zone, local date, local start times of 20-minute blocks, expected hours in that day)
DST_DAYS = [
    ("Europe/Berlin", (2026, 3, 29), [(0, 30), (1, 50), (3, 10), (23, 45)], 23),
    ("America/New_York", (2026, 3, 8), [(0, 5), (1, 45), (3, 0), (23, 50)], 23),
    ("America/New_York", (2026, 11, 1), [(0, 40), (1, 30), (1, 55), (23, 45)], 25),
]


@pytest.mark.parametrize(("zone", "ymd", "starts", "hours"), DST_DAYS)
def test_focus_minutes_on_days_with_a_dst_change(
    zone: str, ymd: tuple[int, int, int], starts: list[tuple[int, int]], hours: int
) -> None:
    day = pendulum.date(*ymd)
    midnight = pendulum.datetime(*ymd, tz=zone)
    assert (midnight.add(days=1) - midnight).in_hours() == hours
    clock = FixedClock(midnight, zone)
    store = Store.memory(clock)
    ids = []
    for n, (hour, minute) in enumerate(starts):
        # A local wall time; pendulum resolves times in the gap forward and, on the
        # repeated hour, takes the first (DST) occurrence.
        clock.set(pendulum.datetime(*ymd, hour, minute, tz=zone))
        goal = store.add_goal(f"block {n}").id
        ids.append(goal)
        store.start_block(goal, 20)
        clock.advance(minutes=20)  # exactly 20 minutes of real time, across any switch
        store.stop_block("done")
    blocks = store.blocks_on(day)
    assert [b.goal for b in blocks] == ids
    for block in blocks:
        assert block.day == day
        assert timer.focus_seconds(block, clock.now()) == 20 * 60
    review = store.review(day)
    assert review.focus_minutes == 20 * len(starts)
    assert sorted(d.id for d in review.done) == ids[:-1]  # the last ends after midnight...
    assert [d.id for d in store.review(day.add(days=1)).done] == ids[-1:]
    assert store.review(day.add(days=1)).focus_minutes == 0  # ...but its block counts here
    assert store.review(day.subtract(days=1)).focus_minutes == 0


def test_block_across_the_repeated_hour_in_new_york() -> None:
    """01:50 EDT + 20 minutes is 01:10 EST: wall-clock arithmetic would say -40 minutes."""
    zone = "America/New_York"
    start = pendulum.datetime(2026, 11, 1, 5, 50, tz="UTC")  # 01:50 EDT
    assert start.in_timezone(zone).format("HH:mm zz") == "01:50 EDT"
    clock = FixedClock(start, zone)
    store = Store.memory(clock)
    store.start_block(store.add_goal("fall back").id, 20)
    clock.advance(minutes=20)
    assert clock.local_now().format("HH:mm zz") == "01:10 EST"
    ended = store.stop_block("done")
    assert timer.focus_seconds(ended, clock.now()) == 1200
    assert ended.day == pendulum.date(2026, 11, 1)
    assert store.review(pendulum.date(2026, 11, 1)).focus_minutes == 20


def test_zone_changes_between_runs_keep_the_block_on_its_start_day() -> None:
    """The same file opened with another zone (``MICROGOALS_TZ`` changed between runs)."""
    instant = pendulum.datetime(2026, 11, 22, 23, 30, tz="UTC")  # 22nd in NY, 23rd in Tokyo
    store = Store.memory(FixedClock(instant, "Asia/Tokyo"))
    goal = store.add_goal("abroad", today=True).id
    block = store.start_block(goal, 20)
    assert block.day == pendulum.date(2026, 11, 23) and block.tz == "Asia/Tokyo"
    store.clock = FixedClock(instant.add(minutes=10), "America/New_York")  # the next run
    assert store.running_block() == block
    ended = store.stop_block("done")
    assert ended.day == pendulum.date(2026, 11, 23) and ended.tz == "Asia/Tokyo"
    assert store.clock.today() == pendulum.date(2026, 11, 22)
    assert [i.goal.id for i in store.today()] == []  # planned for the 23rd: not yet here
    assert store.blocks_on(pendulum.date(2026, 11, 23)) == [ended]
    assert store.review(pendulum.date(2026, 11, 23)).focus_minutes == 10
    assert [d.id for d in store.review().done] == [goal]  # finished on the 22nd, NY time

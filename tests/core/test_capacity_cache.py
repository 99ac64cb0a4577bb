"""The usual day's capacity is kept between asks, and worked out again whenever what it is made
of changes: a block of ours, a block another process saved, the date, the setting."""

from __future__ import annotations

import pendulum

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store


def work(store: Store, clock: FixedClock, goal: int, day: int, minutes: int) -> None:
    clock.set(pendulum.datetime(2026, 11, day, 8, tz="UTC"))
    store.start_block(goal, minutes)
    clock.advance(minutes=minutes)
    store.stop_block("partial")


def test_capacity_follows_new_blocks_dates_and_the_setting(store: Store, clock: FixedClock) -> None:
    goal = store.add_goal("Write", every="daily").id
    for day, minutes in ((18, 20), (19, 40), (21, 60)):
        work(store, clock, goal, day, minutes)
    clock.set(pendulum.datetime(2026, 11, 22, 8, tz="UTC"))
    assert store.capacity() == 40
    assert store.capacity() == 40  # asked again: the same
    work(store, clock, goal, 20, 90)  # a fourth day: 20, 40, 60, 90
    clock.set(pendulum.datetime(2026, 11, 22, 8, tz="UTC"))
    assert store.capacity() == 50
    # The next day counts today's block too; a day later still, the oldest day has gone.
    work(store, clock, goal, 22, 80)
    clock.set(pendulum.datetime(2026, 11, 23, 8, tz="UTC"))
    assert store.capacity() == 60  # 20, 40, 60, 80, 90
    clock.set(pendulum.datetime(2026, 12, 3, 8, tz="UTC"))  # 18 Nov is 15 days back
    assert store.capacity() == 70  # 40, 60, 80, 90
    clock.set(pendulum.datetime(2026, 12, 5, 8, tz="UTC"))  # 21 and 22 Nov left: too few
    assert store.capacity() == 120
    store.set_setting("capacity", 80)
    assert store.capacity() == 80


def test_capacity_sees_another_process_block(tmp_path, clock: FixedClock) -> None:  # noqa: ANN001
    path = tmp_path / "db.json"
    app = Store.open(path, clock)
    goal = app.add_goal("Write", every="daily").id
    for day, minutes in ((18, 20), (19, 40), (21, 60)):
        work(app, clock, goal, day, minutes)
    clock.set(pendulum.datetime(2026, 11, 22, 8, tz="UTC"))
    assert app.capacity() == 40
    shell = Store.open(path, clock)
    work(shell, clock, goal, 20, 90)
    clock.set(pendulum.datetime(2026, 11, 22, 8, tz="UTC"))
    assert app.capacity() == 50


def test_a_block_still_running_from_yesterday_keeps_counting(
    store: Store, clock: FixedClock
) -> None:
    goal = store.add_goal("Write", every="daily").id
    for day, minutes in ((18, 20), (19, 60)):
        work(store, clock, goal, day, minutes)
    # 23:30 on the 21st in Berlin (the test zone), still running after local midnight.
    clock.set(pendulum.datetime(2026, 11, 21, 22, 30, tz="UTC"))
    store.start_block(goal, 90)
    clock.advance(minutes=40)
    assert clock.today() == pendulum.date(2026, 11, 22)
    assert store.capacity() == 40  # 20, 60 and the running block's 40 so far
    clock.advance(minutes=30)
    assert store.capacity() == 60  # 20, 60, 70: the median moved with the clock

"""Focus blocks: one at a time, pauses, interruptions, extend, outcomes, the day they count for."""

from __future__ import annotations

from collections.abc import Callable

import pendulum
import pytest

from tui_microgoals.core import timer
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import Conflict, InputError, NotFound
from tui_microgoals.core.store import Store

Reopen = Callable[[Store], Store]
MIN = 60


@pytest.fixture
def goal_id(store: Store) -> int:
    return store.add_goal("Draft intro", minutes=20).id


def remaining(store: Store) -> float:
    block = store.running_block()
    assert block is not None
    return timer.remaining_seconds(block, store.clock.now())


def test_start_records_the_block(store: Store, goal_id: int, reopen: Reopen) -> None:
    block = store.start_block(goal_id)
    running = reopen(store).running_block()
    assert running == block
    assert (running.goal, running.planned_seconds, running.day) == (
        goal_id,
        20 * MIN,
        pendulum.date(2026, 11, 22),
    )
    assert running.started_at == store.clock.now()
    assert running.tz == "Europe/Berlin"
    assert remaining(store) == 20 * MIN


def test_block_length_comes_from_settings_and_is_bounded(store: Store, goal_id: int) -> None:
    for minutes in (4, 91, -1):
        with pytest.raises(InputError):
            store.start_block(goal_id, minutes)
    assert store.running_block() is None
    store.set_setting("block_minutes", 15)
    assert store.start_block(goal_id).planned_seconds == 20 * MIN  # its estimate
    store.stop_block()
    unsized = store.add_goal("no estimate").id
    assert store.start_block(unsized).planned_seconds == 15 * MIN  # the setting
    store.stop_block()
    assert store.start_block(goal_id, 90).planned_seconds == 90 * MIN


def test_at_most_one_block_runs(store: Store, goal_id: int, reopen: Reopen) -> None:
    other = store.add_goal("other").id
    store.start_block(goal_id)
    with pytest.raises(Conflict, match="already running"):
        store.start_block(other)
    with pytest.raises(Conflict, match="already running"):
        reopen(store).start_block(other)  # another process on the same file sees it too
    assert len(store.blocks()) == 1


def test_blocks_only_on_open_leaves(store: Store, goal_id: int) -> None:
    parent = store.add_goal("parent").id
    store.add_goal("kid", parent=parent)
    with pytest.raises(InputError, match="micro-goals"):
        store.start_block(parent)
    with pytest.raises(NotFound):
        store.start_block(999)
    store.mark_done(goal_id)
    with pytest.raises(Conflict, match="done"):
        store.start_block(goal_id)
    assert store.blocks() == []


def test_pause_and_resume(store: Store, clock: FixedClock, goal_id: int, reopen: Reopen) -> None:
    store.start_block(goal_id)
    clock.advance(minutes=5)
    store.pause()
    assert reopen(store).running_block().paused  # type: ignore[union-attr]
    clock.advance(minutes=30)
    assert remaining(store) == 15 * MIN  # a paused block does not count down
    with pytest.raises(Conflict, match="already paused"):
        store.pause()
    store.resume()
    clock.advance(minutes=3)
    assert remaining(store) == 12 * MIN
    with pytest.raises(Conflict, match="not paused"):
        store.resume()
    assert store.toggle_pause().paused
    assert not store.toggle_pause().paused
    block = store.running_block()
    assert block is not None and len(block.pauses) == 2


def test_commands_need_a_running_block(store: Store) -> None:
    for action in (store.pause, store.resume, store.interrupt, store.extend, store.stop_block):
        with pytest.raises(Conflict, match="no block"):
            action()


def test_interruptions_are_recorded(store: Store, clock: FixedClock, goal_id: int) -> None:
    store.start_block(goal_id)
    clock.advance(minutes=2)
    store.interrupt("door\x1b[31mbell\x07 [b]x[/b]")
    clock.advance(minutes=1)
    block = store.interrupt()
    assert [(i.at, i.note) for i in block.interruptions] == [
        (clock.now().subtract(minutes=1), "doorbell [b]x[/b]"),
        (clock.now(), ""),
    ]
    assert remaining(store) == 17 * MIN  # interruptions are recorded, not subtracted


def test_extend_adds_time(store: Store, clock: FixedClock, goal_id: int) -> None:
    store.start_block(goal_id)
    clock.advance(minutes=10)
    assert store.extend().planned_seconds == 25 * MIN
    clock.advance(minutes=40)  # 50 min of focus: time ran out 25 min ago
    assert remaining(store) == 0
    block = store.extend(5)
    assert block.planned_seconds == 55 * MIN  # counted from now
    assert remaining(store) == 5 * MIN


@pytest.mark.parametrize(
    ("outcome", "status"), [("done", "done"), ("partial", "open"), ("abandoned", "open")]
)
def test_stop_outcomes(
    store: Store, clock: FixedClock, goal_id: int, outcome: str, status: str, reopen: Reopen
) -> None:
    store.start_block(goal_id)
    clock.advance(minutes=12)
    block = store.stop_block(outcome, "  felt  good ")
    again = reopen(store)
    assert again.running_block() is None
    assert again.block(block.id).outcome == outcome
    assert again.block(block.id).reflection == "felt good"
    assert again.block(block.id).ended_at == clock.now()
    assert timer.focus_seconds(again.block(block.id), clock.now().add(hours=5)) == 12 * MIN
    assert again.goal(goal_id).status == status


def test_bad_outcome_is_refused(store: Store, goal_id: int) -> None:
    store.start_block(goal_id)
    with pytest.raises(InputError, match="outcome"):
        store.stop_block("maybe")
    assert store.running_block() is not None


def test_mark_done_during_its_block_finishes_the_block(
    store: Store, clock: FixedClock, goal_id: int
) -> None:
    block = store.start_block(goal_id)
    clock.advance(minutes=7)
    store.mark_done(goal_id)
    assert store.running_block() is None
    assert store.block(block.id).outcome == "done"
    assert store.goal(goal_id).status == "done"


def test_goal_with_a_running_block_cannot_be_deleted_or_dropped(store: Store, goal_id: int) -> None:
    store.start_block(goal_id)
    with pytest.raises(Conflict, match="running"):
        store.delete(goal_id)
    with pytest.raises(Conflict, match="running"):
        store.drop(goal_id)
    assert store.goal(goal_id).status == "open"


def test_a_block_counts_for_the_local_day_it_started(
    store: Store, clock: FixedClock, goal_id: int
) -> None:
    clock.set(pendulum.datetime(2026, 11, 22, 22, 50, tz="UTC"))  # 23:50 in Berlin
    block = store.start_block(goal_id)
    clock.advance(minutes=20)  # ends at 00:10 on Monday, Berlin time
    store.stop_block("partial")
    sunday, monday = pendulum.date(2026, 11, 22), pendulum.date(2026, 11, 23)
    assert [b.id for b in store.blocks_on(sunday)] == [block.id]
    assert store.blocks_on(monday) == []
    assert store.review(sunday).focus_minutes == 20
    assert store.review(monday).focus_minutes == 0


def test_a_block_stopped_long_after_it_ran_out_ends_when_time_ran_out(
    store: Store, clock: FixedClock, goal_id: int
) -> None:
    start = clock.now()
    store.start_block(goal_id)
    clock.advance(hours=3)  # the laptop slept
    block = store.stop_block("done")
    assert block.ended_at == start.add(minutes=20)
    assert timer.focus_seconds(block, clock.now()) == 20 * MIN
    assert store.goal(goal_id).done_at == clock.now()


def test_pauses_before_running_out_push_the_end_back(
    store: Store, clock: FixedClock, goal_id: int
) -> None:
    start = clock.now()
    store.start_block(goal_id)
    clock.advance(minutes=10)
    store.pause()
    clock.advance(minutes=30)
    store.resume()
    clock.advance(hours=2)
    block = store.stop_block("partial")
    assert block.ended_at == start.add(minutes=50)
    assert timer.focus_seconds(block, clock.now()) == 20 * MIN


def test_a_pause_taken_after_time_ran_out_does_not_move_the_end(
    store: Store, clock: FixedClock, goal_id: int
) -> None:
    start = clock.now()
    store.start_block(goal_id)
    clock.advance(minutes=25)  # ran out at 20
    store.pause()
    clock.advance(hours=1)
    block = store.stop_block("partial")
    assert block.ended_at == start.add(minutes=20)
    assert timer.focus_seconds(block, clock.now()) == 20 * MIN


def test_stopping_a_paused_block_in_time_ends_now(
    store: Store, clock: FixedClock, goal_id: int
) -> None:
    store.start_block(goal_id)
    clock.advance(minutes=5)
    store.pause()
    clock.advance(minutes=5)
    block = store.stop_block("abandoned")
    assert block.ended_at == clock.now()
    assert block.pauses[-1].end == clock.now()
    assert timer.focus_seconds(block, clock.now()) == 5 * MIN


def test_set_reflection_later(store: Store, goal_id: int) -> None:
    block = store.start_block(goal_id)
    store.stop_block()
    updated = store.set_reflection(block.id, "next time \x1b[1mearlier")
    assert updated.reflection == "next time earlier"
    assert store.block(block.id).reflection == "next time earlier"
    with pytest.raises(NotFound):
        store.set_reflection(block.id + 1, "x")


def test_format_clock() -> None:
    assert timer.format_clock(20 * MIN) == "20:00"
    assert timer.format_clock(0.2) == "00:01"
    assert timer.format_clock(0) == "00:00"
    assert timer.format_clock(3 * 3600 + 61) == "3:01:01"

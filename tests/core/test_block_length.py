"""Issue 12: a block's length defaults to the micro-goal's estimate when that is a block's
length (5-90 minutes), else the block_minutes setting."""

from __future__ import annotations

import pytest

from tui_microgoals.core.settings import block_minutes_for
from tui_microgoals.core.store import Store


@pytest.mark.parametrize(
    ("estimate", "minutes"),
    [(15, 15), (5, 5), (90, 90), (None, 25), (4, 25), (91, 25), (240, 25)],
)
def test_a_block_lasts_the_estimate_when_it_fits(
    store: Store, estimate: int | None, minutes: int
) -> None:
    store.set_setting("block_minutes", 25)
    goal = store.add_goal("step", minutes=estimate)
    assert block_minutes_for(goal, 25) == minutes
    assert store.start_block(goal.id).planned_seconds == minutes * 60


def test_a_length_given_wins(store: Store) -> None:
    goal = store.add_goal("step", minutes=15)
    assert store.start_block(goal.id, 40).planned_seconds == 40 * 60

"""An example database: launching a new product at a bakery, with a week of history.

``build_demo(store)`` writes through the public store API only. The past week is written
with the store's clock swapped for a ``FixedClock`` moved back day by day, so every
timestamp is one the store itself produced.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pendulum
from pendulum import Date, DateTime

from tui_microgoals.core.clock import Clock, FixedClock
from tui_microgoals.core.store import Store

WORK_START_HOUR = 9


@contextmanager
def _clock_at(store: Store, instant: DateTime) -> Iterator[FixedClock]:
    real = store.clock
    fixed = FixedClock(instant, tz=real.tz)
    store.clock = fixed
    try:
        yield fixed
    finally:
        store.clock = real


def _morning(clock: Clock, day: Date, hour: int = WORK_START_HOUR, minute: int = 0) -> DateTime:
    return pendulum.datetime(day.year, day.month, day.day, hour, minute, tz=clock.tz)


def _block(
    store: Store,
    clock: FixedClock,
    goal_id: int,
    *,
    minutes: int = 18,
    outcome: str = "done",
    reflection: str = "",
    interruption: str | None = None,
) -> None:
    store.start_block(goal_id, 20)
    if interruption is not None:
        clock.advance(minutes=minutes // 2)
        store.interrupt(interruption)
        clock.advance(minutes=minutes - minutes // 2)
    else:
        clock.advance(minutes=minutes)
    store.stop_block(outcome, reflection)
    clock.advance(minutes=7)


def build_demo(store: Store) -> dict[str, int]:
    """Fill an empty store with the bakery example; returns the ids of the notable goals."""
    real = store.clock
    today = real.today()
    start = _morning(real, today.subtract(days=8))
    with _clock_at(store, start) as clock:
        launch = store.add_goal(
            "Launch the cardamom bun",
            due=today.add(days=12),
            notes="New product for the spring menu. Ready to sell by the market weekend.",
        )
        recipe = store.add_goal("Standardize the recipe", parent=launch.id)
        weigh = store.add_goal(
            "Weigh every ingredient for the test batch", parent=recipe.id, minutes=15
        )
        card = store.add_goal("Write the recipe card in grams", parent=recipe.id, minutes=15)
        bake = store.add_goal("Bake test batch #2 and time each step", parent=recipe.id, minutes=20)
        taste = store.add_goal(
            "Ask three regulars to taste and rate it", parent=recipe.id, minutes=15
        )
        proof = store.add_goal(
            "Fix the proofing time from the test notes", parent=recipe.id, minutes=10
        )
        price = store.add_goal("Price the product", parent=launch.id)
        costs = store.add_goal("List ingredient costs per bun", parent=price.id, minutes=20)
        labour = store.add_goal("Add labour and packaging per bun", parent=price.id, minutes=15)
        nearby = store.add_goal(
            "Check bun prices at two nearby bakeries", parent=price.id, minutes=20
        )
        set_price = store.add_goal(
            "Set the price and the margin",
            parent=price.id,
            minutes=15,
            after=[costs.id, labour.id, nearby.id],
        )
        marketing = store.add_goal("Create marketing materials", parent=launch.id)
        photo = store.add_goal(
            "Photograph the buns in morning light", parent=marketing.id, minutes=20
        )
        sign = store.add_goal("Write the chalkboard sign text", parent=marketing.id, minutes=10)
        post = store.add_goal(
            "Design the Instagram launch post",
            parent=marketing.id,
            minutes=60,
            notes="Too big for one block: split into picking the photo, copy, and layout.",
        )
        teaser = store.add_goal(
            "Post a teaser story", parent=marketing.id, minutes=10, due=today.add(days=3)
        )
        habits = store.add_goal("Daily habits")
        sketch = store.add_goal(
            "Sketch one new pastry idea", parent=habits.id, minutes=5, every="daily"
        )

        # The past week: a few blocks a day, a habit kept every day, one block not finished.
        history: list[tuple[int, list[tuple[int, str, str, str | None]]]] = [
            (6, [(weigh.id, "done", "Scale needed a new battery", None)]),
            (5, [(card.id, "done", "", "Supplier phoned")]),
            (4, [(bake.id, "partial", "Oven ran hot; redo tomorrow", None)]),
            (3, [(bake.id, "done", "Second batch much better", None)]),
            (2, [(costs.id, "done", "", "Delivery arrived")]),
            (
                1,
                [
                    (labour.id, "done", "Boxes cost more than I thought", None),
                    (photo.id, "partial", "Light was gone by ten", None),
                ],
            ),
        ]
        for days_ago, blocks in history:
            day = today.subtract(days=days_ago)
            clock.set(_morning(real, day))
            store.plan([goal for goal, *_ in blocks], date=day)
            for goal, outcome, reflection, interruption in blocks:
                _block(
                    store,
                    clock,
                    goal,
                    outcome=outcome,
                    reflection=reflection,
                    interruption=interruption,
                )
            # Kept every day: the review suggests making it a little harder (step up).
            store.mark_done(sketch.id)

        # Today: the plan, with the One Thing first. Yesterday's photo is carried.
        clock.set(_morning(real, today, hour=0, minute=1))
        store.plan([taste.id, nearby.id, sign.id, teaser.id])
        store.set_one_thing(taste.id)
        earlier = real.now().subtract(minutes=45)
        if real.local_date(earlier) == today and earlier > clock.now():
            clock.set(earlier)
            store.plan([proof.id])
            _block(store, clock, proof.id, minutes=9, reflection="Twelve minutes longer proof")
    return {
        "launch": launch.id,
        "one_thing": taste.id,
        "too_big": post.id,
        "blocked": set_price.id,
        "habit": sketch.id,
        "due": teaser.id,
    }

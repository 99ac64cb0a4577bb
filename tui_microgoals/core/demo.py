"""An example database: launching a new product at a bakery, with two weeks of history.

``build_demo(store)`` writes through the public store API only. The past two weeks are
written with the store's clock swapped for a ``FixedClock`` moved back day by day, so every
timestamp is one the store itself produced. No randomness: the same store every time.

The history (``HISTORY``): 42 blocks over the 14 days before today, 3 a day, with estimates;
some run past their block (+5, or time up and not done), some are done in a few minutes,
a few are interrupted with a note; one habit kept every day (14 in a row), one missed 3 of
the last 7 days. So the calibration, the weekly retro and the review's suggestions (split,
shrink, step up) all have something to show.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

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


@dataclass(frozen=True)
class Work:
    """One block of the history: the goal's name in ``build_demo``, the minutes worked."""

    goal: str
    worked: int
    more: int = 0  # +5 asked this many times as its time ran out
    outcome: str = "done"
    reflection: str = ""
    interruption: str | None = None


#: Days ago -> the blocks of that day, in order. The habit "sketch" also gets a short block
#: (first) on each day but ``SKETCH_WITHOUT_BLOCK``; "journal" is kept on every day but
#: ``JOURNAL_MISSED``.
HISTORY: dict[int, list[Work]] = {
    14: [
        Work("recipes", 18, more=1, reflection="Three good ones; all use 10% butter"),
        Work("suppliers", 24, more=1, interruption="Supplier phoned"),
    ],
    13: [
        Work("batch1", 24, more=1, reflection="Dough too slack at 65% water"),
        Work("cardamom", 3),
        Work("shopping", 12, more=1),
    ],
    12: [
        Work("fresh", 15, interruption="Delivery arrived"),
        Work("butter", 24, more=1, reflection="The cultured butter wins"),
    ],
    11: [
        Work("filling", 25, more=2, reflection="Settled on 2 : 1 : 0.2"),
        Work("hashtag", 3),
        Work("shaping", 20, outcome="partial", interruption="Oven timer"),
    ],
    10: [
        Work("shaping", 16, reflection="Twelve buns in nine minutes"),
        Work("boxes", 11),
        Work("announce", 20, outcome="partial", interruption="A customer asked about the buns"),
    ],
    9: [Work("announce", 12), Work("curve", 14, more=1)],
    8: [
        Work("flour", 4, reflection="One email, answered at once"),
        Work("cabinet", 23, more=1, interruption="Supplier phoned"),
    ],
    7: [Work("launch_flour", 7), Work("glaze", 20, more=1)],
    6: [Work("weigh", 18, more=1, reflection="Scale needed a new battery"), Work("spice", 10)],
    5: [
        Work("card", 19, more=1, interruption="Supplier phoned"),
        Work("bags", 13, more=1, interruption="Delivery arrived"),
    ],
    4: [
        Work("bake", 18, outcome="partial", reflection="Oven ran hot; redo tomorrow"),
        Work("delivery", 13, more=1, interruption="Supplier phoned"),
    ],
    3: [
        Work(
            "bake",
            19,
            reflection="Second batch much better",
            interruption="A customer asked about the buns",
        ),
        Work("allergens", 12, more=1, interruption="A customer asked about the buns"),
    ],
    2: [
        Work("costs", 6, interruption="Delivery arrived"),
        Work("photo", 25, more=1, outcome="partial", reflection="Light was gone by ten"),
    ],
    1: [
        Work("labour", 4, reflection="Boxes cost more than I thought"),
        Work("photo", 20, outcome="partial", reflection="Cloudy again"),
        Work("organiser", 5, interruption="Supplier phoned"),
    ],
}
SKETCH_WITHOUT_BLOCK = (13, 11, 10, 1)
JOURNAL_MISSED = (6, 4, 2)
BREAK_MINUTES = 10


def _block(store: Store, clock: FixedClock, goal_id: int, work: Work) -> None:
    """A block as the app makes it: as long as the goal's estimate; when its time runs out,
    +5 ``work.more`` times; stopped after ``work.worked`` minutes (or at its time)."""
    block = store.start_block(goal_id)
    planned = block.planned_seconds // 60
    worked = min(work.worked, planned + 5 * work.more)
    first = min(worked, planned)
    if work.interruption is not None:
        clock.advance(minutes=first // 2)
        store.interrupt(work.interruption)
        clock.advance(minutes=first - first // 2)
    else:
        clock.advance(minutes=first)
    for _ in range(work.more):
        store.extend(5)
        clock.advance(minutes=min(5, worked - first))
        first = min(worked, first + 5)
    store.stop_block(work.outcome, work.reflection)
    clock.advance(minutes=BREAK_MINUTES)


def build_demo(store: Store) -> dict[str, int]:
    """Fill an empty store with the bakery example; returns the ids of the notable goals."""
    real = store.clock
    today = real.today()
    start = _morning(real, today.subtract(days=max(HISTORY)), hour=WORK_START_HOUR - 1)
    with _clock_at(store, start) as clock:
        launch = store.add_goal(
            "Launch the cardamom bun",
            due=today.add(days=12),
            notes="New product for the spring menu. Ready to sell by the market weekend.",
        )
        recipe = store.add_goal("Standardize the recipe", parent=launch.id)

        def step(parent: int, title: str, minutes: int, **more: object) -> int:
            return store.add_goal(title, parent=parent, minutes=minutes, **more).id  # type: ignore[arg-type]

        ids = {
            "weigh": step(recipe.id, "Weigh every ingredient for the test batch", 15),
            "card": step(recipe.id, "Write the recipe card in grams", 15),
            "bake": step(recipe.id, "Bake test batch #2 and time each step", 20),
            "taste": step(recipe.id, "Ask three regulars to taste and rate it", 15),
            "proof": step(recipe.id, "Fix the proofing time from the test notes", 10),
        }
        price = store.add_goal("Price the product", parent=launch.id)
        ids["costs"] = step(price.id, "List ingredient costs per bun", 20)
        ids["labour"] = step(price.id, "Add labour and packaging per bun", 15)
        ids["nearby"] = step(price.id, "Check bun prices at two nearby bakeries", 20)
        ids["set_price"] = step(
            price.id,
            "Set the price and the margin",
            15,
            after=[ids["costs"], ids["labour"], ids["nearby"]],
        )
        marketing = store.add_goal("Create marketing materials", parent=launch.id)
        ids["photo"] = step(marketing.id, "Photograph the buns in morning light", 20)
        ids["sign"] = step(marketing.id, "Write the chalkboard sign text", 10)
        ids["post"] = step(
            marketing.id,
            "Design the Instagram launch post",
            60,
            notes="Too big for one block: split into picking the photo, copy, and layout.",
        )
        ids["teaser"] = step(marketing.id, "Post a teaser story", 10, due=today.add(days=3))
        habits = store.add_goal("Daily habits")
        ids["sketch"] = step(habits.id, "Sketch one new pastry idea", 5, every="daily")
        ids["journal"] = step(
            habits.id, "Write three lines in the bakery journal", 5, every="daily"
        )
        # Done in the two weeks before today (the goals above are still open, or done lately).
        ids["recipes"] = step(recipe.id, "Find three bun recipes to start from", 15)
        ids["batch1"] = step(recipe.id, "Bake test batch #1 and take notes", 20)
        ids["fresh"] = step(recipe.id, "Compare fresh-ground and pre-ground cardamom", 15)
        ids["filling"] = step(recipe.id, "Decide the filling ratio", 15)
        ids["shaping"] = step(recipe.id, "Shape twelve buns and time the shaping", 20)
        ids["curve"] = step(recipe.id, "Write down the oven temperature curve", 10)
        ids["cabinet"] = step(recipe.id, "Clean and calibrate the proofing cabinet", 20)
        ids["glaze"] = step(recipe.id, "Try two glaze recipes", 15)
        ids["spice"] = step(recipe.id, "Mix a week of the spice blend", 10)
        ids["flour"] = step(price.id, "Ask the mill for a bulk flour price", 15)
        ids["hashtag"] = step(marketing.id, "Choose the launch hashtag", 10)
        ids["announce"] = step(marketing.id, "Draft the launch announcement", 20)
        ids["bags"] = step(marketing.id, "Choose the paper bags", 10)
        ids["allergens"] = step(marketing.id, "Print the allergen card", 10)
        ids["organiser"] = step(marketing.id, "Reply to the market organiser", 10)
        source = store.add_goal("Source the ingredients", parent=launch.id)
        ids["suppliers"] = step(source.id, "Compare three cardamom suppliers", 20)
        ids["cardamom"] = step(source.id, "Order a kilo of green cardamom", 10)
        ids["shopping"] = step(source.id, "Write the shopping list for the test batches", 10)
        ids["butter"] = step(source.id, "Test the new butter in a small batch", 20)
        ids["boxes"] = step(source.id, "Find a box supplier", 15)
        ids["launch_flour"] = step(source.id, "Order the launch-week flour", 10)
        ids["delivery"] = step(source.id, "Book the delivery slot for launch week", 10)

        for days_ago, work in sorted(HISTORY.items(), reverse=True):
            day = today.subtract(days=days_ago)
            clock.set(_morning(real, day))
            store.plan(list(dict.fromkeys(ids[w.goal] for w in work)), date=day)
            if days_ago not in SKETCH_WITHOUT_BLOCK:
                _block(store, clock, ids["sketch"], Work("sketch", 4))
            for w in work:
                _block(store, clock, ids[w.goal], w)
            if days_ago in SKETCH_WITHOUT_BLOCK:
                store.mark_done(ids["sketch"])
            if days_ago not in JOURNAL_MISSED:
                store.mark_done(ids["journal"])

        # Today: the plan, with the One Thing first. The photo is carried from two days ago.
        clock.set(_morning(real, today, hour=0, minute=1))
        store.plan([ids["taste"], ids["nearby"], ids["sign"], ids["teaser"]])
        store.set_one_thing(ids["taste"])
        earlier = real.now().subtract(minutes=45)
        if real.local_date(earlier) == today and earlier > clock.now():
            clock.set(earlier)
            store.plan([ids["proof"]])
            _block(
                store,
                clock,
                ids["proof"],
                Work("proof", 9, reflection="Twelve minutes longer proof"),
            )
    return {
        "launch": launch.id,
        "one_thing": ids["taste"],
        "too_big": ids["post"],
        "blocked": ids["set_price"],
        "habit": ids["sketch"],
        "due": ids["teaser"],
        "runs_past": ids["photo"],
        "missed_habit": ids["journal"],
        "fast_steps": price.id,
        "next_step": ids["nearby"],
    }

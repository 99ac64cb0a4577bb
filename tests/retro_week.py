"""A seeded week for the retro's tests (core, command line, screen), written through the
store API with a FixedClock moved day by day: the week Mon Nov 16 – Sun Nov 22, 2026.

What it holds (the tests expect exactly this):
- Fri Nov 13 (the week before): 8 micro-goals done, so the 10th done ever falls on Monday.
- "Write the guide" with three steps: Outline (15m, an 18-minute block, Mon), Draft intro
  (20m, 24 minutes, Tue), Draft body (20m: 10 minutes partial on Tue, 20 done on Thu,
  so 30 in all); its last step completes it on Thursday.
- "Fix the bike", planned on Monday and never done: carried all week.
- "Email Sam" (10m, top level, no block): planned and marked done on Friday.
- The habit "Stretch" (daily, since Nov 13): done Mon, Tue, Thu, Sat, Sun.
- Interruption notes: "Phone call" (Mon), "Slack" and "phone  call " (Tue),
  "slack" and "Door bell" (Thu).
"""

from __future__ import annotations

import pendulum
from pendulum import DateTime

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store

ZONE = "Europe/Berlin"
END = pendulum.date(2026, 11, 22)  # a Sunday


def at(day: int, hour: int = 9, minute: int = 0) -> DateTime:
    return pendulum.datetime(2026, 11, day, hour, minute, tz=ZONE)


def block(
    store: Store,
    clock: FixedClock,
    goal: int,
    minutes: int,
    outcome: str = "done",
    notes: tuple[str, ...] = (),
) -> None:
    store.start_block(goal, max(minutes, 5))
    for note in notes:
        clock.advance(minutes=1)
        store.interrupt(note)
    clock.advance(minutes=minutes - len(notes))
    store.stop_block(outcome)
    clock.advance(minutes=5)


def seed_week(store: Store, clock: FixedClock) -> dict[str, int]:
    """Write the week above; leaves the clock where it was."""
    was = clock.now()
    clock.set(at(13))
    warmups = [store.add_goal(f"Warm-up {n}", minutes=5).id for n in range(1, 9)]
    for goal in warmups:
        store.mark_done(goal)
    guide = store.add_goal("Write the guide")
    outline = store.add_goal("Outline", parent=guide.id, minutes=15).id
    intro = store.add_goal("Draft intro", parent=guide.id, minutes=20).id
    body = store.add_goal("Draft body", parent=guide.id, minutes=20).id
    bike = store.add_goal("Fix the bike", minutes=15).id
    sam = store.add_goal("Email Sam", minutes=10).id
    stretch = store.add_goal("Stretch", minutes=5, every="daily").id

    clock.set(at(16))  # Monday
    store.plan([outline, bike])
    block(store, clock, outline, 18, notes=("Phone call",))
    store.mark_done(stretch)

    clock.set(at(17))  # Tuesday
    store.plan([intro, body])
    block(store, clock, intro, 24, notes=("Slack",))
    block(store, clock, body, 10, "partial", notes=("phone  call ",))
    store.mark_done(stretch)

    clock.set(at(19))  # Thursday (Wednesday: nothing)
    block(store, clock, body, 20, notes=("slack", "Door bell"))
    store.mark_done(stretch)

    clock.set(at(20))  # Friday
    store.plan([sam])
    store.mark_done(sam)

    for day in (21, 22):  # the weekend
        clock.set(at(day))
        store.mark_done(stretch)
    clock.set(was)
    return {
        "guide": guide.id,
        "outline": outline,
        "intro": intro,
        "body": body,
        "bike": bike,
        "sam": sam,
        "stretch": stretch,
    }

"""The weekly retro on a seeded week (tests/retro_week.py): each JSON key, the Markdown, the
milestones, an empty week, the week note (undo, reopen) and the reads it makes."""

from __future__ import annotations

import pendulum
import pytest
from retro_week import END, seed_week

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.retro import (
    Carried,
    Completed,
    Retro,
    RetroDay,
    estimate_ratio,
    is_milestone,
    longest_run,
    milestones,
    ordinal,
    top_notes,
)
from tui_microgoals.core.retro_report import celebrated, render_retro, retro_json
from tui_microgoals.core.store import Store


@pytest.fixture
def ids(store: Store, clock: FixedClock) -> dict[str, int]:
    return seed_week(store, clock)


def day(date: str, planned: int, done: int, micro: int, focus: float, blocks: int, inter: int):
    return {
        "date": date,
        "planned": planned,
        "done": done,
        "micro_done": micro,
        "focus_minutes": focus,
        "blocks": blocks,
        "interruption_count": inter,
    }


def test_each_json_key_of_the_seeded_week(store: Store, ids: dict[str, int]) -> None:
    got = retro_json(store.retro(END))
    assert got == {
        "start": "2026-11-16",
        "end": "2026-11-22",
        "days": [
            # Monday: Outline, Fix the bike and the habit; Outline and the habit done.
            day("2026-11-16", 3, 2, 2, 18.0, 1, 1),
            # Tuesday: intro and body planned, the bike carried, the habit.
            day("2026-11-17", 4, 2, 2, 34.0, 2, 2),
            # Wednesday: nothing done; the body and the bike carried.
            day("2026-11-18", 3, 0, 0, 0.0, 0, 0),
            day("2026-11-19", 3, 2, 2, 20.0, 1, 2),
            day("2026-11-20", 3, 1, 1, 0.0, 0, 0),
            day("2026-11-21", 2, 1, 1, 0.0, 0, 0),
            day("2026-11-22", 2, 1, 1, 0.0, 0, 0),
        ],
        "planned": 20,
        "done": 9,
        "micro_done": 9,
        "focus_minutes": 72.0,
        "blocks": 4,
        "interruption_count": 5,
        # Outline 18/15, intro 24/20, body (10 + 20)/20; Email Sam had no block.
        "estimate": {"ratio": 1.2, "samples": 3},
        "interruptions": [
            {"note": "Phone call", "count": 2},
            {"note": "Slack", "count": 2},
            {"note": "Door bell", "count": 1},
        ],
        "habits": [{"id": ids["stretch"], "title": "Stretch", "streak": 2, "done_days": 5}],
        "carried": [
            {"id": ids["bike"], "title": "Fix the bike", "days": 7, "status": "open"},
            {"id": ids["body"], "title": "Draft body", "days": 3, "status": "done"},
        ],
        "completed": [
            {
                "id": ids["guide"],
                "title": "Write the guide",
                "path": "Write the guide",
                "date": "2026-11-19",
            },
        ],
        "streak": 4,
        "longest_streak": 4,
        "milestones": [
            {
                "kind": "micro_goals",
                "text": "Your 10th micro-goal done, on Mon Nov 16",
                "date": "2026-11-16",
                "value": 10,
            },
            {
                "kind": "goal_completed",
                "text": "Goal completed: Write the guide",
                "date": "2026-11-19",
                "value": ids["guide"],
            },
            {
                "kind": "longest_streak",
                "text": "Your longest streak so far: 4 days in a row with a micro-goal done",
                "date": "2026-11-22",
                "value": 4,
            },
        ],
        "note": "",
    }


MARKDOWN = """\
# Week 2026-11-16 – 2026-11-22

_9 micro-goals done · 72 focus minutes · 4 blocks · 5 interruptions · planned 9/20 done · \
streak 4 days_

## Milestones

- 🎉 Your 10th micro-goal done, on Mon Nov 16
- 🎉 Goal completed: Write the guide
- 🎉 Your longest streak so far: 4 days in a row with a micro-goal done

## Days

| Day | Focus | Planned done | Micro-goals done | Blocks | Interruptions |
|---|---:|---:|---:|---:|---:|
| Mon Nov 16 | 18 min | 2/3 | 2 | 1 | 1 |
| Tue Nov 17 | 34 min | 2/4 | 2 | 2 | 2 |
| Wed Nov 18 | 0 min | 0/3 | 0 | 0 | 0 |
| Thu Nov 19 | 20 min | 2/3 | 2 | 1 | 2 |
| Fri Nov 20 | 0 min | 1/3 | 1 | 0 | 0 |
| Sat Nov 21 | 0 min | 1/2 | 1 | 0 | 0 |
| Sun Nov 22 | 0 min | 1/2 | 1 | 0 | 0 |
| **Week** | **72 min** | **9/20** | **9** | **4** | **5** |

## Estimates

You took 1.2x your estimate (the median of 3 micro-goals done with an estimate and a block).

## Interrupted by

- Phone call (2×)
- Slack (2×)
- Door bell (1×)

## Habits

- Stretch: 2 due days in a row (done 5 days this week)

## Carried

- Fix the bike: on the list 7 days (open)
- Draft body: on the list 3 days (done)

## Goals completed

- [x] Write the guide (Thu Nov 19)

## Week note

Good week. *Less* Slack.
"""


def test_the_markdown_reads_as_a_journal_entry(store: Store, ids: dict[str, int]) -> None:
    store.set_week_note("Good week. *Less* Slack.", END)
    assert render_retro(store.retro(END), "md") == MARKDOWN


def test_markdown_escapes_titles_but_keeps_the_note_as_written(store: Store, clock) -> None:
    clock.set(pendulum.datetime(2026, 11, 20, 9, tz="UTC"))
    goal = store.add_goal("Fix *all* the [links] | tables")
    step = store.add_goal("One step", parent=goal.id, minutes=10)
    store.mark_done(step.id)
    md = render_retro(store.retro(), "md")
    assert r"Goal completed: Fix \*all\* the \[links\] \| tables" in md


def test_the_week_before_has_no_tenth_and_its_own_figures(store: Store, ids) -> None:
    retro = store.retro(END.subtract(days=7))  # Mon Nov 9 – Sun Nov 15
    assert retro.micro_done == 8
    assert [m.kind for m in retro.milestones] == []  # 8 done: no milestone yet
    assert retro.streak == 0 and retro.longest_streak == 1


def test_a_milestone_counts_from_all_that_was_done_before(store: Store, ids) -> None:
    # The week ending Wednesday still holds Monday, when the 10th was done.
    retro = store.retro(pendulum.date(2026, 11, 18))
    assert [(m.kind, m.value) for m in retro.milestones] == [
        ("micro_goals", 10),
        ("longest_streak", 2),  # Mon and Tue; Wednesday is over with nothing done
    ]


def test_milestone_rules() -> None:
    found = [n for n in range(1, 3001) if is_milestone(n)]
    assert found == [10, 50, 100, 250, 500, 1000, 2000, 3000]
    assert [ordinal(n) for n in (1, 2, 3, 10, 11, 12, 13, 21, 50, 101, 111)] == [
        "1st", "2nd", "3rd", "10th", "11th", "12th", "13th", "21st", "50th", "101st", "111th"
    ]  # fmt: skip
    week = [RetroDay(pendulum.date(2026, 11, 16 + n), 0, 0, 20, 0.0, 0, 0) for n in range(7)]
    # 45 done before: 65 on Monday, 85, 105 on Wednesday..., 185 on Sunday.
    found = milestones(week, [], 45, current=3, longest=5)  # not the longest streak
    assert [(m.value, m.date.day) for m in found] == [(50, 16), (100, 18)]
    found = milestones(week, [], 230, current=0, longest=5)  # 250 on Monday, 370 on Sunday
    assert [(m.value, m.text) for m in found] == [
        (250, "Your 250th micro-goal done, on Mon Nov 16")
    ]
    assert [m.kind for m in milestones(week[:1], [], 100, 1, 1)] == []  # a 1-day streak
    shipped = Completed(7, "Ship", "Launch › Ship", pendulum.date(2026, 11, 16))
    found = milestones(week[:1], [shipped], 100, 6, 6)
    assert [(m.kind, m.value, m.text) for m in found] == [
        ("goal_completed", 7, "Goal completed: Launch › Ship"),
        ("longest_streak", 6, "Your longest streak so far: 6 days in a row with a micro-goal done"),
    ]
    assert longest_run([pendulum.date(2026, 1, d) for d in (1, 2, 3, 5, 6, 9)]) == 3


def test_interruption_notes_are_counted_without_case_or_spacing() -> None:
    notes = ["Phone call", "", "phone  CALL ", "Slack", "door", "slack", "PHONE call", "x", "y"]
    assert top_notes(notes) == [("Phone call", 3), ("Slack", 2), ("door", 1), ("x", 1), ("y", 1)]
    assert top_notes(notes, 2) == [("Phone call", 3), ("Slack", 2)]
    assert top_notes(["", "  "]) == []


def test_the_estimate_ratio_is_the_median() -> None:
    assert estimate_ratio([(18, 15), (24, 20), (30, 20), (10, 10)]).ratio == 1.2
    even = estimate_ratio([(10, 10), (20, 10)])
    assert (even.ratio, even.samples) == (1.5, 2)
    assert estimate_ratio([(10, 10), (12.5, 10)]).ratio == 1.1  # 1.125, to tenths
    assert estimate_ratio([(10, 10), (13.2, 10)]).ratio == 1.2  # 1.16
    assert estimate_ratio([(14, 10)]).ratio == 1.4
    none = estimate_ratio([(0, 10), (12, 0)])  # no focus time, no estimate: no sample
    assert (none.ratio, none.samples) == (None, 0)


def test_a_week_with_no_data(store: Store) -> None:
    got = retro_json(store.retro(END))
    assert got["days"] == [
        day(pendulum.date(2026, 11, 16 + n).isoformat(), 0, 0, 0, 0.0, 0, 0) for n in range(7)
    ]
    assert {k: v for k, v in got.items() if k not in ("days", "start", "end")} == {
        "planned": 0,
        "done": 0,
        "micro_done": 0,
        "focus_minutes": 0.0,
        "blocks": 0,
        "interruption_count": 0,
        "estimate": {"ratio": None, "samples": 0},
        "interruptions": [],
        "habits": [],
        "carried": [],
        "completed": [],
        "streak": 0,
        "longest_streak": 0,
        "milestones": [],
        "note": "",
    }
    text = render_retro(store.retro(END), "text")
    assert "0 micro-goals done · 0 focus minutes" in text
    assert "no micro-goal done this week had both an estimate and a block" in text


def test_the_week_note_is_kept_undone_and_read_again(store: Store, ids, reopen) -> None:
    store.set_day_note("the day's own note", END)
    store.set_week_note("  Less Slack, more outlines.\n", END)
    assert store.retro(END).note == "Less Slack, more outlines."
    assert store.day(END).note == "the day's own note"  # a field of its own
    assert reopen(store).retro(END).note == "Less Slack, more outlines."
    store.set_week_note("Second thoughts", END)
    assert "week note" in store.undo()
    assert store.retro(END).note == "Less Slack, more outlines."
    store.undo()
    assert store.retro(END).note == ""
    assert store.day(END).note == "the day's own note"
    store.redo()
    assert reopen(store).retro(END).note == "Less Slack, more outlines."


def test_the_retro_reads_only_the_weeks_blocks(store: Store, ids, monkeypatch) -> None:
    """A week costs the week: blocks come through the by-day index, never all of them."""

    def every_block(*_args: object) -> None:
        raise AssertionError("the retro read every block")

    monkeypatch.setattr(Store, "blocks", every_block)
    assert store.retro(END).blocks == 4


def test_long_lists_are_folded_in_text_but_whole_in_json() -> None:
    """A long backlog is one line in the text, the Markdown and the screen: not 165 rows."""
    monday = pendulum.date(2026, 11, 16)
    week = [RetroDay(monday.add(days=n), 0, 0, 0, 0.0, 0, 0) for n in range(7)]
    completed = [Completed(n, f"Part {n}", f"Project › Part {n}", monday) for n in range(1, 6)]
    retro = Retro(
        start=monday,
        end=monday.add(days=6),
        days=week,
        estimate=estimate_ratio([]),
        interruption_notes=[],
        habits=[],
        carried=[Carried(n, f"Step {n}", 7, "open") for n in range(1, 13)],
        completed=completed,
        milestones=milestones(week, completed, 0, 3, 3),
        streak=3,
        longest_streak=3,
        note="",
    )
    assert celebrated(retro) == [
        "Goal completed: Project › Part 1",
        "Goal completed: Project › Part 2",
        "Goal completed: Project › Part 3",
        "… and 2 more goals completed",
        "Your longest streak so far: 3 days in a row with a micro-goal done",
    ]
    text = render_retro(retro, "text")
    assert "  Step 10: on the list 7 days (open)\n  … and 2 more\n" in text
    assert "Step 11" not in text and "Part 4" not in text.split("Goals completed:")[0]
    assert "- Step 10: on the list 7 days (open)\n- … and 2 more\n" in render_retro(retro, "md")
    assert len(retro_json(retro)["carried"]) == 12 and len(retro_json(retro)["milestones"]) == 6

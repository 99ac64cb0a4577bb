"""Any text at all through the input hygiene and the store: refused with InputError or kept
with no control character, and shown literally by every renderer."""

from __future__ import annotations

import csv
import io

import orjson
import pendulum
from hypothesis import given, settings
from hypothesis import strategies as st

from tui_microgoals.core import report
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import InputError
from tui_microgoals.core.store import Store
from tui_microgoals.core.text import TITLE_MAX, clean_line, clean_notes, clean_title

CONTROLS = {chr(c) for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)]}
# Text that looks like what goes wrong: escapes, markup, joiners, marks, bidi controls.
PIECES = st.sampled_from(
    [
        "\x1b",
        "\x1b[",
        "\x1b]",
        "\x07",
        "\x9b",
        "\x9d",
        "\x9c",
        "\x1b\\",
        "\x00",
        "\r",
        "\n",
        "\t",
        "[",
        "]",
        "[/]",
        "[bold]",
        "[link=x]",
        "\u200b",
        "\u200d",
        "\u202e",
        "\u0301",
        "👩‍👩‍👧",
        "漢",
        "ש",
        " ",
        "a",
        "0;",
        "m",
    ]
)
NASTY_TEXT = st.one_of(st.text(), st.lists(PIECES, max_size=30).map("".join))


@settings(max_examples=600)
@given(text=NASTY_TEXT)
def test_clean_title_refuses_or_returns_clean_text(text: str) -> None:
    try:
        title = clean_title(text)
    except InputError:
        return
    assert not CONTROLS & set(title)
    assert title == title.strip() and "  " not in title
    assert 0 < len(title) <= TITLE_MAX
    assert clean_title(title) == title  # cleaning twice changes nothing


@settings(max_examples=300)
@given(text=NASTY_TEXT)
def test_clean_line_and_notes_never_leave_controls(text: str) -> None:
    for clean in (clean_line, clean_notes):
        try:
            kept = clean(text)
        except InputError:
            continue
        allowed = {"\n", "\t"} if clean is clean_notes else set()
        assert not (CONTROLS - allowed) & set(kept)


STORE = Store.memory(FixedClock(pendulum.datetime(2026, 11, 22, 9), "Europe/Berlin"))


@settings(max_examples=300)
@given(title=NASTY_TEXT, notes=NASTY_TEXT)
def test_add_goal_raises_nothing_but_input_error(title: str, notes: str) -> None:
    try:
        goal = STORE.add_goal(title, notes=notes, today=True)
    except InputError:
        return
    assert goal.title == clean_title(title)
    assert STORE.goal(goal.id).title == goal.title
    assert not CONTROLS & set(goal.title)


def test_every_renderer_shows_hostile_titles_literally() -> None:
    clock = FixedClock(pendulum.datetime(2026, 11, 22, 9), "Europe/Berlin")
    store = Store.memory(clock)
    titles = [
        "[bold]x[/]",
        "a [/] b",
        "[b",
        "[link=x]y",
        "👩‍👩‍👧‍👦 family",
        "漢字 한국어",
        "e\u0301\u0308",
        "שלום مرحبا",
        'q,"uote"',
        "*md* `c` |pipe|",
    ]
    ids = [store.add_goal(t, today=True).id for t in titles]
    for goal_id in ids:
        store.start_block(goal_id, 5)
        clock.advance(minutes=5)
        store.stop_block("done", reflection=store.goal(goal_id).title)
    review = store.review()
    goals = store.goals()
    text = report.render(review, goals, "text", clock.tz)
    md = report.render(review, goals, "md", clock.tz)
    data = orjson.loads(report.render(review, goals, "json", clock.tz))
    rows = list(csv.reader(io.StringIO(report.render(review, goals, "csv", clock.tz))))
    for title in titles:
        assert title in text
    assert [d["title"] for d in data["done"]] == titles
    assert [b["reflection"] for b in data["blocks"]] == titles
    assert [r[2] for r in rows[1:] if r[10] == "block"] == titles
    assert [r[2] for r in rows[1:] if r[10] == "done"] == titles
    assert "\\[bold\\]x\\[/\\]" in md and "\\*md\\* \\`c\\` \\|pipe\\|" in md
    for output in (text, md, str(data)):
        assert not CONTROLS - {"\n"} & set(output)

"""Rows show what matters at 80 columns: the title gives way, the #id, due date and figures stay."""

from __future__ import annotations

import re

import pendulum
import pytest
from rich.text import Text
from ui_helpers import make_app, screen_text

from tui_microgoals.screens.main import MainScreen
from tui_microgoals.widgets.row import MARKER, MIN_TITLE, WORDS, Part, Row, due_part

LONG = "Rewrite the whole onboarding guide " * 6  # ~200 characters
LONG = LONG[:200]
DUE = pendulum.date(2026, 12, 1)


def panes(text: str) -> tuple[list[str], list[str]]:
    """The Goals pane's lines and the right column's lines (borders included)."""
    left, right = [], []
    for line in text.splitlines():
        if "││" in line or "│╭" in line or "│╰" in line:
            cut = line.index("│", 1) + 1
            left.append(line[:cut])
            right.append(line[cut:])
    return left, right


def line_with(lines: list[str], needle: str) -> str:
    found = [line for line in lines if needle in line]
    assert len(found) == 1, (needle, lines)
    return found[0]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_long_titles_give_way_to_the_id_due_date_and_figures(store, clock, size):
    project = store.add_goal(LONG, due=DUE)
    step = store.add_goal(LONG, parent=project.id, minutes=15, due=DUE, today=True)
    other = store.add_goal("Short one", parent=project.id, minutes=10)
    app = make_app(store, clock)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        goals, right = panes(screen_text(app))
        top = line_with(goals, f"#{project.id} ")
        assert "…" in top and "0/2" in top and "0/25m" in top and "Dec 1" in top
        assert top.index("…") < top.index("0/2")  # the title was cut, not the figures
        row = line_with(goals, f"#{step.id} ")
        assert "…" in row and "15m" in row and "Dec 1" in row
        assert line_with(goals, f"#{other.id} ").count("Short one") == 1
        today = line_with(right, f"#{step.id}")
        assert "…" in today and "Dec 1" in today
        assert today.index("…") < today.index("Dec 1") < today.index(f"#{step.id}")


async def test_today_shows_the_due_date_and_the_id(store, clock):
    goal = store.add_goal("File the tax return", minutes=20, today=True, due=DUE)
    app = make_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        _, right = panes(screen_text(app))
        assert "Dec 1" in line_with(right, f"#{goal.id}")


async def test_ids_stay_whole_beside_the_tree_scrollbar(store, clock):
    project = store.add_goal(LONG)
    steps = [store.add_goal(LONG, parent=project.id, minutes=15) for _ in range(30)]
    app = make_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        if not isinstance(app.screen, MainScreen):
            await pilot.press("escape")  # the morning plan offer: nothing is planned
        await pilot.press("tab")
        await pilot.pause()
        goals, _ = panes(screen_text(app))
        shown = [line for line in goals if "○ " in line]
        assert len(shown) >= 15
        for line in shown:
            assert re.search(r" 15m #\d+ +│$", line), line
        ids = {int(m) for line in shown for m in re.findall(r"#(\d+)", line)}
        assert ids <= {s.id for s in steps} and len(ids) == len(shown)


def row(title: str = LONG) -> Row:
    return Row(
        Text("○ "),
        Text(title),
        (
            Part("at risk", short="▲", step=WORDS),
            Part("3/7", keep=True),
            Part("██░░", short="", sep=" "),
            Part("45/120m", keep=True),
            Part("15m"),
            *due_part(DUE, None),
            Part("• today", short="•", step=MARKER),
            Part("#12", keep=True),
            Part("· Parent goal", short="", fill=True),
        ),
    )


def test_a_row_never_outgrows_its_width_and_keeps_what_must_stay():
    for width in range(1, 260):
        line = row().fit(width).plain
        assert len(line) <= width, width
        if width >= 2 + len(" 3/7 45/120m Dec 1 #12") + 2:
            for kept in ("3/7", "45/120m", "Dec 1", "#12"):
                assert kept in line, (width, line)
            assert line.startswith("○ R")
        if width >= 2 + MIN_TITLE + len(" ▲ 3/7 45/120m 15m Dec 1 • #12"):
            assert line.startswith("○ Rewrite t")
            assert "15m" in line and ("▲" in line or "at risk" in line)


def test_a_row_gives_way_step_by_step():
    tea = row("Tea")
    full = "○ Tea  at risk  3/7 ██░░  45/120m  15m  due Dec 1  • today  #12  · Parent goal"
    assert str(tea) == full
    assert tea.fit(200).plain == str(tea)
    steps = [tea.fit(width).plain for width in (70, 60, 50, 45, 40)]
    assert steps == [
        "○ Tea  at risk  3/7  45/120m  15m  due Dec 1  • today  #12  · Parent …",
        "○ Tea  at risk  3/7  45/120m  15m  due Dec 1  • today  #12",
        "○ Tea  at risk  3/7  45/120m  15m  Dec 1  •  #12",
        "○ Tea at risk 3/7 45/120m 15m Dec 1 • #12",
        "○ Tea ▲ 3/7 45/120m 15m Dec 1 • #12",
    ]

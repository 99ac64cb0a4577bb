"""The weekly retro's panes in the review's week view: the milestones to celebrate, and two
columns of sections (estimates, interruptions, carried; goals completed, the week note).

Each pane's text is a pure function of the ``Retro`` (testable without Pilot); user text
(titles, notes) goes in as ``Content(text)``, never as markup.
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from tui_microgoals.core.retro import Retro
from tui_microgoals.core.retro_report import carried_shown, celebrated

NO_NOTE = "no week note yet: n writes one"


def heading(text: str) -> Content:
    return Content.styled(text, "bold")


def milestones_content(retro: Retro) -> Content:
    return Content("\n").join(
        Content.assemble(("🎉 ", "bold"), Content(line).stylize("bold"))
        for line in celebrated(retro)
    )


def estimate_content(retro: Retro) -> Content:
    ratio, samples = retro.estimate.ratio, retro.estimate.samples
    if ratio is None:
        return Content.styled("no micro-goal done with an estimate and a block", "dim")
    return Content.assemble(
        (f"{ratio:g}x", "bold"),
        " your estimate",
        (f"  median of {samples} micro-goal{'s' if samples != 1 else ''}", "dim"),
    )


def sections(*parts: tuple[str, list[Content], str]) -> Content:
    """Headed sections, a blank line apart; ``empty`` is said where a section has no lines."""
    lines: list[Content] = []
    for title, body, empty in parts:
        if lines:
            lines.append(Content(""))
        lines.append(heading(title))
        lines += body or [Content.styled(empty, "dim")]
    return Content("\n").join(lines)


def left_content(retro: Retro) -> Content:
    notes = [
        Content.assemble((f"{count}× ", "bold"), Content(note))
        for note, count in retro.interruption_notes
    ]
    shown, more = carried_shown(retro)
    carried = [
        Content.assemble(
            ("✔ " if c.status == "done" else "○ ", "$success" if c.status == "done" else "dim"),
            (f"{c.days} days  ", "bold"),
            Content(c.title),
        )
        for c in shown
    ] + ([Content.styled(more, "dim")] if more else [])
    return sections(
        ("Estimates", [estimate_content(retro)], ""),
        ("Interrupted by", notes, "no interruption with a note"),
        ("Carried (days on the list)", carried, "nothing carried over several days"),
    )


def right_content(retro: Retro) -> Content:
    completed = [
        Content.assemble(
            ("✔ ", "$success"), Content(c.path), (f"  {c.date.format('ddd MMM D')}", "dim")
        )
        for c in retro.completed
    ]
    note = [Content(retro.note)] if retro.note else []
    return sections(
        ("Goals completed", completed, "no goal with steps completed"),
        ("Week note", note, NO_NOTE),
    )


class RetroMilestones(Static):
    """A line that stands out for each milestone; in a week without one, class ``-none``
    (the review hides it: its ``.week-only`` rule would show it otherwise)."""

    DEFAULT_CSS = """
    RetroMilestones {
        height: auto;
        padding: 0 1;
        margin-bottom: 1;
        background: $success 25%;
        color: $text;
    }
    """

    def show(self, retro: Retro) -> None:
        self.set_class(not retro.milestones, "-none")
        self.update(milestones_content(retro))


class RetroColumn(Static):
    DEFAULT_CSS = """
    RetroColumn {
        width: 1fr;
        height: auto;
    }
    """

    def __init__(self, side: str, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.side = side

    def show(self, retro: Retro) -> None:
        self.update(left_content(retro) if self.side == "left" else right_content(retro))

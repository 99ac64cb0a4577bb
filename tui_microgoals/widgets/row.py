"""One line for a goal that fits any width: the title gives way, the figures stay.

A row is its icons, its title and what follows the title (markers, figures, the id). When the
line is too long for the pane, step by step: the progress bar and the parent's name go,
markers shrink to their symbol (``•`` for "today"), the words an icon already says go
("too big"), the due date drops its "due", the parts move one space apart, the forecast
shrinks to ``▲``; then the title is cut with an ellipsis down to ``MIN_TITLE`` cells, and
then the parts that may go are dropped from the end. The parts marked ``keep`` (the #id,
the due date, the progress figures) are never dropped.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from pendulum import Date, DateTime
from rich.cells import cell_len
from rich.text import Text
from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

#: A title is cut down to this many cells before the parts that may go are dropped.
MIN_TITLE = 10
#: The least room worth filling with a cut part (the parent's name in Today).
MIN_FILL = 8

#: The steps a line goes through as its pane gets narrower: at each one, the parts of that
#: step take their short form (at ``SINGLE_SPACE`` the parts move one space apart).
DECORATION, MARKER, ICON_SAYS_IT, DATE, SINGLE_SPACE, WORDS = range(6)


@dataclass(frozen=True)
class Part:
    """Something shown after the title, after two spaces (one where the pane is narrow)."""

    text: str
    style: str = ""
    #: The narrow form ("": the part goes); ``None``: it has none.
    short: str | None = None
    #: The step at which it takes its narrow form.
    step: int = DECORATION
    #: Never dropped: the #id, the due date, the progress figures.
    keep: bool = False
    #: Between it and what comes before.
    sep: str = "  "
    #: Gone in its narrow form, it still fills what room is left, cut with an ellipsis.
    fill: bool = False

    def form(self, step: int) -> str:
        """The part as shown at ``step`` (-1: as written), with its separator."""
        narrow = self.short is not None and self.step <= step
        text = self.short if narrow else self.text
        sep = self.sep[:1] if step >= SINGLE_SPACE else self.sep
        return sep + text if text else ""


@dataclass(frozen=True)
class Row:
    head: Text
    title: Text
    parts: tuple[Part, ...] = ()

    def __str__(self) -> str:
        return self.full.plain

    @cached_property
    def full(self) -> Text:
        return self._line(self.title, self.parts, -1)

    @cached_property
    def cell_len(self) -> int:
        return self.full.cell_len

    def _line(self, title: Text, parts: tuple[Part, ...] | list[Part], step: int) -> Text:
        line = Text.assemble(self.head, title)
        for part in parts:
            if text := part.form(step):
                line.append(text, style=part.style)
        return line

    def fit(self, width: int) -> Text:
        """The line at most ``width`` cells wide (see the module's docstring)."""
        if self.cell_len <= width:
            return self.full.copy()
        steps = sorted({p.step for p in self.parts if p.short is not None} | {SINGLE_SPACE})
        for step in steps:
            line = self._line(self.title, self.parts, step)
            if line.cell_len <= width:
                return self._filled(line, width, step)
        step = steps[-1]
        parts = [p for p in self.parts if p.form(step)]
        tail = sum(cell_len(p.form(step)) for p in parts)
        room = width - self.head.cell_len - tail
        while room < MIN_TITLE and any(not p.keep for p in parts):
            last = max(i for i, p in enumerate(parts) if not p.keep)
            room += cell_len(parts.pop(last).form(step))
        title = self.title.copy()
        title.truncate(max(room, 1), overflow="ellipsis")
        line = self._line(title, parts, step)
        if line.cell_len > width:  # narrower than the kept parts: cut, but never wrap
            line.truncate(width, overflow="ellipsis")
        return line

    def _filled(self, line: Text, width: int, step: int) -> Text:
        """A part gone at ``step`` that may fill the room left: the first one, cut to fit."""
        left = width - line.cell_len
        part = next((p for p in self.parts if p.fill and not p.form(step)), None)
        if part is not None and left >= MIN_FILL:
            rest = Text(part.sep + part.text, style=part.style)
            rest.truncate(left, overflow="ellipsis")
            line.append(rest)
        return line

    def visualize(self) -> Visual:
        """In an ``OptionList``: the row fits the width it is drawn at."""
        return RowVisual(self)


#: English month names, as pendulum's "MMM" writes them in its default locale.
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def month_day(day: Date) -> str:
    """``Dec 1``: pendulum's ``format("MMM D")`` without its first call's locale loading
    (~8 ms, before the first frame when a line shows a due date)."""
    return f"{MONTHS[day.month - 1]} {day.day}"


def hh_mm(moment: DateTime) -> str:
    """``09:05``: ``format("HH:mm")`` without loading a locale (see ``month_day``)."""
    return f"{moment.hour:02d}:{moment.minute:02d}"


def due_part(due: Date | None, today: Date | None) -> tuple[Part, ...]:
    """``due Dec 1``, red when late; kept however narrow the pane."""
    if due is None:
        return ()
    late = today is not None and due < today
    day = month_day(due)
    style = "bold red" if late else "yellow"
    return (Part(f"due {day}", style, short=day, step=DATE, keep=True),)


class RowVisual(Visual):
    def __init__(self, row: Row) -> None:
        self.row = row

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return self.row.cell_len

    def get_height(self, rules: RulesMap, width: int) -> int:
        return 1

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        content = Content.from_rich_text(self.row.fit(width))
        return content.render_strips(width, height, style, options)

"""The review's done list: the time and goal path of each, by day in the week view."""

from __future__ import annotations

from dataclasses import dataclass

from pendulum import Date
from textual.content import Content
from textual.widgets import Static

from tui_microgoals.core.review import DoneItem


@dataclass(frozen=True)
class DoneView:
    #: (the day, what got done that day); one day, or each day of the week view.
    days: list[tuple[Date, list[DoneItem]]]
    tz: str
    week: bool = False


def done_line(item: DoneItem, tz: str) -> Content:
    """``✔ 09:24  Title  · Goal › Sub-goal``: the title first, its path after it, dimmed."""
    when = item.at.in_timezone(tz).format("HH:mm") if item.at else "  ↻  "
    mark, style = ("🏁", "bold $success") if item.whole else ("✔", "$success")
    line = Content.assemble((f"  {mark} {when}  ", style), Content(item.title))
    if item.whole:
        line = line.append(Content.styled("  complete", "bold $success"))
    above = item.path[: len(item.path) - len(item.title)].removesuffix(" › ")
    if above and item.path.endswith(item.title):
        line = line.append(Content.styled("  · ", "dim")).append(Content.styled(above, "dim"))
    return line


def done_content(view: DoneView) -> Content:
    lines: list[Content] = [Content.styled("Done", "bold $success")]
    for date, items in view.days:
        if view.week:
            if not items:
                continue
            lines.append(Content.styled(date.format(" ddd MMM D"), "bold"))
        lines += [done_line(item, view.tz) for item in items]
    if len(lines) == 1:
        lines.append(Content.styled("  nothing done yet", "dim"))
    return Content("\n").join(lines)


class DoneList(Static):
    DEFAULT_CSS = """
    DoneList {
        height: auto;
        margin-top: 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def show(self, view: DoneView) -> None:
        self.update(done_content(view))

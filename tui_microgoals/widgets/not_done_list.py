"""The planned items not done, with how many days each has been carried."""

from __future__ import annotations

from pendulum import Date
from textual.content import Content
from textual.widgets import Static

from tui_microgoals.core.planner import TodayItem
from tui_microgoals.widgets.review_summary import no_record_line


def not_done_content(items: list[TodayItem], no_record_before: Date | None = None) -> Content:
    lines = [Content.styled("Planned, not done", "bold $warning")]
    if no_record_before is not None:
        return Content("\n").join([*lines, Content("  ").append(no_record_line(no_record_before))])
    for item in items:
        line = Content.assemble(("  ○ ", "$warning"), Content(item.goal.title))
        if item.carried:
            line = line.append(Content.styled(f"  carried {item.carried}d", "magenta"))
        lines.append(line)
    if not items:
        lines.append(Content.styled("  everything planned got done", "dim"))
    return Content("\n").join(lines)


class NotDoneList(Static):
    DEFAULT_CSS = """
    NotDoneList {
        height: auto;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    """

    def show(self, items: list[TodayItem], no_record_before: Date | None = None) -> None:
        self.update(not_done_content(items, no_record_before))

"""The suggested plan for a day: a checkbox per item with its minutes and reason.

Enter accepts the checked items, escape cancels. Items already on the day's list (planned,
carried, habits) are shown checked and cannot be unchecked here: accepting never removes
what the user planned.
"""

from __future__ import annotations

from collections.abc import Collection

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from tui_microgoals.core.forecast import PlanItem, SuggestedPlan
from tui_microgoals.screens.answer_once import AnswerOnce
from tui_microgoals.screens.dialog_keys import DialogKey, KeyLine, dialog_bindings


def item_prompt(item: PlanItem, one_thing: bool) -> Text:
    """One line per item; the title is plain text, never markup."""
    text = Text("★ " if one_thing else "", style="bold yellow")
    text.append(Text(item.goal.title, style="bold" if one_thing else ""))
    text.append(f"  {item.minutes}m", style="dim")
    text.append(f"  {item.reason}", style="italic cyan")
    if one_thing:
        text.append("  (One Thing)", style="yellow")
    return text


def minutes_line(minutes: int, capacity: int, paced: bool = False) -> Content:
    """Only numbers: no user text, so plain ``Content`` is safe. ``paced``: the minutes
    are at the user's pace (calibrated), not as estimated."""
    word = "over your usual" if minutes > capacity else "of your usual"
    pace = " at your pace" if paced else ""
    return Content(f"{minutes} min checked{pace}, {word} {capacity} min of focus")


class SuggestScreen(AnswerOnce, ModalScreen[list[int] | None]):
    """Dismisses with the checked goal ids on enter, ``None`` on escape."""

    KEYS = (
        DialogKey("space", "check / uncheck"),
        # Before the list's own enter, which would only check an item.
        DialogKey("enter", "accept the checked", "accept", priority=True),
        DialogKey("escape", "cancel", "cancel"),
    )
    BINDINGS = dialog_bindings(KEYS)
    AUTO_FOCUS = "#suggest-items"

    def __init__(self, plan: SuggestedPlan, listed: Collection[int], heading: str) -> None:
        super().__init__()
        self.plan = plan
        self.listed = set(listed)
        self.heading = heading
        self._paced = plan.paced_minutes is not None

    def compose(self) -> ComposeResult:
        plan = self.plan
        one = plan.one_thing.id if plan.one_thing else None
        with Vertical(classes="dialog suggest"):
            yield Static(Content(self.heading), classes="dialog-title")
            yield Static(
                minutes_line(plan.planned_minutes, plan.capacity, self._paced),
                id="suggest-minutes",
                classes="dialog-body",
            )
            yield SelectionList[int](
                *(
                    Selection(
                        item_prompt(item, item.goal.id == one),
                        item.goal.id,
                        True,
                        id=f"goal-{item.goal.id}",
                        disabled=item.goal.id in self.listed or item.goal.is_habit,
                    )
                    for item in plan.items
                ),
                id="suggest-items",
            )
            if plan.split:
                split = Text("Split first (too big for one block):", style="bold yellow")
                for goal in plan.split:
                    split.append("\n  ⚠ ")
                    split.append(Text(goal.title))
                    split.append(f"  {goal.minutes}m", style="dim")
                yield Static(split, id="suggest-split", classes="dialog-body")
            yield Static(Content("Items already on the list stay on it."), classes="dim")
        yield KeyLine(self.KEYS)

    def on_mount(self) -> None:
        self._checked()

    @on(SelectionList.SelectedChanged)
    def _checked(self) -> None:
        checked = set(self.query_one(SelectionList).selected)
        # (what each item takes of the day: at the user's pace when calibrated)
        minutes = sum(i.day_minutes for i in self.plan.items if i.goal.id in checked)
        line = self.query_one("#suggest-minutes", Static)
        line.update(minutes_line(minutes, self.plan.capacity, self._paced))
        line.set_class(minutes > self.plan.capacity, "-over")

    def action_accept(self) -> None:
        self.dismiss(list(self.query_one(SelectionList).selected))

    def action_cancel(self) -> None:
        self.dismiss(None)

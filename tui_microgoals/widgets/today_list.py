"""The Today pane: today's plan in order, the One Thing first, then a Done section."""

from __future__ import annotations

from dataclasses import dataclass, field

from pendulum import Date, DateTime
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option, OptionDoesNotExist

from tui_microgoals.core.planner import TodayItem
from tui_microgoals.widgets.kept_lines import KeptLinesOptionList
from tui_microgoals.widgets.row import ICON_SAYS_IT, Part, Row, due_part, hh_mm

DONE_HEADER = "done-header"


@dataclass(frozen=True)
class DoneEntry:
    goal_id: int
    title: str
    parent_title: str | None
    at: DateTime | None
    habit: bool = False


@dataclass(frozen=True)
class TodayView:
    """What the Today pane draws: open items in plan order, then what got done today."""

    open_items: list[TodayItem] = field(default_factory=list)
    done: list[DoneEntry] = field(default_factory=list)
    running: int | None = None
    tz: str = "UTC"
    #: The local date: a due date before it shows as late.
    today: Date | None = None


def item_label(item: TodayItem, running: int | None, today: Date | None = None) -> Row:
    """One line per item; titles and parent names are plain text, never markup.

    At 80 columns the title gives way first: the #id and the due date always show.
    """
    if item.goal.id == running:
        text = Text("▶ ", style="bold green")
    elif item.one_thing:
        text = Text("★ ", style="bold yellow")
    elif item.blocked:
        text = Text("⊘ ", style="red")
    elif item.too_big:
        text = Text("⚠ ", style="bold yellow")
    else:
        text = Text("○ ")
    if item.carried:  # up front, so a narrow pane still shows it
        text.append(f"↪{item.carried}d ", style="bold magenta")
    goal = item.goal
    parts: list[Part] = []
    if goal.minutes is not None:
        parts.append(Part(f"{goal.minutes}m", "dim"))
    if item.habit:
        parts.append(Part("↻", "cyan"))
    if item.blocked:  # narrow: the ⊘ icon says it
        parts.append(Part("⛔ blocked", "red", short="", step=ICON_SAYS_IT))
    if item.too_big:
        parts.append(Part("⚠ too big", "bold yellow", short="", step=ICON_SAYS_IT))
    parts += due_part(goal.due, today)
    parts.append(Part(f"#{goal.id}", "dim", keep=True))
    if item.parent_title:  # last: the first thing to go when the pane is narrow
        parts.append(Part(f"· {item.parent_title}", "dim", short="", fill=True))
    return Row(text, Text(goal.title, style="bold" if item.one_thing else ""), tuple(parts))


def done_label(entry: DoneEntry, tz: str) -> Row:
    when = hh_mm(entry.at.in_timezone(tz)) if entry.at else "  ↻  "
    parts = [Part(f"#{entry.goal_id}", "dim", keep=True)]
    if entry.parent_title:
        parts.append(Part(f"· {entry.parent_title}", "dim", short="", fill=True))
    return Row(Text(f"✔ {when} ", style="green"), Text(entry.title, style="dim"), tuple(parts))


class TodayList(KeptLinesOptionList):
    """Keeps the highlight on the same goal across refreshes."""

    BINDINGS = [
        Binding("k", "cursor_up", "Up", show=False),
        Binding("j", "cursor_down", "Down", show=False),
    ]

    class ItemSelected(Message):
        """The highlight moved onto a goal (``None``: nothing to highlight)."""

        def __init__(self, goal_id: int | None) -> None:
            super().__init__()
            self.goal_id = goal_id

    class ItemChosen(Message):
        """Enter or a double click on a goal's line (a single click only highlights it)."""

        def __init__(self, goal_id: int) -> None:
            super().__init__()
            self.goal_id = goal_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.goal_id: int | None = None
        self._open_ids: set[int] = set()
        #: Each line's label by option id, and what it was made of.
        self._labels: dict[str, tuple[tuple, Row]] = {}

    def show(self, view: TodayView, select: int | None = None) -> None:
        wanted = select if select is not None else self.goal_id
        kept, self._labels = self._labels, {}
        labels: list[tuple[str, Text | Row, bool]] = []
        for item in view.open_items:
            running = view.running if item.goal.id == view.running else None
            made_of = (item, running, view.today)
            labels.append((*self._label(kept, item.goal.id, made_of), False))
        if not view.open_items:
            empty = Text("Nothing planned. In Goals, press t on a micro-goal.", style="dim")
            labels.append(("empty", empty, True))
        header = Text(f"── Done today ({len(view.done)}) ──", style="green")
        labels.append((DONE_HEADER, header, True))
        labels += [(*self._label(kept, e.goal_id, (e, view.tz)), False) for e in view.done]
        options = self._update_options(labels)
        open_ids = {item.goal.id for item in view.open_items}
        if wanted in self._open_ids and wanted not in open_ids:
            wanted = view.open_items[0].goal.id if view.open_items else None  # it just got done
        self._open_ids = open_ids
        index = self._index_of(wanted)
        if index is None:
            first = next((i for i, o in enumerate(options) if not o.disabled), None)
            index = first
        self.highlighted = index
        self.scroll_to_highlight()  # (also when its index stayed: the lines around it moved)
        new_id = self._goal_at(index)
        if new_id != self.goal_id:
            self.goal_id = new_id
            self.post_message(self.ItemSelected(new_id))

    def _label(
        self, kept: dict[str, tuple[tuple, Row]], goal_id: int, made_of: tuple
    ) -> tuple[str, Row]:
        """A goal's option id and line, drawn from ``made_of`` (an item, the running goal
        and the date; or a done entry and the time zone): the same object as last time when
        nothing changed, so the list sees at once that the line did not (and keeps it)."""
        key = f"goal-{goal_id}"
        old = kept.get(key)
        if old is not None and old[0] == made_of:
            row = old[1]
        elif isinstance(made_of[0], DoneEntry):
            row = done_label(*made_of)
        else:
            row = item_label(*made_of)
        self._labels[key] = (made_of, row)
        return key, row

    def _update_options(self, labels: list[tuple[str, Text | Row, bool]]) -> list[Option]:
        """Change only what changed: an edit usually changes one line of a hundred, and
        rebuilding them all (every option measured and drawn again) costs ~15 ms at 100."""
        old = self.options
        if [o.id for o in old] == [key for key, _, _ in labels] and all(
            o.disabled == disabled for o, (_, _, disabled) in zip(old, labels, strict=True)
        ):
            for index, (option, (_, label, _)) in enumerate(zip(old, labels, strict=True)):
                if option.prompt is not label and option.prompt != label:
                    self.replace_prompt(index, label)
            return list(old)
        # A new order (the One Thing moved up, an item done): unchanged options are reused,
        # so they keep what they measured and drew.
        by_id = {o.id: o for o in old}
        options = []
        for key, label, disabled in labels:
            option = by_id.get(key)
            if (
                option is None
                or option.disabled != disabled
                or (option.prompt is not label and option.prompt != label)
            ):
                option = Option(label, id=key, disabled=disabled)
            options.append(option)
        self.reorder(options)
        return options

    def highlighted_goal(self) -> int | None:
        """The goal under the highlight now (``goal_id`` follows it by a message)."""
        index = self.highlighted
        if index is None or index >= self.option_count:
            return None
        return self._goal_at(index)

    def _index_of(self, goal_id: int | None) -> int | None:
        if goal_id is None:
            return None
        try:
            return self.get_option_index(f"goal-{goal_id}")
        except OptionDoesNotExist:
            return None

    def _is_stale(self, event: OptionList.OptionMessage) -> bool:
        """A message queued before ``show`` rebuilt the list names an option that is gone
        (its index may be past the end); ``show`` already said what is highlighted now."""
        index = event.option_index
        return index >= self.option_count or self.get_option_at_index(index) is not event.option

    def _goal_at(self, index: int | None) -> int | None:
        if index is None:
            return None
        option_id = self.get_option_at_index(index).id or ""
        return int(option_id[5:]) if option_id.startswith("goal-") else None

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if self._is_stale(event):
            return
        goal_id = self._goal_at(event.option_index)
        if goal_id != self.goal_id:
            self.goal_id = goal_id
            self.post_message(self.ItemSelected(goal_id))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if self._is_stale(event):
            return
        goal_id = self._goal_at(event.option_index)
        if goal_id is not None:
            self.post_message(self.ItemChosen(goal_id))

    async def _on_click(self, event: events.Click) -> None:
        """A click highlights; the second click of a double click chooses (as enter)."""
        event.prevent_default()  # OptionList's own click chooses at once
        index = event.style.meta.get("option")
        if index is None or self.get_option_at_index(index).disabled:
            return
        self.highlighted = index
        if event.chain >= 2:
            self.action_select()

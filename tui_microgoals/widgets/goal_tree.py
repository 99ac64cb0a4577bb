"""The Goals pane: the goal tree with progress, estimates, due dates and markers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pendulum import Date
from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from tui_microgoals.core import tree
from tui_microgoals.core.models import DONE, DROPPED, Goal

BAR_WIDTH = 6


@dataclass(frozen=True)
class TreeView:
    """What the Goals pane draws; the screen builds it from a store snapshot."""

    goals: Mapping[int, Goal] = field(default_factory=dict)
    today: Date | None = None
    block_minutes: int = 20
    planned: frozenset[int] = frozenset()
    running: int | None = None
    show_done: bool = True
    filter: str = ""
    #: Deadline forecast per goal id: ``on_track``, ``at_risk`` or ``overdue``.
    forecast: Mapping[int, str] = field(default_factory=dict)


#: How a forecast status shows in the tree: words and style.
FORECAST_MARKERS = {
    "on_track": ("on track", "green"),
    "at_risk": ("▲ at risk", "bold yellow"),
    "overdue": ("✗ overdue", "bold red"),
}


def progress_bar(fraction: float, width: int = BAR_WIDTH) -> str:
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled)


def goal_label(goal: Goal, view: TreeView, progress: tree.Progress, leaf: bool) -> Text:
    """One line for a goal; the title is plain text, never markup."""
    done = goal.status == DONE
    dropped = goal.status == DROPPED
    if goal.id == view.running:
        icon, icon_style = "▶ ", "bold green"
    elif done:
        icon, icon_style = "✔ ", "green"
    elif dropped:
        icon, icon_style = "✗ ", "dim"
    elif not leaf:
        icon, icon_style = "◆ ", ""
    elif tree.is_blocked(view.goals, goal):
        icon, icon_style = "⊘ ", "red"
    elif tree.is_too_big(goal, view.block_minutes):
        icon, icon_style = "⚠ ", "bold yellow"
    else:
        icon, icon_style = "○ ", ""
    title_style = "dim" if done else "dim strike" if dropped else "" if leaf else "bold"
    text = Text(icon, style=icon_style)
    text.append(Text(goal.title, style=title_style))
    if (status := view.forecast.get(goal.id)) in FORECAST_MARKERS:
        words, style = FORECAST_MARKERS[status]  # near the title, so a narrow pane shows it
        text.append(f"  {words}", style=style)
    if not leaf:
        text.append(f"  {progress.done}/{progress.total} ", style="dim" if done else "")
        text.append(progress_bar(progress.fraction), style="green")
        if progress.minutes_total:
            text.append(f"  {progress.minutes_done}/{progress.minutes_total}m", style="dim")
    if leaf and goal.minutes is not None:
        text.append(f"  {goal.minutes}m", style="dim")
    if goal.due is not None and not done:
        late = view.today is not None and goal.due < view.today
        text.append(f"  due {goal.due.format('MMM D')}", style="bold red" if late else "yellow")
    if goal.is_habit:
        text.append(f"  ↻ {goal.recurrence}", style="cyan")
    if goal.id in view.planned and not done:
        text.append("  • today", style="cyan")
    if leaf and not done and tree.is_blocked(view.goals, goal):
        text.append("  ⛔ blocked", style="red")
    if leaf and not done and tree.is_too_big(goal, view.block_minutes):
        text.append("  ⚠ too big", style="bold yellow")
    text.append(f"  #{goal.id}", style="dim")  # the id the After and Parent fields take
    return text


class GoalTree(Tree[int], inherit_bindings=False):
    """Goals in manual order; keeps the cursor on the same goal across refreshes."""

    BINDINGS = [
        Binding("up,k", "cursor_up", "Up", show=False),
        Binding("down,j", "cursor_down", "Down", show=False),
        Binding("left", "collapse", "Collapse", show=False),
        Binding("right", "expand", "Expand", show=False),
        Binding("enter", "toggle_node", "Open/close", show=False),
        Binding("home", "scroll_home", "First", show=False),
        Binding("end", "scroll_end", "Last", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
    ]

    class GoalSelected(Message):
        """The cursor moved onto a goal (``None``: the tree is empty)."""

        def __init__(self, goal_id: int | None) -> None:
            super().__init__()
            self.goal_id = goal_id

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Text("Goals"), id=id)
        self.show_root = False
        self.guide_depth = 2
        self.goal_id: int | None = None
        self._collapsed: set[int] = set()
        self._goal_nodes: dict[int, TreeNode[int]] = {}
        self._label_keys: dict[int, tuple[object, ...]] = {}
        self._shape: tuple[object, ...] | None = None

    def show(self, view: TreeView, select: int | None = None) -> None:
        """Draw ``view``; the cursor stays on ``select`` or the goal it was on.

        When the shape of the tree is unchanged (the usual case: a goal marked done, a plan
        changed) only the labels that changed are redrawn, so a tree of thousands of goals
        stays quick to update; otherwise it is rebuilt.
        """
        wanted = select if select is not None else self.goal_id
        goals = view.goals
        kids = tree.children_map(goals)
        progress = tree.progress_all(goals)
        visible = self._visible(view, kids)
        rows: list[tuple[Goal, int | None, bool, bool]] = []
        placed: set[int] = set()
        for goal, _depth in tree.walk(goals, kids):
            parent = goal.parent if goal.parent in goals else None
            if goal.id not in visible or (parent is not None and parent not in placed):
                continue
            placed.add(goal.id)
            leaf = tree.is_leaf(goals, goal.id, kids)
            has_kids = any(c.id in visible for c in kids.get(goal.id, []))
            rows.append((goal, parent, leaf, has_kids))
        shape = (view.filter, tuple((g.id, parent, has_kids) for g, parent, _, has_kids in rows))
        rebuild = shape != self._shape
        if rebuild:
            self.clear()
            self._goal_nodes, self._label_keys = {}, {}
        parents: dict[int | None, TreeNode[int]] = {None: self.root}
        for goal, parent, leaf, has_kids in rows:
            key = (
                goal,
                progress[goal.id],
                leaf,
                goal.id in view.planned,
                goal.id == view.running,
                tree.is_blocked(goals, goal),
                view.today,
                view.block_minutes,
                view.forecast.get(goal.id),
            )
            if not rebuild:
                if self._label_keys.get(goal.id) != key:
                    self._goal_nodes[goal.id].set_label(
                        goal_label(goal, view, progress[goal.id], leaf)
                    )
                    self._label_keys[goal.id] = key
                continue
            label = goal_label(goal, view, progress[goal.id], leaf)
            if has_kids:
                expand = goal.id not in self._collapsed or bool(view.filter)
                node = parents[parent].add(label, data=goal.id, expand=expand)
            else:
                node = parents[parent].add_leaf(label, data=goal.id)
            parents[goal.id] = node
            self._goal_nodes[goal.id] = node
            self._label_keys[goal.id] = key
        self._shape = shape
        self.last_line  # noqa: B018 - lays the lines out so nodes know their line
        target = self._goal_nodes.get(wanted) if wanted is not None else None
        if target is None and self._goal_nodes:
            target = next(iter(self._goal_nodes.values()))
        if target is not self.cursor_node:
            self.move_cursor(target)
        new_id = target.data if target is not None else None
        if new_id != self.goal_id:
            self.goal_id = new_id
            self.post_message(self.GoalSelected(new_id))

    def _visible(self, view: TreeView, kids: dict[int | None, list[Goal]]) -> set[int]:
        goals = view.goals
        shown = {g.id for g in goals.values() if view.show_done or g.status not in (DONE, DROPPED)}
        if view.filter:
            needle = view.filter.casefold()
            hits = {i for i in shown if needle in goals[i].title.casefold()}
            keep = set(hits)
            for i in hits:
                keep.update(a.id for a in tree.ancestors(goals, i))
            shown &= keep
        return shown

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[int]) -> None:
        event.stop()
        if event.node.data != self.goal_id:
            self.goal_id = event.node.data
            self.post_message(self.GoalSelected(self.goal_id))

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[int]) -> None:
        event.stop()
        if event.node.data is not None:
            self._collapsed.discard(event.node.data)

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[int]) -> None:
        event.stop()
        if event.node.data is not None:
            self._collapsed.add(event.node.data)

    def on_tree_node_selected(self, event: Tree.NodeSelected[int]) -> None:
        event.stop()

    def action_collapse(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def action_expand(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            node.expand()

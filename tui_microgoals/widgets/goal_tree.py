"""The Goals pane: the goal tree with progress, estimates, due dates and markers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from pendulum import Date
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widgets import Tree
from textual.widgets._tree import TOGGLE_STYLE
from textual.widgets.tree import TreeNode

from tui_microgoals.core import tree
from tui_microgoals.core.models import DONE, DROPPED, Goal
from tui_microgoals.core.tree_index import TreeIndex
from tui_microgoals.widgets.row import ICON_SAYS_IT, MARKER, WORDS, Part, Row, due_part

BAR_WIDTH = 6
#: A tree of at most this many goals starts fully open, as it always did; a bigger one opens
#: only the branches leading to today's items and the running block (the user's opening and
#: closing is kept either way).
SMALL_TREE = 300


@dataclass(frozen=True)
class TreeView:
    """What the Goals pane draws; the screen builds it from a store snapshot."""

    goals: Mapping[int, Goal] = field(default_factory=dict)
    today: Date | None = None
    block_minutes: int = 20
    planned: frozenset[int] = frozenset()
    #: Goals whose branches a big tree opens at start: the block's, the first of today's.
    reveal: tuple[int, ...] = ()
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


def filter_hits(goals: Mapping[int, Goal], text: str) -> set[int]:
    """The goals whose titles hold ``text`` (ignoring case): what ``/`` matches."""
    needle = text.casefold()
    return {i for i, g in goals.items() if needle in g.title.casefold()}


def filter_keep(goals: Mapping[int, Goal], text: str) -> set[int]:
    """What a filtered tree shows: the hits, the goals above them (the way there) and the
    goals below them (a matching goal shows its steps)."""
    hits = filter_hits(goals, text)
    keep = set(hits)
    for i in hits:
        keep.update(a.id for a in tree.ancestors(goals, i))
    kids = tree.children_map(goals)  # once: a short filter can match thousands
    seen, below = set(hits), list(hits)
    while below:
        for child in kids.get(below.pop(), []):
            if child.id not in seen:
                seen.add(child.id)
                below.append(child.id)
    return keep | seen


def progress_bar(fraction: float, width: int = BAR_WIDTH) -> str:
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled)


#: How a forecast status shows where the pane is narrow.
FORECAST_SHORT = {"on_track": "", "at_risk": "▲", "overdue": "✗"}


def goal_label(goal: Goal, view: TreeView, progress: tree.Progress, leaf: bool) -> Row:
    """One line for a goal; the title is plain text, never markup.

    Where the pane is narrow the title gives way (see ``Row``): the #id, the due date and
    the progress figures always show.
    """
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
    parts: list[Part] = []
    if (status := view.forecast.get(goal.id)) in FORECAST_MARKERS:
        words, style = FORECAST_MARKERS[status]  # near the title, so a narrow pane shows it
        parts.append(Part(words, style, short=FORECAST_SHORT[status], step=WORDS))
    if not leaf and progress.total:  # (a goal of habits only: they never finish)
        figure_style = "dim" if done else ""
        parts.append(Part(f"{progress.done}/{progress.total}", figure_style, keep=True))
        parts.append(Part(progress_bar(progress.fraction), "green", short="", sep=" "))
        if progress.minutes_total:
            minutes = f"{progress.minutes_done}/{progress.minutes_total}m"
            parts.append(Part(minutes, "dim", keep=True))
    if leaf and goal.minutes is not None:
        parts.append(Part(f"{goal.minutes}m", "dim"))
    if not done:
        parts += due_part(goal.due, view.today)
    if goal.is_habit:
        parts.append(Part(f"↻ {goal.recurrence}", "cyan", short="↻", step=MARKER))
    if goal.id in view.planned and not done:
        parts.append(Part("• today", "cyan", short="•", step=MARKER))
    if leaf and not done and tree.is_blocked(view.goals, goal):  # narrow: the ⊘ icon says it
        parts.append(Part("⛔ blocked", "red", short="", step=ICON_SAYS_IT))
    if leaf and not done and tree.is_too_big(goal, view.block_minutes):
        parts.append(Part("⚠ too big", "bold yellow", short="", step=ICON_SAYS_IT))
    parts.append(Part(f"#{goal.id}", "dim", keep=True))  # the id After and Parent take
    return Row(Text(icon, style=icon_style), Text(goal.title, style=title_style), tuple(parts))


class GoalTree(Tree[int], inherit_bindings=False):
    """Goals in manual order; keeps the cursor on the same goal across refreshes.

    Built lazily: a branch's nodes exist only once it is open, so a tree of thousands of
    goals costs what its visible lines cost. A redraw diffs the goals against the last ones
    (``TreeIndex``) and touches only the nodes whose line or children changed.
    """

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

    #: The room the drawn lines were fitted to (set on the first draw).
    _width = 0

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
        self._view = TreeView()
        self._index: TreeIndex | None = None
        self._goal_nodes: dict[int, TreeNode[int]] = {}  # the goals that have a node
        self._keys: dict[int, tuple[object, ...]] = {}  # what each node's label was made of
        self._rows: dict[int, Row] = {}  # each node's line, fitted to the width when drawn
        self._filled: set[int | None] = set()  # goals whose children have nodes
        self._collapsed: set[int] = set()  # closed by the user
        self._opened: set[int] = set()  # opened by the user
        self._auto: set[int] = set()  # open at start: above today's items and the block
        self._keep: set[int] | None = None  # while filtering: the hits and their ancestors

    def children_map(self, goals: Mapping[int, Goal]) -> dict[int | None, list[Goal]] | None:
        """The tree's own map of children, when it was drawn from ``goals`` (saves working
        one out again: ~3 ms at 5,000 goals)."""
        index = self._index
        return index.kids if index is not None and index.goals is goals else None

    # -- drawing -------------------------------------------------------------------------

    def show(self, view: TreeView, select: int | None = None) -> None:
        """Draw ``view``; the cursor stays on ``select`` or the goal it was on."""
        wanted = select if select is not None else self.goal_id
        old, self._view = self._view, view
        if self._index is None:
            self._index = TreeIndex(view.goals)
            touched: set[int] | None = None
        else:
            touched = self._index.update(view.goals)
        index = self._index
        self._auto = {
            a for i in (*view.reveal, view.running) if i in view.goals for a in index.ancestors(i)
        }
        rebuild = (
            touched is None
            or old.filter != view.filter
            or old.show_done != view.show_done
            or bool(view.filter and touched)
        )
        if rebuild:
            self._keep = self._filter_hits(view) if view.filter else None
            self.clear()
            self._goal_nodes, self._keys, self._rows, self._filled = {}, {}, {}, {None}
            self._fill(None)
        else:
            assert touched is not None
            for parent in [None, *touched]:
                self._sync(parent)
            if old.today != view.today or old.block_minutes != view.block_minutes:
                relabel: set[int] | None = None
            else:
                relabel = set(touched)
                relabel.update(old.planned ^ view.planned)
                relabel.update(i for i in (old.running, view.running) if i is not None)
                if old.forecast != view.forecast:
                    keys = old.forecast.keys() | view.forecast.keys()
                    relabel.update(i for i in keys if old.forecast.get(i) != view.forecast.get(i))
            for goal_id in (
                self._goal_nodes.keys() if relabel is None else relabel & self._goal_nodes.keys()
            ):
                self._relabel(goal_id)
        if wanted is not None and wanted not in self._goal_nodes:
            self._reveal(wanted)
        self.last_line  # noqa: B018 - lays the lines out so nodes know their line
        target = self._goal_nodes.get(wanted) if wanted is not None else None
        if target is None and self.root.children:
            target = self.root.children[0]
        if target is not self.cursor_node:
            self.move_cursor(target)
        new_id = target.data if target is not None else None
        if new_id != self.goal_id:
            self.goal_id = new_id
            self.post_message(self.GoalSelected(new_id))

    def _filter_hits(self, view: TreeView) -> set[int]:
        return filter_keep(view.goals, view.filter)

    def _shown(self, goal_id: int | None) -> list[Goal]:
        """The children of ``goal_id`` that get a line."""
        assert self._index is not None
        view, keep = self._view, self._keep
        return [
            c
            for c in self._index.children(goal_id)
            if (view.show_done or c.status not in (DONE, DROPPED))
            and (keep is None or c.id in keep)
        ]

    def _opens(self, goal_id: int) -> bool:
        """Whether a branch starts open: always while filtering; else as the user left it;
        else open in a small tree, and in a big one only on the way to today's items."""
        if self._keep is not None:
            return True
        if goal_id in self._collapsed:
            return False
        return (
            goal_id in self._opened or len(self._view.goals) <= SMALL_TREE or goal_id in self._auto
        )

    def _label_key(self, goal: Goal) -> tuple[object, ...]:
        assert self._index is not None
        view, index = self._view, self._index
        leaf = not any(c.status != DROPPED for c in index.children(goal.id))
        return (
            goal,
            index.progress[goal.id],
            leaf,
            goal.id in view.planned,
            goal.id == view.running,
            tree.is_blocked(view.goals, goal),
            view.today,
            view.block_minutes,
            view.forecast.get(goal.id),
        )

    def _label(self, goal: Goal, key: tuple[object, ...]) -> Text:
        """The full line; ``render_label`` fits it to the pane when it is drawn."""
        progress, leaf = key[1], key[2]
        row = self._rows[goal.id] = goal_label(goal, self._view, progress, leaf)  # type: ignore[arg-type]
        return row.full

    def _fill(self, parent: int | None) -> None:
        """Give ``parent``'s shown children nodes; open ones get theirs too."""
        under = self.root if parent is None else self._goal_nodes[parent]
        self._filled.add(parent)
        for goal in self._shown(parent):
            key = self._label_key(goal)
            label = self._label(goal, key)
            if self._shown(goal.id):
                node = under.add(label, data=goal.id, expand=self._opens(goal.id))
            else:
                node = under.add_leaf(label, data=goal.id)
            self._goal_nodes[goal.id] = node
            self._keys[goal.id] = key
            if node.is_expanded:
                self._fill(goal.id)

    def _forget(self, node: TreeNode[int]) -> None:
        for child in node.children:
            if child.data is not None:
                self._forget(child)
                self._goal_nodes.pop(child.data, None)
                self._keys.pop(child.data, None)
                self._rows.pop(child.data, None)
                self._filled.discard(child.data)

    def _sync(self, parent: int | None) -> None:
        """Bring ``parent``'s children in line with the goals, if it has nodes."""
        if parent is not None and parent not in self._goal_nodes:
            return
        node = self.root if parent is None else self._goal_nodes[parent]
        shown = self._shown(parent) if parent is None or parent in self._view.goals else []
        if parent is not None and node.allow_expand != bool(shown):
            node.allow_expand = bool(shown)
            if shown and self._opens(parent):
                node.expand()
        if parent not in self._filled:
            if node.is_expanded and shown:
                self._fill(parent)
            return
        if [g.id for g in shown] == [c.data for c in node.children]:
            return
        self._forget(node)
        node.remove_children()
        self._fill(parent)

    def _relabel(self, goal_id: int) -> None:
        goal = self._view.goals.get(goal_id)
        if goal is None:
            return
        key = self._label_key(goal)
        if self._keys.get(goal_id) != key:
            self._keys[goal_id] = key
            self._goal_nodes[goal_id].set_label(self._label(goal, key))

    def _reveal(self, goal_id: int) -> None:
        """Open the branches down to ``goal_id`` (a goal just added in a closed branch)."""
        assert self._index is not None
        if goal_id not in self._view.goals:
            return
        for above in reversed(self._index.ancestors(goal_id)):
            node = self._goal_nodes.get(above)
            if node is None:
                return  # hidden (done, or filtered out)
            self._open(node)

    def _open(self, node: TreeNode[int]) -> None:
        goal_id = node.data
        if goal_id is None or not node.allow_expand:
            return
        self._collapsed.discard(goal_id)
        self._opened.add(goal_id)
        if goal_id not in self._filled:
            self._fill(goal_id)
        if not node.is_expanded:
            node.expand()

    # -- fitting each line to the pane --------------------------------------------------

    def _label_room(self, node: TreeNode[int]) -> int:
        """Cells left for ``node``'s label: the pane less its guides and open/close icon."""
        depth, above = 0, node.parent
        while above is not None and above is not self.root:
            depth, above = depth + 1, above.parent
        icon = len(self.ICON_NODE) if node.allow_expand else 0
        return self._width - depth * self.guide_depth - icon

    def render_lines(self, crop: Region) -> list[Strip]:
        # A scrollbar that comes or goes changes the room for the labels, not the widget's
        # size that Tree keys its cached lines on: drawn lines are then for another width.
        width = self.scrollable_content_region.width
        if width != self._width:
            self._width = width
            self._line_cache.clear()
        return super().render_lines(crop)

    def render_label(self, node: TreeNode[int], base_style: Style, style: Style) -> Text:
        row = self._rows.get(node.data) if node.data is not None else None
        room = self._label_room(node)
        if row is None or room <= 0 or row.cell_len <= room:
            return super().render_label(node, base_style, style)
        label = row.fit(room)
        label.stylize(style)
        if node.allow_expand:
            icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
            return Text.assemble((icon, base_style + TOGGLE_STYLE), label)
        return label

    def get_label_width(self, node: TreeNode[int]) -> int:
        """Cheap (every line's width is asked for at each layout): the fitted width; with
        no room known yet (before the first frame) the whole line's, as drawing it would
        measure (``render_label`` leaves it whole)."""
        row = self._rows.get(node.data) if node.data is not None else None
        if row is None:
            return super().get_label_width(node)
        room = self._label_room(node)
        icon = len(self.ICON_NODE) if node.allow_expand else 0
        return icon + (row.cell_len if room <= 0 else min(row.cell_len, room))

    # -- keys and mouse ------------------------------------------------------------------

    def _toggle_node(self, node: TreeNode[int]) -> None:
        """Every way of opening a branch (enter, click, right) builds its children first."""
        if not node.allow_expand:
            return
        if node.is_expanded:
            self._close(node)
        else:
            self._open(node)

    def _close(self, node: TreeNode[int]) -> None:
        if node.data is not None:
            self._opened.discard(node.data)
            self._collapsed.add(node.data)
        node.collapse()

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[int]) -> None:
        event.stop()
        if event.node.data != self.goal_id:
            self.goal_id = event.node.data
            self.post_message(self.GoalSelected(self.goal_id))

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[int]) -> None:
        event.stop()

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[int]) -> None:
        event.stop()

    def on_tree_node_selected(self, event: Tree.NodeSelected[int]) -> None:
        event.stop()

    def action_collapse(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.allow_expand and node.is_expanded:
            self._close(node)
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def action_expand(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            self._open(node)

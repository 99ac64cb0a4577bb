"""The main screen: Goals, Today and Focus panes. It owns the state; panes only draw it.

The other screens are imported where they open: start-up pays only for this one (~45 ms
less before the first frame).
"""

from __future__ import annotations

from collections.abc import Callable

from pendulum import Date, DateTime
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Static

from tui_microgoals.commands import MAIN_COMMANDS, bindings
from tui_microgoals.core import timer, tree
from tui_microgoals.core.errors import READ_ONLY, MicrogoalsError
from tui_microgoals.core.models import DONE, DROPPED, Block, Goal
from tui_microgoals.core.planner import TodayItem, day_list, plan_units
from tui_microgoals.core.review import goal_done_days, habit_days, streak
from tui_microgoals.core.settings import block_minutes_for
from tui_microgoals.core.store import Snapshot, Store
from tui_microgoals.screens import main_view
from tui_microgoals.screens.plan_commands import PlanCommands
from tui_microgoals.screens.undo_commands import UndoCommands
from tui_microgoals.session import Session
from tui_microgoals.widgets.focus_pane import FocusPane, why_not_startable
from tui_microgoals.widgets.goal_tree import GoalTree, filter_hits
from tui_microgoals.widgets.key_footer import KeyFooter
from tui_microgoals.widgets.status_line import StatusLine
from tui_microgoals.widgets.today_list import DoneEntry, TodayList, TodayView

#: How often the screen looks for changes made by another process, and redraws the clock.
TICK_SECONDS = 0.5


class MainScreen(UndoCommands, PlanCommands):
    BINDINGS = bindings(MAIN_COMMANDS)
    COMMANDS_TABLE = MAIN_COMMANDS
    AUTO_FOCUS = "#today"

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.snapshot: Snapshot | None = None
        self.items: list[TodayItem] = []
        self.blocks_today: list[Block] = []
        self.selected: dict[str, int | None] = {"today": None, "goals": None}
        self.show_done = True
        self.filter_text = ""
        self._break_end: DateTime | None = None  # the end of the break last seen running
        self._done: list[DoneEntry] = []
        self._done_count = 0  # micro-goals among them
        self._done_goals: list[DoneEntry] = []  # goals finished today, in order
        self._goal_days: set[Date] = set()  # days a goal was finished on
        self._streak = 0
        self._tick_error: str | None = None
        self._damaged = False  # the files could not be read: read-only (see ``tick``)
        #: The storage generation the panes were last drawn from (see ``tick``).
        self._drawn_generation = -1
        #: Goals the panes should highlight on their next redraw (a goal just added).
        self._select_next: dict[str, int] = {}
        #: Blocks seen with time left: only those ring when they run out.
        self._watched: set[int] = set()
        #: What the last redraw was made from: a redraw recomputes only what changed.
        self._drawn_today: Date | None = None
        self._today_view: TodayView | None = None
        self._suspended = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="goals-pane", classes="pane"):
                yield Input(
                    placeholder="filter goals; enter keeps it, escape clears",
                    id="filter",
                    compact=True,
                )
                yield GoalTree(id="goals")
                yield Static(id="goals-empty")
            with Vertical(id="right"):
                with Vertical(id="today-pane", classes="pane"):
                    yield TodayList(id="today")
                yield FocusPane(id="focus", classes="pane")
        yield StatusLine(id="status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#goals-pane").border_title = "Goals"
        self.query_one("#today-pane").border_title = "Today"
        self.query_one("#focus").border_title = "Focus"
        self.query_one("#filter", Input).cursor_blink = self.session.blink
        self.refresh_state()  # (the app's start runs without the cyclic collector: app.py)
        self.set_interval(TICK_SECONDS, self.tick)
        self.call_after_refresh(self.tick)
        self.offer_morning_plan()

    # -- state --------------------------------------------------------------------------

    @property
    def store(self) -> Store:
        return self.session.store

    def refresh_state(self) -> None:
        """Read the store once and hand each pane what it draws.

        Cheap when little changed (the usual case: one edit, or a tick that found another
        process's write): the snapshot shares unchanged goal and day objects with the last
        one, so comparing them is quick, and only what depends on a change is recomputed;
        the Goals tree redraws only the nodes whose lines changed.
        """
        store, clock = self.session.store, self.session.clock
        for notice in store.take_notices():  # what a change did beyond what was asked
            self.app.notify(notice, markup=False)
        snap = store.snapshot()
        today = clock.today()
        prev, self.snapshot = self.snapshot, snap
        new_day = today != self._drawn_today
        self._drawn_today = today
        goals = snap.goals
        # The store hands out the same goals dict until a goal changes.
        goals_changed = prev is None or new_day or prev.goals is not goals
        days_changed = prev is None or new_day or prev.days != snap.days
        running_changed = prev is None or prev.running != snap.running
        block_minutes = snap.settings["block_minutes"]
        if goals_changed or days_changed or prev is None or prev.settings != snap.settings:
            # The same list store.today() gives, built from the snapshot already read.
            # (With the tree's map of children when it is of these goals: one pass fewer.)
            kids = self.query_one(GoalTree).children_map(goals)
            self.items = day_list(goals, snap.days, today, block_minutes, kids)
        if running_changed or new_day:
            self.blocks_today = store.blocks_on(today)
        running = snap.running.goal if snap.running else None
        self.update_plan_state(goals, snap.days)
        self.query_one(GoalTree).show(
            main_view.tree_view(
                snap,
                today,
                self.items,
                show_done=self.show_done,
                filter_text=self.filter_text,
                forecast=self.forecast_markers(),
            ),
            select=self._select_next.pop("goals", None),
        )
        if goals_changed:  # a pass over every goal: not when only a day plan changed
            self._done_goals = main_view.done_goals_today(goals, today, clock.now())
            self._goal_days = goal_done_days(goals)
        if goals_changed or days_changed:
            self._done = main_view.done_entries(self._done_goals, self.items)
            kids = self.query_one(GoalTree).children_map(goals)
            # What the status line counts, as the review does: micro-goals (a goal that
            # completed with its last step is listed, not counted).
            self._done_count = sum(
                1 for e in self._done if e.habit or tree.is_leaf(goals, e.goal_id, kids)
            )
            self._streak = streak(
                self._goal_days | habit_days(snap.days), today, runs=store.kept_runs(today)
            )
        view = main_view.today_view(self.items, self._done, running, clock.tz, today)
        select_today = self._select_next.pop("today", None)
        if view != self._today_view or select_today is not None:
            self._today_view = view
            self.query_one(TodayList).show(view, select=select_today)
        self._show_goals_empty(goals)
        self._show_focus()
        self._show_score()
        if running_changed:
            # The block keys' footer entries depend only on whether a block runs; a
            # refresh of the bindings rebuilds the footer, so only then.
            self.refresh_bindings()

    def _show_goals_empty(self, goals: dict[int, Goal]) -> None:
        """No goals, or none the filter matches: a line in the Goals pane says which."""
        if not goals:
            why = "No goals yet. Press a to add one, or run `microgoals --demo`."
        elif self.filter_text and not self.query_one(GoalTree).root.children:
            why = f"No goal matches “{self.filter_text}”. Escape clears the filter."
        else:
            why = None
        if why is not None:
            self.query_one("#goals-empty", Static).update(Content(why))
        self.query_one("#goals-pane").set_class(why is not None, "-empty")

    def _show_focus(self) -> None:
        assert self.snapshot is not None
        kids = self.query_one(GoalTree).children_map(self.snapshot.goals)
        view = main_view.focus_view(
            self.snapshot,
            self.current_goal(),
            break_until=self.session.break_until,
            tz=self.session.clock.tz,
            kids=kids,
        )
        self.query_one(FocusPane).show(view, self.session.clock.now())

    def _show_score(self) -> None:
        """Cheap enough for every tick: counts come from the snapshot already read."""
        assert self.snapshot is not None
        now = self.session.clock.now()
        score = main_view.score(
            self.snapshot, self.blocks_today, self._done_count, self._streak, now
        )
        self.query_one(StatusLine).show(score)

    def tick(self) -> None:
        """Redraw the clock; pick up other processes' changes; notice when time is up."""
        store, now = self.session.store, self.session.clock.now()
        sync = self.session.sync.line
        self.query_one(StatusLine).show_sync(sync.text(self.session.clock.tz), sync.failed)
        try:
            # Another process's change may already have been read in by one of our own
            # reads or writes (each starts from the newest file) and not drawn yet:
            # the storage's generation counts every change read in from outside.
            if store.changed() or store.storage.generation != self._drawn_generation:
                self.refresh_state()
                self._drawn_generation = store.storage.generation
            block = store.running_block()
            self._show_damage()
        except MicrogoalsError as error:
            if str(error) != self._tick_error:  # say it once, not twice a second
                self._tick_error = str(error)
                self.show_error(error)
            return
        self._tick_error = None
        cached = self.snapshot.running if self.snapshot else None
        if block != cached:
            self.refresh_state()
        stack = self.app.screen_stack
        above = stack[stack.index(self) + 1 :] if self in stack else []
        if all(screen.styles.background.a < 1 for screen in above):
            # Only while this screen shows (on top, or under see-through dialogs): hidden
            # under focus mode, a redrawn clock would still make Textual repaint the screen
            # on top. The pane is redrawn in full when this screen comes back.
            self.query_one(FocusPane).tick(now)
        if block is not None:
            self._show_score()
        until = self.session.break_until
        if self._break_end is not None and now >= self._break_end and until == self._break_end:
            # Only a break that ran its time rings: one taken back (undo) or cut short by
            # a block started early ends without a word.
            self.session.break_until = until = None
            self.app.bell()
            self.app.notify("Break over: s starts the next block")
            self._show_focus()
        self._break_end = until if until is not None and now < until else None
        if block is None or block.id in self.session.asked:
            return
        if timer.remaining_seconds(block, now) > 0:
            self._watched.add(block.id)
        elif not block.paused:
            # A block that ran out while the app was closed asks quietly, without a bell.
            self.time_up(block, ring=block.id in self._watched)

    def _show_damage(self) -> None:
        """Said once when the files stop reading (the panes keep what was last read and
        every change is refused), and once when they read again."""
        damage = self.store.storage.damage
        if (damage is not None) == self._damaged:
            return
        self._damaged = damage is not None
        if damage is not None:
            line = f"{READ_ONLY[0].upper()}{READ_ONLY[1:]}. {damage}"
            self.app.notify(line, severity="error", timeout=30, markup=False)
        else:
            self.app.notify("The database reads again: changes are saved again", markup=False)
        self.query_one(StatusLine).show_alert("read-only: database damaged" if damage else None)

    def on_screen_suspend(self) -> None:
        self._suspended = True

    def on_screen_resume(self) -> None:
        """Back from a dialog: it may have changed things. (Not on the first show: on_mount
        has just drawn everything.)"""
        if self.snapshot is not None and self._suspended:
            self._suspended = False
            self.refresh_state()

    # -- selection ---------------------------------------------------------------------

    def pane_name(self) -> str:
        return "goals" if isinstance(self.focused, GoalTree | Input) else "today"

    def current_goal(self) -> int | None:
        # From the pane itself, not from its last "selected" message: a key typed right
        # after a move (j then o) is handled before that message arrives.
        if self.pane_name() == "goals":
            node = self.query_one(GoalTree).cursor_node
            return node.data if node is not None else self.selected["goals"]
        return self.query_one(TodayList).highlighted_goal()

    def current(self) -> Goal | None:
        goal_id = self.current_goal()
        if goal_id is None or self.snapshot is None:
            return None
        return self.snapshot.goals.get(goal_id)

    @on(GoalTree.GoalSelected)
    def _goal_selected(self, event: GoalTree.GoalSelected) -> None:
        self.selected["goals"] = event.goal_id
        if self.snapshot is not None:
            self._show_focus()

    @on(TodayList.ItemSelected)
    def _item_selected(self, event: TodayList.ItemSelected) -> None:
        self.selected["today"] = event.goal_id
        if self.snapshot is not None:
            self._show_focus()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if self.snapshot is not None:
            self._show_focus()

    def _need_goal(self) -> Goal | None:
        goal = self.current()
        if goal is None:
            self.show_error("nothing highlighted: pick a goal first")
        return goal

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self.check_block_action(action)

    # -- actions ---------------------------------------------------------------------

    def action_start_block(self) -> None:
        goal = self._need_goal()
        if goal is None:
            return
        self._apply(self.store.start_block, goal.id, then=self._block_started)

    def _block_started(self, _block: Block) -> None:
        self.session.break_until = None
        self._show_focus()

    def action_start_block_for(self) -> None:
        """``S``: ask how long, then start. Refusals are said before the dialog opens, which
        is pushed from the handler itself (a worker would push it a little later)."""
        from tui_microgoals.screens.block_length import BlockLengthScreen

        goal = self._need_goal()
        if goal is None or self.snapshot is None:
            return
        if self.snapshot.running is not None:
            self.show_error("a block is already running: finish it first (x or X)")
            return
        why_not = why_not_startable(self.snapshot.goals, goal)
        if why_not is not None:
            self.show_error(f"cannot start {goal.title}: {why_not}")
            return

        def start(minutes: int | None) -> None:
            if minutes is not None:
                self._apply(self.store.start_block, goal.id, minutes, then=self._block_started)

        default = block_minutes_for(goal, self.snapshot.settings["block_minutes"])
        dialog = BlockLengthScreen(goal.title, default, blink=self.session.blink)
        self.app.push_screen(dialog, start)

    def action_open_item(self) -> None:
        """Enter (or a double click) on a Today item: start its block; on the item whose
        block runs, open focus mode."""
        goal = self._need_goal()
        if goal is None:
            return
        running = self.snapshot.running if self.snapshot else None
        if running is not None and running.goal == goal.id:
            self.action_open_focus_mode()
        else:
            self.action_start_block()

    @on(TodayList.ItemChosen)
    def _item_chosen(self, event: TodayList.ItemChosen) -> None:
        self.action_open_item()

    def action_toggle_done(self) -> None:
        """On the running block's goal (or on nothing), finish the block as done; on any
        other goal, mark that goal done (or open it again) and let the block run on."""
        running = self.snapshot.running if self.snapshot else None
        goal = self.current()
        if running is not None and (goal is None or goal.id == running.goal):
            self.finish_running_block()
            return
        if goal is None:
            self.show_error("nothing highlighted: pick a goal first")
            return
        item = next((i for i in self.items if i.goal.id == goal.id), None)
        if goal.is_habit:
            already = item is not None and item.done
        else:
            already = goal.status in (DONE, DROPPED)  # a dropped goal comes back too
        if already:
            self._apply(
                self.store.reopen,
                goal.id,
                then=lambda _: self.app.notify(f"Open again: {goal.title}", markup=False),
            )
            return
        self._apply(self.store.mark_done, goal.id, then=lambda _: self.celebrate(goal.id))

    def action_toggle_today(self) -> None:
        goal = self._need_goal()
        if goal is None:
            return
        assert self.snapshot is not None
        units = set(plan_units(self.snapshot.goals, goal.id))  # a goal with steps: its steps
        on_list = any(i.goal.id in units and not i.done for i in self.items)
        said = f"{'Off' if on_list else 'On'} today's list: {goal.title}"
        if on_list:
            self._apply(
                self.store.unplan, goal.id, then=lambda _: self.app.notify(said, markup=False)
            )
        else:
            self._apply(
                self.store.plan, [goal.id], then=lambda _: self.app.notify(said, markup=False)
            )

    def action_set_one_thing(self) -> None:
        goal = self._need_goal()
        if goal is None:
            return
        is_one = any(i.one_thing and i.goal.id == goal.id for i in self.items)
        # No toast: the ★ moving to the top of Today says it (and a toast would double the
        # time this key takes to show, for its layout).
        self._apply(self.store.set_one_thing, None if is_one else goal.id)

    def action_move_goal_up(self) -> None:
        self._move(-1)

    def action_move_goal_down(self) -> None:
        self._move(1)

    def _move(self, delta: int) -> None:
        goal = self._need_goal()
        if goal is None or self.snapshot is None:
            return
        if self.pane_name() == "today":
            order = [i.goal.id for i in self.items if not i.done]
            edges = ("already at the top of today's list", "already at the bottom of today's list")
            move: Callable[[int, int], object] = self.store.reorder_day
        else:
            parent = goal.parent if goal.parent in self.snapshot.goals else None
            order = [g.id for g in tree.children_map(self.snapshot.goals).get(parent, [])]
            edges = (
                "already the first of its siblings (< and > change its level)",
                "already the last of its siblings (< and > change its level)",
            )
            move = self.store.move
        if goal.id in order and order[0 if delta < 0 else -1] == goal.id:
            self.show_error(edges[0 if delta < 0 else 1])
            return
        self._apply(move, goal.id, delta)

    def _in_tree_only(self) -> bool:
        """Indent and outdent move a goal in the tree: from Today the move is unseen."""
        if self.pane_name() == "goals":
            return True
        self.show_error("indent/outdent works in the Goals tree (tab to it)")
        return False

    def action_outdent_goal(self) -> None:
        if not self._in_tree_only():
            return
        goal = self._need_goal()
        if goal is None or self.snapshot is None:
            return
        if goal.parent is None:
            self.show_error("already at the top level")
            return
        parent = self.snapshot.goals.get(goal.parent)
        self._apply(self.store.edit_goal, goal.id, parent=parent.parent if parent else None)

    def action_indent_goal(self) -> None:
        if not self._in_tree_only():
            return
        goal = self._need_goal()
        if goal is None or self.snapshot is None:
            return
        siblings = tree.children_map(self.snapshot.goals).get(goal.parent, [])
        index = next(i for i, g in enumerate(siblings) if g.id == goal.id)
        if index == 0:
            self.show_error("nothing above it to move under")
            return
        self._apply(self.store.edit_goal, goal.id, parent=siblings[index - 1].id)

    def action_toggle_done_goals(self) -> None:
        """The cursor stays on its goal, or goes to the nearest one still shown."""
        self.show_done = not self.show_done
        if self.snapshot is not None:
            at = self.query_one(GoalTree).goal_id
            near = main_view.nearest_shown(self.snapshot.goals, at, self.show_done)
            if near is not None:
                self._select_next["goals"] = near
        self.app.notify("Showing done goals" if self.show_done else "Hiding done goals")
        self.refresh_state()

    def action_filter_goals(self) -> None:
        box = self.query_one("#filter", Input)
        box.add_class("-shown")
        box.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        """Each change of the filter puts the cursor on the first goal it matches."""
        self.filter_text = event.value.strip()
        if self.filter_text and self.snapshot is not None:
            goals = self.snapshot.goals
            first = main_view.first_in_tree_order(
                goals, filter_hits(goals, self.filter_text), self.show_done
            )
            if first is not None:
                self._select_next["goals"] = first
        self.refresh_state()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one(GoalTree).focus()

    def key_escape(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_class("-shown"):
            box.value = ""
            box.remove_class("-shown")
            self.query_one(GoalTree).focus()

    def action_switch_pane(self) -> None:
        target: Widget = (
            self.query_one(TodayList) if self.pane_name() == "goals" else self.query_one(GoalTree)
        )
        target.focus()

    def action_open_focus_mode(self) -> None:
        from tui_microgoals.screens.focus import FocusScreen

        self.app.push_screen(
            FocusScreen(self.session, self.current_goal()), lambda _: self.refresh_state()
        )

    def action_open_review(self) -> None:
        from tui_microgoals.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen(self.session))

    def action_sync_now(self) -> None:
        """Sync now, in the background: the status line says how it went."""
        sync = self.session.sync
        if sync.running:
            self.app.notify("A sync is already running", markup=False)
        elif not sync.start():
            self.show_error(
                "sync is not set up: run `microgoals sync init --folder PATH` "
                "(or --git REMOTE) in a shell"
            )
        else:
            self.tick()  # "syncing…" at once

    def action_show_help(self) -> None:
        from tui_microgoals.screens.help import HelpScreen

        self.app.push_screen(HelpScreen())

    @work(group="dialog")
    async def action_add_goal(self) -> None:
        """In Goals: a step under the highlighted goal. In Today: a micro-goal beside the
        highlighted item, on today's list. With no goals at all: a first top-level goal,
        in the tree, where the next ``a`` breaks it down."""
        here = self.current()
        if self.snapshot is None or not self.snapshot.goals:
            await self._add_goal(None, "Add a goal", today=False)
        elif self.pane_name() == "today":
            parent = here.parent if here else None
            await self._add_goal(parent, "Add a micro-goal to today", today=True)
        else:
            await self._add_goal(here.id if here else None, "Add a goal", today=False)

    @work(group="dialog")
    async def action_add_sibling(self) -> None:
        """A goal beside the highlighted one (same parent), placed right below it."""
        here = self.current()
        parent = here.parent if here else None
        if self.pane_name() == "today" and self.snapshot and self.snapshot.goals:
            await self._add_goal(parent, "Add a micro-goal to today", today=True, beside=here)
        else:
            await self._add_goal(parent, "Add a goal beside it", today=False, beside=here)

    async def _add_goal(
        self, parent: int | None, heading: str, *, today: bool, beside: Goal | None = None
    ) -> None:
        from tui_microgoals.screens import goal_dialogs

        goal_id = await self.app.push_screen_wait(
            goal_dialogs.add(self.session, heading, parent, today=today)
        )
        if goal_id is None:
            return
        if beside is not None:
            self._place_below(goal_id, beside)
        self._select_next = {"goals": goal_id, "today": goal_id} if today else {"goals": goal_id}
        if not today:
            self.query_one(GoalTree).focus()
        self.refresh_state()
        self.app.notify("Goal added")

    def _place_below(self, goal_id: int, beside: Goal) -> None:
        """Move a goal just added among ``beside``'s siblings to right below it (unless the
        form gave it another parent)."""
        goals = self.store.goals()
        added = goals.get(goal_id)
        if added is None or added.parent != beside.parent:
            return
        siblings = [g.id for g in tree.children_map(goals).get(added.parent, [])]
        if beside.id in siblings:
            delta = siblings.index(beside.id) + 1 - siblings.index(goal_id)
            if delta:
                self._apply(self.store.move, goal_id, delta)

    @work(group="dialog")
    async def action_edit_goal(self) -> None:
        from tui_microgoals.screens import goal_dialogs

        goal = self._need_goal()
        if goal is None:
            return
        saved = await self.app.push_screen_wait(
            goal_dialogs.edit(self.session, goal, f"Edit goal {goal.id}")
        )
        if saved is not None:
            self.refresh_state()
            self.app.notify("Goal saved")

    @work(group="dialog")
    async def action_drop_goal(self) -> None:
        from tui_microgoals.screens.confirm import ConfirmScreen

        goal = self._need_goal()
        if goal is None or self.snapshot is None:
            return
        goals = self.snapshot.goals
        below = tree.descendants(goals, goal.id)
        running = self.snapshot.running
        if running is not None and running.goal in (goal.id, *below):
            self.show_error(f"a block is running on goal {running.goal}: stop it first (x or X)")
            return
        message = main_view.drop_question(goals, goal, below)
        choice = await self.app.push_screen_wait(
            ConfirmScreen("Drop or delete", message, [("drop", "Drop"), ("delete", "Delete")])
        )
        if choice == "drop":
            self._apply(
                self.store.drop,
                goal.id,
                then=lambda dropped: self.app.notify(f"Dropped {len(dropped)} goal(s)"),
            )
        elif choice == "delete":
            self._apply(
                self.store.delete,
                goal.id,
                then=lambda gone: self.app.notify(f"Deleted {len(gone)} goal(s)"),
            )

"""Every user command defined once: its key, footer label and palette entry come from here.

A screen lists its commands in ``COMMANDS_TABLE``; ``bindings()`` turns them into Textual
``Binding``s and the app offers the same list in the command palette, so a key, its footer
text and its palette entry can never drift apart.

Where a key's handler is: the command's ``action`` ``verb_noun`` is the method
``action_verb_noun`` of the screen. For ``MAIN_COMMANDS`` that is ``screens/main.py``, except
the block keys (``BLOCK_COMMANDS`` and ``X``: ``screens/block_commands.py``, shared with focus
mode), undo and redo (``UNDO_COMMANDS``: ``screens/undo_commands.py``, shared too) and the
planning keys ``P`` and ``c`` (``screens/plan_commands.py``); tests/ui/test_keys.py checks it.
What the panes show is built in ``screens/main_view.py``.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

#: How a key is shown in the help, the footer and the palette, where Textual's name for it
#: is not what a user types (a test walks every screen's keys: no name keeps a "_").
KEY_NAMES = {
    "plus": "+",
    "minus": "-",
    "question_mark": "?",
    "less_than_sign": "<",
    "greater_than_sign": ">",
    "slash": "/",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "escape": "esc",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "shift+up": "shift+↑",
    "shift+down": "shift+↓",
    "pageup": "pgup",
    "pagedown": "pgdn",
}


def key_name(key: str) -> str:
    """A key as a user reads it: ``left_square_bracket`` is ``[``."""
    return KEY_NAMES.get(key, key)


@dataclass(frozen=True)
class Command:
    keys: str
    action: str
    label: str
    help: str
    show: bool = True
    key_display: str | None = None
    palette: bool = True
    #: Where the footer is short, keys of a higher rank are left out first (0: always shown).
    rank: int = 2

    @property
    def display_keys(self) -> str:
        """The key as the footer shows it."""
        return self.key_display or key_name(self.keys.split(",")[0])

    @property
    def all_keys(self) -> str:
        """Every key bound, as the help screen lists them: ``x / space``."""
        return " / ".join(key_name(k) for k in self.keys.split(","))

    def binding(self) -> Binding:
        return Binding(
            self.keys,
            self.action,
            self.label,
            show=self.show,
            key_display=self.display_keys,
            tooltip=self.help,
        )


def bindings(commands: tuple[Command, ...]) -> list[Binding]:
    return [command.binding() for command in commands]


# The running block's commands: the same on the main screen and in focus mode.
BLOCK_COMMANDS: tuple[Command, ...] = (
    Command("p", "toggle_pause", "Pause", "Pause or resume the running block", rank=0),
    Command(
        "i", "log_interruption", "Interrupt", "Log an interruption with an optional note", rank=1
    ),
    Command(
        "plus",
        "extend_block",
        "+5 min",
        "Give the running block five more minutes",
        key_display="+",
    ),
)

# Undo and redo: the same on the main screen and in focus mode (screens/undo_commands.py).
UNDO_COMMANDS: tuple[Command, ...] = (
    Command(
        "u",
        "undo",
        "Undo",
        "Undo the newest change to this database, whoever made it (the app or the shell)",
        rank=1,
    ),
    Command(
        "U,ctrl+r",
        "redo",
        "Redo",
        "Redo the change undone last",
        show=False,
        key_display="U",
    ),
)

MAIN_COMMANDS: tuple[Command, ...] = (
    Command(
        "s", "start_block", "Start", "Start a focus block on the highlighted micro-goal", rank=0
    ),
    Command(
        "S",
        "start_block_for",
        "Start for…",
        "Start a focus block of a length you choose (5-90 minutes)",
        show=False,
    ),
    Command(
        "enter",
        "open_item",
        "Open",
        "Today, enter or double click: start its block (if running: focus mode)",
        show=False,
        palette=False,
    ),
    Command(
        "x,space",
        "toggle_done",
        "Done",
        "Mark done or open again (dropped too); on the block's goal: finish it",
        key_display="x",
        rank=0,
    ),
    *BLOCK_COMMANDS,
    Command(
        "X",
        "abandon_block",
        "Abandon",
        "Abandon the running block (the micro-goal stays open)",
        show=False,
    ),
    Command(
        "a",
        "add_goal",
        "Add",
        "Add a step under the highlighted goal (Today: a micro-goal for today)",
        rank=1,
    ),
    Command(
        "A",
        "add_sibling",
        "Add beside",
        "Add a goal beside the highlighted one, right below it",
        show=False,
    ),
    Command(
        "e",
        "edit_goal",
        "Edit",
        "Edit the highlighted goal: title, notes, estimate, due, after, repeat, parent",
    ),
    Command(
        "t",
        "toggle_today",
        "Today",
        "Put the highlighted micro-goal on today's list, or take it off",
        rank=1,
    ),
    Command(
        "o",
        "set_one_thing",
        "One thing",
        "Make the highlighted micro-goal today's One Thing",
        show=False,
    ),
    Command("d", "drop_goal", "Drop", "Drop or delete the highlighted goal (asks first)", rank=3),
    *UNDO_COMMANDS,
    Command(
        "f", "open_focus_mode", "Focus", "Focus mode: the countdown alone, full screen", rank=1
    ),
    Command("r", "open_review", "Review", "Review a day: done list, blocks, focus minutes", rank=1),
    Command(
        "y",
        "sync_now",
        "Sync",
        "Sync with your other devices now (also on open, on quit, every few minutes)",
        show=False,
    ),
    Command(
        "P",
        "suggest_plan",
        "Plan",
        "Suggested plan for today, a reason on each line: check items, enter accepts",
    ),
    Command(
        "c",
        "set_capacity",
        "Capacity",
        "Set the focus minutes of a usual day (used until there are 3 days of blocks)",
        show=False,
    ),
    Command("question_mark", "show_help", "Help", "Show every key", key_display="?", rank=0),
    Command(
        "K,shift+up",
        "move_goal_up",
        "Move up",
        "Move the highlighted goal up (in Today: earlier in the day)",
        show=False,
        key_display="K",
    ),
    Command(
        "J,shift+down",
        "move_goal_down",
        "Move down",
        "Move the highlighted goal down (in Today: later in the day)",
        show=False,
        key_display="J",
    ),
    Command(
        "less_than_sign",
        "outdent_goal",
        "Outdent",
        "In the Goals tree: move the highlighted goal out to its parent's level",
        show=False,
        key_display="<",
    ),
    Command(
        "greater_than_sign",
        "indent_goal",
        "Indent",
        "In the Goals tree: move the highlighted goal under the goal above it",
        show=False,
        key_display=">",
    ),
    Command(
        "h",
        "toggle_done_goals",
        "Hide done",
        "Show or hide done and dropped goals in the tree",
        show=False,
    ),
    Command(
        "slash",
        "filter_goals",
        "Filter",
        "Filter the goal tree by title",
        show=False,
        key_display="/",
    ),
    Command("tab", "switch_pane", "Next pane", "Move to the next pane", show=False, palette=False),
    Command("q", "app.quit", "Quit", "Quit (a running block keeps running)", palette=False, rank=3),
)

FOCUS_COMMANDS: tuple[Command, ...] = (
    Command(
        "s", "start_block", "Start", "Start a focus block on the goal highlighted before", rank=0
    ),
    Command("x,space", "toggle_done", "Done", "Finish the block as done", key_display="x", rank=0),
    *BLOCK_COMMANDS,
    Command("X", "abandon_block", "Abandon", "Abandon the running block", show=False),
    *UNDO_COMMANDS,
    Command("f,escape", "leave_focus_mode", "Back", "Leave focus mode", key_display="f", rank=0),
)

REVIEW_COMMANDS: tuple[Command, ...] = (
    Command(
        "left_square_bracket",
        "day(-1)",
        "Day before",
        "Review the day before",
        key_display="[",
        rank=0,
    ),
    Command(
        "right_square_bracket",
        "day(1)",
        "Day after",
        "Review the day after",
        key_display="]",
        rank=0,
    ),
    Command("t", "to_today", "Today", "Back to today's review", rank=1),
    Command(
        "w",
        "toggle_week",
        "Week",
        "The weekly retro of the 7 days ending on this day (milestones, estimates, "
        "interruptions, carried, goals completed), or back to the day",
        rank=1,
    ),
    Command(
        "n",
        "edit_note",
        "Note",
        "Write or edit the day's note (in the week view: the week's)",
        rank=1,
    ),
    Command(
        "a",
        "act_on_suggestion",
        "Act",
        "Act on the highlighted suggestion: split asks for two steps or more under it, "
        "shrink or step up edits it",
    ),
    Command("x", "dismiss_suggestion", "Dismiss", "Dismiss the highlighted suggestion for a week"),
    Command(
        "m",
        "export_markdown",
        "Export",
        "Write the day (or the week) as Markdown: asks where, ./microgoals-DATE.md by default",
        rank=1,
    ),
    Command(
        "g",
        "set_reward",
        "Reward",
        "Set the reward announced after every N micro-goals done",
        show=False,
    ),
    Command("escape,r,q", "close", "Close", "Back to the main screen", key_display="esc", rank=0),
)

"""The Focus pane: the running block's countdown, or what ``s`` would start."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from pendulum import DateTime
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Digits, ProgressBar, Static

from tui_microgoals.core import timer, tree
from tui_microgoals.core.models import OPEN, Block, Goal
from tui_microgoals.core.settings import block_minutes_for
from tui_microgoals.widgets.countdown import Countdown
from tui_microgoals.widgets.row import hh_mm

#: Lines of the micro-goal's notes the pane shows; focus mode shows more.
NOTE_LINES, NOTE_LINES_FOCUS_MODE = 3, 6


@dataclass(frozen=True)
class FocusView:
    block: Block | None = None
    title: str = ""
    path: str = ""
    #: The shown micro-goal's notes (plain text, shown literally).
    notes: str = ""
    #: The micro-goal ``s`` would start on when idle.
    candidate: str | None = None
    #: Why the highlighted goal cannot be started (plain text, may hold user titles).
    why_not: str | None = None
    block_minutes: int = 20
    break_until: DateTime | None = None
    tz: str = "UTC"


def why_not_startable(
    goals: Mapping[int, Goal], goal: Goal, kids: dict[int | None, list[Goal]] | None = None
) -> str | None:
    """Why ``s`` would be refused on ``goal``, said before the user tries."""
    if goal.status != OPEN:
        return f"it is {goal.status}"
    if not tree.is_leaf(goals, goal.id, kids):
        return "it has micro-goals: start one of them"
    if blockers := tree.blockers(goals, goal):
        return "it waits for " + ", ".join(b.title for b in blockers)
    return None


def focus_view(
    goals: Mapping[int, Goal],
    block: Block | None,
    highlighted: int | None,
    *,
    block_minutes: int,
    break_until: DateTime | None,
    tz: str,
    kids: dict[int | None, list[Goal]] | None = None,
) -> FocusView:
    """The running block's goal; idle, the highlighted goal and whether ``s`` starts it."""
    shown = block.goal if block else highlighted
    goal = goals.get(shown) if shown is not None else None
    why_not = why_not_startable(goals, goal, kids) if goal and not block else None
    return FocusView(
        block=block,
        title=goal.title if goal else "",
        path=tree.path(goals, goal.id) if goal else "",
        notes=goal.notes if goal else "",
        candidate=goal.title if goal and not block and why_not is None else None,
        why_not=why_not,
        block_minutes=block_minutes_for(goal, block_minutes),
        break_until=break_until,
        tz=tz,
    )


def note_lines(notes: str, limit: int) -> str:
    """At most ``limit`` non-blank lines of ``notes``; an ellipsis says there is more."""
    lines = [line.rstrip() for line in notes.splitlines() if line.strip()]
    if len(lines) > limit:
        lines = lines[:limit]
        lines[-1] += " …"
    return "\n".join(lines)


class BlockProgress(ProgressBar):
    """A ``ProgressBar`` that redraws only when what it shows moves.

    The stock one redraws on every ``update`` (its percentage is a float) and once a second
    for its ETA, which is not shown here: idle, with a block running, that was most of the
    app's CPU. A 90-minute block moves this bar by one half cell every ~80 s.
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(total=1, show_eta=False, id=id)
        self._drawn: tuple[int, int, int] | None = None

    @on(events.Mount)
    def _without_eta_timer(self, event: events.Mount) -> None:
        event.prevent_default()  # ProgressBar.on_mount would start the 1 s ETA timer
        self.update()

    def show(self, progress: float, total: float) -> None:
        fraction = min(1.0, max(0.0, progress / total)) if total > 0 else 1.0
        # What the bar (half cells) and the percentage label (whole percent) can show.
        cells = self.query_one("#bar").size.width * 2  # the bar part ProgressBar composes
        drawn = (cells, int(fraction * cells), round(fraction * 100))
        if drawn != self._drawn:
            self._drawn = drawn
            self.update(total=total, progress=progress)


class FocusPane(Vertical):
    """Draws a ``FocusView``; ``tick(now)`` recomputes the time from stored timestamps."""

    def __init__(
        self, *, id: str | None = None, classes: str | None = None, grow: bool = False
    ) -> None:
        super().__init__(id=id, classes=classes)
        #: Focus mode: the countdown as big as the screen allows, more lines of notes.
        self.grow = grow
        self.view = FocusView()
        self._shown: dict[str, object] = {}

    def _put(self, widget: Static | Digits, value: Content | str) -> None:
        """Update only on change: an update lays the screen out again, twice a second adds up."""
        key = widget.id or ""
        if self._shown.get(key) != value:
            self._shown[key] = value
            widget.update(value)

    def compose(self) -> ComposeResult:
        yield Static(id="focus-state")
        yield Countdown("--:--", grow=self.grow, id="focus-clock")
        yield Static(id="focus-title")
        yield Static(id="focus-path")
        yield Static(id="focus-notes")
        yield BlockProgress(id="focus-progress")
        yield Static(id="focus-info")

    def show(self, view: FocusView, now: DateTime) -> None:
        self.view = view
        block = view.block
        self.set_class(block is not None, "-running")
        self.set_class(block is not None and block.paused, "-paused")
        title = self.query_one("#focus-title", Static)
        path = self.query_one("#focus-path", Static)
        notes = self.query_one("#focus-notes", Static)
        limit = NOTE_LINES_FOCUS_MODE if self.grow else NOTE_LINES
        shown_notes = note_lines(view.notes, limit) if view.title else ""
        self._put(notes, Content(shown_notes))
        notes.display = bool(shown_notes)
        if block is not None:
            self._put(title, Content(view.title))
            self._put(path, Content(view.path))
        elif view.candidate is not None:
            self._put(
                title,
                Content.from_markup(
                    "Press [b]s[/b] to start $minutes min on: $title",
                    minutes=str(view.block_minutes),
                    title=view.candidate,
                ),
            )
            self._put(path, Content(view.path))
        elif view.why_not is not None and view.title:
            self._put(
                title,
                Content.from_markup(
                    "[dim]Cannot start[/dim] $title[dim]: $why[/dim]",
                    title=view.title,
                    why=view.why_not,
                ),
            )
            self._put(path, Content(view.path))
        else:
            self._put(title, Content("Highlight a micro-goal in Today or Goals, then press s."))
            self._put(path, "")
        self.tick(now)

    def tick(self, now: DateTime) -> None:
        """Refresh the countdown: the time always comes from the block's timestamps.

        Called twice a second; each widget is touched only when what it shows changes.
        """
        block = self.view.block
        clock = self.query_one("#focus-clock", Digits)
        state = self.query_one("#focus-state", Static)
        bar = self.query_one(BlockProgress)
        if block is None:
            if self.view.break_until is not None and now < self.view.break_until:
                left = (self.view.break_until - now).total_seconds()
                self._put(clock, timer.format_clock(left))
                self._put(state, Content.styled("Break — stand up, look away", "bold $accent"))
            else:
                self._put(clock, timer.format_clock(self.view.block_minutes * 60))
                self._put(state, Content.styled("No block running", "dim"))
            self._shown.pop("info-of", None)
            self._put(self.query_one("#focus-info", Static), "")
            bar.show(0, 1)
            return
        remaining = timer.remaining_seconds(block, now)
        focus = timer.focus_seconds(block, now)
        self._put(clock, timer.format_clock(remaining))
        bar.show(min(focus, block.planned_seconds), block.planned_seconds)
        if block.paused:
            self._put(state, Content.styled("❚❚ Paused — p resumes", "bold $warning"))
        elif remaining <= 0:
            self._put(state, Content.styled("Time is up", "bold $error"))
        else:
            self._put(state, Content.styled("▶ Focus block running", "bold $success"))
        self._show_info(block)

    def _show_info(self, block: Block) -> None:
        """The block's start, plan and interruptions: they change only with the block."""
        count = len(block.interruptions)
        key = (block.id, block.started_at, block.planned_seconds, count, self.view.tz)
        if self._shown.get("info-of") == key:
            return
        self._shown["info-of"] = key
        started = hh_mm(block.started_at.in_timezone(self.view.tz))
        self._put(
            self.query_one("#focus-info", Static),
            Content.from_markup(
                "Started $started · $minutes min planned · [b]$count[/b] $word",
                started=started,
                minutes=str(block.planned_seconds // 60),
                count=str(count),
                word="interruption" if count == 1 else "interruptions",
            ),
        )

"""The review: a day's done list, blocks, focus minutes, planned against done, the note, a
14-day chart, streaks and suggestions to act on; or the weekly retro of the 7 days ending on
the date (the week view, ``w``: core/retro.py), with its milestones and the week note.

The screen reads the store and hands each widget what it draws; the widgets only draw.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from pendulum import Date
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from tui_microgoals.commands import REVIEW_COMMANDS, bindings
from tui_microgoals.core.calibration import summary_words
from tui_microgoals.core.errors import MicrogoalsError
from tui_microgoals.core.models import Goal
from tui_microgoals.core.report import SUPERSEDED, render, render_md
from tui_microgoals.core.retro import Retro, week_start
from tui_microgoals.core.retro_report import render_retro_md
from tui_microgoals.core.review import Review, Suggestion
from tui_microgoals.screens import goal_dialogs
from tui_microgoals.screens.answer_once import AnswerOnce
from tui_microgoals.screens.day_note import DayNoteScreen
from tui_microgoals.screens.export import ExportScreen
from tui_microgoals.screens.one_dialog import OneDialogAtATime, dialog_opening
from tui_microgoals.screens.reward import Reward, RewardScreen
from tui_microgoals.screens.split import SplitScreen
from tui_microgoals.session import Session
from tui_microgoals.widgets.blocks_table import BlocksTable, BlocksView
from tui_microgoals.widgets.done_list import DoneList, DoneView
from tui_microgoals.widgets.history_chart import ChartView, HistoryChart
from tui_microgoals.widgets.key_footer import KeyFooter
from tui_microgoals.widgets.not_done_list import NotDoneList
from tui_microgoals.widgets.retro_panes import RetroColumn, RetroMilestones
from tui_microgoals.widgets.review_summary import ReviewSummary, SummaryView
from tui_microgoals.widgets.suggestion_list import SuggestionList
from tui_microgoals.widgets.week_table import WeekTable

T = TypeVar("T")

CHART_DAYS = 14
#: Keys that scroll the review body from anywhere on the screen: key -> the body's action.
SCROLL_KEYS = {
    "home": "scroll_home",
    "end": "scroll_end",
    "pageup": "page_up",
    "pagedown": "page_down",
}


def export_name(date: Date, week: bool) -> str:
    return f"microgoals-week-{date.isoformat()}.md" if week else f"microgoals-{date.isoformat()}.md"


class ReviewScreen(AnswerOnce, OneDialogAtATime, Screen[None]):
    BINDINGS = [
        *bindings(REVIEW_COMMANDS),
        # The whole screen scrolls, whatever has focus (the suggestions list is small).
        *(
            Binding(key, f"scroll_body('{action}')", show=False, priority=True)
            for key, action in SCROLL_KEYS.items()
        ),
        # Where no list has focus: the body has it, and its own arrows scroll it too.
        Binding("j", "scroll_body('scroll_down')", show=False),
        Binding("k", "scroll_body('scroll_up')", show=False),
    ]
    COMMANDS_TABLE = REVIEW_COMMANDS
    # The body, not the suggestions: focusing a widget scrolls it into view, and the
    # review opened scrolled past its headline (issue 12, trap 7). Tab reaches the list.
    AUTO_FOCUS = "#review-body"
    # Layout of this screen only; kept here so the shared app.tcss stays about the main screen.
    DEFAULT_CSS = """
    ReviewScreen #review-title {
        dock: top;
        height: 1;
        padding: 0 1;
        background: $panel;
        text-style: bold;
        color: $accent;
    }
    ReviewScreen #review-body {
        padding: 0 1;
    }
    ReviewScreen #review-columns {
        height: auto;
        margin-top: 1;
    }
    ReviewScreen #review-left {
        width: 1fr;
        height: auto;
        margin-right: 2;
    }
    ReviewScreen #review-right {
        width: 1fr;
        height: auto;
    }
    ReviewScreen .review-heading {
        text-style: bold;
        margin-top: 1;
    }
    ReviewScreen #review-charts {
        height: auto;
        margin-top: 1;
    }
    ReviewScreen #review-note.-empty {
        color: $text-muted;
    }
    ReviewScreen #review-superseded {
        height: auto;
    }
    ReviewScreen #review-superseded.-none {
        display: none;
    }
    ReviewScreen.-week .day-only {
        display: none;
    }
    ReviewScreen .week-only {
        display: none;
    }
    ReviewScreen.-week .week-only {
        display: block;
    }
    ReviewScreen.-week RetroMilestones.-none {
        display: none;
    }
    ReviewScreen #retro-columns {
        height: auto;
        margin-top: 1;
    }
    ReviewScreen #retro-left {
        margin-right: 2;
    }
    """

    def __init__(self, session: Session, date: Date | None = None) -> None:
        super().__init__()
        self.session = session
        self.date = date or session.clock.today()
        self.week = False
        self.review: Review | None = None
        self.suggestion: Suggestion | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="review-title")
        with VerticalScroll(id="review-body"):
            yield RetroMilestones(classes="week-only")
            yield ReviewSummary()
            yield Static(Content("Blocks"), classes="review-heading day-only")
            yield BlocksTable(classes="day-only")
            yield Static(Content("Days"), classes="review-heading week-only")
            yield WeekTable(classes="week-only")
            with Horizontal(id="retro-columns", classes="week-only"):
                yield RetroColumn("left", id="retro-left")
                yield RetroColumn("right", id="retro-right")
            yield DoneList()
            with Horizontal(id="review-columns"):
                with Vertical(id="review-left"):
                    yield NotDoneList()
                    yield Static(Content("Note"), classes="review-heading day-only")
                    yield Static(id="review-note", classes="day-only")
                with Vertical(id="review-right"):
                    yield Static(
                        Content("Suggestions (a acts, x dismisses)"), classes="review-heading"
                    )
                    yield SuggestionList(id="review-suggestions")
            with Vertical(id="review-superseded", classes="day-only -none"):
                yield Static(Content(SUPERSEDED), classes="review-heading")
                yield Static(id="review-superseded-lines")
            with Horizontal(id="review-charts"):
                yield HistoryChart("focus", id="chart-focus")
                yield HistoryChart("done", id="chart-done")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.show_day()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return not dialog_opening(self.app)

    def action_scroll_body(self, action: str) -> None:
        body = self.query_one("#review-body", VerticalScroll)
        getattr(body, f"action_{action}")()

    # -- state ----------------------------------------------------------------------------

    def show_day(self) -> None:
        """Read the store once for the date (or the week ending on it) and hand it down."""
        store = self.session.store
        goals = store.goals()
        review = self.review = store.review(self.date)
        history = store.history(self.date, days=CHART_DAYS)
        self.set_class(self.week, "-week")
        if self.week:
            retro = store.retro(self.date)
            title = Content.from_markup(
                "Week review · $first – $last",
                first=retro.start.format("ddd MMM D"),
                last=self.date.format("ddd MMM D, YYYY"),
            )
            self._show_week(retro, [store.review(day.date) for day in retro.days])
            marked = frozenset(day.date for day in retro.days)
        else:
            when = "today" if self.date == self.session.clock.today() else ""
            title = Content.from_markup(
                "Review · $day $when", day=self.date.format("dddd, MMMM D, YYYY"), when=when
            )
            self._show_one_day(review, goals)
            marked = frozenset({self.date})
        self.query_one("#review-title", Static).update(title)
        chart = ChartView(history, marked)
        for widget in self.query(HistoryChart):
            widget.show(chart)
        self.query_one(SuggestionList).show(review.suggestions)

    def _habits(self, date: Date) -> tuple[tuple[str, int], ...]:
        return tuple((goal.title, n) for goal, n in self.session.store.habit_streaks(date))

    def _deadlines(self, date: Date) -> tuple[tuple[str, str, str], ...]:
        """Today's review says which deadlines are not on track (the forecast is from now)."""
        store = self.session.store
        if date != self.session.clock.today():
            return ()
        try:
            rows = store.forecast()
        except MicrogoalsError:
            return ()
        return tuple(
            (r.goal.title, r.status, r.why)
            for r in rows
            if r.goal.due is not None and r.status in ("at_risk", "overdue")
        )

    def _show_one_day(self, review: Review, goals: dict) -> None:
        one = review.one_thing
        self.query_one(ReviewSummary).show(
            SummaryView(
                done=review.micro_done,
                focus_minutes=round(review.focus_minutes),
                blocks=len(review.blocks),
                interruptions=review.interruptions,
                planned=len(review.planned),
                planned_done=sum(1 for i in review.planned if i.done),
                streak=review.streak,
                one_thing=(one.goal.title, one.done) if one else None,
                habits=self._habits(review.date),
                deadlines=self._deadlines(review.date),
                no_record_before=review.first_day if review.before_first_use else None,
                estimates=summary_words(review.calibration) if review.calibration else None,
            )
        )
        tz = self.session.clock.tz
        self.query_one(DoneList).show(DoneView([(review.date, review.done)], tz))
        no_record = review.first_day if review.before_first_use else None
        self.query_one(NotDoneList).show(review.not_done, no_record)
        titles = {goal_id: goal.title for goal_id, goal in goals.items()}
        self.query_one(BlocksTable).show(
            BlocksView(review.blocks, review.focus_seconds, titles, tz)
        )
        note = self.query_one("#review-note", Static)
        note.set_class(not review.note, "-empty")
        note.update(Content(review.note or "no note yet: n writes one"))
        # Only on a day whose syncs superseded a value (sync set up, two devices wrote).
        self.query_one("#review-superseded").set_class(not review.superseded, "-none")
        self.query_one("#review-superseded-lines", Static).update(
            Content("\n".join(review.superseded))
        )

    def _show_week(self, retro: Retro, reviews: list[Review]) -> None:
        last = reviews[-1]
        self.query_one(ReviewSummary).show(
            SummaryView(
                done=retro.micro_done,
                focus_minutes=round(retro.focus_minutes),
                blocks=retro.blocks,
                interruptions=retro.interruptions,
                planned=retro.planned,
                planned_done=retro.done,
                streak=retro.streak,
                habits=tuple((h.title, h.streak) for h in retro.habits),
                days=len(retro.days),
                no_record_before=last.first_day if last.before_first_use else None,
            )
        )
        self.query_one(RetroMilestones).show(retro)
        self.query_one(WeekTable).show(retro)
        for column in self.query(RetroColumn):
            column.show(retro)
        tz = self.session.clock.tz
        self.query_one(DoneList).show(DoneView([(r.date, r.done) for r in reviews], tz, True))
        self.query_one(NotDoneList).show(last.not_done)

    @on(SuggestionList.SuggestionHighlighted)
    def _suggestion_highlighted(self, event: SuggestionList.SuggestionHighlighted) -> None:
        self.suggestion = event.suggestion

    @on(SuggestionList.SuggestionChosen)
    def _suggestion_chosen(self, event: SuggestionList.SuggestionChosen) -> None:
        self.suggestion = event.suggestion
        self.action_act_on_suggestion()

    def show_error(self, error: MicrogoalsError | str) -> None:
        self.app.notify(str(error), severity="error", markup=False)

    def _apply(
        self,
        change: Callable[..., T],
        *args: Any,
        then: Callable[[T], object] | None = None,
        kept: str = "",
        **kwargs: Any,
    ) -> None:
        """One store change through the saver (see ``BlockCommands._apply``): redrawn, then
        ``then(result)``; a refusal is one line, which ends with ``kept`` (what was typed:
        a change that waited for the lock is refused after its dialog closed)."""
        run = partial(change, *args, **kwargs)

        def refused(error: MicrogoalsError) -> None:
            self.show_error(f"{error}{kept}")

        self.session.saver.apply(self, run, self.show_day, then, refused)

    # -- actions --------------------------------------------------------------------------

    def action_day(self, delta: int) -> None:
        self.date = self.date.add(days=delta)
        self.show_day()

    def action_to_today(self) -> None:
        self.date = self.session.clock.today()
        self.show_day()

    def action_toggle_week(self) -> None:
        self.week = not self.week
        self.show_day()

    @work(group="dialog")
    async def action_edit_note(self) -> None:
        """The day's note; in the week view, the week's (kept on its last day)."""
        store, week = self.session.store, self.week
        day = store.day(self.date)
        if week:
            start = week_start(self.date).format("MMMM D")
            heading = f"Note for the week {start} – {self.date.format('MMMM D')}"
        else:
            heading = f"Note for {self.date.format('dddd, MMMM D')}"
        current = day.week_note if week else day.note
        text = await self.app.push_screen_wait(
            DayNoteScreen(heading, current, blink=self.session.blink)
        )
        if text is None:
            return
        self._apply(
            store.set_week_note if week else store.set_day_note,
            text,
            self.date,
            then=lambda _: self.app.notify("Week note saved" if week else "Note saved"),
            kept=f" (the note was: {text})" if text else "",
        )

    @work(group="dialog")
    async def action_act_on_suggestion(self) -> None:
        suggestion = self.suggestion
        if suggestion is None:
            self.show_error("no suggestion to act on")
            return
        store = self.session.store
        goal = store.goals().get(suggestion.id)
        if goal is None:
            self.show_error(f"goal {suggestion.id} is gone")
            return
        if suggestion.kind == "split":
            await self._split(goal)
            return
        step = store.goals().get(suggestion.act_on) if suggestion.act_on is not None else None
        if suggestion.kind == "shrink":
            form = goal_dialogs.edit(
                self.session, goal, f"Shrink goal {goal.id}: a smaller step", estimate_first=True
            )
        elif step is not None:  # a goal whose steps go fast: its next step, bigger
            heading = f"Step up goal {step.id}, the next step of goal {goal.id}: a bigger step"
            form = goal_dialogs.edit(self.session, step, heading, estimate_first=True)
        else:
            form = goal_dialogs.edit(self.session, goal, f"Step up goal {goal.id}: a little harder")
        saved = await self.app.push_screen_wait(form)
        if saved is None:
            return
        self.app.notify("Goal saved")
        # Acted on: it has done its job.
        self._apply(store.dismiss_suggestion, suggestion.id, suggestion.kind)

    async def _split(self, goal: Goal) -> None:
        """Two steps or more under ``goal``, saved together (on today's list if it was)."""
        steps = await self.app.push_screen_wait(SplitScreen(goal.title, blink=self.session.blink))
        if steps is None:
            return
        store = self.session.store
        planned = any(i.goal.id == goal.id and not i.done for i in store.today())
        pairs = [(step.title, step.minutes) for step in steps]

        def added(_steps: object) -> None:
            self.app.notify(f"{len(steps)} steps added under {goal.title}", markup=False)
            if self.is_attached:
                self.show_day()
            # Acted on: it has done its job (saved after the steps, never without them,
            # even if the review closed while they waited for the lock).
            self._apply(store.dismiss_suggestion, goal.id, "split")

        add = partial(store.add_steps, goal.id, pairs, today=planned)  # all of them, or none
        typed = "; ".join(title for title, _minutes in pairs)

        def refused(error: MicrogoalsError) -> None:
            self.show_error(f"{error} (the steps were: {typed})")

        self.session.saver.save(add, added, refused)

    def action_dismiss_suggestion(self) -> None:
        suggestion = self.suggestion
        if suggestion is None:
            self.show_error("no suggestion to dismiss")
            return
        said = f"Dismissed for a week: {suggestion.title}"
        self._apply(
            self.session.store.dismiss_suggestion,
            suggestion.id,
            suggestion.kind,
            then=lambda _: self.app.notify(said, markup=False),
        )

    def markdown(self) -> str:
        """The day (or the week) on screen, as Markdown."""
        store, tz = self.session.store, self.session.clock.tz
        goals = store.goals()
        if not self.week:
            return render(store.review(self.date), goals, "md", tz)
        retro = store.retro(self.date)
        days = "\n".join(render_md(store.review(day.date), goals) for day in retro.days)
        # Each day under the retro, its headings one level down.
        lower = ("#" + line if line.startswith("#") else line for line in days.splitlines())
        return render_retro_md(retro) + "\n## Each day\n\n" + "\n".join(lower) + "\n"

    @work(group="dialog")
    async def action_export_markdown(self) -> None:
        def write(path: Path) -> None:
            path.write_text(self.markdown(), encoding="utf-8")

        name = export_name(self.date, self.week)
        dialog = ExportScreen(name, write, blink=self.session.blink)
        path = await self.app.push_screen_wait(dialog)
        if path is not None:
            self.app.notify(f"Markdown written to {path}", title="Exported", markup=False)

    @work(group="dialog")
    async def action_set_reward(self) -> None:
        store = self.session.store
        settings = store.settings()
        current = Reward(settings["reward_every"], settings.get("reward") or "")
        reward = await self.app.push_screen_wait(RewardScreen(current, blink=self.session.blink))
        if reward is None:
            return
        if reward.text:
            words = f"After every {reward.every} micro-goals: {reward.text}"
        else:
            words = "No reward set"

        def both() -> None:  # run again whole after a wait: setting a value twice is harmless
            store.set_setting("reward_every", reward.every)
            store.set_setting("reward", reward.text)

        kept = f" (the reward was: {reward.text})" if reward.text else ""
        self._apply(both, then=lambda _: self.app.notify(words, markup=False), kept=kept)

    def action_close(self) -> None:
        self.dismiss(None)

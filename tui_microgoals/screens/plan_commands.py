"""Planning ahead on the main screen: the suggested plan (P), the morning nudge, the
overcommitment header, deadline forecasts for the tree, and the capacity setting.

The contract with the screen (``MainScreen``, the only user): it sets ``session`` and
``items`` (today's list) before its first ``refresh_state()``; ``refresh_state()`` calls
``update_plan_state`` and passes ``forecast_markers()`` to the tree; it composes a
``#today-pane`` and a ``#goals-pane`` holding the ``GoalTree``. This class owns
``forecast_rows`` (empty until the first forecast).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from pendulum import Date
from textual import on, work
from textual.content import Content
from textual.timer import Timer

from tui_microgoals.core import forecast
from tui_microgoals.core.calibration import Calibration
from tui_microgoals.core.errors import MicrogoalsError
from tui_microgoals.core.forecast import ForecastRow, SuggestedPlan
from tui_microgoals.core.models import Day, Goal
from tui_microgoals.core.planner import TodayItem
from tui_microgoals.saving import nothing
from tui_microgoals.screens.block_commands import BlockCommands
from tui_microgoals.widgets.goal_tree import GoalTree

#: Seconds the forecast waits after a change: a burst of edits costs one forecast, run
#: while the user reads rather than types (it slows a key pressed meanwhile: one interpreter).
FORECAST_DELAY = 1.0

#: Up to this many goals the first paint waits for the forecast (the demo's tree: ~25).
SMALL_FORECAST = 300

#: How a forecast note starts, per status (short: a pane's border has little room).
STATUS_WORDS = {"on_track": "on track, ", "at_risk": "▲ at risk: ", "overdue": "✗ "}


@dataclass(frozen=True)
class ForecastInput:
    """What the forecast is computed from; a new one only when the data changed."""

    today: Date
    capacity: int
    setting: int
    block_minutes: int
    goals: Mapping[int, Goal]
    days: Mapping[Date, Day]
    #: The user's pace (``Store.calibration``), asked with capacity; None: not calibrated.
    pace: Calibration | None = None


def tree_markers(rows: list[ForecastRow], block_minutes: int) -> dict[int, str]:
    """Statuses the tree shows: every goal with its own due date; a goal under one only
    when it is not on track, so the leaves of a healthy goal stay quiet. A too-big step
    already says "too big" (its reason for being at risk), so it gets no second marker."""
    return {
        r.goal.id: r.status
        for r in rows
        if r.status in STATUS_WORDS
        and (r.goal.due is not None or r.status != "on_track")
        and not (r.remaining_minutes > block_minutes and r.goal.minutes == r.remaining_minutes)
    }


def _forecast_rows(given: ForecastInput) -> dict[int, ForecastRow]:
    """The forecast of each goal still to finish (the screen shows nothing for done ones:
    after three years they are most of the rows)."""
    sim = forecast.simulate(
        given.goals, given.days, given.today, given.capacity, given.block_minutes, pace=given.pace
    )
    rows = forecast.forecast(given.goals, sim, given.today, given.block_minutes, given.pace)
    return {r.goal.id: r for r in rows if r.status != "done"}


class PlanCommands(BlockCommands):
    items: list[TodayItem]

    def __init__(self) -> None:
        super().__init__()
        #: The forecast of each goal still to finish, from the last forecast run.
        self.forecast_rows: dict[int, ForecastRow] = {}
        self._forecast_input: ForecastInput | None = None
        self._forecast_timer: Timer | None = None
        #: What the last forecast was asked for (it runs again only for another input).
        self._forecast_made_from: ForecastInput | None = None
        #: The tree's markers, and the forecast (by identity) they were made from.
        self._markers: tuple[dict[int, ForecastRow], int, dict[int, str]] | None = None

    def forecast_changed(self) -> None:
        """Redraw with the new forecast; the next forecast waits for the next data change."""
        self.refresh_state()
        self.show_forecast_note(self.query_one(GoalTree).goal_id)

    @on(GoalTree.GoalSelected)
    def _goal_forecast(self, event: GoalTree.GoalSelected) -> None:
        self.show_forecast_note(event.goal_id)

    def show_forecast_note(self, goal_id: int | None) -> None:
        """The highlighted goal's forecast in words on the Goals pane's lower border."""
        pane, note = self.query_one("#goals-pane"), self.forecast_note(goal_id)
        if pane.border_subtitle != (note.markup if note is not None else None):
            pane.border_subtitle = note  # (each setting repaints the whole pane)

    # -- overcommitment and forecast, on every redraw ------------------------------------

    def update_plan_state(self, goals: Mapping[int, Goal], days: Mapping[Date, Day]) -> None:
        """Called from ``refresh_state`` before the tree is drawn: the Today header now, from
        the capacity known so far. Capacity (a pass over the blocks when one changed) and
        the forecast (~40 ms at 10k documents) are worked out at start, and then never on a
        key's path: a second after the last change, capacity on the event loop (the header
        follows if it moved), then the forecast in a thread, when what it is made of
        changed (compared cheaply: the store keeps the same goal objects until one
        changes). A new date or capacity setting asks for capacity at once."""
        store = self.session.store
        today = self.session.clock.today()
        settings = store.settings()
        old = self._forecast_input
        if (
            old is None
            or old.today != today
            or old.block_minutes != settings["block_minutes"]
            or old.goals is not goals  # the store's snapshot: a new dict when one changed
            or old.days != days
            or old.setting != settings["capacity"]
        ):
            if old is None or old.today != today or old.setting != settings["capacity"]:
                try:
                    capacity = store.capacity(today)
                except MicrogoalsError as error:
                    self.show_error(error)
                    return
            else:
                capacity = old.capacity  # (checked a second later: a block may move it)
            # The user's pace: asked a second after a change, as capacity is (a pass over the
            # blocks that changed); at start only for a small plan, as the forecast is.
            if old is not None:
                pace = old.pace
            else:
                pace = store.calibration() if len(goals) <= SMALL_FORECAST else None
            new = ForecastInput(
                today,
                capacity,
                settings["capacity"],
                settings["block_minutes"],
                goals,
                days,
                pace,
            )
            self._forecast_input = new
            if old is None and len(goals) <= SMALL_FORECAST:
                # A small plan's first paint shows the markers at once (a few ms).
                self._forecast_made_from = new
                self.forecast_rows = _forecast_rows(new)
            elif old is None:
                # A big one's first paint doesn't wait for them (~150 ms at 5,000 goals).
                self._forecast_made_from = new
                self.call_after_refresh(self._compute_forecast, new)
        if old is not None:  # anything may have changed a block: capacity is asked later
            if self._forecast_timer is not None:
                self._forecast_timer.stop()
            self._forecast_timer = self.set_timer(FORECAST_DELAY, self._plan_state_later)
        self._show_overcommitment(settings["block_minutes"])

    def _plan_state_later(self) -> None:
        """A second after the last change: capacity (the header follows) and the user's pace,
        then the forecast when what it is made of changed since the last one."""
        given = self._forecast_input
        if given is None:
            return
        try:
            capacity = self.session.store.capacity(given.today)
        except MicrogoalsError as error:
            self.show_error(error)
            return
        if capacity != given.capacity:
            given = self._forecast_input = replace(given, capacity=capacity)
            self._show_overcommitment(given.block_minutes)
        pace = self.session.store.calibration()  # (kept by the store until data changes)
        if pace != given.pace:
            given = self._forecast_input = replace(given, pace=pace)
        if given is not self._forecast_made_from:
            self._forecast_made_from = given
            self._compute_forecast(given)

    def _show_overcommitment(self, block_minutes: int) -> None:
        assert self._forecast_input is not None
        capacity = self._forecast_input.capacity
        planned = sum(i.goal.minutes or block_minutes for i in self.items if not i.done)
        title = "Today"
        if planned > capacity:
            title = f"Today · {planned} min planned; you usually focus {capacity}"
        pane = self.query_one("#today-pane")
        if pane.border_title != title:  # setting it repaints the whole pane, even unchanged
            pane.border_title = Content(title)
        pane.set_class(planned > capacity, "-overcommitted")

    # A description of its own: by default a worker's is the repr of its arguments, here
    # every goal and day (~80 ms at 10k documents, on the event loop).
    @work(thread=True, exclusive=True, group="forecast", description="forecast")
    def _compute_forecast(self, given: ForecastInput) -> None:
        """About 40 ms at 10k documents: kept off the event loop, on the snapshot's data."""
        self.app.call_from_thread(self._forecast_done, given, _forecast_rows(given))

    def _forecast_done(self, given: ForecastInput, rows: dict[int, ForecastRow]) -> None:
        if given is not self._forecast_input:
            return  # the data changed meanwhile: a newer forecast is on its way
        if rows == self.forecast_rows:
            return  # nothing to redraw
        self.forecast_rows = rows
        self.forecast_changed()

    def forecast_markers(self) -> dict[int, str]:
        """Worked out once per forecast (every redraw asks; a pass over every row)."""
        given = self._forecast_input
        if given is None:
            return {}
        rows = self.forecast_rows
        cached = self._markers
        if cached is None or cached[0] is not rows or cached[1] != given.block_minutes:
            markers = tree_markers(list(rows.values()), given.block_minutes)
            cached = self._markers = (rows, given.block_minutes, markers)
        return cached[2]

    def forecast_note(self, goal_id: int | None) -> Content | None:
        """The forecast of one goal in words, e.g. for the Goals pane's lower border."""
        row = self.forecast_rows.get(goal_id)
        if row is None or row.status == "done":
            return None
        return Content(STATUS_WORDS[row.status] + row.why)

    # -- the suggested plan -------------------------------------------------------------

    def _suggest(self) -> SuggestedPlan | None:
        """Read only, so without the writers' lock (``Store.suggest_plan`` takes it, and
        another process holding it made the start and ``P`` fail)."""
        store, today = self.session.store, self.session.clock.today()
        try:
            return forecast.suggested_plan(
                store.simulate(today), store.goals(), store.days().get(today)
            )
        except MicrogoalsError as error:
            self.show_error(error)
            return None

    async def _offer(self, plan: SuggestedPlan, heading: str) -> None:
        listed = {i.goal.id for i in self.items}
        from tui_microgoals.screens.suggest import SuggestScreen  # loaded when first used

        ids = await self.app.push_screen_wait(SuggestScreen(plan, listed, heading))
        if ids is None:
            return
        new = [i for i in ids if i not in listed and not self.session.store.goals()[i].is_habit]
        said = f"Planned {len(new)} more item(s) for today" if new else "Plan kept"
        self._apply(self.session.store.accept_plan, plan, ids, then=lambda _: self.app.notify(said))

    @work(group="dialog")
    async def action_suggest_plan(self) -> None:
        plan = self._suggest()
        if plan is None:
            return
        if not plan.items and not plan.split:
            self.app.notify("Nothing to suggest: add micro-goals under a goal first")
            return
        day = plan.date.format("ddd D MMM")
        await self._offer(plan, f"Suggested plan for {day}")

    @work(group="dialog")
    async def offer_morning_plan(self) -> None:
        """Once a day, when the app opens with nothing planned: offer the suggestion."""
        if any(not i.habit for i in self.items):
            return
        plan = self._suggest()
        if plan is None or not any(not i.goal.is_habit for i in plan.items):
            return

        def claimed(first: bool) -> None:  # the first process to claim it offers it
            if first and self.app.screen is self:  # (not over a dialog opened meanwhile)
                self._offer_morning_plan(plan)

        # Claimed through the saver: the lock held by another process, the offer waits,
        # quietly (the user changed nothing).
        self._apply(
            self.session.store.claim_morning_nudge, plan.date, then=claimed, waiting=nothing
        )

    @work(group="dialog")
    async def _offer_morning_plan(self, plan: SuggestedPlan) -> None:
        await self._offer(plan, "Nothing planned yet today. How about this?")

    # -- settings -----------------------------------------------------------------------

    @work(group="dialog")
    async def action_set_capacity(self) -> None:
        from tui_microgoals.screens.capacity import CapacityScreen  # loaded when first used

        store = self.session.store
        try:
            setting: Any = store.settings()["capacity"]
            measured = store.capacity()
        except MicrogoalsError as error:
            self.show_error(error)
            return
        value = await self.app.push_screen_wait(
            CapacityScreen(setting, measured, blink=self.session.blink)
        )
        if value is None:
            return
        said = f"Capacity set to {value} min a day"
        self._apply(store.set_setting, "capacity", value, then=lambda _: self.app.notify(said))

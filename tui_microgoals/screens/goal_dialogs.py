"""The add and edit goal dialogs, set up for a given goal: the one place the main screen and
the review build them from, so both save the same way."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from tui_microgoals.core import calibration
from tui_microgoals.core.calibration import Calibration
from tui_microgoals.core.models import Goal
from tui_microgoals.screens.goal_form import FormValues, GoalDraft, GoalFormScreen
from tui_microgoals.session import Session


def add(session: Session, heading: str, parent: int | None, *, today: bool) -> GoalFormScreen:
    """Add a goal under ``parent`` (on today's list when ``today``)."""

    def save(draft: GoalDraft) -> int:
        goal = session.store.add_goal(
            draft.title,
            parent=draft.parent,
            minutes=draft.minutes,
            after=draft.after,
            due=draft.due,
            every=draft.every,
            notes=draft.notes,
            today=today,
        )
        return goal.id

    values = FormValues(parent="" if parent is None else str(parent))
    return _form(GoalFormScreen, session, heading, values, save, None)


def _form(
    form: type[GoalFormScreen],
    session: Session,
    heading: str,
    values: FormValues,
    save: Callable[[GoalDraft], int],
    goal_id: int | None,
) -> GoalFormScreen:
    """The goal form, wired to the session (its clock, its goals, its Saver, the user's
    pace: kept by the store, so read once as the form opens)."""
    found = session.store.calibration()
    pace = None if found is None else partial(_pace, session, found, goal_id)
    return form(
        heading,
        values,
        save,
        session.clock,
        session.store.goals,
        blink=session.blink,
        saver=session.saver,
        pace=pace,
    )


def _pace(
    session: Session,
    found: Calibration,
    goal_id: int | None,
    minutes: int | None,
    parent: int | None,
) -> str:
    return calibration.form_words(found, session.store.goals(), minutes, parent, goal_id)


def add_under(session: Session, parent: Goal, *, today: bool) -> GoalFormScreen:
    """Split: add a smaller micro-goal under ``parent``."""
    heading = f"Split “{parent.title}”: add a smaller micro-goal under it"
    return add(session, heading, parent.id, today=today)


class EstimateFirstForm(GoalFormScreen):
    """The edit dialog with the cursor in the estimate: shrinking is about minutes."""

    AUTO_FOCUS = "#field-minutes"


def edit(
    session: Session, goal: Goal, heading: str, *, estimate_first: bool = False
) -> GoalFormScreen:
    values = FormValues(
        title=goal.title,
        notes=goal.notes,
        minutes="" if goal.minutes is None else str(goal.minutes),
        due=goal.due.isoformat() if goal.due else "",
        after=", ".join(map(str, goal.after)),
        every=goal.recurrence or "",
        parent="" if goal.parent is None else str(goal.parent),
    )

    def save(draft: GoalDraft) -> int:
        session.store.edit_goal(
            goal.id,
            title=draft.title,
            notes=draft.notes,
            minutes=draft.minutes,
            due=draft.due,
            after=draft.after,
            every=draft.every,
            parent=draft.parent,
        )
        return goal.id

    form = EstimateFirstForm if estimate_first else GoalFormScreen
    return _form(form, session, heading, values, save, goal.id)

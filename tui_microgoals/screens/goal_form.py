"""Add or edit a goal, with inline validation by the same rules the command line uses."""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass
from functools import partial

from pendulum import Date
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from tui_microgoals.core.clock import Clock
from tui_microgoals.core.dates import parse_day
from tui_microgoals.core.errors import InputError, MicrogoalsError
from tui_microgoals.core.recurrence import Recurrence
from tui_microgoals.core.store import check_minutes
from tui_microgoals.core.text import clean_title
from tui_microgoals.saving import Saver
from tui_microgoals.screens.answer_once import AnswerOnce
from tui_microgoals.screens.dialog_keys import DialogKey, KeyLine, dialog_bindings


@dataclass(frozen=True)
class GoalDraft:
    """A checked form: what the store is asked to save."""

    title: str
    notes: str
    minutes: int | None
    due: Date | None
    after: list[int]
    every: str | None
    parent: int | None


@dataclass(frozen=True)
class FormValues:
    """The text in each field, as first shown."""

    title: str = ""
    notes: str = ""
    minutes: str = ""
    due: str = ""
    after: str = ""
    every: str = ""
    parent: str = ""


FIELDS = (
    ("title", "Title", "what to do, e.g. Write the intro"),
    ("minutes", "Estimate", "minutes, e.g. 15"),
    ("due", "Due", "YYYY-MM-DD, today or tomorrow"),
    ("after", "After", "ids (#n in Goals) that must be done first, e.g. 3, 5"),
    ("every", "Repeats", "daily, weekdays, mon,wed,fri or 3/week"),
    ("parent", "Parent", "id of the goal it belongs to (empty: top level)"),
)


def _ids(text: str, known: Container[int] | None) -> list[int]:
    parts = [p for p in text.replace(",", " ").split() if p]
    try:
        ids = [int(p.lstrip("#")) for p in parts]
    except ValueError:
        raise InputError("use goal ids (the #n in Goals), e.g. 3, 5") from None
    unknown = [i for i in ids if known is not None and i not in known]
    if unknown:
        raise InputError("no goal " + ", ".join(f"#{i}" for i in unknown))
    return ids


def check_field(name: str, text: str, clock: Clock, known: Container[int] | None = None) -> object:
    """Parse one field; raises ``InputError`` with the message to show beside it.

    ``known``: the goal ids an after or parent may name (``None``: not checked here).
    """
    text = text.strip()
    if name == "title":
        return clean_title(text)
    if not text:
        return [] if name == "after" else None
    if name == "minutes":
        if not text.isdigit():
            raise InputError("the estimate must be a whole number of minutes")
        return check_minutes(int(text))
    if name == "due":
        return parse_day(text, clock.today())
    if name == "after":
        return _ids(text, known)
    if name == "every":
        return str(Recurrence.parse(text))
    if name == "parent":
        ids = _ids(text, known)
        if len(ids) != 1:
            raise InputError("one goal id, or empty for the top level")
        return ids[0]
    raise KeyError(name)


def problem(label: str, error: InputError) -> str:
    """The error as the form shows it: naming the form's field, never a command-line flag."""
    text = str(error)
    return text if label.lower() in text.lower() else f"{label}: {text}"


class GoalFormScreen(AnswerOnce, ModalScreen[int | None]):
    """Dismisses with the saved goal's id, or ``None`` when cancelled.

    ``save`` is handed the checked draft and raises a ``MicrogoalsError`` when the store
    refuses it (a cycle): the dialog stays open and shows the reason, so nothing typed is
    lost. ``known`` gives the goal ids there are, so an unknown id in After or Parent is
    said beside the field as it is typed. ``pace`` says, under the fields, what the user's
    own pace makes of the estimate typed (given the estimate and the parent, as checked;
    None when unreadable): see ``core/calibration``. Without it, no such line.
    """

    KEYS = (
        DialogKey("enter,ctrl+s", "save", "save"),
        DialogKey("tab", "next field"),
        DialogKey("escape", "cancel", "cancel"),
    )
    BINDINGS = dialog_bindings(KEYS)
    #: Focused as the screen shows: a key typed fast lands in the field.
    AUTO_FOCUS = "#field-title"

    def __init__(
        self,
        heading: str,
        values: FormValues,
        save: Callable[[GoalDraft], int],
        clock: Clock,
        known: Callable[[], Container[int]] | None = None,
        *,
        blink: bool = True,
        saver: Saver | None = None,
        pace: Callable[[int | None, int | None], str] | None = None,
    ) -> None:
        super().__init__()
        self.heading = heading
        self.values = values
        self.save = save
        #: Saves without freezing while another process holds the lock (None: at once).
        self.saver = saver
        #: The save that may wait for the lock: another ctrl+s meanwhile would save twice.
        self._pending: object | None = None
        self.clock = clock
        self.known = known
        self.blink = blink
        self.pace = pace

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog goal-form"):
            yield Static(Content(self.heading), classes="dialog-title")
            with Grid(id="form-grid"):
                for name, label, placeholder in FIELDS:
                    yield Label(label, classes="field-label")
                    yield Input(
                        getattr(self.values, name),
                        placeholder=placeholder,
                        id=f"field-{name}",
                        compact=True,
                        # The cursor goes to the end: a key typed never wipes a field.
                        select_on_focus=False,
                    )
                yield Label("Notes", classes="field-label")
                yield TextArea(self.values.notes, id="field-notes", compact=True)
            yield Static(id="form-pace", classes="dim form-pace")
            yield Static(id="form-error", classes="form-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save (^s)", id="save", variant="primary", compact=True)
                yield Button("Cancel (esc)", id="cancel", compact=True)
        yield KeyLine(self.KEYS)

    def on_mount(self) -> None:
        for widget in self.query(Input):
            widget.cursor_blink = self.blink
        self.query_one(TextArea).cursor_blink = self.blink
        self._show_pace()

    def _show_pace(self) -> None:
        """The estimate at the user's pace, as typed (the text is plain, never markup)."""
        hint = self.query_one("#form-pace", Static)
        hint.display = self.pace is not None
        if self.pace is None:
            return
        parsed: dict[str, object] = {}
        for name in ("minutes", "parent"):
            text = self.query_one(f"#field-{name}", Input).value
            try:
                parsed[name] = check_field(name, text, self.clock)
            except InputError:
                parsed[name] = None
        hint.update(Content(self.pace(parsed["minutes"], parsed["parent"])))  # type: ignore[arg-type]

    def _known(self) -> Container[int] | None:
        if self.known is None:
            return None
        try:
            return self.known()
        except MicrogoalsError:
            return None  # the store says what is wrong when the form is saved

    def _problems(self) -> dict[str, str]:
        problems = {}
        known = self._known()
        for name, label, _placeholder in FIELDS:
            text = self.query_one(f"#field-{name}", Input).value
            try:
                check_field(name, text, self.clock, known)
            except InputError as error:
                problems[name] = problem(label, error)
        return problems

    def _show_problems(self, problems: dict[str, str], only: str | None = None) -> None:
        for name, _label, _placeholder in FIELDS:
            if only is None or name == only:
                self.query_one(f"#field-{name}", Input).set_class(name in problems, "-invalid")
        shown = problems.get(only) if only else next(iter(problems.values()), None)
        self.query_one("#form-error", Static).update(Content(shown or ""))

    @on(Input.Changed)
    def _check_changed(self, event: Input.Changed) -> None:
        name = (event.input.id or "").removeprefix("field-")
        self._show_problems(self._problems(), only=name)
        if name in ("minutes", "parent"):
            self._show_pace()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        self.action_save()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        """Cancelled while its save waits for the lock: not saved after all."""
        if self.saver is not None and self._pending is not None:
            self.saver.withdraw(self._pending)
        self.dismiss(None)

    def action_save(self) -> None:
        problems = self._problems()
        if problems:
            self._show_problems(problems)
            self.query_one(f"#field-{next(iter(problems))}", Input).focus()
            return
        parsed = {
            name: check_field(name, self.query_one(f"#field-{name}", Input).value, self.clock)
            for name, _label, _placeholder in FIELDS
        }
        draft = GoalDraft(
            notes=self.query_one(TextArea).text,
            **parsed,  # type: ignore[arg-type]
        )
        if self.saver is None:
            try:
                goal_id = self.save(draft)
            except MicrogoalsError as error:
                self._refused(error)
                return
            self.dismiss(goal_id)
            return
        if self._pending is not None and self.saver.queued(self._pending):
            return
        self._pending = self.saver.save(
            partial(self.save, draft), self._saved, self._refused, self._say
        )

    def _say(self, line: str) -> None:
        """Said in the dialog, which stays open with what was typed until it is saved."""
        self.query_one("#form-error", Static).update(Content(line))

    def _saved(self, goal_id: int) -> None:
        if self.is_attached and self.is_active:
            self.dismiss(goal_id)

    def _refused(self, error: MicrogoalsError) -> None:
        if self.is_attached:
            self._say(f"Not saved: {error}")

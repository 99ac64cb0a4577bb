"""Split a goal into micro-goals: two steps or more, typed one after another.

One step is not a split: finishing it would complete the goal being split (issue 12, trap 5).
So the steps are collected here and saved together when the dialog closes with two or more.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui_microgoals.core.errors import InputError
from tui_microgoals.core.text import check_minutes, clean_title
from tui_microgoals.screens.answer_once import AnswerOnce
from tui_microgoals.screens.dialog_keys import DialogKey, KeyLine, dialog_bindings

MIN_STEPS = 2


@dataclass(frozen=True)
class Step:
    title: str
    minutes: int | None


def step_line(number: int, step: Step) -> Content:
    line = Content.assemble((f"  {number}. ", "bold"), Content(step.title))
    if step.minutes is not None:
        line = line.append(Content.styled(f" · {step.minutes} min", "dim"))
    return line


def parse_step(title: str, minutes: str) -> Step:
    """A step from the two fields, or an ``InputError`` naming the field in plain words."""
    text = minutes.strip()
    if text and not text.isdigit():
        raise InputError("the estimate must be a whole number of minutes")
    return Step(clean_title(title), check_minutes(int(text)) if text else None)


class SplitScreen(AnswerOnce, ModalScreen[list[Step] | None]):
    """Enter adds the step typed; escape finishes: the steps (two or more) or ``None``."""

    KEYS = (
        DialogKey("enter", "add the step"),
        DialogKey("tab", "estimate"),
        DialogKey("escape", "done: save the steps", "finish"),
    )
    BINDINGS = dialog_bindings(KEYS)
    #: Not focused in ``on_mount``: a key typed fast would reach the screen below.
    AUTO_FOCUS = "#step-title"
    DEFAULT_CSS = """
    SplitScreen #split-fields {
        height: auto;
    }
    SplitScreen #step-title {
        width: 1fr;
    }
    SplitScreen #step-minutes {
        width: 12;
    }
    """

    def __init__(self, goal_title: str, *, blink: bool = True) -> None:
        super().__init__()
        self.goal_title = goal_title
        self.blink = blink
        self.steps: list[Step] = []
        #: Escape pressed once with fewer than two steps: a second one discards them.
        self.warned = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog split"):
            yield Static(
                Content.from_markup("Split “$title” into micro-goals", title=self.goal_title),
                classes="dialog-title",
            )
            yield Static(
                Content("Type a step, enter adds it; two or more make a split."),
                classes="dialog-body dim",
            )
            yield Static(id="split-steps", classes="dialog-body")
            with Horizontal(id="split-fields"):
                yield Input(placeholder="a step of 15-20 minutes", id="step-title")
                yield Input(placeholder="min", id="step-minutes")
            yield Static(id="split-error", classes="form-error")
        yield KeyLine(self.KEYS)

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = self.blink
        self._show_steps()

    def _show_steps(self) -> None:
        lines = [step_line(n, step) for n, step in enumerate(self.steps, 1)]
        if not lines:
            lines = [Content.styled("  no steps yet", "dim")]
        self.query_one("#split-steps", Static).update(Content("\n").join(lines))

    def _say(self, text: str) -> None:
        self.query_one("#split-error", Static).update(Content(text))

    @on(Input.Submitted)
    def _add_step(self, event: Input.Submitted) -> None:
        event.stop()
        title = self.query_one("#step-title", Input)
        minutes = self.query_one("#step-minutes", Input)
        if not title.value.strip() and not minutes.value.strip():
            self.action_finish()  # enter on an empty step: done, like escape
            return
        try:
            step = parse_step(title.value, minutes.value)
        except InputError as error:
            self._say(str(error))
            bad = title if "title" in str(error) else minutes
            bad.focus()
            return
        self.steps.append(step)
        self.warned = False
        title.clear()
        minutes.clear()
        title.focus()
        self._say("")
        self._show_steps()

    def action_finish(self) -> None:
        if len(self.steps) >= MIN_STEPS:
            self.dismiss(list(self.steps))
        elif not self.steps or self.warned:
            self.dismiss(None)
        else:
            self.warned = True
            self._say(
                "A split needs at least two steps: add another, or esc again to discard this one."
            )

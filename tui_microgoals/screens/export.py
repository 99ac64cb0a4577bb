"""Ask where to write the review as Markdown, then write it there.

The dialog writes (through the function it is given) so that a path that cannot be written
is said in one line while the path is still there to fix, and an existing file is only
overwritten after a second enter on the same path.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from tui_microgoals.core.errors import MicrogoalsError
from tui_microgoals.screens.answer_once import AnswerOnce
from tui_microgoals.screens.dialog_keys import DialogKey, KeyLine, dialog_bindings


def target(text: str, default_name: str) -> Path:
    """The file a typed path means: ``~`` expanded, relative to the current folder, and a
    folder gets the default name inside it."""
    path = Path(text.strip()).expanduser()
    path = path if path.is_absolute() else Path.cwd() / path
    return path / default_name if path.is_dir() else path


class ExportScreen(AnswerOnce, ModalScreen[Path | None]):
    """Dismisses with the path written to, or ``None`` on escape (nothing written)."""

    KEYS = (DialogKey("enter", "write"), DialogKey("escape", "cancel", "cancel"))
    BINDINGS = dialog_bindings(KEYS)
    #: Not focused in ``on_mount``: a key typed fast would reach the screen below.
    AUTO_FOCUS = "#export-path"

    def __init__(
        self, default_name: str, write: Callable[[Path], None], *, blink: bool = True
    ) -> None:
        super().__init__()
        self.default_name = default_name
        self.write = write
        self.blink = blink
        #: The existing file the user was asked about: enter on it again overwrites it.
        self.asked: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog export"):
            yield Static(Content("Write the review as Markdown"), classes="dialog-title")
            yield Static(
                Content(f"The file to write (a folder: {self.default_name} in it)."),
                classes="dialog-body dim",
            )
            yield Input(value=f"./{self.default_name}", id="export-path")
            yield Static(id="export-error", classes="form-error")
        yield KeyLine(self.KEYS)

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = self.blink
        field.cursor_position = len(field.value)

    def _say(self, text: str) -> None:
        self.query_one("#export-error", Static).update(Content(text))

    @on(Input.Changed)
    def _changed(self) -> None:
        self.asked = None
        self._say("")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not event.value.strip():
            self._say("type the file to write to")
            return
        try:
            path = target(event.value, self.default_name)
            exists = path.exists()
        except (OSError, RuntimeError) as error:  # ~nosuchuser, a name too long, no access
            self._say(f"cannot use {event.value.strip()}: {error}")
            return
        if exists and path != self.asked:
            self.asked = path
            self._say(f"{path} exists: enter again overwrites it, esc keeps it")
            return
        try:
            self.write(path)
        except OSError as error:
            self.asked = None
            self._say(f"could not write {path}: {error.strerror or error}")
            return
        except MicrogoalsError as error:  # the review could not be read: nothing written
            self._say(str(error))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)

"""The keys a dialog takes, defined once: its bindings and the key line at its foot.

A dialog covers the main screen's footer with a line of its own, so what the footer says is
always what the keys on screen do. An entry without an action is handled by a widget (enter
in a text field submits it) and is only shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from textual.binding import Binding
from textual.content import Content
from textual.widgets import Static

#: How a key is written in the key line.
SHOWN = {"escape": "esc", "enter": "enter", "ctrl+s": "^s", "ctrl+t": "^t", "ctrl+n": "^n"}


@dataclass(frozen=True)
class DialogKey:
    keys: str  # Textual key names, comma-separated: "escape,n"
    label: str
    action: str | None = None  # None: a widget handles the key, the line only shows it
    priority: bool = False  # before the focused widget's own binding for the key

    @property
    def shown(self) -> str:
        return "/".join(SHOWN.get(key, key) for key in self.keys.split(","))


def dialog_bindings(keys: Iterable[DialogKey]) -> list[Binding]:
    return [
        Binding(k.keys, k.action, k.label, show=False, priority=k.priority)
        for k in keys
        if k.action
    ]


class KeyLine(Static):
    """The dialog's footer: one line, docked at the bottom of the terminal."""

    DEFAULT_CSS = """
    KeyLine {
        dock: bottom;
        width: 1fr;
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    """

    def __init__(self, keys: Iterable[DialogKey]) -> None:
        parts = [
            Content.from_markup("[b $accent]$key[/] $label", key=k.shown, label=k.label)
            for k in keys
        ]
        super().__init__(Content("  ").join(parts), classes="dialog-keys")

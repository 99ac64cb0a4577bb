"""One dialog at a time: keys typed before a dialog appears are not the screen's.

A screen opens a dialog from a worker (``@work(group="dialog")``), which pushes it a moment
after the key's handler returns. Keys typed in that moment still reach the screen: ``d``
typed five times fast stacked five confirmations (thirty stacked dialogs overflowed the
renderer's recursion: found by tests/ui/test_fuzz_keys.py under load), and a letter typed
right after ``a`` acted on the main screen instead of going into the form.
"""

from __future__ import annotations

from textual.app import App
from textual.worker import Worker

DIALOG = "dialog"


def dialog_opening(app: App[object]) -> bool:
    """Whether a dialog worker is on its way to (or waiting on) its dialog."""
    return any(worker.group == DIALOG and not worker.is_finished for worker in app.workers)


class OneDialogAtATime:
    """Mixed in before ``Screen``: while a dialog opens or is open, the screen's own key
    actions do nothing (its ``check_action`` asks ``dialog_opening`` first), and its
    footer is redrawn when the dialog's worker ends."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == DIALOG and event.worker.is_finished:
            self.refresh_bindings()  # type: ignore[attr-defined]

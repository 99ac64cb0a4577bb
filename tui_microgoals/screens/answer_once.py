"""A screen closes once: a second answer queued before it closed is ignored."""

from __future__ import annotations

from typing import Any

from textual import _time
from textual.await_complete import AwaitComplete


class AnswerOnce:
    """Mixed in before ``ModalScreen``/``Screen`` by every screen that dismisses itself.

    Two keys typed fast (enter then ``d`` in the end-of-block dialog, ``f f`` in focus
    mode) can both reach a screen before it is gone. Textual's ``dismiss`` pops whatever
    screen is on top, so the second answer closed the screen *below*, down to the main
    screen, and the app died ("Can't pop screen"). Found by tests/ui/test_fuzz_keys.py.

    A plain mixin, not a ``Screen`` subclass: as a ``Screen`` ahead of ``ModalScreen`` in
    the MRO, Screen's default CSS (an opaque background) won over ModalScreen's, and the
    screen below a dialog was no longer drawn.

    Keys typed into a dialog stay there: a dialog records when it closed, and the app drops
    the keys that were already on their way when it did (see ``MicroGoalsApp.on_event``).
    A sentence typed into a dialog that a key of it closes ("y" in a confirmation) never
    reaches the screen below.
    """

    def dismiss(self, result: Any = None) -> AwaitComplete:
        app = self.app  # type: ignore[attr-defined]
        if app.screen is not self:
            return AwaitComplete.nothing()
        if self.is_modal:  # type: ignore[attr-defined]
            app.dialog_closed_at = _time.get_time()
        return super().dismiss(result)  # type: ignore[misc]

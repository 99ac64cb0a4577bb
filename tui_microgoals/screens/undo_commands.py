"""Undo and redo (``u``, ``U`` / ``ctrl+r``), the same on the main screen and in focus mode.

The store undoes the newest change to the database, whichever process made it, and says
what it undid in words; the screen shows those words and redraws at once. Every undo and
redo of the app goes through ``UndoCommands.undo_step``: one store call (``run``) saved like
any change (``_apply``), then ``show_undone`` with its words, or ``not_undone`` with why not.
"""

from __future__ import annotations

from tui_microgoals.core.errors import MicrogoalsError
from tui_microgoals.core.store_undo import NothingToUndo
from tui_microgoals.screens.block_commands import BlockCommands


class UndoCommands(BlockCommands):
    def action_undo(self) -> None:
        self.undo_step(redo=False)

    def action_redo(self) -> None:
        self.undo_step(redo=True)

    def undo_step(self, *, redo: bool) -> None:
        """Undo (or redo) one change; say what it was, or in one line why not."""
        session = self.session

        def run() -> str:
            said = session.store.redo() if redo else session.store.undo()
            # A break may have come or gone with it; a block ended at its end-of-block
            # dialog may run again, and then its end is asked again when it comes.
            session.reread_break()
            session.asked.clear()
            return said

        # (through the Saver, like every change: a held lock never freezes the screen)
        self._apply(run, then=self.show_undone, failed=self.not_undone)

    def show_undone(self, said: str) -> None:
        """After an undo or redo that was made (and drawn): say what it was."""
        self._follow_theme()
        self.app.notify(said, markup=False)

    def not_undone(self, error: MicrogoalsError) -> None:
        if isinstance(error, NothingToUndo):  # not a mistake: a plain note
            self.app.notify(str(error), markup=False)
        else:  # a refused undo: why, and nothing was changed
            self.show_error(error)

    def _follow_theme(self) -> None:
        """A theme picked in the palette is a setting: undone, the screen shows the old one.
        (``watch_theme`` then finds the setting equal and writes nothing.)"""
        theme = self.session.store.settings().get("theme")
        if theme in self.app.available_themes and theme != self.app.theme:
            self.app.theme = theme

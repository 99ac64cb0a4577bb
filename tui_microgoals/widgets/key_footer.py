"""The footer: the screen's keys that fit on one line, none of them ever cut.

Textual's footer lays every key out and docks the palette key over the right end, so a long
line is cut mid-word ("q Qui▏^p palette"). This one measures first: where the line is short
it leaves out the keys of the highest rank (``Command.rank``; the help lists them all), and
``^p`` loses its word before any key does.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: Rank of a key that no command table ranks (a dialog's own keys).
DEFAULT_RANK = 2
#: The palette key docks right behind a one-cell rule.
PALETTE_RULE = 1
PALETTE_WORD = "palette"


@dataclass(frozen=True)
class Entry:
    key: str
    label: str
    rank: int

    @property
    def width(self) -> int:
        """Cells in the compact footer: key, space, label, one cell of margin."""
        return cell_len(self.key) + 1 + cell_len(self.label) + 1


def fit_entries(entries: list[Entry], width: int) -> list[int]:
    """Which entries fit in ``width`` cells (indexes, in order): lowest rank first, then
    the table's order; a key that does not fit leaves room for a smaller one after it."""
    chosen: set[int] = set()
    used = 0
    for index in sorted(range(len(entries)), key=lambda i: (entries[i].rank, i)):
        if used + entries[index].width <= width:
            chosen.add(index)
            used += entries[index].width
    return sorted(chosen)


class KeyFooter(Footer):
    def __init__(self) -> None:
        super().__init__(compact=True)
        self._fitted_width = 0

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        screen, app = self.screen, self.app
        width = self._fitted_width = app.size.width
        ranks = {c.action: c.rank for c in getattr(screen, "COMMANDS_TABLE", ())}
        active = screen.active_bindings
        shown: dict[str, tuple[Binding, bool, str]] = {}
        for _, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in shown:
                shown[binding.action] = (binding, enabled, tooltip)
        rows = list(shown.values())
        entries = [
            Entry(app.get_key_display(b), b.description, ranks.get(b.action, DEFAULT_RANK))
            for b, _, _ in rows
        ]
        palette = active.get(app.COMMAND_PALETTE_BINDING) if app.ENABLE_COMMAND_PALETTE else None
        palette_key = app.get_key_display(palette[1]) if palette else ""
        room = width - (PALETTE_RULE + cell_len(palette_key) if palette else 0)
        chosen = fit_entries(entries, room)
        for index in chosen:
            binding, enabled, tooltip = rows[index]
            yield FooterKey(
                binding.key,
                entries[index].key,
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            ).data_bind(compact=Footer.compact)
        if palette is not None:
            left = room - sum(entries[i].width for i in chosen)
            _, binding, enabled, tooltip = palette
            yield FooterKey(
                binding.key,
                palette_key,
                PALETTE_WORD if left >= 1 + len(PALETTE_WORD) else "",
                binding.action,
                classes="-command-palette",
                disabled=not enabled,
                tooltip=binding.tooltip or binding.description,
            )

    def on_resize(self, event: events.Resize) -> None:
        if self.app.size.width != self._fitted_width and self._bindings_ready:
            self.call_after_refresh(self.recompose)

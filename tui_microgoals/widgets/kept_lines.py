"""An OptionList whose drawn lines outlive a change to the list.

Textual's OptionList keys each option's drawn lines on the option, but throws all of them
away on every change to the list (``set_options``, a replaced prompt) and stamps each line
with the option's index (the mouse's ``meta``). Today changes on most keys - an item moves
to the top, one line's icon changes - and drawing its ~25 visible lines again cost ~15-25 ms
of the frame after the key. Here an option's lines are kept by the option itself (and its
prompt, style and width), so after a change only the lines whose option is new are drawn;
the index is stamped on as a line is handed out, and is redone only when it moved.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.cache import LRUCache
from textual.strip import Strip
from textual.style import Style
from textual.visual import Padding, VisualType
from textual.widgets import OptionList
from textual.widgets.option_list import Option

#: Options' drawn lines kept: several times what a pane shows, in its few styles.
KEPT = 1024


class _Drawn:
    """One option's lines as drawn for one style and width, and as handed out last."""

    __slots__ = ("index", "prompt", "stamped", "strips")

    def __init__(self, prompt: VisualType, strips: list[Strip]) -> None:
        self.prompt = prompt
        self.strips = strips
        self.index = -1
        self.stamped: list[Strip] = []


class KeptLinesOptionList(OptionList):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._drawn: LRUCache[tuple[Option, Style, int], _Drawn] = LRUCache(KEPT)

    def _on_resize(self) -> None:
        self._drawn.clear()  # (keyed on the width too: this only frees them sooner)
        super()._on_resize()

    def _get_option_render(self, option: Option, style: Style) -> list[Strip]:
        """As Textual's, but kept across changes to the list (see the module's docstring)."""
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        key = (option, style, width)
        drawn = self._drawn.get(key)
        if drawn is None or drawn.prompt is not option.prompt:
            drawn = self._drawn[key] = _Drawn(option.prompt, self._draw(option, style, width))
        index = self._option_to_index[option]
        if drawn.index != index:
            meta = {"option": index}
            drawn.stamped = [strip.apply_meta(meta) for strip in drawn.strips]
            drawn.index = index
        return drawn.stamped

    def _draw(self, option: Option, style: Style, width: int) -> list[Strip]:
        """Textual's drawing of one option (``OptionList._get_option_render``), unstamped."""
        visual = self._get_visual(option)
        padding = self.get_component_styles("option-list--option").padding
        if padding:
            visual = Padding(visual, padding)
        strips = [
            strip.extend_cell_length(width, style.rich_style)
            for strip in visual.to_strips(self, visual, width, None, style)
        ]
        if option._divider:
            rule = self.get_visual_style("option-list--separator")
            strips.append(Strip([Segment("─" * width, rule.rich_style)], width))
        return strips

"""An OptionList that draws again only the lines that changed.

Textual's OptionList keys each option's drawn lines on the option, but throws all of them
away on every change to the list (``set_options``, a replaced prompt), stamps each line
with the option's index (the mouse's ``meta``), and repaints the whole list when the
highlight moves. Today changes on most keys - an item moves to the top, one line's icon
changes - and drawing its ~25 visible lines again cost ~15-25 ms of the frame after the key.

Here an option's lines are kept by the option itself (and its prompt, style and width),
the index is stamped on as a line is handed out (again only when it moved), and a change
marks dirty only the lines it changed: ``reorder`` (the options in a new order, some new),
``replace_prompt`` (one option's line), and a moved highlight (the two lines it left and
reached). This leans on OptionList's private fields (``_options``, ``_option_to_index``,
``_id_to_option``, ``_line_cache``), as of Textual 8.2; tests/ui/test_today_updates.py
checks what is drawn.
"""

from __future__ import annotations

from itertools import zip_longest

from rich.segment import Segment
from textual.cache import LRUCache
from textual.reactive import reactive
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
    #: Not repainted as a whole when it moves: ``watch_highlighted`` marks its two lines.
    highlighted: reactive[int | None] = reactive(None, repaint=False)

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._drawn: LRUCache[tuple[Option, Style, int], _Drawn] = LRUCache(KEPT)

    def _on_resize(self) -> None:
        self._drawn.clear()  # (keyed on the width too: this only frees them sooner)
        super()._on_resize()

    def watch_highlighted(self, old: int | None, new: int | None) -> None:
        for index in (old, new):
            if index is not None and index in self._index_to_line:
                self.refresh_lines(self._index_to_line[index], self._heights[index])
        super().watch_highlighted(new)

    def reorder(self, options: list[Option]) -> None:
        """Show ``options`` (the same ones in a new order, some new, some gone) and mark dirty
        the lines that show another option than before. Unlike ``set_options``, the scroll
        position and the highlight's index stay (set the highlight after)."""
        before = [(self._options[i], offset) for i, offset in self._lines]
        heights = {self._options[i]: h for i, h in self._line_cache.heights.items()}
        self._options[:] = options
        self._option_to_index.clear()
        self._option_to_index.update((option, i) for i, option in enumerate(options))
        self._id_to_option.clear()
        self._id_to_option.update((o.id, o) for o in options if o.id is not None)
        self._line_cache.clear()
        if self.scrollable_content_region:  # (else drawn in full when it shows)
            lines = self._line_cache
            for index, option in enumerate(options):
                height = heights.get(option)
                if height is None:
                    height = self._measure(option)
                lines.index_to_line[index] = len(lines.lines)
                lines.heights[index] = height
                lines.lines.extend((index, offset) for offset in range(height))
        after = [(options[i], offset) for i, offset in self._lines]
        for y, (old, new) in enumerate(zip_longest(before, after)):
            if old != new:
                self.refresh_line(y)
        if len(after) != len(before) and self.styles.auto_dimensions:
            self.refresh(repaint=False, layout=True)

    def replace_prompt(self, index: int, prompt: VisualType) -> None:
        """As ``replace_option_prompt_at_index``, marking dirty only that option's lines."""
        option = self.get_option_at_index(index)
        option._set_prompt(prompt)
        height = self._line_cache.heights.get(index)
        if height is None or self._measure(option) != height:
            self._clear_caches()  # the lines below it move: all of them are drawn again
        else:
            self.refresh_lines(self._line_cache.index_to_line[index], height)

    def _measure(self, option: Option) -> int:
        """How many lines ``option`` takes (as ``OptionList._update_lines`` measures)."""
        width = self.scrollable_content_region.width - self._get_left_gutter_width()
        padding = self.get_component_styles("option-list--option").padding
        visual = self._get_visual(option)
        return visual.get_height(self.styles, width - padding.width) + option._divider

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

"""The review's suggestions, one per line with its reason. The screen acts on them."""

from __future__ import annotations

from functools import lru_cache
from typing import cast

from textual import on
from textual._loop import loop_last
from textual.binding import Binding
from textual.content import Content
from textual.css.styles import RulesMap
from textual.geometry import Size
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from tui_microgoals.core.review import Suggestion

KIND_LABEL = {"split": "split", "shrink": "shrink", "step_up": "step up"}
KIND_STYLE = {"split": "bold $warning", "shrink": "bold $warning", "step_up": "bold $success"}


@lru_cache(maxsize=4096)
def suggestion_prompt(suggestion: Suggestion) -> Content:
    """One suggestion's lines. The same Content for the same suggestion, so that its wrapped
    height, which the list works out for every option, is kept from one day to the next."""
    kind = KIND_LABEL.get(suggestion.kind, suggestion.kind)
    return Content.assemble(
        (f"{kind:<8}", KIND_STYLE.get(suggestion.kind, "bold")),
        Content(suggestion.title),
        "\n",
        (f"  {suggestion.reason}", "dim"),
    )


#: The most lines the list takes on the screen; it scrolls past that.
MAX_HEIGHT = 12


class SuggestionList(OptionList):
    BINDINGS = [
        Binding("j", "cursor_down", show=False),
        Binding("k", "cursor_up", show=False),
    ]
    DEFAULT_CSS = f"""
    SuggestionList {{
        height: auto;
        max-height: {MAX_HEIGHT};
    }}
    """

    class SuggestionHighlighted(Message):
        def __init__(self, suggestion: Suggestion | None) -> None:
            super().__init__()
            self.suggestion = suggestion

    class SuggestionChosen(Message):
        def __init__(self, suggestion: Suggestion) -> None:
            super().__init__()
            self.suggestion = suggestion

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.suggestions: list[Suggestion] = []

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As ``OptionList``'s, but it stops once the options fill ``MAX_HEIGHT``: at XL the
        review suggests ~1,300 splits, and wrapping every one for the layout cost ~0.1 s
        before the first frame (any height past the cap is drawn the same)."""
        rules = cast(RulesMap, self.styles)
        inner = width - self.get_component_styles("option-list--option").padding.width
        height = 0
        for last, option in loop_last(self.options):
            height += self._get_visual(option).get_height(rules, inner)
            height += 1 if option._divider and not last else 0
            if height > MAX_HEIGHT:
                break
        return height

    def show(self, suggestions: list[Suggestion]) -> None:
        keep = self.highlighted
        self.suggestions = list(suggestions)
        self.clear_options()
        if not suggestions:
            self.add_option(Option(Content.styled("nothing to adjust", "dim"), disabled=True))
            self.post_message(self.SuggestionHighlighted(None))
            return
        self.add_options([Option(suggestion_prompt(s)) for s in suggestions])
        self.highlighted = min(keep or 0, len(suggestions) - 1)
        self.post_message(self.SuggestionHighlighted(self.suggestions[self.highlighted]))

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option_index < len(self.suggestions):
            self.post_message(self.SuggestionHighlighted(self.suggestions[event.option_index]))

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_index < len(self.suggestions):
            self.post_message(self.SuggestionChosen(self.suggestions[event.option_index]))

"""The core keeps its own copy of Textual's built-in theme names (it cannot import Textual):
this keeps the copy honest when Textual changes."""

from textual.theme import BUILTIN_THEMES

from tui_microgoals.core.settings import THEMES


def test_the_cores_theme_names_are_textuals_builtin_themes():
    assert sorted(THEMES) == sorted(BUILTIN_THEMES)

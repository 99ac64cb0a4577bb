"""Keys are shown as a user types them: never Textual's names like ``left_square_bracket``."""

from __future__ import annotations

import importlib
import pkgutil
import re

from textual.binding import Binding
from textual.dom import DOMNode
from ui_helpers import SIZE, make_app, screen_text, settled, small_plan

import tui_microgoals.screens
import tui_microgoals.widgets
from tui_microgoals import commands
from tui_microgoals.commands import Command, key_name
from tui_microgoals.screens.help import HelpScreen

#: A name with an underscore, as Textual spells keys (``question_mark``, ``left_square_bracket``).
RAW_NAME = re.compile(r"\b[a-z]+_[a-z_]+\b")


def command_tables() -> dict[str, tuple[Command, ...]]:
    tables = {
        name: value
        for name, value in vars(commands).items()
        if isinstance(value, tuple) and value and all(isinstance(c, Command) for c in value)
    }
    assert {"MAIN_COMMANDS", "FOCUS_COMMANDS", "REVIEW_COMMANDS"} <= tables.keys()
    return tables


def bound_keys() -> dict[str, str]:
    """Every key bound by any screen or widget of the app, with where it is bound."""
    keys: dict[str, str] = {}
    for package in (tui_microgoals.screens, tui_microgoals.widgets):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, value in vars(module).items():
                if not (isinstance(value, type) and issubclass(value, DOMNode)):
                    continue
                if value.__module__ != module.__name__:
                    continue
                for binding in value.BINDINGS:
                    if isinstance(binding, Binding):
                        for key in binding.key.split(","):
                            keys[key.strip()] = f"{module.__name__}.{name}"
    assert len(keys) > 20
    return keys


def test_every_command_names_its_keys_readably():
    for table_name, table in command_tables().items():
        for command in table:
            where = f"{table_name}: {command.action}"
            assert "_" not in command.display_keys, where
            assert "_" not in command.all_keys, where
            assert "_" not in command.binding().key_display, where


def test_every_key_any_screen_binds_has_a_readable_name():
    raw = {key: where for key, where in bound_keys().items() if "_" in key_name(key)}
    assert raw == {}


def test_the_brackets_and_escape_read_as_typed():
    review = {c.action: c for c in commands.REVIEW_COMMANDS}
    assert review["day(-1)"].all_keys == "["
    assert review["day(1)"].all_keys == "]"
    assert review["close"].all_keys == "esc / r / q"


async def test_help_footer_and_palette_show_no_raw_key_name(store, clock):
    small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert not RAW_NAME.search((await settled(pilot)).splitlines()[-1])  # the footer
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        help_text = screen_text(app)
        await pilot.press("end")
        await pilot.pause()
        help_text += screen_text(app)
        assert "[ " in help_text and "Review the day before" in help_text
        await pilot.press("escape")
        await pilot.press("r")
        await pilot.pause()
        titles += [c.title for c in app.get_system_commands(app.screen)]
        footer = screen_text(app).splitlines()[-1]
    assert not RAW_NAME.search(help_text), RAW_NAME.findall(help_text)
    assert not RAW_NAME.search(footer), footer
    assert "Day before ([)" in titles
    assert not [t for t in titles if RAW_NAME.search(t)]

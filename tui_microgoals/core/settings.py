"""What each setting may hold. ``check`` refuses a value with one clear line; ``readable``
says whether a stored value (a hand-edited file) is one ``check`` would take, else the
store reads the default. The core does not import Textual: ``THEMES`` is a copy of Textual
8.2.8's built-in theme names, and a UI test keeps it equal to ``textual.theme.BUILTIN_THEMES``.
"""

from __future__ import annotations

from typing import Any

from tui_microgoals.core.errors import InputError
from tui_microgoals.core.models import MAX_BLOCK_MINUTES, MIN_BLOCK_MINUTES, Goal
from tui_microgoals.core.text import clean_line

THEMES = (
    "ansi-dark",
    "ansi-light",
    "atom-one-dark",
    "atom-one-light",
    "catppuccin-frappe",
    "catppuccin-latte",
    "catppuccin-macchiato",
    "catppuccin-mocha",
    "dracula",
    "flexoki",
    "gruvbox",
    "monokai",
    "nord",
    "rose-pine",
    "rose-pine-dawn",
    "rose-pine-moon",
    "solarized-dark",
    "solarized-light",
    "textual-dark",
    "textual-light",
    "tokyo-night",
)

#: Whole-number settings: (lowest, highest, what the number counts).
RANGES: dict[str, tuple[int, int, str]] = {
    "capacity": (1, 24 * 60, "minutes a day"),
    "block_minutes": (MIN_BLOCK_MINUTES, MAX_BLOCK_MINUTES, "minutes"),
    "reward_every": (1, 1000, "micro-goals done"),
}


#: Settings that are one of a few words.
SWITCHES = {"calibration": ("on", "off")}


def check_block_minutes(minutes: int) -> int:
    if type(minutes) is not int or not MIN_BLOCK_MINUTES <= minutes <= MAX_BLOCK_MINUTES:
        raise InputError(
            f"a block lasts {MIN_BLOCK_MINUTES} to {MAX_BLOCK_MINUTES} minutes, not {minutes}"
        )
    return minutes


def block_minutes_for(goal: Goal | None, setting: int) -> int:
    """A block's length when none is given: the micro-goal's estimate when a block can be
    that long (5-90 minutes), else the ``block_minutes`` setting."""
    estimate = goal.minutes if goal is not None else None
    if estimate is not None and MIN_BLOCK_MINUTES <= estimate <= MAX_BLOCK_MINUTES:
        return estimate
    return setting


def check_number(key: str, value: Any) -> int:
    if key == "block_minutes":
        return check_block_minutes(value)
    low, high, unit = RANGES[key]
    if type(value) is not int or not low <= value <= high:
        shown = value if type(value) is int else repr(value)
        raise InputError(f"{key} must be a whole number from {low} to {high} ({unit}), not {shown}")
    return value


def check(key: str, value: Any) -> Any:
    """The value to store for ``key`` (known to be a setting), or InputError."""
    if key in RANGES:
        return check_number(key, value)
    if key == "theme" and value not in THEMES:
        raise InputError(f"unknown theme {value!r}; the themes are: {', '.join(THEMES)}")
    if key == "reward":
        return clean_line(value, what="reward")
    if key in SWITCHES and value not in SWITCHES[key]:
        shown = value if isinstance(value, str) else repr(value)
        raise InputError(f"{key} is {' or '.join(SWITCHES[key])}, not {shown!r}"[:200])
    return value


def readable(key: str, value: Any) -> bool:
    """Whether a stored value is one ``check`` would take as it is."""
    try:
        return check(key, value) == value
    except (InputError, TypeError, ValueError):
        return False

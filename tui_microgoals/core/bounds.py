"""The range every stored number keeps to, checked where data comes in from outside (import).

orjson writes integers of at most 64 bits: one larger number in the data made every later
write fail. Ids, counters and every other number stay within 2**53, exact in any JSON
reader (and far beyond any real use).
"""

from __future__ import annotations

from typing import Any

from tui_microgoals.core.errors import InputError
from tui_microgoals.core.text import check_minutes

MAX_NUMBER = 2**53 - 1
MAX_ID = MAX_NUMBER - 1  # a counter holds the next id, one more than the highest


def _numbers(value: Any) -> Any:
    """Every number inside ``value``: a loop, not recursion (an import may nest deeply)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, int | float) and not isinstance(item, bool):
            yield item


def _id(table: str, key: str) -> int:
    if not (key.isascii() and key.isdigit()) or not 1 <= int(key) <= MAX_ID:
        raise InputError(f"export has a {table} id out of range: {key[:30]!r}")
    return int(key)


def check_tables(tables: dict[str, Any]) -> None:
    """Refuse, with one line, an export whose numbers the store could not keep."""
    for number in _numbers(tables):
        if not -MAX_NUMBER <= number <= MAX_NUMBER:  # (NaN fails too)
            raise InputError(f"export has a number out of range: {number!r:.30}")
    for key in tables.get("goals", {}):
        _id("goal", key)
    for key in tables.get("blocks", {}):
        _id("block", key)
    for key, value in tables.get("meta", {}).get("1", {}).items():
        if key.startswith("next_") and not (type(value) is int and 1 <= value <= MAX_NUMBER):
            raise InputError(f"export has {key} out of range: {value!r:.30}")
    for key, goal in tables.get("goals", {}).items():
        minutes = goal.get("minutes")
        if minutes is not None:
            try:
                check_minutes(minutes)
            except InputError as error:
                raise InputError(f"export goal {key}: {error}") from None

"""``quoted``: a title inside the words a change says about itself ("marked 'X' done")."""

from __future__ import annotations

import pytest

from tui_microgoals.core.text import quoted


@pytest.mark.parametrize(
    ("title", "limit", "expected"),
    [
        ("Bake test batch #2", 40, "'Bake test batch #2'"),
        ("x" * 40, 40, "'" + "x" * 40 + "'"),  # exactly the limit: kept whole
        ("x" * 41, 40, "'" + "x" * 39 + "…'"),  # one past it: cut, "…" counted in the limit
        ("Write the quarterly report for the board", 20, "'Write the quarterly…'"),
        ("a  b\tc", 40, "'a b c'"),  # one line, single spaces
        ("red\x1b[31m alert\x07", 40, "'red alert'"),  # no control character gets through
        ("it's", 40, "'it's'"),
        ("", 40, "''"),
    ],
)
def test_quoted(title: str, limit: int, expected: str) -> None:
    assert quoted(title, limit) == expected


def test_quoted_cuts_to_at_most_the_limit() -> None:
    for limit in range(1, 12):
        inside = quoted("abcdefghijklmnopqrstuvwxyz", limit)[1:-1]
        assert len(inside) == limit and inside.endswith("…")

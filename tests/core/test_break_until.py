"""The break the app offered and the user took is kept in the file (issue 12)."""

from __future__ import annotations


def test_a_break_is_kept_across_a_reopen_and_ended(store, clock, reopen):
    assert store.break_until() is None
    ends = clock.now().add(minutes=5)
    store.set_break_until(ends)
    assert reopen(store).break_until() == ends
    store.set_break_until(None)
    assert reopen(store).break_until() is None

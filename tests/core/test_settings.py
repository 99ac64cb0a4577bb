"""Issue 12: every setting is checked, with one clear line; a huge number is an input error."""

from __future__ import annotations

from typing import Any

import pytest
from tinydb.table import Document

from tui_microgoals.core.errors import InputError
from tui_microgoals.core.settings import THEMES
from tui_microgoals.core.store import DEFAULT_SETTINGS, Store

HUGE = 10**20


@pytest.mark.parametrize(
    ("key", "value", "says"),
    [
        ("capacity", 0, "capacity must be a whole number from 1 to 1440 (minutes a day), not 0"),
        ("capacity", 1441, "from 1 to 1440"),
        ("capacity", 2000, "from 1 to 1440"),
        ("capacity", HUGE, "from 1 to 1440"),
        ("capacity", "120", "capacity must be a whole number"),
        ("capacity", True, "capacity must be a whole number"),
        ("block_minutes", 4, "a block lasts 5 to 90 minutes, not 4"),
        ("block_minutes", 91, "a block lasts 5 to 90 minutes"),
        ("block_minutes", HUGE, "a block lasts 5 to 90 minutes"),
        ("reward_every", 0, "reward_every must be a whole number from 1 to 1000"),
        ("reward_every", HUGE, "from 1 to 1000"),
        ("theme", "nosuchtheme", "unknown theme 'nosuchtheme'; the themes are: ansi-dark, "),
        ("theme", 7, "unknown theme"),
    ],
)
def test_bad_settings_are_refused_with_one_line(
    store: Store, key: str, value: Any, says: str
) -> None:
    with pytest.raises(InputError) as refused:
        store.set_setting(key, value)
    message = str(refused.value)
    assert says in message
    assert "\n" not in message and len(message) < 400
    assert store.settings() == DEFAULT_SETTINGS  # nothing changed


def test_the_theme_error_lists_every_theme(store: Store) -> None:
    with pytest.raises(InputError) as refused:
        store.set_setting("theme", "nosuchtheme")
    assert all(name in str(refused.value) for name in THEMES)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("capacity", 1),
        ("capacity", 1440),
        ("block_minutes", 90),
        ("reward_every", 1000),
        ("theme", "nord"),
    ],
)
def test_good_settings_are_kept(store: Store, key: str, value: Any) -> None:
    assert store.set_setting(key, value)[key] == value


def test_a_hand_edited_value_out_of_range_reads_as_the_default(store: Store) -> None:
    with store._tx("set up the test", undoable=False):
        meta = store._meta()
        meta["settings"] = {"capacity": 2000, "theme": "nosuch", "reward_every": 10**9}
        store._meta_t.upsert(Document(meta, doc_id=1))
    assert store.settings() == DEFAULT_SETTINGS


def test_a_capacity_given_for_one_plan_is_checked_the_same_way(store: Store) -> None:
    with pytest.raises(InputError, match="from 1 to 1440"):
        store.capacity(override=HUGE)
    assert store.capacity(override=1440) == 1440

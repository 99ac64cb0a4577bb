"""Reading a document's fields tolerantly, for the models (``models_goal``, ``models_day``).

A hand-edited file may hold a known field with the wrong type. These readers turn such a
value into the default and remember what was stored (``unread``), so writing the document
back keeps it; only a value a document cannot do without is ``CorruptDatabase``. The names
keep their leading underscore: they are the models' internals, not an API.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from functools import cache, lru_cache
from types import MappingProxyType
from typing import Any

import pendulum
from pendulum import Date, DateTime

from tui_microgoals.core.clock import to_instant
from tui_microgoals.core.errors import CorruptDatabase
from tui_microgoals.core.text import strip_controls


def _date(text: str | None) -> Date | None:
    return None if text is None else _parse_date(text)


@lru_cache(maxsize=4096)
def _parse_date(text: str) -> Date:
    """Dates repeat (a year has 365): parsed once each, shared (a Date is immutable)."""
    return Date.fromisoformat(text)


def _date_str(value: Date | None) -> str | None:
    return None if value is None else value.isoformat()


@cache
def _known_keys(cls: type) -> frozenset[str]:
    return frozenset(f.name for f in fields(cls))


#: ``extra`` / ``unread`` of a document that has none (nearly all): one shared read-only
#: mapping, not two empty dicts per object (~2 MiB at 30k documents).
_NOTHING: Mapping[str, Any] = MappingProxyType({})


def _nothing() -> Mapping[str, Any]:
    return _NOTHING


def _split_extra(cls: type, doc: Mapping[str, Any]) -> Mapping[str, Any]:
    known = _known_keys(cls)
    if doc.keys() <= known:  # the usual case, checked in C
        return _NOTHING
    return {k: v for k, v in doc.items() if k not in known}


#: What a field that cannot be read is read as.
_UNREADABLE = (TypeError, ValueError, KeyError, AttributeError, OverflowError, IndexError)


def _text(value: Any) -> str:
    """Stored text as shown: only a string is text; control characters are stripped."""
    if type(value) is not str:
        raise TypeError("not text")
    return value if value.isprintable() else strip_controls(value)


def _int(value: Any) -> int:
    if type(value) is not int:
        raise TypeError("not a whole number")
    return value


def _opt_int(value: Any) -> int | None:
    return None if value is None else _int(value)


def _ids(value: Any) -> list[int]:
    if value is None:
        return []
    if type(value) is not list:
        raise TypeError("not a list of ids")
    return [_int(v) for v in value]


def _opt_text(value: Any) -> str | None:
    return None if value is None else _text(value)


def _loose_ids(value: Any) -> list[int]:
    """The ids in a damaged list (a single id counts as a list of one)."""
    if type(value) is int:
        return [value]
    return [v for v in value if type(v) is int] if type(value) is list else []


def _loose_text(value: Any) -> str:
    return str(value) if type(value) in (int, float) else _text(value)


@cache
def _zone_ok(name: str) -> bool:
    try:
        pendulum.timezone(name)
    except Exception:  # noqa: BLE001 - pendulum raises several types for unknown zones
        return False
    return True


def _zone(value: Any) -> str:
    name = _text(value or "UTC")
    if not _zone_ok(name):
        raise ValueError(f"unknown time zone {name!r}")
    return name


def _instant(value: Any) -> DateTime:
    instant = to_instant(value)
    if instant is None:
        raise ValueError("no instant")
    return instant


def _damaged(what: str, key: str, value: Any) -> CorruptDatabase:
    return CorruptDatabase(
        f"{what} in the database is damaged: its {key} {value!r} cannot be read; fix it by "
        "hand or restore a backup (see `microgoals backups`)"
    )


def _field(doc: Mapping[str, Any], key: str, read: Any, default: Any) -> Any:
    """``read(doc[key])``, or ``default`` if it is missing or cannot be read."""
    try:
        return read(doc.get(key))
    except _UNREADABLE:
        return default


def _unread(obj: Any, doc: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Stored values that did not survive reading: ``{key: (as read, as stored)}``."""
    clean = obj.to_doc()
    return {k: (clean[k], v) for k, v in doc.items() if k in clean and clean[k] != v}


def _restore_unread(out: dict[str, Any], unread: Mapping[str, tuple[Any, Any]]) -> dict[str, Any]:
    for key, (as_read, stored) in unread.items():
        if out.get(key) == as_read:  # not changed since it was read: keep what was there
            out[key] = stored
    return out

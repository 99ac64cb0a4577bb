"""JSON for the few small texts on the fast paths: the status summary, one journal line, one
goal's ``--json``.

``import json`` costs ~4 ms (its regexes pull in ``re``) and ``import orjson`` ~20 ms (it
imports dataclasses, inspect, uuid...): more than the rest of ``microgoals status``. CPython's
``_json`` accelerator, which ``json`` itself is built on, does the work without either;
elsewhere ``json`` does. Output matches orjson's for the JSON types the callers use (strings
keep non-ASCII characters, compact separators, two-space indent).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # (``typing`` and ``collections.abc`` cost a few ms to import)
    from collections.abc import Callable
    from typing import Any


def _refuse(value: object) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON")


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


class _Decoding:
    """The settings ``_json.make_scanner`` reads from a ``json.JSONDecoder``."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    parse_constant = staticmethod(_no_constants)
    memo: dict[str, str] = {}


_scan: Callable[[str, int], tuple[Any, int]]
_encode: Callable[[Any, int], Any]
_string: Callable[[str], str]
try:
    import _json

    _scan = _json.make_scanner(_Decoding())  # type: ignore[arg-type]  # duck-typed
    _encode = _json.make_encoder(  # markers, default, string, indent, separators, sort...
        {}, _refuse, _json.encode_basestring, None, ":", ",", False, False, False
    )
    _string = _json.encode_basestring
except (ImportError, AttributeError, TypeError):  # not CPython, or its signature changed
    import json

    _decoder = json.JSONDecoder(parse_constant=_no_constants)
    _encoder = json.JSONEncoder(
        ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=_refuse
    )
    _scan = _decoder.raw_decode
    _encode = lambda value, _level: (_encoder.encode(value),)  # noqa: E731
    _string = lambda text: json.dumps(text, ensure_ascii=False)  # noqa: E731


def loads(raw: bytes | str) -> Any:
    """One JSON value; ValueError for anything else (trailing text included)."""
    text = (raw.decode() if isinstance(raw, bytes) else raw).strip()
    try:
        value, end = _scan(text, 0)
    except StopIteration:
        raise ValueError("not JSON") from None
    if end != len(text):
        raise ValueError("text after the JSON value")
    return value


def dumps(value: Any) -> str:
    """Compact, like ``orjson.dumps(value).decode()``."""
    return "".join(_encode(value, 0))


def dumps_indented(value: Any, level: int = 0) -> str:
    """Two-space indent, like ``orjson.dumps(value, option=orjson.OPT_INDENT_2).decode()``."""
    if isinstance(value, dict) and value:
        pad = "  " * (level + 1)
        items = [f"{pad}{_key(k)}: {dumps_indented(v, level + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(items) + "\n" + "  " * level + "}"
    if isinstance(value, list | tuple) and value:
        pad = "  " * (level + 1)
        items = [pad + dumps_indented(v, level + 1) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + "  " * level + "]"
    return dumps(value)


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise TypeError("JSON object keys are strings")
    return _string(key)

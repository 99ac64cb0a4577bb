"""How a change travels between devices: the log's operations with global ids.

Locally a goal is number 7; on the wire it is its ``gid`` (a UUID made on the device that
created it), so two devices that add goals offline never mix them up, and each keeps its
own short numbers. The same holds for blocks. A day is its date, the settings are ``meta``.

A wire operation is ``{"t": table, "k": global key, "f": field, "a": value}``: no value
before (a device never needs it), no ``a`` for a field or document removed. Some fields are
split so that two devices writing different parts never overwrite each other:

- a setting or a dismissed suggestion is its own field (``settings/theme``);
- a day's habits done and goals taken off, and the goals a goal waits for, are sets: one
  field per goal (``habits_done/<gid>``, value ``true``), so the occurrence of a habit for a
  day has one id however many devices tick it;
- a day's plan is a set as well (``items/<gid>``), with its order one field of its own
  (``items_order``: the list of gids, newest wins), so goals planned on two devices are all
  kept, in an order every device works out alike: the order's, then the rest by id.

This module is pure: translating needs only the maps between local and global ids.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from pendulum import Date

from tui_microgoals.core.bounds import MAX_NUMBER
from tui_microgoals.core.oplog import ABSENT, DATA_TABLES, GID
from tui_microgoals.core.text import NOTE_MAX, TITLE_MAX

#: The global key of the settings document.
META_KEY = "meta"
#: Fields never carried: this device's own (see ``oplog.LOCAL_FIELDS``) and ``running``,
#: which each device works out from the blocks it has (one running block at most).
NOT_CARRIED = frozenset(
    {
        ("meta", "next_goal"),
        ("meta", "next_block"),
        ("meta", "device"),
        ("meta", "nudged_on"),
        ("meta", "sync"),
        ("meta", "running"),
        ("goals", GID),
        ("blocks", GID),
    }
)
#: Fields holding a goal id.
GOAL_REFS = {("goals", "parent"), ("days", "one_thing"), ("blocks", "goal")}
#: Fields that are sets of goals: one wire field per member (its place, for ``ORDERED``).
GOAL_SETS = {("days", "habits_done"), ("days", "off"), ("goals", "after"), ("days", "items")}
#: Sets kept in an order: the order travels as a field of its own, ``<field>_order``.
ORDERED = {("days", "items")}
#: Fields that are maps: one wire field per key (a dismissal's key starts with a goal id).
SPLIT_MAPS = {("meta", "settings"), ("meta", "dismissed")}

_GID = re.compile(r"[0-9a-z][0-9a-z.\-]{0,63}")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_PART = re.compile(r"[\w:\-. ]{1,80}")


class BadOp(ValueError):
    """A wire operation that cannot be read (damaged, or hostile)."""


class Ids:
    """Local ids <-> global ids, for goals and blocks: see the module docstring.

    ``local_gid(kind, id)`` names a local id on the wire (the document's gid; an id with no
    document, say the goal of an old block deleted since, gets a name made from this device
    and the number). ``local_id(kind, gid)`` finds or makes the local number for a gid
    (``make`` hands out a new one)."""

    def __init__(
        self,
        device: str,
        gids: Mapping[str, dict[int, str]],
        make: Callable[[str, str], int],
    ) -> None:
        self.device = device
        self.gids = {kind: dict(found) for kind, found in gids.items()}
        self.ids = {kind: {g: i for i, g in found.items()} for kind, found in self.gids.items()}
        self._make = make
        #: The local ids handed out by ``local_id`` (``{kind: {gid: id}}``).
        self.made: dict[str, dict[str, int]] = {"goals": {}, "blocks": {}}

    def local_gid(self, kind: str, local: Any) -> str | None:
        if type(local) is not int:
            return None
        return self.gids.setdefault(kind, {}).get(local) or f"{self.device}.{local}"

    def learn(self, kind: str, local: int, gid: str) -> None:
        """``local`` is ``gid`` (a document gone from the tables, named by the log)."""
        if local not in self.gids.setdefault(kind, {}):
            self.gids[kind][local] = gid
            self.ids.setdefault(kind, {}).setdefault(gid, local)

    def local_id(self, kind: str, gid: Any) -> int:
        if not isinstance(gid, str) or not _GID.fullmatch(gid):
            raise BadOp(f"not an id: {str(gid)[:40]!r}")
        found = self.ids.setdefault(kind, {}).get(gid)
        if found is None:
            found = self._make(kind, gid)
            self.made.setdefault(kind, {})[gid] = found
            self.ids[kind][gid] = found
            self.gids.setdefault(kind, {})[found] = gid
        return found


# -- local -> wire -------------------------------------------------------------------------


def wire_key(table: str, key: str, ids: Ids) -> str | None:
    if table == "meta":
        return META_KEY
    if table == "days":
        try:
            return Date.fromordinal(int(key)).isoformat()
        except (ValueError, OverflowError):
            return None
    return ids.local_gid(table, int(key))


def wire_ops(op: Mapping[str, Any], ids: Ids) -> list[dict[str, Any]]:
    """One local operation (``oplog``) as wire operations."""
    table, field = op["t"], op.get("f")
    key = wire_key(table, op["k"], ids)
    if key is None:
        return []
    if field is None:
        if "a" not in op:
            return [{"t": table, "k": key}]
        after = op["a"]
        if not isinstance(after, dict):
            return []
        return [{"t": table, "k": key, "a": wire_doc(table, after, ids)}]
    if (table, field) in NOT_CARRIED:
        return []
    before, after = op.get("b", ABSENT), op.get("a", ABSENT)
    if (table, field) in GOAL_SETS:
        was = _members(table, field, before)
        now = _members(table, field, after)
        out = []
        for goal in sorted(was.keys() | now.keys()):
            if (goal in was) == (goal in now):
                continue
            part = {"t": table, "k": key, "f": f"{field}/{ids.local_gid('goals', goal)}"}
            if goal in now:
                part["a"] = True
            out.append(part)
        if (table, field) in ORDERED and _ids(before) != _ids(after):
            order = [ids.local_gid("goals", goal) for goal in _ids(after)]
            out.append({"t": table, "k": key, "f": f"{field}_order", "a": order})
        return out
    if (table, field) in SPLIT_MAPS:
        old: dict[str, Any] = before if isinstance(before, dict) else {}
        new: dict[str, Any] = after if isinstance(after, dict) else {}
        out = []
        for name in sorted(old.keys() | new.keys()):
            if name in new and name in old and new[name] == old[name]:
                continue
            part = {"t": table, "k": key, "f": f"{field}/{_map_key(field, name, ids)}"}
            if name in new:
                part["a"] = new[name]
            out.append(part)
        return out
    out_op: dict[str, Any] = {"t": table, "k": key, "f": field}
    if after is not ABSENT:
        out_op["a"] = wire_value(table, field, after, ids)
    return [out_op]


def wire_doc(table: str, doc: Mapping[str, Any], ids: Ids) -> dict[str, Any]:
    """A whole local document as wire fields (split fields split)."""
    out: dict[str, Any] = {}
    for field, value in doc.items():
        if (table, field) in NOT_CARRIED:
            continue
        if (table, field) in GOAL_SETS:
            for goal in _members(table, field, value):
                out[f"{field}/{ids.local_gid('goals', goal)}"] = True
            if (table, field) in ORDERED:
                out[f"{field}_order"] = [ids.local_gid("goals", g) for g in _ids(value)]
        elif (table, field) in SPLIT_MAPS:
            for name, part in (value if isinstance(value, dict) else {}).items():
                out[f"{field}/{_map_key(field, name, ids)}"] = part
        else:
            out[field] = wire_value(table, field, value, ids)
    return out


def wire_value(table: str, field: str, value: Any, ids: Ids) -> Any:
    if (table, field) in GOAL_REFS:
        return ids.local_gid("goals", value) if value is not None else None
    return value


def _members(table: str, field: str, value: Any) -> dict[int, Any]:
    """A set field's members (a dict: in their order)."""
    return {} if value is ABSENT else dict.fromkeys(_ids(value), True)


def _map_key(field: str, name: str, ids: Ids) -> str:
    if field == "dismissed":  # "7:split": the goal's id, then the kind
        goal, _, kind = str(name).partition(":")
        if goal.isdecimal():
            return f"{ids.local_gid('goals', int(goal))}:{kind}"
    return str(name)


def _ids(value: Any) -> list[int]:
    return [v for v in value if type(v) is int] if isinstance(value, list) else []


# -- wire -> local -------------------------------------------------------------------------


def check_op(op: Any) -> None:
    """Refuse a wire operation that is not well formed (``BadOp``)."""
    if not isinstance(op, dict) or op.get("t") not in DATA_TABLES:
        raise BadOp("an operation on an unknown table")
    table, key, field = op["t"], op.get("k"), op.get("f")
    if not isinstance(key, str):
        raise BadOp("an operation without a key")
    if table == "meta" and key != META_KEY:
        raise BadOp(f"a settings key {key[:40]!r}")
    if table == "days" and not _DAY.fullmatch(key):
        raise BadOp(f"a day {key[:40]!r}")
    if table in ("goals", "blocks") and not _GID.fullmatch(key):
        raise BadOp(f"an id {key[:40]!r}")
    if field is not None and not (isinstance(field, str) and _field_ok(table, field)):
        raise BadOp(f"a field {str(field)[:40]!r}")
    if field is None and "a" in op and not isinstance(op["a"], dict):
        raise BadOp("a document that is not an object")
    if field is None and "a" in op:
        for name, value in op["a"].items():
            if not _field_ok(table, name):
                raise BadOp(f"a field {str(name)[:40]!r}")
            _check_value(name, value)
    elif "a" in op:
        _check_value(str(field), op["a"])


def _check_value(field: str, value: Any) -> None:
    """Refuse what the store would never write: a number JSON readers cannot keep, text
    longer than any field allows (a title longer than a title may be)."""
    limit = TITLE_MAX if field == "title" else NOTE_MAX
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str) and len(item) > limit:
            raise BadOp(f"a {field} {len(item)} characters long")
        elif isinstance(item, int | float) and not isinstance(item, bool | str):
            in_range = -MAX_NUMBER <= item <= MAX_NUMBER  # (NaN is not)
            if not in_range:
                raise BadOp(f"a number out of range in {field}")


def _field_ok(table: str, field: str) -> bool:
    name, sep, part = field.partition("/")
    if (table, name) in NOT_CARRIED or not name.isidentifier():
        return False
    if not sep:
        return (table, name) not in GOAL_SETS and (table, name) not in SPLIT_MAPS
    if (table, name) in GOAL_SETS:
        return bool(_GID.fullmatch(part))
    return (table, name) in SPLIT_MAPS and bool(_PART.fullmatch(part))


def local_key(table: str, key: str, ids: Ids) -> str:
    if table == "meta":
        return "1"
    if table == "days":
        return str(Date.fromisoformat(key).toordinal())
    return str(ids.local_id(table, key))


def local_doc(table: str, wire: Mapping[str, Any], ids: Ids) -> dict[str, Any]:
    """Wire fields as a local document (split fields joined; refs made local)."""
    doc: dict[str, Any] = {}
    sets: dict[str, list[tuple[tuple[Any, ...], int]]] = {}
    maps: dict[str, dict[str, Any]] = {}
    for field in sorted(wire):
        value = wire[field]
        name, sep, part = field.partition("/")
        if sep and (table, name) in GOAL_SETS:
            if value is True:
                local = ids.local_id("goals", part)
                sets.setdefault(name, []).append((_place(wire, table, name, part, local), local))
        elif name.endswith("_order") and (table, name.removesuffix("_order")) in ORDERED:
            continue
        elif sep:
            maps.setdefault(name, {})[_local_map_key(name, part, ids)] = value
        else:
            doc[name] = local_value(table, name, value, ids)
    for name, members in sets.items():
        doc[name] = [local for _, local in sorted(members)]
    for name, parts in maps.items():
        doc[name] = parts
    for table_field in GOAL_SETS | SPLIT_MAPS:
        if table_field[0] == table and table_field[1] not in doc:
            doc[table_field[1]] = [] if table_field in GOAL_SETS else {}
    return doc


def _place(wire: Mapping[str, Any], table: str, name: str, gid: str, local: int) -> tuple:
    """Where a member goes: an ordered set's by its order (then those the order does not
    name, by global id: alike on every device); another set's by local id."""
    if (table, name) not in ORDERED:
        return (local,)
    order = wire.get(f"{name}_order")
    order = order if isinstance(order, list) else []
    return (order.index(gid), "") if gid in order else (len(order), gid)


def local_value(table: str, field: str, value: Any, ids: Ids) -> Any:
    if (table, field) in GOAL_REFS:
        return None if value is None else ids.local_id("goals", value)
    return value


def _local_map_key(field: str, part: str, ids: Ids) -> str:
    if field == "dismissed":
        goal, _, kind = part.partition(":")
        return f"{ids.local_id('goals', goal)}:{kind}"
    return part

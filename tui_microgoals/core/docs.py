"""A goal as stored and as ``--json`` shows it, from plain values: the one definition both
the full path (``Goal.to_doc``, ``serialize.goal_json``) and the fast ``add``
(``fastpath.py``, ``fastcli.py``), which has no pendulum and no ``Goal``, build them with.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # (``typing`` and ``collections.abc`` cost a few ms to import)
    from collections.abc import Iterable, Mapping
    from typing import Any

OPEN, DONE, DROPPED = "open", "done", "dropped"
STATUSES = (OPEN, DONE, DROPPED)


def goal_doc(
    *,
    title: str,
    notes: str = "",
    parent: int | None = None,
    position: int = 0,
    status: str = OPEN,
    minutes: int | None = None,
    due: str | None = None,
    after: Iterable[int] = (),
    recurrence: str | None = None,
    created_at: str | None = None,
    done_at: str | None = None,
    done_on: str | None = None,
    created_on: str | None = None,
    dropped_at: str | None = None,
) -> dict[str, Any]:
    """A goal's document, fields in the file's order; dates and instants are ISO strings
    (``stamps.iso``). The defaults are a new goal's; ``dropped_at`` is stored only when
    set."""
    doc = {
        "title": title,
        "notes": notes,
        "parent": parent,
        "position": position,
        "status": status,
        "minutes": minutes,
        "due": due,
        "after": list(after),
        "recurrence": recurrence,
        "created_at": created_at,
        "done_at": done_at,
        "done_on": done_on,
        "created_on": created_on,
    }
    if dropped_at is not None:
        doc["dropped_at"] = dropped_at
    return doc


def goal_json(goal_id: int, doc: Mapping[str, Any]) -> dict[str, Any]:
    """The ``--json`` view of a goal from its document (as ``goal_doc`` makes it): the
    command line's contract, so its fields and their order do not change."""
    return {
        "id": goal_id,
        "title": doc["title"],
        "parent": doc["parent"],
        "status": doc["status"],
        "minutes": doc["minutes"],
        "due": doc["due"],
        "after": list(doc["after"]),
        "done_at": doc["done_at"],
        "notes": doc["notes"],
        "recurrence": doc["recurrence"],
        "position": doc["position"],
        "created_at": doc["created_at"],
    }

"""``microgoals status``, a plain ``microgoals add``, and ``undo`` / ``redo`` without TinyDB,
pendulum or orjson, and without parsing the database: from the summary the storage keeps
beside it.

After each commit ``DurableStorage`` writes ``<db>.status``: the stamps of the files it
describes and the journal's state (``journal_state``), and what ``Store._summary`` adds:
the running block, the meta document, the top-level goals' highest position, a bound on
the goal ids, and today's date for the zone settings in force; a command line's commit
also the next undos and redos, worked out ahead. While the stamps match the files, that is
what loading them would find.

``add_goal`` makes the commit ``Store.add_goal`` would make for a top-level goal with at
most an estimate and notes (same id, same documents, one journal line), and only when that
commit would be a journal append (``must_compact``); ``None`` otherwise, and the caller
takes the full path, which also produces every error message. The goal's document, its time
stamp and the journal entry come from the definitions both paths use: ``docs.goal_doc``,
``stamps``, ``journal_entry.append``.

``undo_step`` commits the first of the undos (or redos) worked out ahead: each is what
``Store.undo`` would find and write, made by ``store_undo.prepare`` (the entry, ``replay``,
the checks) on the data the summary describes, so the fast path restates none of it; it
writes the step's documents and ``oplog.make_entry``'s entry in one journal line. The fast
add works out the undo of its own goal (``oplog.replay``; nothing can refer to the goal,
by ``store_undo.free_ids``), so an undo right after it is fast too.
"""

from __future__ import annotations

import os
import time

from tui_microgoals.core import backup_names, journal, lightjson, oplog, summary_file

TYPE_CHECKING = False
if TYPE_CHECKING:  # (``typing`` costs a few ms to import)
    from typing import Any

    #: running, goal title, goal id, remaining seconds, paused.
    Status = tuple[bool, str | None, int | None, float | None, bool]

NO_BLOCK: Status = (False, None, None, None, False)


def status(db: str) -> Status | None:
    """The running block as the summary has it; None when there is no current summary."""
    summary = summary_file.read_summary(os.path.realpath(db))
    # Another schema: the full path says whether it can read the database (a newer one it
    # refuses, with its message).
    if summary is None or summary.get("schema") != journal.SCHEMA_VERSION:
        return None
    running = summary.get("running")
    if running is None:
        return NO_BLOCK
    try:
        title, goal = running["title"], running["goal"]
        if type(title) is not str or type(goal) is not int:
            return None
        paused = "remaining_seconds" in running
        if paused:
            remaining = float(running["remaining_seconds"])
        else:
            # Never more than the block's length: the clock may have been set back.
            left = float(running["ends"]) - time.time()
            remaining = min(float(running["planned"]), max(0.0, left))
    except (KeyError, TypeError, ValueError, ArithmeticError):
        return None
    if not 0 <= remaining < 1e9:  # (NaN and infinity fail too) a damaged summary
        return None
    return (True, title, goal, remaining, paused)


def _whole(value: Any) -> bool:
    return type(value) is int and value >= 0


def must_compact(summary: dict[str, Any], path: str) -> bool | None:
    """Whether the next commit would rewrite the main file (``journal.must_compact``, the
    storage's rule), from the journal's state in the summary; None if it cannot say."""
    if summary.get("schema") != journal.SCHEMA_VERSION or summary.get("stale") is not False:
        return None
    if not (_whole(summary.get("entries")) and _whole(summary.get("jpos"))):
        return None
    if "journal" not in summary or "journal_id" not in summary:
        return None
    return journal.must_compact(summary, lambda: backup_names.last_backup_time(path))


def add_goal(
    db: str, title: str, *, minutes: int | None = None, notes: str = ""
) -> tuple[int, dict[str, Any]] | None:
    """Add a top-level goal as ``Store.add_goal`` would: its id and document, or None when
    only the full path can (or the input is refused: the full path says why)."""
    from tui_microgoals.core import journal_entry, localday, stamps  # (not for status)
    from tui_microgoals.core.docs import goal_doc
    from tui_microgoals.core.errors import InputError
    from tui_microgoals.core.text import check_minutes, clean_notes, clean_title, quoted

    try:
        title, notes = clean_title(title), clean_notes(notes)
        check_minutes(minutes)
    except InputError:  # the full path says why
        return None
    path = os.path.realpath(db)
    if not os.path.isfile(path):
        return None
    with journal.locked(path, journal.LOCK_TIMEOUT_SECONDS):
        summary = summary_file.read_summary(path)
        if summary is None or must_compact(summary, path) is not False:
            return None
        journal.clean_temp_files(path)  # (what a writer killed mid-replace left)
        hint = summary.get("add")
        if not isinstance(hint, dict) or not isinstance(hint.get("meta"), dict):
            return None
        meta, top, bound = hint["meta"], hint.get("top"), hint.get("bound")
        goal_id = meta.get("next_goal")
        if type(goal_id) is not int or type(top) is not int or type(bound) is not int:
            return None
        if goal_id <= bound or top < -1:  # an id in use, or a counter the full path fixes
            return None
        now = time.time_ns()
        created_on = localday.date_from_hint(summary.get("day"), now / 1e9)
        if created_on is None:
            return None
        doc = goal_doc(
            title=title,
            notes=notes,
            position=top + 1,
            minutes=minutes,
            created_at=stamps.iso_from_ns(now),
            created_on=created_on,
        )
        doc = {oplog.GID: oplog.new_gid(), **doc}  # (first, as ``Goal.to_doc`` puts it)
        ops = hint.get("ops")
        device = meta.get(oplog.DEVICE)
        if not (isinstance(ops, list) and len(ops) == 2 and _whole(ops[0])):
            return None
        if not isinstance(device, str):
            return None  # (the full path makes the device's id)
        meta = {**meta, "next_goal": goal_id + 1}
        change = oplog.make_entry(
            last=ops[1],
            wall_ms=now // 1_000_000,
            at=stamps.iso_from_ns(now),
            device=device,
            by="cli add",
            what=f"added {quoted(title)}",
            ops=[{"t": "goals", "k": str(goal_id), "a": doc}],
        )
        # The commit ``Store.add_goal`` makes: the meta document (the counter), the goal,
        # and the operation log's entry.
        stamp, size = journal_entry.append(
            path,
            {
                "meta": {"1": meta},
                "goals": {str(goal_id): doc},
                oplog.OPS_TABLE: {str(ops[0] + 1): change},
            },
            journal_id=summary["journal_id"],
            new=summary["journal"] is None,
            dumps=_dumps,
        )
        after = {
            **summary,
            "journal": stamp,
            "entries": summary["entries"] + 1,
            "jpos": summary["jpos"] + size,
            "add": {
                "meta": meta,
                "top": top + 1,
                "bound": goal_id,
                "ops": [ops[0] + 1, change["hlc"]],
            },
        }
        # A new change: the steps worked out ahead are stale; this one's own undo is known.
        ahead = after.pop("undo", None)
        free = ahead.get("free") if isinstance(ahead, dict) else None
        if type(free) is int and goal_id >= free:
            undo = _undo_of_add(change, str(goal_id), doc, summary.get("running"), free)
            undo.update(meta=meta, top=top, bound=goal_id)
            after["undo"] = {"undo": [undo], "redo": [], "free": free}
        summary_file.write_summary(path, after)
    return goal_id, doc


def _undo_of_add(
    change: dict[str, Any], key: str, doc: dict[str, Any], running: Any, free: int
) -> dict[str, Any]:
    """The step ``store_summary`` would work out for undoing the fast add's goal (less the
    hint for ``add``): the documents ``replay`` gives, the operations its entry would log.
    ``store_undo._check`` lets the goal go, by ``free`` (``store_undo.free_ids``): nothing
    refers to it, and the add changed no block and no setting."""
    from tui_microgoals.core import oplog_replay  # (only the fast add works out an undo)

    docs = oplog_replay.replay(oplog_replay.inverse(change["ops"]), {"goals": {key: doc}})
    tables: dict[str, dict[str, Any]] = {}
    for (name, k), value in docs.items():
        tables.setdefault(name, {})[k] = None if value is oplog.ABSENT else value
    left = {name: {k: v for k, v in t.items() if v is not None} for name, t in tables.items()}
    return {
        "id": change["id"],
        "what": oplog.said(oplog.Entry(0, change), redo=False),
        "tables": tables,
        "ops": oplog.operations({("goals", key): doc}, left),
        "running": running,
        "free": free,
    }


def undo_step(db: str, *, redo: bool) -> tuple[str, str] | None:
    """Undo (or redo) as ``Store.undo`` would, from the steps the last command line's
    commit worked out ahead (``store_summary``: each with ``store_undo.prepare``, on the data
    the summary's stamps say is still there): what it did, in words, and the id of its log
    entry; None when only the full path can (or must refuse: it says why)."""
    from tui_microgoals.core import journal_entry, stamps  # (not for status)

    path = os.path.realpath(db)
    if not os.path.isfile(path):
        return None
    verb, other = ("redo", "undo") if redo else ("undo", "redo")
    with journal.locked(path, journal.LOCK_TIMEOUT_SECONDS):
        summary = summary_file.read_summary(path)
        if summary is None or must_compact(summary, path) is not False:
            return None
        journal.clean_temp_files(path)  # (what a writer killed mid-replace left)
        ahead, hint = summary.get("undo"), summary.get("add")
        if not isinstance(ahead, dict) or not isinstance(hint, dict):
            return None
        steps = ahead.get(verb)
        if not isinstance(steps, list) or not steps or not isinstance(steps[0], dict):
            return None
        step, ops, meta = steps[0], hint.get("ops"), hint.get("meta")
        if not (isinstance(ops, list) and len(ops) == 2 and _whole(ops[0])):
            return None
        device = meta.get(oplog.DEVICE) if isinstance(meta, dict) else None
        tables, what, target = step.get("tables"), step.get("what"), step.get("id")
        if not (isinstance(device, str) and isinstance(tables, dict) and tables):
            return None
        if not (isinstance(what, str) and isinstance(target, str)):
            return None
        if not isinstance(step.get("ops"), list) or oplog.OPS_TABLE in tables:
            return None
        now = time.time_ns()
        change = oplog.make_entry(
            last=ops[1],
            wall_ms=now // 1_000_000,
            at=stamps.iso_from_ns(now),
            device=device,
            by=f"cli {verb}",
            what=what,
            ops=step["ops"],
        )
        change[oplog.marker(redo)] = target
        stamp, size = journal_entry.append(
            path,
            {**tables, oplog.OPS_TABLE: {str(ops[0] + 1): change}},
            journal_id=summary["journal_id"],
            new=summary["journal"] is None,
            dumps=_dumps,
        )
        summary_file.write_summary(
            path,
            {
                **summary,
                "journal": stamp,
                "entries": summary["entries"] + 1,
                "jpos": summary["jpos"] + size,
                "running": step.get("running"),
                "add": {
                    "meta": step.get("meta"),
                    "top": step.get("top"),
                    "bound": step.get("bound"),
                    "ops": [ops[0] + 1, change["hlc"]],
                },
                # The steps after this one; the other way, from the full path.
                "undo": {verb: steps[1:], other: [], "free": step.get("free")},
            },
        )
    return what, change["id"]


def _dumps(value: Any) -> bytes:
    return lightjson.dumps(value).encode()

"""The commands scripts and status bars run most, answered before the full command line
(argparse, and through the store TinyDB, pendulum and orjson: ~100 ms) is imported:

* ``status``, from the summary beside the database;
* ``add TITLE`` with at most ``--minutes``, ``--notes`` and ``--json``, as one journal
  append (``core/fastpath.py``);
* ``undo`` and ``redo`` (``--json``), as one journal append, when the last command line's
  commit worked out that step ahead (``core/store_summary.py``).

``run`` answers only argument lists it understands completely, for a database given by
``--db`` or ``$MICROGOALS_DB``, and only while the summary is current. Otherwise it returns
None and ``entry.main`` runs the full command line (``cli.main``); refused input goes that
way too, so every error message comes from one place. Output is the same either way: the
full command line prints ``status``, ``add``, ``undo`` and ``redo`` with the functions here.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # (``typing`` and ``collections.abc`` cost a few ms to import)
    from collections.abc import Callable, Mapping, Sequence
    from typing import Any

    from tui_microgoals.core.fastpath import Status

PROG = "microgoals"
DB_ENV = "MICROGOALS_DB"


def given_db(arg: str | None) -> str | None:
    """``--db`` or ``$MICROGOALS_DB``, as typed; None means the default location."""
    if arg:
        return os.path.expanduser(arg)
    if os.environ.get(DB_ENV):
        return os.path.expanduser(os.environ[DB_ENV])
    return None


def default_db() -> str:
    """The default database, in platformdirs' data folder for microgoals (~7 ms to import:
    a status bar asking every few seconds usually relies on this location)."""
    from platformdirs import user_data_path

    return str(user_data_path("microgoals", appauthor=False) / "microgoals.json")


def resolve_db(arg: str | None) -> str:
    """The database to open: ``--db``, ``$MICROGOALS_DB``, else the default location, whose
    folder is made private (as pass and ssh do) when missing."""
    given = given_db(arg)
    if given is not None:
        return given
    path = default_db()
    os.makedirs(os.path.dirname(path), mode=0o700, exist_ok=True)
    return path


# -- output shared with the full command line ------------------------------------------------


def out(line: str = "") -> None:
    sys.stdout.write(line + "\n")


def status_line(found: Status) -> str:
    from tui_microgoals.core.timer import format_clock

    running, title, _, remaining, paused = found
    if not running or remaining is None:
        return "no block"
    return f"{'⏸ ' if paused else ''}{format_clock(remaining)} · {title}"


def status_json(found: Status) -> str:
    from tui_microgoals.core.lightjson import dumps_indented

    running, title, goal_id, remaining, paused = found
    return dumps_indented(
        {
            "running": running,
            "goal": goal_id,
            "title": title,
            "remaining_seconds": None if remaining is None else round(remaining, 3),
            "paused": paused,
        }
    )


def show_added(goal_id: int, doc: Mapping[str, Any], *, as_json: bool, today: bool) -> None:
    """What ``add`` prints, from the goal's document (``docs.goal_doc``)."""
    if as_json:
        from tui_microgoals.core.docs import goal_json
        from tui_microgoals.core.lightjson import dumps_indented

        out(dumps_indented(goal_json(goal_id, doc)))
    else:
        out(f"added {goal_id}: {doc['title']}" + (" (on today's list)" if today else ""))


# -- the exit codes, for both paths ------------------------------------------------------------


def guarded(command: Callable[[], int]) -> int:
    """Run ``command``; a user error, a damaged database or a full disk ends as one line on
    stderr and its exit code, never as a traceback."""
    from tui_microgoals.core.errors import MicrogoalsError

    try:
        return command()
    except MicrogoalsError as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): not an error worth a message.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except OSError as error:
        print(f"{PROG}: {error.strerror or error}", file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - never a traceback for the user
        if os.environ.get("MICROGOALS_DEBUG"):
            raise
        print(
            f"{PROG}: internal error: {type(error).__name__}: {error} "
            "(set MICROGOALS_DEBUG=1 for details)",
            file=sys.stderr,
        )
        return 1


def ignore_file_size_signal() -> None:
    """A file size limit must fail the write (EFBIG), not kill us halfway."""
    try:  # the builtin under ``signal``, which costs a few ms more to import (enum)
        import _signal as signal
    except ImportError:  # pragma: no cover - not CPython
        import signal  # type: ignore[no-redef]
    if hasattr(signal, "SIGXFSZ"):
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


# -- the fast path ---------------------------------------------------------------------------


def _parse(argv: Sequence[str]) -> tuple[str, dict[str, Any]] | None:
    """The command and its options, for the argument lists ``run`` answers; None for any
    other (argparse then decides, abbreviations and all)."""
    opts: dict[str, Any] = {"db": None, "json": False, "title": None}
    command = None
    allowed = {
        None: {"--db"},
        "status": set(),
        "add": {"--minutes", "--notes"},
        "undo": set(),
        "redo": set(),
    }
    args = list(argv)
    while args:
        word = args.pop(0)
        name, eq, value = word.partition("=")
        if word == "--json":
            opts["json"] = True
        elif name.startswith("-"):
            if name not in allowed[command] or opts.get(name[2:]) is not None:
                return None
            if not eq:
                if not args:
                    return None
                value = args.pop(0)
            if value.startswith("-"):
                return None
            opts[name[2:]] = value
        elif command is None and word in allowed:
            command = word
        elif command == "add" and opts["title"] is None:
            opts["title"] = word
        else:
            return None
    if command is None or (command == "add" and opts["title"] is None):
        return None
    return command, opts


def run(argv: Sequence[str] | None = None) -> int | None:
    """The exit code when answered here; None: use ``cli.main``."""
    parsed = _parse(sys.argv[1:] if argv is None else argv)
    if parsed is None:
        return None
    command, opts = parsed
    db = given_db(opts["db"]) or default_db()
    if command == "status":
        return _status(db, opts["json"])
    if command in ("undo", "redo"):
        return _undo(db, redo=command == "redo", as_json=opts["json"])
    return _add(db, opts)


def _status(db: str, as_json: bool) -> int | None:
    try:
        from tui_microgoals.core.fastpath import status

        found = status(db)
        if found is None:
            return None
        text = status_json(found) if as_json else status_line(found)
    except KeyboardInterrupt:
        return 130
    except Exception:  # noqa: BLE001 - a summary that cannot be read: ask the database
        return None

    def show() -> int:
        out(text)
        return 0

    return guarded(show)


def _add(db: str, opts: dict[str, Any]) -> int | None:
    minutes = opts.get("minutes")
    if minutes is not None:
        if not (minutes.isascii() and minutes.isdigit() and len(minutes) < 10):
            return None  # argparse says what is wrong with it
        minutes = int(minutes)

    def add() -> int:
        from tui_microgoals.core.fastpath import add_goal

        ignore_file_size_signal()
        added = add_goal(db, opts["title"], minutes=minutes, notes=opts.get("notes") or "")
        if added is None:
            return -1
        show_added(*added, as_json=opts["json"], today=False)
        return 0

    code = guarded(add)
    return None if code == -1 else code


def _undo(db: str, *, redo: bool, as_json: bool) -> int | None:
    def step() -> int:
        from tui_microgoals.core.fastpath import undo_step

        ignore_file_size_signal()
        done = undo_step(db, redo=redo)
        if done is None:
            return -1
        show_undone(*done, as_json=as_json)
        return 0

    code = guarded(step)
    return None if code == -1 else code


def show_undone(said: str, entry_id: str | None, *, as_json: bool) -> None:
    """What ``undo`` and ``redo`` print: "undid: marked 'X' done"; with --json
    ``{"undid": "marked 'X' done", "id": ID}`` (``redid`` for redo), ID the log entry the
    step wrote."""
    if not as_json:
        out(said)
        return
    from tui_microgoals.core.lightjson import dumps_indented

    verb, _, what = said.partition(": ")
    out(dumps_indented({verb: what, "id": entry_id}))

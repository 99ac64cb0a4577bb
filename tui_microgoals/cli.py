"""The full command line: a stable contract for scripts and status bars (see PRODUCT.md).

The console script reaches it through ``entry.main``, after the fast path (``fastcli``) has
declined the command, and after the compiled dependencies are imported with Ctrl-C held back
(``entry.import_native_modules``). So this module imports what it uses at its top; only the
full-screen app (Textual) and shell completion (shtab) are imported when asked for. Every
user error ends as one line on stderr and exit code 2; a damaged or newer database, a full
disk and the like as one line and exit code 1.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import orjson
from pendulum import Date, DateTime

from tui_microgoals import __version__
from tui_microgoals.core import fastpath, oplog, report, time_report, timer, tree
from tui_microgoals.core.dates import DATE_FORMS, parse_day
from tui_microgoals.core.demo import build_demo
from tui_microgoals.core.errors import InputError
from tui_microgoals.core.models import OPEN, Block, Goal
from tui_microgoals.core.planner import TodayItem
from tui_microgoals.core.retro_report import render_retro
from tui_microgoals.core.serialize import block_json, goal_json, today_json
from tui_microgoals.core.settings import check_block_minutes
from tui_microgoals.core.storage import DurableStorage
from tui_microgoals.core.store import DEFAULT_SETTINGS, Store
from tui_microgoals.core.store_summary import STEPS_AHEAD
from tui_microgoals.core.store_undo import LogLine
from tui_microgoals.core.sync import Syncer
from tui_microgoals.core.text import strip_controls
from tui_microgoals.core.tree import Goals
from tui_microgoals.fastcli import (
    DB_ENV,
    PROG,
    guarded,
    ignore_file_size_signal,
    out,
    resolve_db,
    show_added,
    show_undone,
    status_json,
    status_line,
)


class UsageError(InputError):
    """argparse's complaints, kept to one line."""


class Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{message} (see '{self.prog} --help')")


def resolve_db_path(arg: str | None) -> Path:
    return Path(resolve_db(arg))


# -- the parser ----------------------------------------------------------------------------


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more: {text!r}")
    return value


def goal_id(text: str) -> int:
    try:
        value = int(text.lstrip("#"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a goal id: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"not a goal id: {text!r}")
    return value


#: The shells ``completion`` writes a script for (shtab's).
SHELLS = ("bash", "zsh", "fish")


def estimate(text: str) -> int | str:
    """``--minutes`` of ``edit``: a whole number, or ``none`` (kept as "none") to clear it."""
    return "none" if text.strip().lower() == "none" else positive_int(text)


def build_parser() -> argparse.ArgumentParser:
    json_flag = Parser(add_help=False)
    json_flag.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="machine-readable output"
    )
    parser = Parser(
        prog=PROG,
        description="Big goals done in small steps. With no command, opens the full-screen app.",
        epilog=f"Dates (D): {DATE_FORMS}.",
        parents=[json_flag],
    )
    parser.add_argument(
        "--db", metavar="PATH", help=f"database file (default: ${DB_ENV} or the user data folder)"
    )
    parser.add_argument(
        "--demo", action="store_true", help="open the app on a fresh example database"
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help_text, description=help_text, parents=[json_flag])

    def date_option(p: argparse.ArgumentParser, flag: str, what: str) -> None:
        p.add_argument(flag, metavar="D", help=f"{what}: {DATE_FORMS}")

    p = command("add", "add a goal")
    p.add_argument("title")
    p.add_argument("--parent", type=goal_id, metavar="ID")
    p.add_argument("--minutes", type=positive_int, metavar="N", help="estimate in minutes")
    p.add_argument(
        "--after",
        type=goal_id,
        action="append",
        default=[],
        metavar="ID",
        help="a goal that must be done first (repeatable)",
    )
    date_option(p, "--due", "the deadline")
    p.add_argument("--every", metavar="SPEC", help="daily, weekdays, mon,wed,fri or 3/week")
    p.add_argument("--notes", metavar="TEXT")
    p.add_argument("--today", action="store_true", help="also put it on today's list")

    p = command("list", "the goal tree (open goals)")
    p.add_argument("--all", action="store_true", help="include done and dropped goals")

    p = command("edit", "change a goal")
    p.add_argument("id", type=goal_id)
    p.add_argument("--title")
    p.add_argument("--minutes", type=estimate, metavar="N", help="the estimate, or 'none' to clear")
    date_option(p, "--due", "the deadline ('none' clears it)")
    p.add_argument("--parent", metavar="ID", help="a goal id, or 'none' for the top level")
    p.add_argument("--notes", metavar="TEXT")
    p.add_argument("--every", metavar="SPEC", help="recurrence, or 'none' to clear")

    p = command("depend", "make a goal wait for another (cycles are refused), or stop waiting")
    p.add_argument("id", type=goal_id)
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--after", type=goal_id, metavar="OTHER", help="wait for OTHER")
    which.add_argument("--remove", type=goal_id, metavar="OTHER", help="stop waiting for OTHER")

    p = command("plan", "put micro-goals on a day's list, or see a suggested plan")
    p.add_argument("ids", type=goal_id, nargs="*", metavar="ID")
    date_option(p, "--date", "the day (default today)")
    p.add_argument("--suggest", action="store_true", help="the suggested plan for the day")
    p.add_argument("--capacity", type=positive_int, metavar="N", help="focus minutes, this once")
    p.add_argument("--accept", action="store_true", help="with --suggest: write it")

    p = command("unplan", "take a micro-goal off a day's list")
    p.add_argument("id", type=goal_id)
    date_option(p, "--date", "the day (default today)")

    p = command("one", "make a micro-goal the One Thing for today")
    p.add_argument("id", type=goal_id)

    p = command("today", "today's list in order (or another day's)")
    p.add_argument("--summary", action="store_true", help="with planned and usual minutes")
    date_option(p, "--date", "the day (default today)")

    p = command("forecast", "each goal with a deadline: finish day and status")
    p.add_argument("--capacity", type=positive_int, metavar="N", help="focus minutes a day")

    p = command("start", "start a focus block")
    p.add_argument("id", type=goal_id)
    p.add_argument("--minutes", type=int, metavar="N", help="5 to 90 (default 20)")

    command("pause", "pause the running block")
    command("resume", "resume the paused block")

    p = command("interrupt", "log an interruption in the running block")
    p.add_argument("note", nargs="?", default="")

    p = command("stop", "end the running block")
    outcome = p.add_mutually_exclusive_group()
    outcome.add_argument("--done", action="store_true", help="the micro-goal is done")
    outcome.add_argument("--abandon", action="store_true", help="abandon the block")
    p.add_argument("--note", metavar="TEXT", help="a one-line reflection")

    p = command("done", "mark a micro-goal done without a block")
    p.add_argument("id", type=goal_id)

    p = command("drop", "drop a goal and the open goals below it")
    p.add_argument("id", type=goal_id)

    p = command("reopen", "open a done or dropped goal again (a habit: today's occurrence)")
    p.add_argument("id", type=goal_id)

    command("undo", "undo the newest change to the database, whichever process made it")
    command("redo", "redo the change undone last")
    p = command("log", "the history of changes, newest first: when, what, and where")
    p.add_argument(
        "-n", type=positive_int, default=20, metavar="N", help="how many changes (default 20)"
    )

    command("status", "one line for a status bar")

    p = command(
        "sync",
        "sync with your other machines through git or a synced folder "
        "(a goal may have another number on another machine)",
    )
    p.add_argument("action", nargs="?", choices=["init"], help="init: set up this machine")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--git", metavar="REMOTE", help="with init: a git remote to sync through")
    where.add_argument("--folder", metavar="PATH", help="with init: a folder a sync tool keeps")
    p.add_argument("--status", action="store_true", help="the last sync, what waits, the devices")

    p = command("review", "a day's review, or the week's retro (--week)")
    date_option(p, "--date", "the day (default today); with --week, the week's last day")
    p.add_argument("--format", choices=["text", "md", "json", "csv"], default=None)
    p.add_argument(
        "--week",
        action="store_true",
        help="the weekly retro: the 7 days ending on --date (as the review's week view), "
        "not a calendar week; formats text, md, json",
    )

    command("export", "print everything as one JSON document")
    p = command("import", "load an export into an empty database")
    p.add_argument("file", help="a file written by 'microgoals export' ('-' for stdin)")

    p = command("config", "show or change settings")
    p.add_argument("key", nargs="?")
    p.add_argument("value", nargs="?")

    p = command("backups", "list the database's backups, or restore one")
    p.add_argument("--restore", metavar="NAME", help="a backup's file name (or path) to restore")

    command(
        "archive",
        "move old history (finished goal trees; days and blocks before 120 days ago) to the "
        "archive file now; the app does it by itself once a week",
    )

    p = command("completion", "print a shell completion script")
    p.add_argument("shell", choices=SHELLS)

    p = command("backup", "copy the whole database, recent changes included, to one new file")
    p.add_argument("--to", metavar="PATH", required=True, help="a folder, or a new file's name")

    p = command("report", "a time report: one row per block (csv, json) or event (ics)")
    for flag, dest, day in (("--from", "first", "first"), ("--to", "last", "last")):
        help_text = f"the {day} day (included): {DATE_FORMS}"
        p.add_argument(flag, dest=dest, metavar="D", required=True, help=help_text)
    p.add_argument(
        "--format",
        choices=time_report.FORMATS,
        default=None,
        help=f"default {time_report.DEFAULT_FORMAT} (json with --json); ics: one calendar "
        "event per ended block, UTC times",
    )
    return parser


# -- output helpers ------------------------------------------------------------------------


def emit_json(data: Any) -> None:
    sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")


def parse_date_arg(ctx: Context, text: str | None) -> Date | None:
    return None if text is None else parse_day(text, ctx.store.clock.today())


class Context:
    """The parsed arguments and a lazily opened store."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.json: bool = getattr(args, "json", False)
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store.open(resolve_db_path(self.args.db))
            if self.args.command is not None:  # who made each change, for ``microgoals log``
                self._store.actor = f"cli {self.args.command}"
                # For the fast ``undo`` (fastpath.py): after an undo, the next few ahead.
                run = self.args.command in ("undo", "redo")
                self._store.steps_ahead = STEPS_AHEAD if run else 1
        return self._store

    @property
    def storage(self) -> DurableStorage:
        """The store's file storage (the command line never opens a memory store)."""
        storage = self.store.storage
        assert isinstance(storage, DurableStorage)
        return storage


# -- commands ------------------------------------------------------------------------------


def describe_goal(goal: Goal, goals: Goals, block_minutes: int) -> str:
    marks = []
    if goal.minutes:
        marks.append(f"{goal.minutes}m")
    if goal.due:
        marks.append(f"due {goal.due.isoformat()}")
    if goal.recurrence:
        marks.append(f"every {goal.recurrence}")
    if tree.is_blocked(goals, goal):
        marks.append("blocked by " + ",".join(str(b.id) for b in tree.blockers(goals, goal)))
    if tree.is_too_big(goal, block_minutes) and tree.is_leaf(goals, goal.id):
        marks.append("too big: split it")
    return "  ".join(marks)


def cmd_add(ctx: Context) -> None:
    a = ctx.args
    goal = ctx.store.add_goal(
        a.title,
        parent=a.parent,
        minutes=a.minutes,
        after=a.after,
        due=parse_date_arg(ctx, a.due),
        every=a.every,
        notes=a.notes or "",
        today=a.today,
    )
    show_added(goal.id, goal.read_doc(), as_json=ctx.json, today=a.today)


def cmd_list(ctx: Context) -> None:
    show_all = ctx.args.all
    if show_all:  # (finished goals may be in the archive)
        ctx.store.read_history()
    goals = ctx.store.goals()
    shown: list[tuple[Goal, int]] = []
    hidden: set[int] = set()
    for goal, depth in tree.walk(goals):
        if goal.parent in hidden or (not show_all and goal.status != OPEN):
            hidden.add(goal.id)
            continue
        shown.append((goal, depth))
    if ctx.json:
        emit_json([goal_json(g) for g, _ in shown])
        return
    if not shown:
        out('no goals yet: add one with  microgoals add "TITLE"')
        return
    progress = tree.progress_all(goals)
    block_minutes = ctx.store.settings()["block_minutes"]
    width = len(str(max(g.id for g, _ in shown)))
    for goal, depth in shown:
        box = {"open": "[ ]", "done": "[x]", "dropped": "[-]"}[goal.status]
        p = progress[goal.id]
        counts = f"  {p.done}/{p.total}" if p.total > 1 else ""
        extra = describe_goal(goal, goals, block_minutes)
        out(
            f"{goal.id:>{width}} {'  ' * depth}{box} {goal.title}{counts}"
            + (f"  {extra}" if extra else "")
        )


def cmd_edit(ctx: Context) -> None:
    a = ctx.args
    changes: dict[str, Any] = {}
    if a.title is not None:
        changes["title"] = a.title
    if a.minutes is not None:
        changes["minutes"] = None if a.minutes == "none" else a.minutes
    if a.notes is not None:
        changes["notes"] = a.notes
    if a.due is not None:
        changes["due"] = None if a.due.lower() == "none" else parse_date_arg(ctx, a.due)
    if a.parent is not None:
        changes["parent"] = (
            None if a.parent.lower() in ("none", "0", "-") else goal_id_or_error(a.parent)
        )
    if a.every is not None:
        changes["every"] = None if a.every.lower() == "none" else a.every
    if not changes:
        raise UsageError(
            "nothing to change: give --title, --minutes, --due, --parent, --notes or --every"
        )
    goal = ctx.store.edit_goal(a.id, **changes)
    if ctx.json:
        emit_json(goal_json(goal))
    else:
        out(f"changed {goal.id}: {goal.title}")


def goal_id_or_error(text: str) -> int:
    try:
        return goal_id(text)
    except argparse.ArgumentTypeError as error:
        raise UsageError(str(error)) from None


def cmd_depend(ctx: Context) -> None:
    a = ctx.args
    if a.remove is not None:
        goal = ctx.store.undepend(a.id, a.remove)
        line = f"{goal.id} ({goal.title}) no longer waits for {a.remove}"
    else:
        goal = ctx.store.depend(a.id, a.after)
        line = f"{goal.id} ({goal.title}) now waits for {a.after}"
    if ctx.json:
        emit_json(goal_json(goal))
    else:
        out(line)


def print_day(ctx: Context, items: list[TodayItem]) -> None:
    if ctx.json:
        emit_json([today_json(i) for i in items])
        return
    if not items:
        out("nothing planned: plan micro-goals with  microgoals plan ID...")
        return
    for item in items:
        mark = "x" if item.done else ("-" if item.status == "dropped" else " ")
        star = "★ " if item.one_thing else ""
        notes = []
        if item.parent_title:
            notes.append(f"({item.parent_title})")
        if item.carried:
            notes.append(f"carried {item.carried}d")
        if item.habit:
            notes.append(f"habit: {item.goal.recurrence}")
        if item.blocked:
            notes.append("blocked")
        if item.too_big:
            notes.append("too big")
        out(
            f"[{mark}] {item.goal.id:>3} {star}{item.goal.title}"
            + ("  " + "  ".join(notes) if notes else "")
        )


def cmd_plan(ctx: Context) -> None:
    a = ctx.args
    if a.suggest:
        if a.ids:
            raise UsageError("give either IDs to plan or --suggest, not both")
        cmd_suggest(ctx)
        return
    if a.accept or a.capacity is not None:
        raise UsageError("--accept and --capacity go with --suggest")
    if not a.ids:
        raise UsageError("give the ids to plan, or --suggest")
    print_day(ctx, ctx.store.plan(a.ids, parse_date_arg(ctx, a.date)))


def cmd_suggest(ctx: Context) -> None:
    a = ctx.args
    store = ctx.store
    plan = store.suggest_plan(parse_date_arg(ctx, a.date), a.capacity, accept=a.accept)
    if ctx.json:
        emit_json(
            {
                "date": plan.date.isoformat(),
                "capacity_minutes": plan.capacity,
                "planned_minutes": plan.planned_minutes,
                "one_thing": plan.one_thing.id if plan.one_thing else None,
                "items": [
                    {
                        "id": i.goal.id,
                        "title": i.goal.title,
                        "minutes": i.minutes,
                        "reason": i.reason,
                        # (calibrated only: see core/calibration)
                        **({"paced_minutes": i.paced} if i.paced is not None else {}),
                    }
                    for i in plan.items
                ],
                "split": [{"id": g.id, "title": g.title, "minutes": g.minutes} for g in plan.split],
                "accepted": a.accept,
                **({"paced_minutes": paced} if (paced := plan.paced_minutes) is not None else {}),
            }
        )
        return
    head = "Planned" if a.accept else "Suggested"
    at_pace = "" if plan.paced_minutes is None else f" (~{plan.paced_minutes} at your pace)"
    out(
        f"{head} for {plan.date.isoformat()}: {plan.planned_minutes}{at_pace} of your usual "
        f"{plan.capacity} min"
    )
    for item in plan.items:
        star = "★ " if plan.one_thing and item.goal.id == plan.one_thing.id else ""
        out(f"  {item.goal.id:>4} {star}{item.goal.title}  {item.minutes}m  ({item.reason})")
    if not plan.items:
        out("  nothing to suggest: add micro-goals with estimates")
    for goal in plan.split:
        out(f"  split first: {goal.id} {goal.title} ({goal.minutes}m)")
    if not a.accept and plan.items:
        day = "" if a.date is None else f" --date {plan.date.isoformat()}"
        out(f"accept with: microgoals plan --suggest{day} --accept")


def cmd_unplan(ctx: Context) -> None:
    print_day(ctx, ctx.store.unplan(ctx.args.id, parse_date_arg(ctx, ctx.args.date)))


def cmd_one(ctx: Context) -> None:
    ctx.store.set_one_thing(ctx.args.id)
    print_day(ctx, ctx.store.today())


def cmd_today(ctx: Context) -> None:
    store = ctx.store
    date = parse_date_arg(ctx, ctx.args.date)
    items = store.today(date)
    if not ctx.args.summary:
        print_day(ctx, items)
        return
    block_minutes = store.settings()["block_minutes"]
    planned = sum(i.goal.minutes or block_minutes for i in items if not i.done)
    capacity = store.capacity(date)
    if ctx.json:
        emit_json(
            {
                "planned_minutes": planned,
                "capacity_minutes": capacity,
                "items": [today_json(i) for i in items],
            }
        )
        return
    over = f"; you usually focus {capacity}" if planned > capacity else ""
    out(f"{planned} min planned{over}")
    print_day(ctx, items)


def cmd_forecast(ctx: Context) -> None:
    ctx.store.read_history()  # (the goals with a deadline that are done, archived or not)
    rows = ctx.store.forecast(ctx.args.capacity)
    if ctx.json:
        emit_json(
            [
                {
                    "id": r.goal.id,
                    "title": r.goal.title,
                    "due": r.due.isoformat(),
                    "remaining_minutes": r.remaining_minutes,
                    "finish": r.finish.isoformat() if r.finish else None,
                    "status": r.status,
                    "why": r.why,
                    **({"paced_minutes": r.paced_minutes} if r.paced_minutes is not None else {}),
                }
                for r in rows
            ]
        )
        return
    if not rows:
        out("no deadlines: give a goal one with  microgoals edit ID --due YYYY-MM-DD")
    for r in rows:
        if r.status == "done":
            continue
        finish = r.finish.isoformat() if r.finish else "never"
        why = "" if r.status == "on_track" else f"  ({r.why})"  # on track: "finishes <finish>"
        if r.status == "on_track" and r.paced_minutes not in (None, r.remaining_minutes):
            why = f"  (~{r.paced_minutes}m at your pace)"
        out(
            f"{r.goal.id:>4} {r.status:<8} due {r.due.isoformat()}  finish {finish}  "
            f"{r.remaining_minutes}m left  {r.goal.title}{why}"
        )


def print_block(ctx: Context, block: Block, verb: str) -> None:
    store = ctx.store
    goals = store.goals()
    now = store.clock.now()
    if ctx.json:
        emit_json(block_json(block, goals, now))
        return
    title = goals[block.goal].title if block.goal in goals else f"goal {block.goal}"
    if block.running:
        left = timer.format_clock(timer.remaining_seconds(block, now))
        state = " (paused)" if block.paused else ""
        out(f"{verb}: {title} · {left} left{state}")
    else:
        focus = timer.format_clock(timer.focus_seconds(block, now))
        out(f"{verb}: {title} · {focus} of focus · {block.outcome}")


def cmd_start(ctx: Context) -> None:
    minutes = ctx.args.minutes
    if minutes is not None:
        check_block_minutes(minutes)
    print_block(ctx, ctx.store.start_block(ctx.args.id, minutes), "started")


def cmd_pause(ctx: Context) -> None:
    print_block(ctx, ctx.store.pause(), "paused")


def cmd_resume(ctx: Context) -> None:
    print_block(ctx, ctx.store.resume(), "resumed")


def cmd_interrupt(ctx: Context) -> None:
    block = ctx.store.interrupt(ctx.args.note)
    print_block(ctx, block, f"interruption {len(block.interruptions)} logged")


def cmd_stop(ctx: Context) -> None:
    a = ctx.args
    outcome = "done" if a.done else "abandoned" if a.abandon else "partial"
    print_block(ctx, ctx.store.stop_block(outcome, a.note), "stopped")


def cmd_done(ctx: Context) -> None:
    goal = ctx.store.mark_done(ctx.args.id)
    if ctx.json:
        emit_json(goal_json(goal))
    else:
        done_today = len(ctx.store.review(suggest=False).done)
        out(f"done: {goal.title} · {done_today} done today")


def cmd_drop(ctx: Context) -> None:
    dropped = ctx.store.drop(ctx.args.id)
    if ctx.json:
        emit_json({"dropped": dropped})
    else:
        out(f"dropped {len(dropped)} goal(s): {', '.join(map(str, dropped)) or 'none open'}")


def cmd_reopen(ctx: Context) -> None:
    goal = ctx.store.reopen(ctx.args.id)
    if ctx.json:
        emit_json(goal_json(goal))
    else:
        out(f"open again: {goal.id} {goal.title}")


def cmd_undo(ctx: Context) -> None:
    undo_step(ctx, redo=False)


def cmd_redo(ctx: Context) -> None:
    undo_step(ctx, redo=True)


def undo_step(ctx: Context, *, redo: bool) -> None:
    """Undo or redo, and say what: "undid: marked 'X' done"; with --json
    ``{"undid": "marked 'X' done", "id": ID}`` (``redid`` for redo), where ID is the log entry
    this undo wrote, as ``microgoals log --json`` shows it."""
    store = ctx.store
    said = store.redo() if redo else store.undo()
    show_undone(said, own_entry(store) if ctx.json else None, as_json=ctx.json)


def own_entry(store: Store) -> str | None:
    """The id of the newest log entry this process wrote (others may have written since)."""
    pid = os.getpid()
    for line in store.log(100):
        if line.pid == pid and line.by == store.actor and line.host == oplog.HOST:
            return line.id
    return None


def cmd_log(ctx: Context) -> None:
    store = ctx.store
    lines = store.log(ctx.args.n)
    if ctx.json:
        emit_json([line.as_json() for line in lines])
        return
    if not lines:
        out("no changes recorded yet")
        return
    for text in log_text(lines, store.clock.today(), store.clock.tz):
        out(text)


def log_text(lines: Sequence[LogLine], today: Date, tz: str) -> list[str]:
    """One line per entry: when (local time; the day too if not today), what, where."""
    whens = [when_text(line.at, today, tz) for line in lines]
    width = max(map(len, whens))
    return [
        f"{when:>{width}}  {one_line(line.what)}{' (undone)' if line.undone else ''}"
        f" · {one_line(line.where())}"
        for when, line in zip(whens, lines, strict=True)
    ]


def when_text(at: DateTime | None, today: Date, tz: str) -> str:
    if at is None:
        return "?"
    local = at.in_timezone(tz)
    if local.date() == today:
        return local.format("HH:mm")
    if local.year == today.year:
        return local.format("ddd D MMM HH:mm")
    return local.format("ddd D MMM YYYY HH:mm")


def one_line(text: str) -> str:
    """Text from the log as one line (titles are one line already; a damaged or hand-written
    entry may not be)."""
    return " ".join(strip_controls(text).split())


def cmd_status(ctx: Context) -> None:
    found = fastpath.status(str(resolve_db_path(ctx.args.db)))
    if found is None:  # no current summary: from the database itself
        store = ctx.store
        block = store.running_block()
        if block is None:
            found = fastpath.NO_BLOCK
        else:
            goal = store.goals().get(block.goal)
            remaining = timer.remaining_seconds(block, store.clock.now())
            title = goal.title if goal else f"goal {block.goal}"
            found = (True, title, block.goal, remaining, block.paused)
    out(status_json(found) if ctx.json else status_line(found))


def cmd_review(ctx: Context) -> None:
    if ctx.args.week:
        cmd_review_week(ctx)
        return
    store = ctx.store
    review = store.review(parse_date_arg(ctx, ctx.args.date))
    fmt = ctx.args.format or ("json" if ctx.json else "text")
    sys.stdout.write(report.render(review, store.goals(), fmt, store.clock.tz))


def cmd_review_week(ctx: Context) -> None:
    """``review --week``: the retro of the 7 days ending on ``--date`` (retro_report.py)."""
    fmt = ctx.args.format or ("json" if ctx.json else "text")
    if fmt == "csv":
        raise InputError("review --week has no csv format: use text, md or json")
    retro = ctx.store.retro(parse_date_arg(ctx, ctx.args.date))
    sys.stdout.write(render_retro(retro, fmt))


def cmd_export(ctx: Context) -> None:
    emit_json(ctx.store.export())


def cmd_import(ctx: Context) -> None:
    name = ctx.args.file
    try:
        raw = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    except OSError as error:
        raise InputError(f"cannot read {name}: {error.strerror}") from None
    try:
        doc = orjson.loads(raw)
    except orjson.JSONDecodeError as error:
        raise InputError(f"{name} is not JSON: {error}") from None
    count = ctx.store.import_(doc)
    if ctx.json:
        emit_json({"imported_goals": count})
    else:
        out(f"imported {count} goal(s)")


def cmd_config(ctx: Context) -> None:
    store = ctx.store
    key, value = ctx.args.key, ctx.args.value
    if key is not None and value is None:
        raise UsageError(f"give a value: microgoals config {key} VALUE")
    if key is not None:
        parsed: Any = value
        if isinstance(DEFAULT_SETTINGS.get(key), int):
            try:
                parsed = int(value)
            except ValueError:
                raise InputError(f"{key} must be a whole number, not {value!r}") from None
        store.set_setting(key, parsed)
    settings = store.settings()
    if ctx.json:
        emit_json(settings)
    else:
        for name, current in settings.items():
            out(f"{name} = {current}")


def cmd_sync(ctx: Context) -> None:
    args = ctx.args
    syncer = Syncer(ctx.store)
    if args.action == "init":
        folder = Path(args.folder) if args.folder else None
        setup = syncer.init(folder=folder, remote=args.git)
        if ctx.json:
            emit_json({"set_up": setup.where()})
        else:
            out(f"sync set up: {setup.where()}; run `microgoals sync` to sync now")
        return
    if args.git or args.folder:
        raise InputError("--git and --folder go with `microgoals sync init`")
    if args.status:
        status = syncer.status()
        if ctx.json:
            emit_json(status.as_json())
            return
        for line in status.lines(ctx.store.clock.today(), ctx.store.clock.tz):
            out(line)
        return
    report = syncer.run()
    if ctx.json:
        emit_json(report.as_json())
        return
    for line in report.lines():
        out(line)


def cmd_backups(ctx: Context) -> None:
    storage = ctx.storage
    if ctx.args.restore:
        wanted = Path(ctx.args.restore)
        target = wanted if wanted.exists() else storage.backup_dir / wanted.name
        if not target.is_file():
            raise InputError(f"no backup named {ctx.args.restore!r}; see 'microgoals backups'")
        aside = storage.restore(target)
        if ctx.json:
            emit_json({"restored": str(target), "set_aside": [str(p) for p in aside]})
            return
        out(f"restored {target.name} into {storage.path}")
        for kept in aside:
            what = "journal" if kept.name.endswith(".journal") else "file"
            out(f"the {what} it replaced is kept as {kept}")
        return
    backups = storage.backups()
    if ctx.json:
        emit_json([str(b) for b in backups])
        return
    if not backups:
        out(f"no backups yet (they are kept in {storage.backup_dir})")
    for backup in backups:
        out(backup.name)


def cmd_archive(ctx: Context) -> None:
    done = ctx.store.archive_old()
    path = ctx.storage.archive_path
    if ctx.json:
        emit_json({**done, "path": str(path)})
        return
    out(f"{done['archived']} documents are in {path}: what was finished before {done['before']}")


def cmd_completion(ctx: Context) -> None:
    import shtab  # only here: it costs nothing to any other command

    script = shtab.complete(build_parser(), shell=ctx.args.shell)
    if ctx.json:
        emit_json({"shell": ctx.args.shell, "script": script})
    else:
        sys.stdout.write(script if script.endswith("\n") else script + "\n")


def cmd_backup(ctx: Context) -> None:
    storage = ctx.storage
    target = storage.copy_to(ctx.args.to)
    if ctx.json:
        emit_json({"copied_to": str(target)})
    else:
        out(f"copied {storage.path} (recent changes included) to {target}")


def cmd_report(ctx: Context) -> None:
    """``report --from D --to D [--format csv|json|ics]``, written as UTF-8 whatever the
    locale (the ics lines end in CRLF, as RFC 5545 asks)."""
    store, a = ctx.store, ctx.args
    first, last = time_report.parse_range(a.first, a.last, store.clock.today())
    now = store.clock.now()
    blocks = store.blocks_between(first, last)  # first: old days read in the history they need
    rows = time_report.rows(blocks, store.goals(), store.clock.tz, now)
    fmt = a.format or ("json" if ctx.json else time_report.DEFAULT_FORMAT)
    sys.stdout.flush()
    sys.stdout.buffer.write(time_report.render(rows, fmt, now).encode())


COMMANDS: dict[str, Callable[[Context], None]] = {
    name.removeprefix("cmd_"): fn for name, fn in globals().items() if name.startswith("cmd_")
}


# -- the app ---------------------------------------------------------------------------------


def run_app(ctx: Context) -> int:
    if ctx.args.demo:
        folder = Path(tempfile.mkdtemp(prefix="microgoals-demo-"))
        ctx._store = Store.open(folder / "microgoals.json")
        build_demo(ctx._store)
    store = ctx.store
    store.goals()  # a damaged or newer file is reported before the screen opens (as entry._app)
    from tui_microgoals.app import MicroGoalsApp

    MicroGoalsApp(store).run()
    return 0


# -- entry point -----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """The full command line (the console script is ``entry.main``)."""
    ignore_file_size_signal()

    def command() -> int:
        args = build_parser().parse_args(argv)
        ctx = Context(args)
        if args.command is None:
            return run_app(ctx)
        COMMANDS[args.command.replace("-", "_")](ctx)
        if ctx._store is not None:  # what did not stop the command: a backup not made
            for line in ctx._store.storage.take_warnings():
                print(f"{PROG}: {line}", file=sys.stderr)
        if ctx._store is not None and not ctx.json:  # what moved beyond what was asked
            for notice in ctx._store.take_notices():
                out(notice)
        return 0

    return guarded(command)

"""A day's review as text, Markdown (for a journal or a stand-up), JSON or CSV."""

from __future__ import annotations

import csv
import io

import orjson

from tui_microgoals.core import timer, tree
from tui_microgoals.core.calibration import summary_words
from tui_microgoals.core.clock import to_iso
from tui_microgoals.core.models import Block
from tui_microgoals.core.review import Review
from tui_microgoals.core.serialize import review_json
from tui_microgoals.core.tree import Goals

#: The heading of the values a sync superseded (shown only on a day that has some).
SUPERSEDED = "Superseded by another device's change"


def render(review: Review, goals: Goals, fmt: str, tz: str = "UTC") -> str:
    if fmt == "json":
        return orjson.dumps(review_json(review, goals), option=orjson.OPT_INDENT_2).decode() + "\n"
    if fmt == "csv":
        return render_csv(review, goals)
    if fmt == "md":
        return render_md(review, goals)
    return render_text(review, goals, tz)


def _summary(review: Review) -> str:
    if review.before_first_use:  # no streak or plan to judge before anything was recorded
        return f"no record before {review.first_day.isoformat()}"  # type: ignore[union-attr]
    planned_done = sum(1 for i in review.planned if i.done)
    return (
        f"{len(review.done)} done · {review.focus_minutes:g} focus minutes · "
        f"{len(review.blocks)} block(s) · {review.interruptions} interruption(s) · "
        f"planned {planned_done}/{len(review.planned)} · streak {review.streak} day(s)"
    )


def render_text(review: Review, goals: Goals, tz: str = "UTC") -> str:
    lines = [f"Review of {review.date.isoformat()}", _summary(review), ""]
    if review.one_thing:
        state = "done" if review.one_thing.done else "not done"
        lines.append(f"One Thing: {review.one_thing.goal.title} ({state})")
    lines.append("Done:" if review.done else "Done: nothing yet")
    for item in review.done:
        when = item.at.in_timezone(tz).format("HH:mm") if item.at else "habit"
        lines.append(f"  {when}  {item.path}")
    if review.blocks:
        lines.append("Blocks:")
        for block in review.blocks:
            title = goals[block.goal].title if block.goal in goals else f"goal {block.goal}"
            start = block.started_at.in_timezone(block.tz).format("HH:mm")
            focus = timer.format_clock(review.focus_seconds[block.id])
            outcome = block.outcome or "running"
            extra = f"  {len(block.interruptions)} interruption(s)" if block.interruptions else ""
            note = f"  “{block.reflection}”" if block.reflection else ""
            lines.append(f"  {start}  {focus}  {outcome:<9} {title}{extra}{note}")
            lines.extend(f"         {line}" for line in _interruption_lines(block))
    if review.not_done:
        lines.append("Planned, not done:")
        for planned in review.not_done:
            carried = f"  (carried {planned.carried}d)" if planned.carried else ""
            lines.append(f"  {planned.goal.title}{carried}")
    if review.calibration is not None:
        lines.append(f"Estimates: {summary_words(review.calibration)}")
    if review.suggestions:
        lines.append("Suggestions:")
        lines.extend(f"  {s.title}: {s.reason}" for s in review.suggestions)
    if review.superseded:
        lines.append(SUPERSEDED + ":")
        lines.extend(f"  {line}" for line in review.superseded)
    if review.note:
        lines.extend(["Note:", *(f"  {line}" for line in review.note.splitlines())])
    return "\n".join(lines) + "\n"


def _interruption_lines(block: Block) -> list[str]:
    """``09:05 interrupted: the phone rang``, one per interruption, in the block's zone."""
    return [
        f"{i.at.in_timezone(block.tz).format('HH:mm')} interrupted"
        + (f": {i.note}" if i.note else "")
        for i in block.interruptions
    ]


def _md_escape(text: str) -> str:
    return "".join("\\" + ch if ch in "\\`*_[]<>#|" else ch for ch in text)


def render_md(review: Review, goals: Goals) -> str:
    lines = [f"## {review.date.isoformat()}", "", f"_{_summary(review)}_", ""]
    if review.one_thing:
        check = "x" if review.one_thing.done else " "
        lines += [f"**One Thing:** [{check}] {_md_escape(review.one_thing.goal.title)}", ""]
    lines.append("### Done")
    lines += [f"- [x] {_md_escape(item.path)}" for item in review.done] or ["- nothing yet"]
    if review.not_done:
        lines += ["", "### Planned, not done"]
        lines += [f"- [ ] {_md_escape(i.goal.title)}" for i in review.not_done]
    if review.blocks:
        lines += ["", "### Blocks", ""]
        for block in review.blocks:
            title = goals[block.goal].title if block.goal in goals else f"goal {block.goal}"
            reflection = f" · “{_md_escape(block.reflection)}”" if block.reflection else ""
            lines.append(
                f"- {block.started_at.in_timezone(block.tz).format('HH:mm')} · "
                f"{timer.format_clock(review.focus_seconds[block.id])} of focus · "
                f"{block.outcome or 'running'} · {_md_escape(title)}{reflection}"
            )
            lines += [f"  - {_md_escape(line)}" for line in _interruption_lines(block)]
    if review.calibration is not None:
        lines += ["", f"_Estimates: {_md_escape(summary_words(review.calibration))}_"]
    if review.superseded:
        lines += ["", f"### {SUPERSEDED}"]
        lines += [f"- {_md_escape(line)}" for line in review.superseded]
    if review.note:
        lines += ["", "### Note", "", review.note]
    return "\n".join(lines) + "\n"


#: The columns of ``review --format csv`` (README: "The review as CSV"). One row per
#: block, then one per interruption in it, then one per micro-goal done that day (with a
#: block or without); ``kind`` says which. The first ten columns are the block's.
CSV_COLUMNS = (
    "date",
    "goal",
    "title",
    "started_at",
    "ended_at",
    "planned_seconds",
    "focus_seconds",
    "outcome",
    "interruptions",
    "reflection",
    "kind",  # block, interruption or done
    "at",  # interruption: when; done: when it was marked done (empty for a habit)
    "note",  # interruption: its note; done: "habit" for a habit's occurrence
    "path",  # the goal's path in the tree
)


def render_csv(review: Review, goals: Goals) -> str:
    """The day as one table a spreadsheet filters by ``kind``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    date = review.date.isoformat()

    def path(goal_id: int, title: str) -> str:
        return tree.path(goals, goal_id) if goal_id in goals else title

    for block in review.blocks:
        title = goals[block.goal].title if block.goal in goals else ""
        writer.writerow(
            [
                date,
                block.goal,
                title,
                to_iso(block.started_at),
                to_iso(block.ended_at) or "",
                block.planned_seconds,
                round(review.focus_seconds[block.id], 3),
                block.outcome or "",
                len(block.interruptions),
                block.reflection,
                "block",
                "",
                "",
                path(block.goal, title),
            ]
        )
        for interruption in block.interruptions:
            writer.writerow(
                [date, block.goal, title, *[""] * 7, "interruption"]
                + [to_iso(interruption.at), interruption.note, path(block.goal, title)]
            )
    for item in review.done:
        writer.writerow(
            [date, item.id, item.title, *[""] * 7, "done"]
            + [to_iso(item.at) or "", "habit" if item.habit else "", item.path]
        )
    return buffer.getvalue()

"""The weekly retro as text, Markdown (for a journal) or JSON: ``review --week``.

The JSON keys are a contract (README, "The weekly retro as JSON"): see ``retro_json``.
"""

from __future__ import annotations

from typing import Any

import orjson

from tui_microgoals.core.report import _md_escape
from tui_microgoals.core.retro import Carried, Retro, RetroDay

#: Text, Markdown and the screen name this many carried goals and goals completed as
#: milestones, then say how many more (the JSON has them all): a long backlog is one line.
CARRIED_SHOWN = 10
GOALS_CELEBRATED = 3


def retro_json(retro: Retro) -> dict[str, Any]:
    def day_json(day: RetroDay) -> dict[str, Any]:
        return {
            "date": day.date.isoformat(),
            "planned": day.planned,
            "done": day.done,
            "micro_done": day.micro_done,
            "focus_minutes": day.focus_minutes,
            "blocks": day.blocks,
            "interruption_count": day.interruptions,
        }

    return {
        "start": retro.start.isoformat(),
        "end": retro.end.isoformat(),
        "days": [day_json(d) for d in retro.days],
        "planned": retro.planned,
        "done": retro.done,
        "micro_done": retro.micro_done,
        "focus_minutes": retro.focus_minutes,
        "blocks": retro.blocks,
        "interruption_count": retro.interruptions,
        "estimate": {"ratio": retro.estimate.ratio, "samples": retro.estimate.samples},
        "interruptions": [{"note": n, "count": c} for n, c in retro.interruption_notes],
        "habits": [
            {"id": h.id, "title": h.title, "streak": h.streak, "done_days": h.done}
            for h in retro.habits
        ],
        "carried": [
            {"id": c.id, "title": c.title, "days": c.days, "status": c.status}
            for c in retro.carried
        ],
        "completed": [
            {"id": c.id, "title": c.title, "path": c.path, "date": c.date.isoformat()}
            for c in retro.completed
        ],
        "streak": retro.streak,
        "longest_streak": retro.longest_streak,
        "milestones": [
            {"kind": m.kind, "text": m.text, "date": m.date.isoformat(), "value": m.value}
            for m in retro.milestones
        ],
        "note": retro.note,
    }


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def summary(retro: Retro) -> str:
    return (
        f"{plural(retro.micro_done, 'micro-goal')} done · {retro.focus_minutes:g} focus minutes"
        f" · {plural(retro.blocks, 'block')} · {plural(retro.interruptions, 'interruption')}"
        f" · planned {retro.done}/{retro.planned} done · streak {plural(retro.streak, 'day')}"
    )


def estimate_words(retro: Retro) -> str:
    ratio, samples = retro.estimate.ratio, retro.estimate.samples
    if ratio is None:
        return "no micro-goal done this week had both an estimate and a block"
    return (
        f"you took {ratio:g}x your estimate "
        f"(the median of {plural(samples, 'micro-goal')} done with an estimate and a block)"
    )


def celebrated(retro: Retro) -> list[str]:
    """The milestones' lines, the goals completed past the first few folded into one."""
    lines: list[str] = []
    goals, fold = 0, None
    for m in retro.milestones:
        if m.kind == "goal_completed":
            goals += 1
            if goals > GOALS_CELEBRATED:
                fold = len(lines) if fold is None else fold
                continue
        lines.append(m.text)
    if fold is not None:
        more = plural(goals - GOALS_CELEBRATED, "more goal")
        lines.insert(fold, f"… and {more} completed")
    return lines


def carried_shown(retro: Retro) -> tuple[list[Carried], str]:
    """The goals carried longest, and a line for the rest (empty when all are shown)."""
    more = len(retro.carried) - CARRIED_SHOWN
    return retro.carried[:CARRIED_SHOWN], f"… and {more} more" if more > 0 else ""


def day_label(day: RetroDay) -> str:
    return day.date.format("ddd MMM D")


def render_retro(retro: Retro, fmt: str) -> str:
    if fmt == "json":
        return orjson.dumps(retro_json(retro), option=orjson.OPT_INDENT_2).decode() + "\n"
    if fmt == "md":
        return render_retro_md(retro)
    return render_retro_text(retro)


def render_retro_text(retro: Retro) -> str:
    lines = [
        f"Week {retro.start.isoformat()} – {retro.end.isoformat()} "
        f"(the 7 days ending {retro.end.format('dddd, MMMM D')})",
        summary(retro),
    ]
    lines += [f"★ {line}" for line in celebrated(retro)]
    lines += ["", "Days:"]
    for day in retro.days:
        lines.append(
            f"  {day_label(day)}  {day.focus_minutes:>5g} min  planned {day.done}/{day.planned}"
            f"  {plural(day.micro_done, 'micro-goal')} done"
        )
    lines.append(f"Estimates: {estimate_words(retro)}")
    if retro.interruption_notes:
        lines.append("Interrupted by:")
        lines += [f"  {count}×  {note}" for note, count in retro.interruption_notes]
    if retro.habits:
        lines.append("Habits:")
        lines += [
            f"  {h.title}: {h.streak} due days in a row, done {plural(h.done, 'day')} this week"
            for h in retro.habits
        ]
    carried, more = carried_shown(retro)
    if carried:
        lines.append("Carried:")
        lines += [f"  {c.title}: on the list {c.days} days ({c.status})" for c in carried]
        lines += [f"  {more}"] if more else []
    if retro.completed:
        lines.append("Goals completed:")
        lines += [f"  {c.date.format('ddd MMM D')}  {c.path}" for c in retro.completed]
    if retro.note:
        lines += ["Week note:", *(f"  {line}" for line in retro.note.splitlines())]
    return "\n".join(lines) + "\n"


def render_retro_md(retro: Retro) -> str:
    lines = [
        f"# Week {retro.start.isoformat()} – {retro.end.isoformat()}",
        "",
        f"_{summary(retro)}_",
    ]
    if retro.milestones:
        lines += ["", "## Milestones", ""]
        lines += [f"- 🎉 {_md_escape(m.text)}" for m in retro.milestones]
    lines += [
        "",
        "## Days",
        "",
        "| Day | Focus | Planned done | Micro-goals done | Blocks | Interruptions |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for day in retro.days:
        lines.append(
            f"| {day_label(day)} | {day.focus_minutes:g} min | {day.done}/{day.planned} "
            f"| {day.micro_done} | {day.blocks} | {day.interruptions} |"
        )
    lines.append(
        f"| **Week** | **{retro.focus_minutes:g} min** | **{retro.done}/{retro.planned}** "
        f"| **{retro.micro_done}** | **{retro.blocks}** | **{retro.interruptions}** |"
    )
    lines += ["", "## Estimates", "", estimate_words(retro).capitalize() + "."]
    if retro.interruption_notes:
        lines += ["", "## Interrupted by", ""]
        lines += [f"- {_md_escape(note)} ({count}×)" for note, count in retro.interruption_notes]
    if retro.habits:
        lines += ["", "## Habits", ""]
        lines += [
            f"- {_md_escape(h.title)}: {h.streak} due days in a row "
            f"(done {plural(h.done, 'day')} this week)"
            for h in retro.habits
        ]
    carried, more = carried_shown(retro)
    if carried:
        lines += ["", "## Carried", ""]
        lines += [
            f"- {_md_escape(c.title)}: on the list {c.days} days ({c.status})" for c in carried
        ]
        lines += [f"- {more}"] if more else []
    if retro.completed:
        lines += ["", "## Goals completed", ""]
        lines += [
            f"- [x] {_md_escape(c.path)} ({c.date.format('ddd MMM D')})" for c in retro.completed
        ]
    if retro.note:
        lines += ["", "## Week note", "", retro.note]
    return "\n".join(lines) + "\n"

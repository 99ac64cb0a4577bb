"""Timer arithmetic: pure functions of stored timestamps and the clock, never of ticks.

A clock that jumps backwards never produces negative durations: every span is clamped at
zero and pauses are clipped to the block's own span.
"""

from __future__ import annotations

from pendulum import DateTime

from tui_microgoals.core.models import Block


def _span(start: DateTime, end: DateTime) -> float:
    return max(0.0, (end - start).total_seconds())


def paused_seconds(block: Block, now: DateTime) -> float:
    end = block.ended_at or now
    total = 0.0
    for pause in block.pauses:
        start = max(pause.start, block.started_at)
        stop = min(pause.end or end, end)
        total += _span(start, stop)
    return total


def focus_seconds(block: Block, now: DateTime) -> float:
    """Seconds of focus so far (or in all, for an ended block)."""
    end = block.ended_at or now
    return max(0.0, _span(block.started_at, end) - paused_seconds(block, now))


def remaining_seconds(block: Block, now: DateTime) -> float:
    return max(0.0, block.planned_seconds - focus_seconds(block, now))


def is_over(block: Block, now: DateTime) -> bool:
    return block.running and remaining_seconds(block, now) <= 0


def format_clock(seconds: float) -> str:
    """``MM:SS`` (or ``H:MM:SS``), rounding up so 0:00 only shows when time is up."""
    whole = int(-(-seconds // 1))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"

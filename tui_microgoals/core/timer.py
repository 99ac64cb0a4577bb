"""Timer arithmetic: pure functions of stored timestamps and the clock, never of ticks.

A clock that jumps backwards never produces negative durations: every span is clamped at
zero and pauses are clipped to the block's own span.
"""

from __future__ import annotations

from datetime import datetime

TYPE_CHECKING = False
if TYPE_CHECKING:  # type-only: ``format_clock`` imports nothing (``microgoals status``)
    from pendulum import DateTime

    from tui_microgoals.core.models import Block


def _span(start: DateTime, end: DateTime) -> float:
    # The stdlib's subtraction: pendulum's builds an Interval, ~10x slower (the review and
    # the calibration sum the focus of every block).
    return max(0.0, datetime.__sub__(end, start).total_seconds())


def _pause_spans(block: Block, end: DateTime) -> list[tuple[DateTime, DateTime]]:
    """Pauses clipped to the block's span and merged, in order.

    After a clock jump back a new pause can overlap an earlier one: that time is paused
    once, not twice.
    """
    spans = sorted((max(p.start, block.started_at), min(p.end or end, end)) for p in block.pauses)
    merged: list[tuple[DateTime, DateTime]] = []
    for start, stop in spans:
        if stop <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        else:
            merged.append((start, stop))
    return merged


#: (Public for the review's rules, which subtract the spans' timestamps: faster in bulk.)
pause_spans = _pause_spans


def paused_seconds(block: Block, now: DateTime) -> float:
    return sum(_span(start, stop) for start, stop in _pause_spans(block, block.ended_at or now))


def focus_seconds(block: Block, now: DateTime) -> float:
    """Seconds of focus so far (or in all, for an ended block)."""
    end = block.ended_at or now
    return max(0.0, _span(block.started_at, end) - paused_seconds(block, now))


def remaining_seconds(block: Block, now: DateTime) -> float:
    return max(0.0, block.planned_seconds - focus_seconds(block, now))


def ran_out_at(block: Block, now: DateTime) -> DateTime | None:
    """The instant the planned focus time was used up, or None while some is left.

    Walks the focus spans between pauses, so a pause taken after time ran out does not
    move that instant.
    """
    from datetime import timedelta

    end = block.ended_at or now
    left = timedelta(seconds=block.planned_seconds)
    cursor = block.started_at
    for start, stop in [*_pause_spans(block, end), (end, end)]:
        work = max(timedelta(0), start - cursor)
        if work >= left:
            return cursor + left
        left -= work
        cursor = max(cursor, stop)
    return None


def is_over(block: Block, now: DateTime) -> bool:
    return block.running and remaining_seconds(block, now) <= 0


def format_clock(seconds: float) -> str:
    """``MM:SS`` (or ``H:MM:SS``), rounding up so 0:00 only shows when time is up."""
    whole = int(-(-seconds // 1))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"

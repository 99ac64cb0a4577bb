"""The one form instants take in the file and in ``--json``: UTC ISO-8601 with microseconds
and a Z (``2026-11-22T09:00:00.000000Z``).

Without pendulum, so the fast ``add`` (``fastpath.py``) stamps a goal the way the full path
does (``clock.to_iso``): both call ``iso``.
"""

from __future__ import annotations

import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # (``datetime`` and ``typing`` cost a few ms to import)
    from datetime import datetime


def _iso(year: int, month: int, day: int, hour: int, minute: int, second: int, us: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:{second:02d}.{us:06d}Z"


def iso(utc: datetime) -> str:
    """An instant already in UTC (``clock.to_iso`` converts it first)."""
    return _iso(utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second, utc.microsecond)


def iso_from_ns(ns: int) -> str:
    """An instant in nanoseconds since the epoch (``time.time_ns()``), cut to microseconds."""
    seconds, rest = divmod(ns, 1_000_000_000)
    t = time.gmtime(seconds)
    return _iso(t.tm_year, t.tm_mon, t.tm_mday, t.tm_hour, t.tm_min, t.tm_sec, rest // 1000)

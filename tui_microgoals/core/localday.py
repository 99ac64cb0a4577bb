"""Today's local date without pendulum, when a process that had pendulum left a hint.

``Clock`` resolves the local zone from ``MICROGOALS_TZ``, ``TZ`` or the system's settings
(``clock.local_zone_name``). A ``Clock`` that did so records ``zone_key()``, what that
answer depended on, and its summary after a commit says "with these inputs, instants from A
to B fall on date D". A later process with the same inputs trusts that for an instant in
the range; any other process, or any other instant, asks pendulum.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # (``typing`` costs a few ms to import)
    from typing import Any

#: What pendulum reads to find the system's zone when neither variable names one.
SYSTEM_ZONE_FILES = (
    "/etc/timezone",
    "/etc/localtime",
    "/etc/sysconfig/clock",
    "/etc/conf.d/clock",
    "/usr/local/etc/localtime",
)


def _file_key(path: str) -> list[Any] | None:
    try:
        st = os.lstat(path)
    except OSError:
        return None
    key: list[Any] = [st.st_ino, st.st_mtime_ns, st.st_size]
    if os.path.islink(path):
        key.append(os.readlink(path))
        try:
            target = os.stat(path)
            key.append([target.st_ino, target.st_mtime_ns, target.st_size])
        except OSError:
            key.append(None)
    return key


def zone_key() -> list[Any] | None:
    """Everything the local zone's resolution reads; None where it reads more (Windows)."""
    if sys.platform == "win32":
        return None
    return [
        os.environ.get("MICROGOALS_TZ"),
        os.environ.get("TZ"),
        *(_file_key(path) for path in SYSTEM_ZONE_FILES),
    ]


def date_from_hint(hint: Any, instant: float) -> str | None:
    """The local date (ISO) of ``instant`` (seconds since the epoch) if ``hint`` (from
    ``Clock.day_hint``) covers it and this process resolves the zone from the same inputs."""
    if not isinstance(hint, dict):
        return None
    key = zone_key()
    start, end, date = hint.get("from"), hint.get("until"), hint.get("date")
    if key is None or hint.get("key") != key or not isinstance(date, str):
        return None
    if not (isinstance(start, int | float) and isinstance(end, int | float)):
        return None
    return date if start <= instant < end else None

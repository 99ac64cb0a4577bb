"""The backups' file names and when the next one is due: plain strings and ``time``, light
enough for the fast path of ``microgoals add`` (``fastpath.py``), which makes the same
choice as the storage (``journal.must_compact``).

A backup is ``backups/<stem>-YYYYMMDD-HHMMSS-<reason>.json`` beside the database, its stamp
in UTC; making, listing by identity and restoring them is ``storage_backups.py``.
"""

from __future__ import annotations

import os
import time

#: How often a commit makes a backup (read at each use: tests set it on this module).
BACKUP_EVERY_SECONDS = 6 * 3600
BACKUPS_KEPT = 10
#: Why a backup was made, the last part of its name (``before-v2``: before a migration).
BACKUP_REASONS = ("auto", "before-restore")
STAMP_FORMAT = "%Y%m%d-%H%M%S"


def now() -> float:
    """The time backups are stamped and timed by (tests move it)."""
    return time.time()


def backup_stamp(when: float) -> str:
    return time.strftime(STAMP_FORMAT, time.gmtime(when))


def backup_folder(path: str) -> str:
    return os.path.join(os.path.dirname(path), "backups")


def backup_stamp_of(name: str, stem: str) -> str | None:
    """The stamp of ``<stem>-YYYYMMDD-HHMMSS-<reason>.json``; None for any other name (a
    database ``goals-work.json`` beside ``goals.json`` has its own backups)."""
    if not (name.startswith(stem + "-") and name.endswith(".json")):
        return None
    rest = name[len(stem) + 1 : -len(".json")]
    stamp, dash, reason = rest[:15], rest[15:16], rest[16:]
    if not (
        stamp.isascii()
        and stamp[:8].isdigit()
        and stamp[8:9] == "-"
        and stamp[9:].isdigit()
        and len(stamp) == 15
        and dash == "-"
    ):
        return None
    base, _, count = reason.rpartition("-")
    if reason in BACKUP_REASONS or (base in BACKUP_REASONS and count.isdigit()):
        return stamp
    return stamp if reason.startswith("before-v") and reason[8:].isdigit() else None


def listed(path: str) -> list[str]:
    """The names of the backups of the database at ``path``, in the order they were made:
    by their stamps, except that one stamped later than now (made while the clock was ahead)
    counts as older than any other. Empty when the folder cannot be listed (a backup that
    cannot be made must not stop a save)."""
    stem = os.path.splitext(os.path.basename(path))[0]
    try:
        names = os.listdir(backup_folder(path))
    except OSError:
        return []
    current = backup_stamp(now())
    found = [(stamp <= current, stamp, n) for n in names if (stamp := backup_stamp_of(n, stem))]
    return [name for *_, name in sorted(found)]


def _epoch(stamp: str) -> int:
    """Seconds since 1970 of a UTC ``YYYYMMDD-HHMMSS`` (``calendar`` costs ~5 ms to import)."""
    year, month, day = int(stamp[:4]), int(stamp[4:6]), int(stamp[6:8])
    year -= month <= 2  # days from civil (H. Hinnant): the year starts in March
    era, yoe = divmod(year, 400)
    doy = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    days = era * 146097 + yoe * 365 + yoe // 4 - yoe // 100 + doy - 719468
    return days * 86400 + int(stamp[9:11]) * 3600 + int(stamp[11:13]) * 60 + int(stamp[13:15])


def last_backup_time(path: str) -> float:
    """When the last backup was made, as its name records it; 0 when there is none (or the
    folder cannot be read), and when it is stamped later than now, so that one is due."""
    names = listed(path)
    if not names:
        return 0.0
    stamp = backup_stamp_of(names[-1], os.path.splitext(os.path.basename(path))[0])
    assert stamp is not None
    return 0.0 if stamp > backup_stamp(now()) else float(_epoch(stamp))


def backup_due(last_backup: float) -> bool:
    """Due when the last one is old enough, or dated later than now (the clock went back)."""
    current = now()
    return last_backup > current or current - last_backup >= BACKUP_EVERY_SECONDS

"""The parts of the durable storage that need neither TinyDB nor orjson: file stamps, the
writers' lock, the fsynced journal append, when a backup is due, and the summary kept beside
the database.

``storage.DurableStorage`` is built on these, and so is the fast path of ``microgoals add``
(``fastpath.py``), so both follow one set of rules. Paths are plain strings: ``pathlib``
costs a few ms to import on the fast path.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time

from tui_microgoals.core import lightjson
from tui_microgoals.core.errors import LockTimeout, StorageError

TYPE_CHECKING = False
if TYPE_CHECKING:  # (``typing`` costs a few ms to import)
    from collections.abc import Callable, Iterator
    from typing import Any

SCHEMA_VERSION = 1
SCHEMA_KEY = "schema_version"
JOURNAL_KEY = "journal_id"
#: Which database a main file (and so each of its backups) is: ``{"1": {"id": ID, "name":
#: FILE NAME}}``, the id made once. Written right after the schema version, so the first
#: few hundred bytes tell; shaped as a table, so a microgoals from before it reads the file.
DATABASE_KEY = "database"
JOURNAL_MAX_ENTRIES = 2000
JOURNAL_MAX_BYTES = 4_000_000
BACKUP_EVERY_SECONDS = 6 * 3600
BACKUPS_KEPT = 10
LOCK_TIMEOUT_SECONDS = 10.0
#: The layout of ``<db>.status``; a reader that finds another one ignores the file.
SUMMARY_FORMAT = 2

Stamp = tuple[int, int, int]


def describe(error: OSError) -> str:
    return error.strerror or errno.errorcode.get(error.errno or 0, str(error))


def stat(path: str) -> Stamp | None:
    """(inode, mtime, size): a file replaced or changed in any way gets a new stamp."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise StorageError(f"cannot read {path}: {describe(error)}") from None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def sidecar(path: str, suffix: str) -> str:
    """``<db>.journal``, ``<db>.lock``, ``<db>.status``: beside the real file."""
    return path + suffix


@contextlib.contextmanager
def locked(path: str, timeout: float) -> Iterator[None]:
    """Hold the writers' lock of the database at ``path`` (its real path)."""
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise StorageError(f"the folder of the database does not exist: {folder}")
    try:
        fd = os.open(sidecar(path, ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        raise StorageError(
            f"cannot write in {folder}: {describe(error)}; the database was not changed"
        ) from None
    import fcntl

    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise LockTimeout(
                        f"another microgoals process has held {path} for {timeout:.0f} s; try again"
                    ) from None
                time.sleep(0.005)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def fsync_folder(folder: str) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def append(path: str, blob: bytes, *, new: bool) -> Stamp:
    """Append ``blob`` (whole lines; with the header first when ``new``) to the journal of
    the database at ``path``, fsynced; the journal's stamp after it.

    A failed append leaves no part of the line behind: not acknowledged, so not kept.
    """
    journal = sidecar(path, ".journal")
    try:
        fd = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            size_before = os.fstat(fd).st_size
            try:
                written = os.write(fd, blob)
                if written != len(blob):
                    raise OSError(errno.ENOSPC, "No space left on device (short write)")
                os.fsync(fd)
            except OSError:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, size_before)
                raise
            st = os.fstat(fd)
        finally:
            os.close(fd)
        if new:
            fsync_folder(os.path.dirname(journal))
    except OSError as error:
        raise StorageError(
            f"could not save {path}: {describe(error)}; nothing was changed"
        ) from None
    return (st.st_ino, st.st_mtime_ns, st.st_size)


def header(journal_id: str | None) -> bytes:
    """The first line of a journal: the version of the main file it belongs to."""
    return ('{"base":' + lightjson.dumps(journal_id) + "}\n").encode()


# -- backups ----------------------------------------------------------------------------

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


def backup_names(path: str) -> list[str]:
    """The names of the backups of the database at ``path``, in the order they were made:
    by their stamps, except that one stamped later than now (made while the clock was ahead)
    counts as older than any other. None when the folder cannot be listed (a backup that
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
    names = backup_names(path)
    if not names:
        return 0.0
    stamp = backup_stamp_of(names[-1], os.path.splitext(os.path.basename(path))[0])
    assert stamp is not None
    return 0.0 if stamp > backup_stamp(now()) else float(_epoch(stamp))


def backup_due(last_backup: float) -> bool:
    """Due when the last one is old enough, or dated later than now (the clock went back)."""
    current = now()
    return last_backup > current or current - last_backup >= BACKUP_EVERY_SECONDS


def must_compact(state: dict[str, Any], last_backup: Callable[[], float]) -> bool:
    """Whether a commit rewrites the main file rather than appending one journal line, from
    the journal's state (``DurableStorage.journal_state``): when it must fold (``must_fold``)
    or a backup is due (compaction makes it)."""
    return must_fold(state) or backup_due(last_backup())


def must_fold(state: dict[str, Any]) -> bool:
    """Whether a commit must rewrite the main file, backups aside: a whole-file write, a torn
    or stale journal, a main file with no journal id, or a journal long enough."""
    stamp = state["journal"]
    return bool(
        state.get("full")
        or (stamp is not None and stamp[2] != state["jpos"])
        or state["stale"]
        or not isinstance(state["journal_id"], str)
        or state["entries"] >= JOURNAL_MAX_ENTRIES
        or state["jpos"] >= JOURNAL_MAX_BYTES
    )


# -- the summary beside the database -----------------------------------------------------


def write_summary(path: str, doc: dict[str, Any]) -> None:
    """Replace ``<db>.status`` with ``doc``. A cache, not a record: no fsync, and when it
    cannot be written it is removed (readers then take the slow path). Never raises."""
    target = sidecar(path, ".status")
    tmp = f"{os.path.dirname(target)}/.{os.path.basename(target)}.{os.getpid()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, lightjson.dumps(doc).encode())
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except Exception:  # noqa: BLE001 - never let the cache break a committed save
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        drop_summary(path)


def drop_summary(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(sidecar(path, ".status"))


def read_summary(path: str) -> dict[str, Any] | None:
    """``<db>.status`` if it describes the files as they are now (the database at ``path``,
    a real path, and its journal), else None. A few hundred bytes and two stats instead of
    parsing the whole database."""
    try:
        with open(sidecar(path, ".status"), "rb") as handle:
            doc = lightjson.loads(handle.read())
        if not isinstance(doc, dict) or doc.get("format") != SUMMARY_FORMAT:
            return None
        now = [stat(path), stat(sidecar(path, ".journal"))]
    except (OSError, ValueError, RecursionError, StorageError):  # (RecursionError: deep nesting)
        return None
    stamps = [doc.get("main"), doc.get("journal")]
    return doc if stamps == [list(s) if s else None for s in now] else None

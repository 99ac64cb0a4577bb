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
            except OSError as error:  # no locks on this filesystem (ENOLCK), an I/O error
                raise StorageError(
                    f"cannot lock {sidecar(path, '.lock')}: {describe(error)}; "
                    "the database was not changed"
                ) from None
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
            # The line is written and fsynced: it is in, whatever the folder's sync says (a
            # failure here must not report "nothing was changed").
            with contextlib.suppress(OSError):
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


def backup_folder(path: str) -> str:
    return os.path.join(os.path.dirname(path), "backups")


def backup_names(path: str) -> list[str]:
    """The backups of the database at ``path`` (``<stem>-*.json``), oldest first; none when
    the folder cannot be listed (a backup that cannot be made must not stop a save)."""
    stem = os.path.splitext(os.path.basename(path))[0] + "-"
    try:
        names = os.listdir(backup_folder(path))
    except OSError:
        return []
    return sorted(n for n in names if n.startswith(stem) and n.endswith(".json"))


def last_backup_time(path: str) -> float:
    """When the newest backup was made; 0 when there is none (or it cannot be read)."""
    names = backup_names(path)
    try:
        return os.stat(os.path.join(backup_folder(path), names[-1])).st_mtime if names else 0.0
    except OSError:
        return 0.0


def backup_due(last_backup: float) -> bool:
    return time.time() - last_backup >= BACKUP_EVERY_SECONDS


def must_compact(state: dict[str, Any], last_backup: Callable[[], float]) -> bool:
    """Whether a commit rewrites the main file rather than appending one journal line, from
    the journal's state (``DurableStorage.journal_state``): a whole-file write, a torn or
    stale journal, a main file with no journal id, a journal long enough, or a backup due
    (compaction makes it)."""
    stamp = state["journal"]
    return bool(
        state.get("full")
        or (stamp is not None and stamp[2] != state["jpos"])
        or state["stale"]
        or not isinstance(state["journal_id"], str)
        or state["entries"] >= JOURNAL_MAX_ENTRIES
        or state["jpos"] >= JOURNAL_MAX_BYTES
        or backup_due(last_backup())
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

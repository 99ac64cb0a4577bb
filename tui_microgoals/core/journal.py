"""The parts of the durable storage that need neither TinyDB nor orjson: file stamps, safe
opening of the files beside the database, the writers' lock, the journal's line format and
its fsynced append, and when a commit folds the journal into the main file.

``storage.DurableStorage`` is built on these, and so is the fast path of ``microgoals add``
(``fastpath.py``), so both follow one set of rules; so are the light modules beside it:
``backup_names`` (the backups' names, when one is due) and ``summary_file`` (``<db>.status``).
Paths are plain strings: ``pathlib`` costs a few ms to import on the fast path.

The limits (``JOURNAL_MAX_*``, ``LOCK_TIMEOUT_SECONDS``) are read here at each use: tests
set them on this module.
"""

from __future__ import annotations

import binascii
import contextlib
import errno
import os
import sys
import time

from tui_microgoals.core import backup_names, lightjson
from tui_microgoals.core.errors import LockTimeout, StorageError

TYPE_CHECKING = False
if TYPE_CHECKING:  # (``typing`` costs a few ms to import)
    from collections.abc import Callable, Iterator
    from typing import Any

SCHEMA_VERSION = 2
SCHEMA_KEY = "schema_version"
JOURNAL_KEY = "journal_id"
#: Which database a main file (and so each of its backups) is: ``{"1": {"id": ID, "name":
#: FILE NAME}}``, the id made once. Written right after the schema version, so the first
#: few hundred bytes tell; shaped as a table, so a microgoals from before it reads the file.
DATABASE_KEY = "database"
JOURNAL_MAX_ENTRIES = 2000
JOURNAL_MAX_BYTES = 4_000_000
LOCK_TIMEOUT_SECONDS = 10.0

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


# -- opening the files beside the database ------------------------------------------------

#: Never through a symlink planted at the path, never blocking on a FIFO or a device.
SAFE_OPEN = os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
_KINDS = {  # what stat.S_IFMT says, without importing ``stat``
    0o140000: "a socket",
    0o120000: "a symbolic link",
    0o060000: "a device",
    0o040000: "a folder",
    0o020000: "a device",
    0o010000: "a FIFO",
}


def not_regular(path: str, mode: int | None = None) -> StorageError:
    """The one line for a path that holds something else than a regular file."""
    if mode is None:
        try:
            mode = os.lstat(path).st_mode
        except OSError:
            mode = 0
    kind = _KINDS.get(mode & 0o170000, "not a regular file")
    return StorageError(
        f"{path} is {kind}, not a regular file; microgoals does not read or write through "
        "it: move it away and try again"
    )


def open_regular(path: str, flags: int, mode: int = 0o600) -> int:
    """``os.open`` for the database and the files beside it: a regular file or a
    StorageError naming what is there; other errors as ``OSError``."""
    try:
        fd = os.open(path, flags | SAFE_OPEN, mode)
    except OSError as error:
        # ELOOP: a symlink (EMLINK on the BSDs); ENXIO: a FIFO no one reads; EISDIR.
        if error.errno in (errno.ELOOP, errno.EMLINK, errno.ENXIO, errno.EISDIR):
            raise not_regular(path) from None
        raise
    st = os.fstat(fd)
    if st.st_mode & 0o170000 != 0o100000:
        os.close(fd)
        raise not_regular(path, st.st_mode)
    if flags & os.O_CREAT and st.st_uid == 0 and os.geteuid() == 0:
        keep_owner(fd, os.path.dirname(path))  # made (or left) by a command run with sudo
    return fd


def keep_owner(fd: int, folder: str, old: os.stat_result | None = None) -> None:
    """Give a file we made the owner and mode of the one it replaces (``old``), or, for a
    new file made as root (a command run with sudo), the owner of its folder: so the user
    can still read and write the database. Best effort: a file we cannot give away stays
    ours."""
    with contextlib.suppress(OSError):
        if old is not None:
            os.fchmod(fd, old.st_mode & 0o777)
        owner = (old.st_uid, old.st_gid) if old is not None else None
        if os.geteuid() == 0 and (owner is None or owner[0] == 0):
            there = os.stat(folder)
            if there.st_uid != 0:
                owner = (there.st_uid, there.st_gid)
        if owner is not None and owner != (os.geteuid(), os.getegid()):
            os.fchown(fd, *owner)


def read_regular(path: str) -> bytes:
    """The whole of a regular file (``open_regular``)."""
    fd = open_regular(path, os.O_RDONLY)
    try:
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def clean_temp_files(path: str) -> None:
    """Temp files left beside the database by a writer that was killed (a main file or a
    summary being replaced); safe to remove while the writers' lock is held."""
    folder, name = os.path.split(path)
    prefix = f".{name}."
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder or "."):
            if entry.name.startswith(prefix) and entry.name.endswith(".tmp"):
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)


@contextlib.contextmanager
def locked(
    path: str, timeout: float, cancelled: Callable[[], bool] | None = None
) -> Iterator[None]:
    """Hold the writers' lock of the database at ``path`` (its real path): a ``flock`` on
    ``<db>.lock``, which names its holder while held, and one on the folder, which a
    deleted lock file cannot release. ``cancelled()`` true ends the wait early (as a
    ``LockTimeout``): the app's waiting thread, when the app quits."""
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise StorageError(f"the folder of the database does not exist: {folder}")
    lock = sidecar(path, ".lock")
    deadline = time.monotonic() + timeout
    while True:
        taken = _take_lock(lock, folder)
        if isinstance(taken, tuple):
            break
        if time.monotonic() > deadline or (cancelled is not None and cancelled()):
            error = LockTimeout(
                f"{taken or 'another microgoals process'} has held {path} for "
                f"{timeout:g} s; wait for it to finish, or end that process if it is "
                f"stuck. Do not delete {lock}: that lets two writers in"
            )
            error.holder = taken or error.holder
            raise error
        time.sleep(0.005)
    fd, folder_fd = taken
    try:
        with contextlib.suppress(OSError):
            os.pwrite(fd, _holder_note(), 0)
        yield
    finally:
        with contextlib.suppress(OSError):
            os.pwrite(fd, b" " * _NOTE_SIZE, 0)  # no holder now
        os.close(fd)  # closing releases the flock
        if folder_fd >= 0:
            os.close(folder_fd)


def _take_lock(lock: str, folder: str) -> tuple[int, int] | str:
    """Both locks (the lock file's fd, the folder's or -1), or who holds them ("": unknown,
    or the lock file was replaced while we took it: try again)."""
    import fcntl

    try:
        fd = open_regular(lock, os.O_RDWR | os.O_CREAT)
    except OSError as error:
        raise StorageError(
            f"cannot write in {folder}: {describe(error)}; the database was not changed"
        ) from None
    folder_fd = -1
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return _holder(fd)
        except OSError as error:  # no locks on this filesystem (ENOLCK), an I/O error
            raise StorageError(
                f"cannot lock {lock}: {describe(error)}; the database was not changed"
            ) from None
        # Locked: but is it still the file at the path, or one deleted meanwhile?
        mine = os.fstat(fd)
        try:
            there = os.stat(lock, follow_symlinks=False)
        except FileNotFoundError:
            return ""
        if (there.st_dev, there.st_ino) != (mine.st_dev, mine.st_ino):
            return ""
        with contextlib.suppress(OSError):
            folder_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        if folder_fd >= 0:
            try:
                fcntl.flock(folder_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:  # (writers of every database in a folder take turns)
                return f"a microgoals process writing in {folder} (this database or another)"
            except OSError:  # a filesystem without flock on folders: the file's lock only
                os.close(folder_fd)
                folder_fd = -1
        fd_taken, folder_fd_taken = fd, folder_fd
        fd = folder_fd = -1
        return fd_taken, folder_fd_taken
    finally:
        if fd >= 0:
            os.close(fd)
        if folder_fd >= 0:
            os.close(folder_fd)


#: The note is written over the same bytes each time, never truncated: a file that keeps
#: its blocks costs the next fsync nothing (ext4 flushes newly allocated blocks with it).
_NOTE_SIZE = 128


def _holder_note() -> bytes:
    """Who holds the lock, for the message of those who wait: pid, command, since when."""
    words = [os.path.basename(sys.argv[0] if sys.argv else "")] + sys.argv[1:2]
    command = "".join(c for c in " ".join(words) if " " <= c <= "~")[:60]
    note = {"pid": os.getpid(), "command": command, "since": round(time.time(), 3)}
    return lightjson.dumps(note).encode().ljust(_NOTE_SIZE)


def _holder(fd: int) -> str:
    """The holder as its note in the lock file names it; "" when it wrote none."""
    try:
        note = lightjson.loads(os.pread(fd, _NOTE_SIZE, 0))
        pid, command = int(note["pid"]), str(note["command"])
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(float(note["since"])))
    except Exception:  # noqa: BLE001 - an empty, old or damaged note: no name
        return ""
    command = "".join(c for c in command if " " <= c <= "~")[:60]
    return f"microgoals process {pid} ({command}, since {when})"


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
        fd = open_regular(journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
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
    return line(b'{"base":' + lightjson.dumps(journal_id).encode() + b"}")


# -- the journal's lines ----------------------------------------------------------------

#: A line starts ``{"crc":"<8 hex digits>",``: the CRC-32 of the rest of the line. Lines
#: written before checksums have no ``crc`` and are read as they are.
_CRC_OPEN, _CRC_END = b'{"crc":"', b'",'
_CRC_BODY = len(_CRC_OPEN) + 8 + len(_CRC_END)


def line(body: bytes) -> bytes:
    """The journal line of one entry, from its compact JSON (a non-empty object); the one
    definition both the storage (orjson) and the fast path (lightjson) write."""
    rest = body[1:]
    return _CRC_OPEN + b"%08x" % binascii.crc32(rest) + _CRC_END + rest + b"\n"


def parse_line(raw: bytes, loads: Callable[[bytes], Any]) -> dict[str, Any]:
    """The entry of one whole journal line (without its newline): a header ``{"base"}`` or
    ``{"tables"}`` whose tables the loader would accept; ValueError saying what is wrong."""
    if raw.startswith(_CRC_OPEN) and raw[_CRC_BODY - len(_CRC_END) : _CRC_BODY] == _CRC_END:
        digits = raw[len(_CRC_OPEN) : _CRC_BODY - len(_CRC_END)]
        if b"%08x" % binascii.crc32(raw[_CRC_BODY:]) != digits:
            raise ValueError("its checksum does not match")
        entry = loads(raw)
        entry.pop("crc")
    else:
        entry = loads(raw)
        if not isinstance(entry, dict) or "crc" in entry:
            raise ValueError("its checksum is damaged")
    if entry.keys() == {"base"}:
        return entry
    if entry.keys() != {"tables"} or not isinstance(entry["tables"], dict):
        raise ValueError("it is not a journal entry")
    for name, docs in entry["tables"].items():
        problem = table_problem(name, docs, deletions=True)
        if problem:
            raise ValueError(problem)
    return entry


def table_problem(name: str, table: Any, *, deletions: bool = False) -> str | None:
    """Why the loader refuses ``table`` (None: it does not). The one rule for the main file
    and every journal line, so a journal never folds into a file the loader refuses.
    ``deletions``: a journal line's None marks a deleted document."""
    if name in (SCHEMA_KEY, JOURNAL_KEY):
        return f"{name!r} is not a table"
    if not isinstance(table, dict):
        return f"table {name!r} is not a set of documents"
    for key, doc in table.items():
        # TinyDB's ids are numbers, written as str(int) does: nothing else maps back.
        if not (key.isascii() and key.isdecimal() and (key == "0" or key[0] != "0")):
            return f"table {name!r} has a document id {key!r} that is not a number"
        if not (isinstance(doc, dict) or (deletions and doc is None)):
            return f"table {name!r} is not a set of documents"
    return None


# -- when a commit folds the journal -----------------------------------------------------


def must_compact(state: dict[str, Any], last_backup: Callable[[], float]) -> bool:
    """Whether a commit rewrites the main file rather than appending one journal line, from
    the journal's state (``DurableStorage.journal_state``): when it must fold (``must_fold``)
    or a backup is due (compaction makes it)."""
    return must_fold(state) or backup_names.backup_due(last_backup())


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

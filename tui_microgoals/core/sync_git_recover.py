"""What a killed sync left in its clone, cleared by the next one: stale lock files, a merge
under way, and files a checkout cut short.

Nothing is lost on the way: a lock is removed only when no git works in the clone, a merge is
undone to where it started, and a file is removed only when the incoming version holds all of it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from tui_microgoals.core.errors import SyncError
from tui_microgoals.core.sync_git_run import Git, explain

#: A lock older than this is stale even where running processes cannot be listed (no /proc).
STALE_AFTER = 600.0


def clear_leftovers(git: Git) -> None:
    """Removes the lock files a killed git left and undoes a merge it did not finish."""
    _clear_stale_locks(git)
    if merging(git):
        code, out, err = undo_merge(git)
        if code != 0:
            raise SyncError(explain("undoing an interrupted merge", err or out))


def merging(git: Git) -> bool:
    return (git.git_dir / "MERGE_HEAD").exists()


def undo_merge(git: Git) -> tuple[int, str, str]:
    """Puts the clone back where the merge under way started; git's answer."""
    code, out, err = git.run("merge", "--abort")
    if code == 0:
        return code, out, err
    return git.run("reset", "--quiet", "--merge")


def drop_if_superseded(git: Git, name: str, theirs: str, folder: str) -> bool:
    """Removes a local file in the way of the merge of ``theirs`` when the incoming version
    holds all of it (it starts with it): what a checkout cut short (git killed) leaves. Only
    files under ``folder`` are ever removed."""
    path = git.path / name
    if not name.startswith(f"{folder}/") or ".." in Path(name).parts or path.is_symlink():
        return False
    incoming = git.blob(theirs, name)
    try:
        if incoming is None or not incoming.startswith(path.read_bytes()):
            return False
        path.unlink()
    except OSError:
        return False
    return True


def _clear_stale_locks(git: Git) -> None:
    """Removes the lock files a killed git left, unless a git process still works here."""
    try:
        locks = [*git.git_dir.glob("*.lock"), *(git.git_dir / "refs").rglob("*.lock")]
    except OSError:
        return
    if not locks:
        return
    before = [_identity(lock) for lock in locks]
    running = git_running_in(git.path)
    if running is None:
        running = any(_age(lock) < STALE_AFTER for lock in locks)
    if running:
        raise SyncError(
            f"another git command is working in {git.path} (or left {locks[0].name}); "
            "sync again when it has finished"
        )
    for lock, seen in zip(locks, before, strict=True):
        # A lock made since the scan (a new inode) belongs to a git that just started.
        if seen is not None and _identity(lock) == seen:
            lock.unlink(missing_ok=True)


def git_running_in(path: Path) -> bool | None:
    """Whether a git process works in ``path`` (its current folder is in it); None where
    processes cannot be listed."""
    proc = Path("/proc")
    if not (proc / "self" / "cwd").exists():
        return None
    target = os.path.realpath(path)
    for entry in os.scandir(proc):
        if not entry.name.isdigit():
            continue
        try:
            if not Path(entry.path, "comm").read_text().startswith("git"):
                continue
            cwd = os.readlink(Path(entry.path, "cwd"))
        except OSError:
            continue
        if cwd == target or cwd.startswith(target + os.sep):
            return True
    return False


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_ino, status.st_mtime_ns


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return STALE_AFTER

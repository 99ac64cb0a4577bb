"""``<db>.status``: the small summary written beside the database after each commit, so that
``microgoals status`` and the fast ``add`` (``fastpath.py``) can answer without parsing the
database. What it holds is made by ``store_summary.py``; this module only writes, drops and
reads the file, stamped with the versions of the files it describes.
"""

from __future__ import annotations

import contextlib
import os

from tui_microgoals.core import lightjson
from tui_microgoals.core.errors import StorageError
from tui_microgoals.core.journal import SAFE_OPEN, keep_owner, read_regular, sidecar, stat

TYPE_CHECKING = False
if TYPE_CHECKING:  # (``typing`` costs a few ms to import)
    from typing import Any

#: The layout of ``<db>.status``; a reader that finds another one ignores the file.
SUMMARY_FORMAT = 2


def write_summary(path: str, doc: dict[str, Any]) -> None:
    """Replace ``<db>.status`` with ``doc``. A cache, not a record: no fsync, and when it
    cannot be written it is removed (readers then take the slow path). Never raises.

    The temp file has a name no one can guess and is created, never opened: a link or a
    file planted beside the database is never written through."""
    target = sidecar(path, ".status")
    tmp = f"{os.path.dirname(target)}/.{os.path.basename(target)}.{os.urandom(6).hex()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | SAFE_OPEN, 0o600)
        try:
            if os.geteuid() == 0:
                keep_owner(fd, os.path.dirname(tmp))
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
        doc = lightjson.loads(read_regular(sidecar(path, ".status")))
        if not isinstance(doc, dict) or doc.get("format") != SUMMARY_FORMAT:
            return None
        now = [stat(path), stat(sidecar(path, ".journal"))]
    except (OSError, ValueError, RecursionError, StorageError):  # (RecursionError: deep nesting)
        return None
    stamps = [doc.get("main"), doc.get("journal")]
    return doc if stamps == [list(s) if s else None for s in now] else None

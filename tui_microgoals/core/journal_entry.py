"""One commit's entry in the journal: the documents it changed, by table and key (None for a
deleted one), as one line after the journal's header.

The one definition both writers use: ``DurableStorage`` (with orjson) and the fast ``add``
(``fastpath.py``, with ``lightjson``, which writes the same compact JSON).
"""

from __future__ import annotations

from tui_microgoals.core import journal

TYPE_CHECKING = False
if TYPE_CHECKING:  # (``typing`` and ``collections.abc`` cost a few ms to import)
    from collections.abc import Callable, Mapping
    from typing import Any

    from tui_microgoals.core.journal import Stamp


def append(
    path: str,
    tables: Mapping[str, Mapping[str, Any]],
    *,
    journal_id: str | None,
    new: bool,
    dumps: Callable[[Any], bytes],
) -> tuple[Stamp, int]:
    """Append the entry (a new journal starts with its header): the journal's stamp after,
    and the bytes written. ``StorageError`` if it could not be written."""
    blob = journal.line(dumps({"tables": tables}))
    if new:
        blob = journal.header(journal_id) + blob
    return journal.append(path, blob, new=new), len(blob)

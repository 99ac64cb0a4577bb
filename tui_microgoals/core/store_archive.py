"""Moving old history to the archive (``storage_archive``; what moves: ``archive_rule``)."""

from __future__ import annotations

from typing import Any

from pendulum import Date

from tui_microgoals.core import archive_rule
from tui_microgoals.core.store_base import StoreBase

#: A pass is due this many days after the last one (or, before the first, once the main
#: file holds this many goals, blocks and days).
ARCHIVE_EVERY_DAYS = 7
ARCHIVE_FIRST_AT = 3000


class ArchiveMixin(StoreBase):
    def archive_due(self) -> bool:
        """Whether a pass would be worth its cost now (cheap: no parse)."""
        if not hasattr(self.storage, "archive"):
            return False
        made = self.storage.kept().get("made")  # type: ignore[union-attr]
        if isinstance(made, str):  # (one made under a clock that ran ahead: due now)
            today, last = self.clock.today(), Date.fromisoformat(made)
            return last > today or last <= today.subtract(days=ARCHIVE_EVERY_DAYS)
        tables = self.storage.read() or {}
        size = sum(len(tables.get(name, {})) for name in archive_rule.MOVABLE)
        return size >= ARCHIVE_FIRST_AT

    def archive_old(self) -> dict[str, Any]:
        """Move what today's screen never needs to the archive; what it holds after."""
        archive = getattr(self.storage, "archive", None)
        if archive is None:
            return {"archived": 0, "before": None}
        today = self.clock.today()

        def choose(data: dict[str, dict[str, Any]]) -> archive_rule.Choice:
            kept = {**self.storage.kept(), "made": today.isoformat()}  # type: ignore[union-attr]
            return archive_rule.choose(data, today, kept)

        count = archive(choose)
        self._forget_caches()
        return {"archived": count, "before": self.storage.horizon()}  # type: ignore[union-attr]

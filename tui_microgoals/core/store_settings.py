"""What the meta document keeps besides the id counters: settings, dismissed suggestions,
the morning nudge and the break.
"""

from __future__ import annotations

from typing import Any

from pendulum import Date, DateTime
from tinydb.table import Document

from tui_microgoals.core import settings
from tui_microgoals.core.clock import to_instant, to_iso
from tui_microgoals.core.errors import InputError
from tui_microgoals.core.models import DEFAULT_BLOCK_MINUTES
from tui_microgoals.core.store_base import StoreBase
from tui_microgoals.core.text import quoted

DISMISS_DAYS = 7

DEFAULT_SETTINGS: dict[str, Any] = {
    "block_minutes": DEFAULT_BLOCK_MINUTES,
    "capacity": 120,
    "reward_every": 5,
    "reward": "",
    "theme": "textual-dark",
    #: "off": plans and forecasts use the estimates as typed (see ``core/calibration``).
    "calibration": "on",
}


def dismissal_active(dismissed_on: str | None, date: Date) -> bool:
    if not dismissed_on:
        return False
    try:
        since = Date.fromisoformat(dismissed_on)
    except ValueError:
        return False
    return 0 <= (date - since).days < DISMISS_DAYS


def _setting_words(key: str, value: Any) -> str:
    """A setting's change in words: "set capacity to 90 minutes", "cleared reward"."""
    if key in settings.SWITCHES:
        return f"turned {key} {value}"
    if isinstance(value, str):
        return f"set {key} to {quoted(value)}" if value else f"cleared {key}"
    unit = " minutes" if key in ("capacity", "block_minutes") else ""
    return f"set {key} to {value}{unit}"


class SettingsMixin(StoreBase):
    """Settings and the small per-user state kept beside them."""

    def settings(self) -> dict[str, Any]:
        """Stored settings over the defaults; a hand-edited value of the wrong type (or one
        ``set_setting`` would refuse: see ``settings.check``) reads as the default."""
        stored = self._meta().get("settings")
        found = dict(DEFAULT_SETTINGS)
        for key, value in stored.items() if isinstance(stored, dict) else ():
            default = DEFAULT_SETTINGS.get(key)
            if default is None or type(value) is type(default):
                found[key] = value
        for key in (*settings.RANGES, "theme", *settings.SWITCHES):
            if not settings.readable(key, found[key]):
                found[key] = DEFAULT_SETTINGS[key]
        return found

    def set_setting(self, key: str, value: Any) -> dict[str, Any]:
        """Change one setting; a value out of its range is refused with one line."""
        if key not in DEFAULT_SETTINGS:
            raise InputError(f"unknown setting {key!r}; known: {', '.join(DEFAULT_SETTINGS)}")
        value = settings.check(key, value)
        with self._tx(_setting_words(key, value)):
            meta = self._meta()
            meta["settings"] = {**meta.get("settings", {}), key: value}
            self._meta_t.upsert(Document(meta, doc_id=1))
        return self.settings()

    def dismiss_suggestion(self, goal_id: int, kind: str) -> None:
        """Hide a suggestion for a week; it comes back if the pattern goes on."""
        with self._tx(f"dismissed a suggestion for {self._titled(goal_id)}"):
            meta = self._meta()
            dismissed = dict(meta.get("dismissed", {}))
            dismissed[f"{goal_id}:{kind}"] = self.clock.today().isoformat()
            meta["dismissed"] = dismissed
            self._meta_t.upsert(Document(meta, doc_id=1))

    def claim_morning_nudge(self, date: Date | None = None) -> bool:
        """True only the first time it is asked on a day, so the app offers the suggested plan
        once a day, across restarts and every process sharing the database."""
        day = (date or self.clock.today()).isoformat()
        with self._tx("offered the suggested plan for the day", undoable=False):
            meta = self._meta()
            if meta.get("nudged_on") == day:
                return False
            meta["nudged_on"] = day
            self._meta_t.upsert(Document(meta, doc_id=1))
        return True

    def break_until(self) -> DateTime | None:
        """When the break the user took ends: kept in the file, so a restart keeps it."""
        try:
            return to_instant(self._meta().get("break_until"))
        except (TypeError, ValueError):  # hand-edited: no break rather than no app
            return None

    def set_break_until(self, until: DateTime | None) -> None:
        """Start (``until``) or end (``None``) the break."""
        if self._meta().get("break_until") == to_iso(until):
            return  # no write twice a second while no break runs
        if until is None:  # the break ran out, or the user went back to work
            words, undoable = "ended the break", False
        else:
            words, undoable = f"took a break until {self._clock_time(until)}", True
        with self._tx(words, undoable=undoable):
            meta = self._meta()
            meta["break_until"] = to_iso(until)
            self._meta_t.upsert(Document(meta, doc_id=1))

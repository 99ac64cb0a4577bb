"""Devices on one machine for the sync tests, and the canonical form they must agree on.

A ``Device`` is a database in its own folder with its own ``FixedClock`` (set off from the
shared test time by ``offset``, so one device's clock can be behind the others), synced
through a folder with the real ``Syncer``. ``canonical`` is what two devices that have read
the same changes must hold alike: ``export()`` with every goal and block named by its global
id instead of this device's short number, and the fields that belong to one device left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pendulum
from pendulum import DateTime

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store
from tui_microgoals.core.sync import SETUP, Syncer, SyncReport

START = pendulum.datetime(2026, 11, 23, 9, 0, tz="UTC")  # a Monday; 10:00 in Berlin
ZONE = "Europe/Berlin"
#: Meta fields that belong to one database (not synced): left out of the comparison.
LOCAL_META = ("next_goal", "next_block", "device", "nudged_on", "sync")


@dataclass
class Device:
    name: str
    folder: Path
    offset: float  # seconds this device's clock is ahead of the shared test time (< 0: behind)
    clock: FixedClock
    store: Store
    reports: list[SyncReport] = field(default_factory=list)

    @classmethod
    def make(cls, name: str, root: Path, offset: float = 0.0, at: DateTime = START) -> Device:
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        clock = FixedClock(at.add(seconds=offset), ZONE)
        return cls(name, folder, offset, clock, Store.open(folder / "db.json", clock))

    @property
    def db(self) -> Path:
        return self.folder / "db.json"

    def at(self, instant: DateTime) -> None:
        """Set this device's clock to the shared time ``instant`` (plus its offset)."""
        self.clock.set(instant.add(seconds=self.offset))

    def init(self, sync_folder: Path) -> None:
        Syncer(self.store).init(folder=sync_folder)

    def sync(self) -> SyncReport:
        report = Syncer(self.store).run()
        self.reports.append(report)
        return report

    def reopen(self) -> Store:
        """A fresh Store on the file (as the next process sees it)."""
        self.store = Store.open(self.db, self.clock)
        return self.store

    def superseded(self) -> list[str]:
        return [line for r in self.reports for line in r.superseded]

    def refused(self) -> list[str]:
        return [line for r in self.reports for line in r.refused]


def sync_until_quiet(devices: list[Device], order: list[int] | None = None, rounds: int = 6) -> int:
    """Sync every device in turn (in ``order``) until a whole round moves nothing; returns the
    number of rounds. Fails if it never gets quiet."""
    order = order if order is not None else list(range(len(devices)))
    for n in range(1, rounds + 1):
        reports = [devices[i].sync() for i in order]
        if all(not r.came_in and not r.went_out and not r.settled for r in reports):
            return n
    raise AssertionError(f"still not quiet after {rounds} rounds of syncs")


def gid_maps(store: Store) -> dict[str, dict[int, str]]:
    """This database's short numbers -> global ids, for goals and blocks (with the ids it
    keeps for global ids that have no document here: a deleted goal an old block names)."""
    tables = store.storage.read() or {}
    found: dict[str, dict[int, str]] = {}
    ghosts = ((tables.get("meta", {}).get("1") or {}).get(SETUP) or {}).get("ghosts") or {}
    for kind in ("goals", "blocks"):
        found[kind] = {int(local): gid for gid, local in (ghosts.get(kind) or {}).items()}
        for key, doc in (tables.get(kind) or {}).items():
            found[kind][int(key)] = doc.get("gid") or f"(no gid: {kind} {key})"
    return found


def canonical(store: Store) -> dict[str, Any]:
    """``store.export()`` as every device must see it: see the module docstring."""
    tables = store.export()["tables"]
    maps = gid_maps(store)

    def goal(local: Any) -> Any:
        if local is None:
            return None
        return maps["goals"].get(local, f"(unknown goal {local})")

    def goals_of(value: Any, *, ordered: bool) -> Any:
        if not isinstance(value, list):
            return value
        named = [goal(v) for v in value]
        return named if ordered else sorted(named)

    out: dict[str, Any] = {"goals": {}, "blocks": {}, "days": {}, "meta": {}}
    for key, doc in (tables.get("goals") or {}).items():
        doc = {k: v for k, v in doc.items() if k != "gid"}
        doc["parent"] = goal(doc.get("parent"))
        doc["after"] = goals_of(doc.get("after", []), ordered=False)  # (a set: one field each)
        out["goals"][maps["goals"][int(key)]] = doc
    for key, doc in (tables.get("blocks") or {}).items():
        doc = {k: v for k, v in doc.items() if k != "gid"}
        doc["goal"] = goal(doc.get("goal"))
        out["blocks"][maps["blocks"][int(key)]] = doc
    for key, doc in (tables.get("days") or {}).items():
        doc = dict(doc)
        doc["items"] = goals_of(doc.get("items", []), ordered=True)
        doc["one_thing"] = goal(doc.get("one_thing"))
        doc["habits_done"] = goals_of(doc.get("habits_done", []), ordered=False)
        doc["off"] = goals_of(doc.get("off", []), ordered=False)
        out["days"][key] = doc
    meta = dict((tables.get("meta") or {}).get("1") or {})
    for name in LOCAL_META:
        meta.pop(name, None)
    running = meta.pop("running", None)
    meta["running"] = maps["blocks"].get(running) if running is not None else None
    if meta.get("dismissed") == {}:  # (a sync writes the empty map a new database lacks)
        del meta["dismissed"]
    dismissed = meta.get("dismissed")
    if isinstance(dismissed, dict):
        renamed = {}
        for name, value in dismissed.items():
            local, _, kind = str(name).partition(":")
            renamed[f"{goal(int(local)) if local.isdecimal() else local}:{kind}"] = value
        meta["dismissed"] = renamed
    out["meta"] = meta
    return out


def assert_converged(devices: list[Device]) -> dict[str, Any]:
    """Every device holds the same data (see ``canonical``); returns it."""
    first = canonical(devices[0].store)
    for device in devices[1:]:
        other = canonical(device.store)
        if other != first:
            raise AssertionError(
                f"{devices[0].name} and {device.name} differ:\n" + _diff(first, other)
            )
    running = [gid for gid, b in first["blocks"].items() if b.get("ended_at") is None]
    assert len(running) <= 1, f"more than one running block: {running}"
    assert first["meta"]["running"] == (running[0] if running else None)
    return first


def _diff(a: dict[str, Any], b: dict[str, Any]) -> str:
    lines = []
    for table in sorted(a.keys() | b.keys()):
        ta, tb = a.get(table, {}), b.get(table, {})
        if table == "meta":
            ta, tb = {"1": ta}, {"1": tb}
        for key in sorted(ta.keys() | tb.keys()):
            if ta.get(key) != tb.get(key):
                lines.append(f"  {table}/{key}:\n    {ta.get(key)}\n    {tb.get(key)}")
    return "\n".join(lines[:20])

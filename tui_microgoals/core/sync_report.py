"""What a sync says: where it syncs (``Setup``), what one sync did (``SyncReport``), how
syncing stands (``SyncStatus``), and a superseded value in words."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from tui_microgoals.core.clock import to_instant, to_iso
from tui_microgoals.core.oplog import ABSENT
from tui_microgoals.core.sync_replica import Superseded
from tui_microgoals.core.sync_wire import Ids
from tui_microgoals.core.text import quoted

if TYPE_CHECKING:
    from pendulum import DateTime

    from tui_microgoals.core.store import Store


@dataclass(frozen=True)
class Setup:
    kind: str
    folder: Path
    remote: str | None

    def where(self) -> str:
        return f"git {self.remote}" if self.kind == "git" else f"folder {self.folder}"


@dataclass
class SyncReport:
    came_in: int = 0
    went_out: int = 0
    superseded: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)
    settled: list[str] = field(default_factory=list)
    devices: int = 0
    pushed: bool = False

    def as_json(self) -> dict[str, Any]:
        return {
            "in": self.came_in,
            "out": self.went_out,
            "superseded": self.superseded,
            "settled": self.settled,
            "refused": self.refused,
            "waiting": self.waiting,
            "devices": self.devices,
        }

    def lines(self) -> list[str]:
        out = [
            f"synced: {count(self.came_in, 'change')} came in, {self.went_out} went out"
            f" ({count(self.devices, 'device')})"
        ]
        out += [f"superseded: {line}" for line in self.superseded]
        out += [f"settled: {line}" for line in self.settled]
        out += [f"refused: {line}" for line in self.refused]
        out += [f"waiting: {line}" for line in self.waiting]
        return out


@dataclass(frozen=True)
class SyncStatus:
    setup: Setup | None
    device: str
    last_sync: DateTime | None
    last_error: str | None
    waiting: int
    devices: list[dict[str, Any]]
    #: With git: commits made here that have not reached the remote yet.
    unpushed: int = 0

    def lines(self, today: Any, tz: str) -> list[str]:
        if self.setup is None:
            return ["sync is not set up (see `microgoals sync init --help`)"]
        when = (
            "never"
            if self.last_sync is None
            else self.last_sync.in_timezone(tz).format("ddd D MMM HH:mm")
        )
        out = [f"sync: {self.setup.where()}", f"last sync: {when}"]
        if self.last_error:
            out.append(f"last sync failed: {self.last_error}")
        out.append(f"waiting to go out: {count(self.waiting, 'change')}")
        if self.unpushed:
            out.append(f"not pushed yet: {count(self.unpushed, 'commit')} (the next sync pushes)")
        for device in self.devices:
            this = " (this machine)" if device["this"] else ""
            at = instant(device["last_sync"])
            seen = "never" if at is None else at.in_timezone(tz).format("ddd D MMM HH:mm")
            out.append(f"device {device['device'][:8]} on {device['host']}{this}: synced {seen}")
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "set_up": self.setup is not None,
            "where": self.setup.where() if self.setup else None,
            "device": self.device,
            "last_sync": to_iso(self.last_sync),
            "last_error": self.last_error,
            "waiting": self.waiting,
            "unpushed": self.unpushed,
            "devices": self.devices,
        }


def said(s: Superseded, hosts: Mapping[str, str], ids: Ids, store: Store) -> str:
    """A superseded value in words: "goal 7 'Draft' title: "A" from laptop lost to "B" from
    desktop" (a set's member: "the plan of 2026-11-20: goal 9 'X' taken off on laptop, kept
    on desktop")."""
    where = {"goals": "goal", "blocks": "block", "days": "the plan of", "meta": "the settings"}
    name = s.key if s.table == "days" else ""
    if s.table in ("goals", "blocks"):
        name = _named(s.table, s.key, ids, store)
    lost_on, kept_on = _host(hosts, s.lost_by), _host(hosts, s.kept_by)
    head = f"{where[s.table]} {name}".rstrip()
    if s.field is None:
        return f"{head}: deleted on {lost_on} but edited on {kept_on}, so it was kept"
    field, _, member = s.field.partition("/")
    if member and s.table != "meta" and field != "dismissed":  # a set's member: a goal
        goal = _named("goals", member, ids, store)
        lost = "taken off" if s.lost is ABSENT else "put on"
        kept = "taken off" if s.kept is ABSENT else "put on"
        return f"{head} {field}: goal {goal} {lost} on {lost_on}, {kept} on {kept_on}"
    return (
        f"{head} {s.field}: {short(s.lost)} from {lost_on} lost to {short(s.kept)} from {kept_on}"
    )


def worth_saying(s: Superseded) -> bool:
    """Whether a superseded value is one to list: not a list's order (every member is kept;
    only which device's order wins is decided)."""
    return s.field is None or not s.field.endswith("_order")


def _named(table: str, gid: str, ids: Ids, store: Store) -> str:
    local = ids.ids.get(table, {}).get(gid)
    if local is None:
        return gid[:8]
    if table == "goals":
        with contextlib.suppress(Exception):
            return f"{local} {quoted(store.goal(local).title)}"
    return str(local)


def _host(hosts: Mapping[str, str], device: str) -> str:
    """A device's host name; with its id's start when two devices share one host name."""
    host = hosts.get(device, device[:8])
    twins = sum(1 for h in hosts.values() if h == host)
    return f"{host} ({device[:4]})" if twins > 1 else host


def short(value: Any) -> str:
    if value is ABSENT:
        return "(none)"
    text = orjson.dumps(value).decode()
    return text if len(text) <= 60 else text[:57] + "..."


def instant(value: Any) -> DateTime | None:
    try:
        return to_instant(value)
    except (TypeError, ValueError):
        return None


def count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"

"""What a merge can break that no single change can, made whole the same way on every
device: two blocks running (the one started last runs on; the other ended when it started,
so no focus time is lost), a goal under a parent that is gone, a parent loop, a dependency
cycle. Each device settles alike, so what each writes agrees."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from tinydb.table import Document

from tui_microgoals.core import tree
from tui_microgoals.core.models import Goal
from tui_microgoals.core.sync_local import put_doc
from tui_microgoals.core.sync_replica import Replica
from tui_microgoals.core.sync_wire import GID

if TYPE_CHECKING:
    from tui_microgoals.core.store import Store


class Settler:
    def __init__(self, store: Store) -> None:
        self.store = store

    # -- settling ---------------------------------------------------------------------------

    def settle(self, replica: Replica) -> list[str]:
        """Make the merged data whole again; every device settles the same way."""
        store = self.store
        said: list[str] = []
        with store._tx("settled after sync", undoable=False):
            tables = store._tables()
            said.extend(self._blocks(tables))
            said.extend(self._goals(tables, replica))
        store._forget_caches()
        return said

    def _blocks(self, tables: Mapping[str, Mapping[str, Any]]) -> list[str]:
        store = self.store
        blocks = tables.get("blocks", {})
        running = sorted(
            (
                (str(doc.get("started_at")), str(doc.get(GID)), key)
                for key, doc in blocks.items()
                if isinstance(doc, dict) and doc.get("ended_at") is None
            ),
        )
        said = []
        for started, _, key in running[:-1]:
            kept_start = running[-1][0]
            doc = dict(blocks[key])
            doc["ended_at"] = max(kept_start, started)
            doc["outcome"] = "partial"
            doc["pauses"] = [
                [p[0], p[1] if p[1] is not None else doc["ended_at"]]
                for p in doc.get("pauses") or []
                if isinstance(p, list) and len(p) == 2
            ]
            put_doc(store._blocks_t, int(key), doc)
            said.append(
                f"block {key} was still running when block {running[-1][2]} started on another "
                "device: it ended then"
            )
        meta = store._meta()
        want = int(running[-1][2]) if running else None
        if meta.get("running") != want:
            meta["running"] = want
            store._meta_t.upsert(Document(meta, doc_id=1))
        return said

    def _goals(self, tables: Mapping[str, Mapping[str, Any]], replica: Replica) -> list[str]:
        store = self.store
        raw = tables.get("goals", {})
        said = []

        def stamp(key: str, name: str) -> list[Any]:
            gid = raw[key].get(GID, key)
            stamps = replica.stamps.get(f"goals/{gid}", {})
            return stamps.get(name) or stamps.get("") or [0, 0, ""]

        def put(key: str, **fields: Any) -> None:
            put_doc(store._goals_t, int(key), {**raw[key], **fields})

        # (the archive's goals are there, read in or not: a view may have read some)
        found: dict[str, dict[int, str]] | None
        found = getattr(store.storage, "archived_gids", dict)()
        archived = set(found.get("goals", {})) if found else set()
        for key, doc in sorted(raw.items(), key=lambda kv: int(kv[0])):
            parent = doc.get("parent")
            if parent is not None and str(parent) not in raw and parent not in archived:
                put(key, parent=None)
                said.append(f"goal {key}'s parent is gone: it is a top-level goal now")
        raw = store._tables().get("goals", {})
        for key in sorted(raw, key=int):
            loop = _parent_loop(raw, key)
            if loop:
                newest = max(loop, key=lambda k: (stamp(k, "parent"), raw[k].get(GID, "")))
                put(newest, parent=None)
                raw = store._tables().get("goals", {})
                said.append(
                    f"goal {newest} was moved under itself on two devices: "
                    "it is a top-level goal now"
                )
        goals = {int(k): Goal.from_doc(int(k), d) for k, d in raw.items()}
        for key in sorted(
            raw, key=lambda k: (stamp(k, "after"), raw[k].get(GID, "")), reverse=True
        ):
            goal = goals[int(key)]
            after = [a for a in goal.after if a in goals or a in archived]
            if tree.would_cycle(goals, goal.id, after) or after != goal.after:
                keep = [a for a in after if not tree.would_cycle(goals, goal.id, [a])]
                put(key, after=keep)
                goals[goal.id] = Goal.from_doc(goal.id, {**raw[key], "after": keep})
                if len(keep) != len(after):
                    said.append(
                        f"goal {key} waited in a circle after a sync: that wait was removed"
                    )
        return said


def _parent_loop(raw: Mapping[str, Any], key: str) -> list[str]:
    seen: list[str] = []
    current: str | None = key
    while current is not None and current in raw:
        if current in seen:
            return seen[seen.index(current) :]
        seen.append(current)
        parent = raw[current].get("parent")
        current = str(parent) if parent is not None else None
    return []

"""The sync folder: one folder per device, each written by its device alone.

::

    <sync folder>/microgoals/<device>/log-000000001.jsonl   entries from n = 1, appended
                                     /log-000004312.jsonl   the next part (a new one each ~1 MB)
                                     /base-000004311.jsonl  entries 1..4311 folded (compaction)
                                     /device.json           its host, and what it has read

A device appends its entries (``sync_wire``'s operations, one JSON object a line, numbered
``n`` = 1, 2, 3 …) and never rewrites a line, so git never meets a merge conflict and a sync
tool never makes a conflict copy of them. Such copies are read anyway (Syncthing's
``.sync-conflict-``, Nextcloud's and Dropbox's "conflicted copy"), as more entries.

Reading is incremental (a byte offset per file) and safe against what a sync tool or a
hostile file does: a last line still being copied is left for later; a damaged line is
refused and reported; a part that arrives before the one it follows is held until the gap
fills (entries are taken in ``n`` order, with no gaps). Files are made 0600 and folders 0700:
they hold personal data.
"""

from __future__ import annotations

import contextlib
import os
import re
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from tui_microgoals.core import sync_wire
from tui_microgoals.core.oplog import is_hlc

ROOT = "microgoals"
ACKS = "device.json"
#: A part grows to about this size before the next one starts.
PART_BYTES = 1 << 20
#: Folding starts when a device's own parts hold this much.
FOLD_BYTES = 8 << 20
#: A line longer than this is refused unread (a hostile file).
MAX_LINE = 64 << 20

_DEVICE = re.compile(r"[0-9a-f]{8,64}")
_PART = re.compile(r"(log|base)-(\d{9})(.*)\.jsonl")
_COPY_MARKS = (".sync-conflict-", "conflicted copy", "conflict")


@dataclass
class Reading:
    """What ``Folder.read`` found."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    marks: dict[str, list[Any]] = field(default_factory=dict)
    offsets: dict[str, int] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    waiting: list[str] = field(default_factory=list)


class Folder:
    """The sync folder as this device sees it (``base``: the folder the user chose)."""

    def __init__(self, base: Path, device: str) -> None:
        self.root = base / ROOT
        self.device = device
        self.own = self.root / device

    # -- writing our own -------------------------------------------------------------------

    def prepare(self) -> None:
        for folder in (self.root, self.own):
            folder.mkdir(mode=0o700, exist_ok=True)
            with contextlib.suppress(OSError):
                os.chmod(folder, 0o700)

    def last(self) -> tuple[int, list[int] | None]:
        """The number and clock of our newest entry in the folder (0: none): the last line
        of our newest part (parts are appended in order), or the newest base's."""
        regular = [p for p in _parts(self.own) if not _is_copy(p.name)]
        for path in reversed(regular):
            best: tuple[int, list[int] | None] = (0, None)
            for _, entry, _ in _lines(path, 0):
                if not isinstance(entry, dict):
                    continue
                n = entry.get("base", entry.get("n"))
                if type(n) is int and n > best[0]:
                    best = (n, entry.get("hlc"))
            if best[0]:
                return best
        return (0, None)

    def append(self, entries: list[dict[str, Any]]) -> None:
        """Add our entries (numbered already) to our newest part, or a new one."""
        if not entries:
            return
        self.prepare()
        logs = [p for p in _parts(self.own) if p.name.startswith("log-") and not _is_copy(p.name)]
        path = logs[-1] if logs else None
        if path is None or path.stat().st_size >= PART_BYTES:
            path = self.own / f"log-{entries[0]['n']:09d}.jsonl"
        blob = b"".join(orjson.dumps(e) + b"\n" for e in entries)
        _append(path, blob)

    def write_acks(self, doc: Mapping[str, Any]) -> None:
        self.prepare()
        _replace(self.own / ACKS, orjson.dumps(doc, option=orjson.OPT_INDENT_2))

    # -- reading everyone's ----------------------------------------------------------------

    def devices(self) -> dict[str, dict[str, Any]]:
        """Every device with a folder here, and its ``device.json`` (empty if unreadable)."""
        found: dict[str, dict[str, Any]] = {}
        if not _is_dir(self.root):
            return found
        for entry in sorted(os.scandir(self.root), key=lambda e: e.name):
            if not _DEVICE.fullmatch(entry.name) or not entry.is_dir(follow_symlinks=False):
                continue
            doc: Any = {}
            with contextlib.suppress(OSError, orjson.JSONDecodeError):
                doc = orjson.loads(_read(Path(entry.path) / ACKS, 0, 1 << 20))
            found[entry.name] = doc if isinstance(doc, dict) else {}
        return found

    def read(self, marks: Mapping[str, list[Any]], offsets: Mapping[str, int]) -> Reading:
        """Every device's entries past ``marks`` (``{device: [n, hlc]}``), in ``n`` order."""
        out = Reading(marks={d: list(m) for d, m in marks.items()}, offsets=dict(offsets))
        for device in self.devices():
            self._read_device(device, out)
        return out

    def _read_device(self, device: str, out: Reading) -> None:
        folder = self.root / device
        mark = out.marks.get(device) or [0, None]
        parts = _parts(folder)
        regular = [p for p in parts if not _is_copy(p.name)]
        copies = [p for p in parts if _is_copy(p.name)]
        bases = [p for p in regular if p.name.startswith("base-")]
        if bases:  # (the newest fold; older ones are being replaced)
            base = bases[-1]
            number = _number(base)
            if number > mark[0]:
                taken = [e for e in self._entries(base, device, 0, out) if e.get("n", 0) > mark[0]]
                header = next(iter(_lines(base, 0)), (0, None, None))[1]
                out.entries.extend(sorted(taken, key=lambda e: e["n"]))
                mark = [number, header.get("hlc") if isinstance(header, dict) else None]
        for path in (p for p in regular if p.name.startswith("log-")):
            rel = f"{device}/{path.name}"
            offset = out.offsets.get(rel, 0)
            gap_explained = False
            stalled = False
            for end, entry, why in _lines(path, offset):
                if why is not None:
                    out.refused.append(f"{rel} (at byte {offset}): {why}")
                    gap_explained = True
                elif entry is not None:
                    checked = _check_entry(entry, device)
                    if isinstance(checked, str):
                        out.refused.append(f"{rel} (at byte {offset}): {checked}")
                        gap_explained = True
                    elif checked["n"] <= mark[0]:
                        pass
                    elif checked["n"] == mark[0] + 1 or gap_explained:
                        out.entries.append(checked)
                        mark = [checked["n"], checked["hlc"]]
                        gap_explained = False
                    else:
                        out.waiting.append(
                            f"{rel}: waiting for entries {mark[0] + 1}-{checked['n'] - 1}"
                        )
                        stalled = True
                        break
                offset = end
            out.offsets[rel] = offset
            if stalled:
                break
        for path in copies:  # read whole each time: merging an entry twice changes nothing
            out.entries.extend(self._entries(path, device, 0, out))
        if mark[0]:
            out.marks[device] = mark

    def _entries(self, path: Path, device: str, offset: int, out: Reading) -> list[dict[str, Any]]:
        found = []
        for _, entry, why in _lines(path, offset):
            if why is not None:
                out.refused.append(f"{device}/{path.name}: {why}")
            elif entry is not None and "base" not in entry:
                checked = _check_entry(entry, device)
                if isinstance(checked, str):
                    out.refused.append(f"{device}/{path.name}: {checked}")
                else:
                    found.append(checked)
        return found

    # -- folding our own -------------------------------------------------------------------

    def fold(self, upto: int) -> bool:
        """Fold our parts whose entries are all at or below ``upto`` (read by every device)
        into one base: the newest write of each field kept. Returns whether it folded."""
        regular = [p for p in _parts(self.own) if not _is_copy(p.name)]
        logs = [p for p in regular if p.name.startswith("log-")]
        if sum(p.stat().st_size for p in logs) < FOLD_BYTES:
            return False
        take: list[Path] = []
        for i, path in enumerate(logs):
            following = _number(logs[i + 1]) if i + 1 < len(logs) else None
            if following is None or following - 1 > upto:
                break
            take.append(path)
        if not take:
            return False
        old_bases = [p for p in regular if p.name.startswith("base-")]
        entries: list[dict[str, Any]] = []
        for path in [*old_bases[-1:], *take]:
            entries.extend(e for _, e, why in _lines(path, 0) if why is None and e and "n" in e)
        entries.sort(key=lambda e: e["n"])
        last = entries[-1]
        header = {"base": last["n"], "hlc": last["hlc"], "device": self.device}
        blob = b"".join(orjson.dumps(e) + b"\n" for e in [header, *_folded(entries)])
        _replace(self.own / f"base-{last['n']:09d}.jsonl", blob)
        for path in [*old_bases, *take]:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        return True


def _folded(entries: list[dict[str, Any]]) -> Iterable[dict[str, Any]]:
    """Our entries with every field's write that a later one of ours overwrote left out.
    A document's making and its deletes are kept whole: a device that reads only the base
    must be able to bring a deleted document back, whole, when an edit beats its delete."""
    newest: dict[tuple[str, str, str], int] = {}
    for entry in entries:
        for op in entry["ops"]:
            if "f" in op:
                newest[op["t"], op["k"], op["f"]] = entry["n"]
    for entry in entries:
        n = entry["n"]
        ops = [op for op in entry["ops"] if "f" not in op or newest[op["t"], op["k"], op["f"]] == n]
        if ops:
            yield {**entry, "ops": ops}


def _check_entry(entry: Any, device: str) -> dict[str, Any] | str:
    """The entry if it is well formed and from ``device``; else why not."""
    if not isinstance(entry, dict):
        return "not an entry"
    n, hlc, ops = entry.get("n"), entry.get("hlc"), entry.get("ops")
    if type(n) is not int or n < 1 or not is_hlc(hlc) or not isinstance(ops, list):
        return "an entry without its number, clock or operations"
    if entry.get("device") != device:
        return "an entry of another device in this device's folder"
    seen = entry.get("seen")
    if seen is not None and not isinstance(seen, dict):
        return "an entry with a damaged list of what it had read"
    try:
        for op in ops:
            sync_wire.check_op(op)
    except sync_wire.BadOp as why:
        return f"refused: {why}"
    return entry


# -- files -------------------------------------------------------------------------------


def _number(path: Path) -> int:
    """The first entry number a part's name gives (``log-000000042.jsonl``: 42)."""
    match = _PART.fullmatch(path.name)
    return int(match.group(2)) if match is not None else 0


def _is_dir(path: Path) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _is_copy(name: str) -> bool:
    return any(mark in name for mark in _COPY_MARKS)


def _parts(folder: Path) -> list[Path]:
    """The folder's log and base files, in order (regular files only: no links)."""
    if not _is_dir(folder):
        return []
    found = []
    for entry in os.scandir(folder):
        if entry.name.endswith(".jsonl") and entry.is_file(follow_symlinks=False):
            match = _PART.fullmatch(entry.name)
            if match is not None or _is_copy(entry.name):
                found.append(Path(entry.path))
    return sorted(found, key=lambda p: p.name)


def _read(path: Path, offset: int, limit: int) -> bytes:
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError("not a regular file")
        os.lseek(fd, offset, os.SEEK_SET)
        chunks = []
        while chunk := os.read(fd, 1 << 20):
            chunks.append(chunk)
            if sum(map(len, chunks)) > limit:
                break
        return b"".join(chunks)
    finally:
        os.close(fd)


def _lines(path: Path, offset: int) -> Iterable[tuple[int, Any, str | None]]:
    """``(offset after the line, the object, why refused)`` for each complete line from
    ``offset``; a last line without its newline (still being copied) is left out."""
    try:
        if os.lstat(path).st_size < offset:  # (replaced by a shorter file: read it again)
            offset = 0
        blob = _read(path, offset, 1 << 40)
    except OSError:
        return
    start = 0
    while True:
        end = blob.find(b"\n", start)
        if end < 0:
            return
        line = blob[start:end]
        start = end + 1
        if not line.strip():
            yield offset + start, None, None
            continue
        if len(line) > MAX_LINE:
            yield offset + start, None, "a line too long to be an entry"
            continue
        try:
            yield offset + start, orjson.loads(line), None
        except orjson.JSONDecodeError:
            yield offset + start, None, "a damaged line (not JSON)"


def _append(path: Path, blob: bytes) -> None:
    new = not path.exists()
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        if os.fstat(fd).st_size and not _ends_with_newline(fd):
            blob = b"\n" + blob  # (a torn last line of ours: it stays refused, apart)
        _write_all(fd, blob)
        os.fsync(fd)
    finally:
        os.close(fd)
    if new:
        _sync_dir(path.parent)


def _write_all(fd: int, blob: bytes) -> None:
    view = memoryview(blob)
    while view:
        view = view[os.write(fd, view) :]


def _ends_with_newline(fd: int) -> bool:
    size = os.fstat(fd).st_size
    return os.pread(fd, 1, size - 1) == b"\n"


def _replace(path: Path, blob: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    try:
        _write_all(fd, blob)
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, path)
    _sync_dir(path.parent)


def _sync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

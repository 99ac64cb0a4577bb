"""A fault-injecting layer over the filesystem calls a process makes, for the crash-point
harness (``test_crash_points.py``).

While ``Faults`` is active, every call that can change what is on disk or fail on the way
there is a *point*, counted in order: ``os.open`` / ``open`` (any file opened through
``io.open``: ``Path.read_bytes``, ``os.fdopen``, ``shutil``), each ``write`` to such a file
or ``os.write``, ``fsync`` (a file's or a folder's), ``replace`` / ``rename``, ``link``,
``unlink``, ``mkdir``, ``ftruncate``, ``chmod`` / ``chown``, ``sendfile``, ``flock``.
The storage's code is not changed: the layer replaces those functions on the ``os``,
``io``, ``builtins`` and ``fcntl`` modules themselves, so whatever the code calls them
through (``tempfile``, ``shutil``, ``pathlib``) is covered, and a new call added to the
storage later is a new point without any change here.

At the chosen point it either

* raises ``OSError(errno)`` (one failing call: a full disk, an I/O error, a refused
  permission), after which the calls work again; or
* *crashes*: the process is taken to have died right there. The call does nothing (a write
  may first put a prefix of its bytes on disk, a torn write), and every later call made by
  the dying code (``finally`` blocks, cleanup) raises ``Crash`` without touching the disk;
  bytes still in a Python buffer are lost. ``Crash`` is a ``BaseException`` the storage
  never catches, as nothing catches a SIGKILL. Data already handed to the kernel stays, as
  it does when a process dies (not when the power goes).
"""

from __future__ import annotations

import builtins
import errno as errnos
import fcntl
import io
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

#: ``os`` functions that are points (those a platform lacks are skipped).
OS_POINTS = (
    "open",
    "write",
    "fsync",
    "fdatasync",
    "replace",
    "rename",
    "link",
    "symlink",
    "unlink",
    "remove",
    "rmdir",
    "mkdir",
    "ftruncate",
    "truncate",
    "chmod",
    "fchmod",
    "chown",
    "fchown",
    "lchown",
    "sendfile",
    "copy_file_range",
    "posix_fallocate",
)


class Crash(BaseException):
    """The process died at this point (nothing catches it, as nothing catches SIGKILL)."""


@dataclass
class Fault:
    """What happens at point ``at`` (1-based): ``kind`` is ``"crash"``, ``"torn"`` (a crash
    in a write after half of its bytes reached the file) or an errno name (``"ENOSPC"``)."""

    at: int
    kind: str

    @property
    def errno(self) -> int | None:
        return getattr(errnos, self.kind) if self.kind.startswith("E") else None


@dataclass
class Faults:
    fault: Fault | None = None
    #: Every point seen, in order: ``(call, detail)``.
    points: list[tuple[str, str]] = field(default_factory=list)
    dead: bool = False
    hit: bool = False

    # -- the decision at each point ------------------------------------------------------

    def point(self, call: str, detail: str = "", *, torn: Callable[[], None] | None = None) -> None:
        """Called before each point's real work: raise, or return to let it happen."""
        if self.dead:
            raise Crash(f"after death: {call}")
        self.points.append((call, detail))
        fault = self.fault
        if fault is None or len(self.points) != fault.at:
            return
        self.hit = True
        if fault.errno is not None:
            raise OSError(fault.errno, os.strerror(fault.errno), detail or None)
        if fault.kind == "torn" and torn is not None:
            torn()
        self.dead = True
        raise Crash(f"crash at point {fault.at}: {call} {detail}")

    # -- installing the layer -----------------------------------------------------------

    @contextmanager
    def active(self) -> Iterator[Faults]:
        saved: list[tuple[Any, str, Any]] = []

        def patch(module: Any, name: str, wrapper: Any) -> None:
            saved.append((module, name, getattr(module, name)))
            setattr(module, name, wrapper)

        for name in OS_POINTS:
            if hasattr(os, name):
                patch(os, name, self._wrap_os(name, getattr(os, name)))
        real_open = io.open
        patch(io, "open", self._wrap_open(real_open))
        patch(builtins, "open", io.open)
        patch(fcntl, "flock", self._wrap_os("flock", fcntl.flock))
        try:
            yield self
        finally:
            for module, name, original in reversed(saved):
                setattr(module, name, original)

    def _wrap_os(self, name: str, real: Callable[..., Any]) -> Callable[..., Any]:
        faults = self

        def call(*args: Any, **kwargs: Any) -> Any:
            detail = _describe(args)
            if name == "write":
                fd, data = args[0], args[1]

                def torn() -> None:
                    real(fd, bytes(data)[: len(data) // 2])

                faults.point(name, detail, torn=torn)
            else:
                faults.point(name, detail)
            return real(*args, **kwargs)

        return call

    def _wrap_open(self, real_open: Callable[..., Any]) -> Callable[..., Any]:
        faults = self

        def open_(file: Any, mode: str = "r", buffering: int = -1, *args: Any, **kwargs: Any):
            faults.point("open", f"{_describe((file,))} {mode}")
            writes = any(flag in mode for flag in "wax+")
            if not writes:
                return real_open(file, mode, buffering, *args, **kwargs)
            if "b" in mode:
                # Unbuffered, so that what a crash finds on disk is what was written.
                return _File(faults, real_open(file, mode, 0, *args, **kwargs), binary=True)
            return _File(faults, real_open(file, mode, buffering, *args, **kwargs), binary=False)

        return open_


class _File:
    """A file opened for writing: each ``write`` and ``flush`` is a point."""

    def __init__(self, faults: Faults, handle: Any, *, binary: bool) -> None:
        self._faults = faults
        self._handle = handle
        self._binary = binary
        self._name = _describe((getattr(handle, "name", "?"),))

    def write(self, data: Any) -> int:
        handle = self._handle

        def torn() -> None:
            handle.write(data[: len(data) // 2])
            if not self._binary:
                handle.flush()

        self._faults.point("write", self._name, torn=torn)
        if not self._binary:
            return int(handle.write(data))
        view = memoryview(data).cast("B")
        done = 0
        while done < len(view):  # a raw file may write less than asked
            done += handle.write(view[done:])
        return done

    def flush(self) -> None:
        if self._binary:
            return  # unbuffered: nothing to flush
        self._faults.point("flush", self._name)
        self._handle.flush()

    def close(self) -> None:
        if self._faults.dead and not self._binary:
            self._handle.buffer.raw.close()  # what was still buffered dies with the process
            return
        self._handle.close()

    def __enter__(self) -> _File:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._handle, name)


def _describe(args: tuple[Any, ...]) -> str:
    """The call's first argument as a short name (a path's last part, or an fd)."""
    if not args:
        return ""
    first = args[0]
    if isinstance(first, int):
        return f"fd{first}"
    return (
        os.path.basename(os.fsdecode(first)) if isinstance(first, str | bytes | os.PathLike) else ""
    )

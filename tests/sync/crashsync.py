"""``python crashsync.py ARGS``: the real ``microgoals ARGS`` in a process that dies as under
``kill -9`` (``os._exit(137)``: no cleanup, nothing flushed) just before its Nth call to
``os.write``, ``os.fsync`` or ``os.replace`` (``CRASH_AT``; 0: never). With ``CRASH_COUNT``
set, the number of such calls made is written to that file at exit (a dry run)."""

from __future__ import annotations

import atexit
import os
import sys


def main() -> None:
    at = int(os.environ.get("CRASH_AT", "0"))
    seen = 0

    def wrap(real):
        def call(*args, **kwargs):
            nonlocal seen
            seen += 1
            if seen == at:
                os._exit(137)
            return real(*args, **kwargs)

        return call

    for name in ("write", "fsync", "replace"):
        setattr(os, name, wrap(getattr(os, name)))
    count_file = os.environ.get("CRASH_COUNT")
    if count_file:
        atexit.register(lambda: open(count_file, "w").write(str(seen)))  # noqa: SIM115

    from tui_microgoals.entry import main as entry

    raise SystemExit(entry(sys.argv[1:]))


if __name__ == "__main__":
    main()

"""The console script and ``python -m tui_microgoals``: the fast path first (``fastcli``:
``status`` and a plain ``add`` without argparse, TinyDB, pendulum or orjson), and only when
it cannot answer the full command line (``cli``), which imports what it needs at its top.
With no arguments at all, the app itself, without ``cli`` (its parser and the modules of
every command: ~60 ms before the first frame).
"""

from __future__ import annotations

import sys

from tui_microgoals.fastcli import guarded, run

TYPE_CHECKING = False
if TYPE_CHECKING:  # (``collections.abc`` costs a few ms to import)
    from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    if not (sys.argv[1:] if argv is None else argv):
        return guarded(_app)
    code = run(argv)
    return guarded(lambda: _full(argv)) if code is None else code


def _full(argv: Sequence[str] | None) -> int:
    import_native_modules()
    from tui_microgoals import cli

    return cli.main(argv)


def _app() -> int:
    """``microgoals`` alone: what ``cli.main`` does with no arguments (``cli.run_app``)."""
    import gc

    # The start runs without the cyclic collector, its imports too (``MicroGoalsApp``
    # enables it after the first frame): its passes cost ~90 ms and found nothing.
    gc.disable()
    from tui_microgoals.fastcli import ignore_file_size_signal, resolve_db

    ignore_file_size_signal()
    import_native_modules()
    from tui_microgoals.core.store import Store

    store = Store.open(resolve_db(None))
    store.goals()  # a damaged or newer file is reported before the screen opens
    from tui_microgoals.app import MicroGoalsApp

    MicroGoalsApp(store).run()
    return 0


def import_native_modules() -> None:
    """Import the compiled dependencies with Ctrl-C held back until they are loaded, before
    ``cli``'s own imports need them.

    A KeyboardInterrupt raised inside orjson's module init (it imports Python modules as it
    starts) crashes the interpreter with SIGSEGV. Held back, the interrupt arrives right
    after the import as an ordinary KeyboardInterrupt, which ``guarded`` makes exit code 130.
    """
    import signal

    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        import orjson  # noqa: F401
        import pendulum  # noqa: F401
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)

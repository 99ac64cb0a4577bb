"""``python -m tui_microgoals``: the fast path first, so ``status`` and a plain ``add`` never
import the full command line (see ``fastcli``)."""

from tui_microgoals.fastcli import run

code = run()
if code is None:
    from tui_microgoals.cli import main_full

    code = main_full()
raise SystemExit(code)

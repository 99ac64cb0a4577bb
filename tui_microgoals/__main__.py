"""``python -m tui_microgoals``: the same entry as the console script (``entry.main``)."""

from tui_microgoals.entry import main

raise SystemExit(main())

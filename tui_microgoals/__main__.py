from tui_microgoals.cli import main

raise SystemExit(main())

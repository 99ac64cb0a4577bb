"""The app on a database whose habits were kept up for more than a year, archived: Today's
streak and the review's habit streaks are those of the same database never archived, and
neither reads the archive (issue 16: tests/habit_years.py)."""

from __future__ import annotations

from pathlib import Path

from habit_years import NOW, write
from ui_helpers import SIZE, make_app, shown

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.store import Store
from tui_microgoals.screens.review import ReviewScreen


async def seen(path: Path) -> tuple[str, str]:
    """Today's status line and the review's habit lines, as shown."""
    clock = FixedClock(NOW, "UTC")
    app = make_app(Store.open(path, clock), clock)
    async with app.run_test(size=SIZE) as pilot:
        text = await shown(pilot, lambda text: "streak" in text)
        status = next(line for line in text.splitlines() if "streak" in line)
        app.push_screen(ReviewScreen(app.session, NOW.date()))
        text = await shown(pilot, lambda text: "in a row" in text)
        habits = "\n".join(line for line in text.splitlines() if "in a row" in line)
        if path.parent.name == "archived":
            assert app.session.store.storage.history_unread()
    return status, habits


async def test_today_and_the_review_show_the_streaks_as_if_never_archived(
    tmp_path: Path,
) -> None:
    archived = write(tmp_path / "archived" / "db.json")
    plain = write(tmp_path / "plain" / "db.json")
    Store.open(archived, FixedClock(NOW, "UTC")).archive_old()
    status, habits = await seen(archived)
    assert "streak 401 days" in status
    assert "401 due days in a row" in habits  # the daily one
    assert (status, habits) == await seen(plain)

"""Today's review names the deadlines that are not on track, with the forecast's reason."""

from __future__ import annotations

from ui_helpers import SIZE, make_app, screen_text

from tui_microgoals.screens.review import ReviewScreen


async def test_todays_review_lists_deadlines_at_risk_and_overdue(store, clock):
    launch = store.add_goal("Launch [b]the bun[/b]", due=clock.today().add(days=1))
    for n in range(12):  # four hours of work due tomorrow: at risk at the usual 120 min
        store.add_goal(f"step {n}", parent=launch.id, minutes=20)
    store.add_goal("Order boxes", minutes=10, due=clock.today().subtract(days=2))
    easy = store.add_goal("Easy", minutes=10, due=clock.today().add(days=9))
    store.plan([easy.id])  # something planned: no morning nudge in the way
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        text = screen_text(app)
        assert "⚑ Launch [b]the bun[/b]  ▲ at risk" in text
        assert "needs 2 more days of your usual 120 min; 2 left" in text
        assert "⚑ Order boxes  ✗ overdue" in text
        assert "⚑ Easy" not in text  # on track: not listed
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert "⚑" not in screen_text(app)  # the forecast is about now: only today's review

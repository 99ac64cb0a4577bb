"""Issue 12: `s` starts a block as long as the highlighted micro-goal's estimate (5-90
minutes), and the Focus pane says so before the key is pressed."""

from __future__ import annotations

from ui_helpers import SIZE, make_app, screen_text, small_plan


async def test_s_starts_a_block_of_the_estimate_and_the_pane_says_so(store, clock):
    plan = small_plan(store)  # the first item is a 15-minute step; the setting is 20
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "start 15 min on: Write the intro" in screen_text(app)
        await pilot.press("s")
        await pilot.pause()
        block = store.running_block()
        assert block is not None and block.goal == plan.first
        assert block.planned_seconds == 15 * 60

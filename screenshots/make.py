"""Regenerate the SVG screenshots from the real app on the demo data.

Run from the repository root:  python screenshots/make.py
The clock is frozen, so the pictures only change when the app does.
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from tui_microgoals.app import MicroGoalsApp

HERE = Path(__file__).resolve().parent
# The same scenes the snapshot tests pin: the demo data at a frozen moment.
sys.path.insert(0, str(HERE.parent / "tests" / "ui"))
from test_snapshots import SIZE, demo_app  # noqa: E402


async def shoot(name: str, app: MicroGoalsApp, keys: tuple[str, ...] = ()) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
        await pilot.pause(0.3)
        await pilot.wait_for_scheduled_animations()
        app.save_screenshot(filename=f"{name}.svg", path=str(HERE))
    print(f"wrote screenshots/{name}.svg")


async def main() -> None:
    await shoot("main", demo_app())
    await shoot("running-block", demo_app(block_minutes_ago=7.5))
    await shoot("focus-mode", demo_app(block_minutes_ago=7.5), ("f",))
    await shoot("end-of-block", demo_app(block_minutes_ago=21))
    await shoot("help", demo_app(), ("question_mark",))
    await shoot("review", demo_app(), ("r",))
    await shoot("review-week", demo_app(), ("r", "w"))
    await shoot("plan", demo_app(), ("P",))


if __name__ == "__main__":
    asyncio.run(main())

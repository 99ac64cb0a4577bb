"""Add and edit through the dialogs; bad input is refused inline, the dialog stays open."""

from __future__ import annotations

from textual.widgets import Input, Static
from ui_helpers import SIZE, make_app, screen_text, small_plan, tick, type_fast

from tui_microgoals.core.store import Store
from tui_microgoals.screens.block_commands import BREAK_AFTER_SECONDS
from tui_microgoals.screens.block_end import BlockEndScreen
from tui_microgoals.screens.break_offer import BreakOfferScreen
from tui_microgoals.screens.confirm import ConfirmScreen
from tui_microgoals.screens.goal_form import GoalFormScreen
from tui_microgoals.screens.main import MainScreen
from tui_microgoals.widgets.goal_tree import GoalTree
from tui_microgoals.widgets.today_list import TodayList


def form_error(app) -> str:
    return str(app.screen.query_one("#form-error", Static).render())


def main_state(main: MainScreen) -> tuple[object, ...]:
    """What a key reaching the main screen would change: focus, highlights, filter."""
    return (
        main.focused.id if main.focused else None,
        main.query_one(TodayList).highlighted_goal(),
        main.query_one(GoalTree).cursor_node.data if main.query_one(GoalTree).cursor_node else None,
        main.filter_text,
        main.show_done,
    )


async def type_into(pilot, field: str, text: str) -> None:
    """Replace a field's text as a paste would (typing key by key is tested once, below)."""
    box = pilot.app.screen.query_one(f"#field-{field}", Input)
    box.focus()
    box.value = text
    await pilot.pause()


async def test_add_in_today_refuses_bad_input_then_adds_to_today(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, GoalFormScreen)
        await pilot.press("ctrl+s")  # empty title
        assert isinstance(app.screen, GoalFormScreen)
        assert "title is empty" in form_error(app)
        await type_into(pilot, "title", "Draft the first issue")
        await type_into(pilot, "minutes", "ten")
        assert "whole number" in form_error(app)
        assert app.screen.query_one("#field-minutes", Input).has_class("-invalid")
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, GoalFormScreen)
        await type_into(pilot, "minutes", "15")
        await type_into(pilot, "due", "2026-13-45")
        assert "bad date" in form_error(app)
        await pilot.press("enter")
        assert isinstance(app.screen, GoalFormScreen)
        await type_into(pilot, "due", "tomorrow")
        await type_into(pilot, "every", "sometimes")
        assert "bad recurrence" in form_error(app)
        await type_into(pilot, "every", "")
        await type_into(pilot, "after", "999")  # the store refuses: unknown id
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, GoalFormScreen)
        assert form_error(app) == "After: no goal #999"
        await type_into(pilot, "after", str(plan.second))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    added = [g for g in store.goals().values() if g.title == "Draft the first issue"]
    assert len(added) == 1
    goal = added[0]
    assert goal.parent == plan.launch  # the parent of the highlighted Today item
    assert goal.minutes == 15 and goal.due == clock.today().add(days=1)
    assert goal.after == [plan.second]
    assert goal.id in [i.goal.id for i in store.today()]


async def test_add_in_goals_puts_it_under_the_highlighted_goal(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab")
        assert isinstance(app.screen.focused, GoalTree)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*"Sub step", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        goal = next(g for g in store.goals().values() if g.title == "Sub step")
        assert app.screen.query_one(GoalTree).goal_id == goal.id  # the new goal is highlighted
    assert goal.parent == plan.launch
    assert goal.id not in [i.goal.id for i in store.today()]


async def test_edit_changes_fields_and_refuses_a_cycle(store, clock):
    plan = small_plan(store)
    store.edit_goal(plan.second, after=[plan.first])
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("e")  # the first Today item: "Write the intro"
        await pilot.pause()
        assert isinstance(app.screen, GoalFormScreen)
        assert app.screen.query_one("#field-title", Input).value == "Write the intro"
        await type_into(pilot, "title", "   ")
        await pilot.press("enter")
        assert "title is empty" in form_error(app)
        await type_into(pilot, "title", "Write the intro again")
        await type_into(pilot, "after", str(plan.second))  # second waits for first: a cycle
        await pilot.press("enter")
        await pilot.pause()
        assert "cycle" in form_error(app)
        await type_into(pilot, "after", "")
        await type_into(pilot, "minutes", "12")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    goal = store.goal(plan.first)
    assert goal.title == "Write the intro again" and goal.minutes == 12 and goal.after == []


async def test_escape_cancels_without_saving(store, clock):
    small_plan(store)
    before = dict(store.goals())
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a", *"Never mind", "escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    assert store.goals().keys() == before.keys()


async def test_drop_asks_and_says_what_happens_to_children(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        text = screen_text(app)
        assert "3 sub-goal(s)" in text
        await pilot.press("escape")
        await pilot.pause()
        assert store.goal(plan.launch).status == "open"
        await pilot.press("d")
        await pilot.pause()
        await pilot.click("#choice-drop")
        await pilot.pause()
    assert {store.goal(i).status for i in (plan.launch, plan.first, plan.later)} == {"dropped"}


async def test_delete_removes_the_goal(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "down", "down", "down", "d")  # "Design the logo"
        await pilot.pause()
        await pilot.click("#choice-delete")
        await pilot.pause()
    assert plan.later not in store.goals()


async def test_a_sentence_typed_into_the_end_of_block_dialog_is_its_reflection(store, clock):
    """Trap 1: d, n, +, space, o, s, a typed fast were commands, here and on the main screen."""
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        clock.advance(minutes=20)
        await tick(pilot)
        assert isinstance(app.screen, BlockEndScreen)
        main = app.screen_stack[-2]
        state, before = main_state(main), store.export()
        text = "done and more + notes"
        type_fast(app, list(text))  # right after it opens, at a typist's pace
        await pilot.pause()
        assert isinstance(app.screen, BlockEndScreen)
        assert app.screen.query_one("#reflection", Input).value == text
        assert store.export() == before  # nothing done, no One Thing, no block started
        assert main_state(main) == state
        await pilot.press("enter")  # enter: done, with the sentence as the reflection
        await pilot.pause()
    block = store.blocks_on(clock.today())[-1]
    assert (block.outcome, block.reflection) == ("done", text)
    assert store.goal(plan.first).status == "done"
    assert store.goal(plan.second).status == "open"
    assert store.running_block() is None


async def test_keys_typed_after_a_dialog_answered_never_reach_the_screen_below(store, clock):
    """y answers the confirmation; "es, so be it" was typed into it too, and is dropped
    (s would start a block, space mark a goal done, o move the One Thing, e open a form)."""
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "down", "down", "down", "d")  # "Design the logo"
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        main = app.screen_stack[-2]
        state = main_state(main)
        type_fast(app, list("yes, so be it"))
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert main_state(main) == state
        await pilot.press("k")  # a key typed after the dialog closed acts as usual
        assert main_state(main) != state
    assert store.goal(plan.later).status == "dropped"
    assert {store.goal(i).status for i in (plan.launch, plan.first, plan.second)} == {"open"}
    assert store.running_block() is None
    assert store.day(clock.today()).one_thing is None


async def test_form_errors_name_the_form_fields_never_a_command_line_flag(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("a")
        await pilot.pause()
        await type_into(pilot, "title", "Something")
        await type_into(pilot, "after", f"{plan.first}, 998, 999")
        assert form_error(app) == "After: no goal #998, #999"  # said as it is typed
        await type_into(pilot, "after", "soon")
        assert form_error(app) == "After: use goal ids (the #n in Goals), e.g. 3, 5"
        await type_into(pilot, "after", "")
        await type_into(pilot, "parent", "999")
        assert form_error(app) == "Parent: no goal #999"
        await type_into(pilot, "parent", "")
        await type_into(pilot, "every", "sometimes")
        assert form_error(app).startswith("Repeats: bad recurrence")
        await type_into(pilot, "every", "")
        await type_into(pilot, "due", "someday")
        assert form_error(app).startswith("Due: ")
        await type_into(pilot, "due", "")
        await type_into(pilot, "minutes", "ten")
        assert form_error(app) == "the estimate must be a whole number of minutes"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)


async def test_no_break_is_offered_after_a_few_seconds_of_focus(store, clock):
    plan = small_plan(store)
    app = make_app(store, clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        clock.advance(seconds=BREAK_AFTER_SECONDS - 1)
        await pilot.press("x")  # finished as done, but hardly any focus
        await pilot.pause()
        await pilot.pause()
        assert store.goal(plan.first).status == "done"
        assert isinstance(app.screen, MainScreen)
        await pilot.press("s")  # the highlight moved on to the next item
        clock.advance(seconds=BREAK_AFTER_SECONDS)
        await pilot.press("x")  # real focus: now it is offered
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, BreakOfferScreen)
        assert "That was block 1 today" in screen_text(app)  # the short one does not count


async def test_a_break_in_progress_survives_a_restart(tmp_path, clock):
    path = tmp_path / "db.json"
    small_plan(Store.open(path, clock))
    app = make_app(Store.open(path, clock), clock)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        clock.advance(minutes=20)
        await tick(pilot)
        await pilot.press("enter")  # done
        await pilot.pause()
        assert isinstance(app.screen, BreakOfferScreen)
        await pilot.press("b")
        await pilot.pause()
        assert "Break" in screen_text(app)
    ends = clock.now().add(minutes=5)
    assert Store.open(path, clock).break_until() == ends
    clock.advance(minutes=2)
    app = make_app(Store.open(path, clock), clock)
    notes: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        app.notify = lambda message, **kw: notes.append(str(message))  # type: ignore[method-assign]
        await tick(pilot)
        assert app.session.break_until == ends
        assert "Break" in screen_text(app)  # still on the break, three minutes left
        clock.advance(minutes=3)
        await tick(pilot)
        assert any("Break over" in n for n in notes)
    assert Store.open(path, clock).break_until() is None

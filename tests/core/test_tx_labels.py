"""Every write says what it did, in words, for undo ("undid: marked 'X' done").

Each public mutator runs on a small store while ``_tx`` is wrapped to record the outermost
transaction's ``what`` and ``undoable`` as it commits. A mutator without its words fails here,
and so does a new mutator that opens a transaction but has no case below.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pytest

from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import Conflict
from tui_microgoals.core.store import Store
from tui_microgoals.core.store_base import StoreBase

Labels = list[tuple[str | None, bool]]


@pytest.fixture
def labels(monkeypatch: pytest.MonkeyPatch) -> Labels:
    """The (what, undoable) of each outermost transaction that committed, in order."""
    seen: Labels = []
    original = StoreBase._tx

    @contextmanager
    def recording(self: StoreBase, what: str, *, undoable: bool = True) -> Iterator[None]:
        with original(self, what, undoable=undoable):
            yield
            if len(self._labels) == 1:  # the outermost one, about to commit
                seen.append((self.what, self.undoable))

    monkeypatch.setattr(StoreBase, "_tx", recording)
    return seen


@dataclass
class Ids:
    report: int  # 'Write the report', with steps 'Outline' and 'Draft'
    outline: int
    draft: int
    bake: int  # 'Bake test batch #2', a micro-goal on its own


def small_store(clock: FixedClock) -> tuple[Store, Ids]:
    store = Store.memory(clock)
    report = store.add_goal("Write the report").id
    outline = store.add_goal("Outline", parent=report).id
    draft = store.add_goal("Draft", parent=report).id
    bake = store.add_goal("Bake test batch #2").id
    return store, Ids(report, outline, draft, bake)


def _import(store: Store, ids: Ids) -> None:
    fresh = Store.memory(store.clock)
    fresh.import_(store.export())


def _reflect(store: Store, ids: Ids) -> None:
    store.start_block(ids.bake)
    block = store.stop_block("partial")
    store.set_reflection(block.id, "the oven runs hot")


def _accept(store: Store, ids: Ids) -> None:
    plan = store.suggest_plan()
    store.accept_plan(plan, [i.goal.id for i in plan.items])


def _after_block(action: Callable[[Store], object]) -> Callable[[Store, Ids], None]:
    def run(store: Store, ids: Ids) -> None:
        store.start_block(ids.bake)
        action(store)

    return run


BAKE = "'Bake test batch #2'"
ON_BAKE = f"the block on {BAKE}"

# (mutator, what the case does, expected words, undoable)
CASES: list[tuple[str, Callable[[Store, Ids], object], str, bool]] = [
    ("add_goal", lambda s, i: s.add_goal("New one"), "added 'New one'", True),
    ("add_goal", lambda s, i: s.add_goal("x" * 60), "added '" + "x" * 39 + "…'", True),
    ("add_goal", lambda s, i: s.add_goal("Step", parent=i.bake, today=True), "added 'Step'", True),
    (
        "add_steps",
        lambda s, i: s.add_steps(i.bake, [("Mix", 10), ("Bake", 20), ("Cool", None)]),
        f"added 3 steps under {BAKE}",
        True,
    ),
    (
        "add_steps",
        lambda s, i: s.add_steps(i.bake, [("Mix", 10)]),
        f"added 1 step under {BAKE}",
        True,
    ),
    (
        "edit_goal",
        lambda s, i: s.edit_goal(i.bake, title="Bake batch 3", minutes=15),
        f"edited {BAKE} (title, estimate)",
        True,
    ),
    (
        "edit_goal",
        lambda s, i: s.edit_goal(i.bake, title="Bake test batch #2", notes="hot oven"),
        f"edited {BAKE} (notes)",
        True,
    ),
    (
        "edit_goal",
        lambda s, i: s.edit_goal(i.bake, parent=i.report),
        f"moved {BAKE} under 'Write the report'",
        True,
    ),
    (
        "edit_goal",
        lambda s, i: s.edit_goal(i.outline, parent=None),
        "moved 'Outline' to the top level",
        True,
    ),
    ("depend", lambda s, i: s.depend(i.bake, i.outline), f"made {BAKE} wait for 'Outline'", True),
    (
        "undepend",
        lambda s, i: (s.depend(i.bake, i.outline), s.undepend(i.bake, i.outline)),
        f"made {BAKE} no longer wait for 'Outline'",
        True,
    ),
    ("move", lambda s, i: s.move(i.draft, -1), "moved 'Draft' up", True),
    ("move", lambda s, i: s.move(i.outline, 1), "moved 'Outline' down", True),
    ("mark_done", lambda s, i: s.mark_done(i.bake), f"marked {BAKE} done", True),
    (
        "mark_done",
        _after_block(lambda s: s.mark_done(s.running_block().goal)),
        f"marked {BAKE} done",
        True,
    ),  # type: ignore[union-attr]
    ("reopen", lambda s, i: (s.mark_done(i.bake), s.reopen(i.bake)), f"reopened {BAKE}", True),
    ("drop", lambda s, i: s.drop(i.report), "dropped 'Write the report' (and 2 steps)", True),
    ("drop", lambda s, i: s.drop(i.bake), f"dropped {BAKE}", True),
    ("delete", lambda s, i: s.delete(i.report), "deleted 'Write the report' (and 2 steps)", True),
    ("delete", lambda s, i: s.delete(i.outline), "deleted 'Outline'", True),
    ("plan", lambda s, i: s.plan([i.bake]), f"planned {BAKE} for today", True),
    (
        "plan",
        lambda s, i: s.plan([i.bake], s.clock.today().add(days=1)),
        f"planned {BAKE} for Mon 23 Nov",
        True,
    ),
    ("plan", lambda s, i: s.plan([i.bake, i.outline]), "planned 2 goals for today", True),
    ("unplan", lambda s, i: (s.plan([i.bake]), s.unplan(i.bake)), f"unplanned {BAKE}", True),
    (
        "set_one_thing",
        lambda s, i: s.set_one_thing(i.bake),
        f"made {BAKE} the One Thing",
        True,
    ),
    ("set_one_thing", lambda s, i: s.set_one_thing(i.report), "made 'Outline' the One Thing", True),
    (
        "set_one_thing",
        lambda s, i: (s.set_one_thing(i.bake), s.set_one_thing(None)),
        "cleared the One Thing",
        True,
    ),
    (
        "reorder_day",
        lambda s, i: (s.plan([i.bake, i.outline]), s.reorder_day(i.outline, -1)),
        "moved 'Outline' up the list for today",
        True,
    ),
    (
        "set_day_note",
        lambda s, i: s.set_day_note("slow start"),
        "wrote the day note for today",
        True,
    ),
    (
        "set_day_note",
        lambda s, i: s.set_day_note("dentist", s.clock.today().add(days=1)),
        "wrote the day note for Mon 23 Nov",
        True,
    ),
    ("set_day_note", lambda s, i: s.set_day_note(""), "cleared the day note for today", True),
    (
        "set_week_note",
        lambda s, i: s.set_week_note("less slack"),
        "wrote the week note for the week ending today",
        True,
    ),
    (
        "set_week_note",
        lambda s, i: s.set_week_note("", s.clock.today().subtract(days=1)),
        "cleared the week note for the week ending Sat 21 Nov",
        True,
    ),
    ("suggest_plan", lambda s, i: s.suggest_plan(), "worked out the suggested plan", False),
    (
        "suggest_plan",
        lambda s, i: s.suggest_plan(accept=True),
        "accepted the suggested plan (3 items)",
        True,
    ),
    ("accept_plan", _accept, "accepted the suggested plan (3 items)", True),
    ("set_setting", lambda s, i: s.set_setting("capacity", 90), "set capacity to 90 minutes", True),
    (
        "set_setting",
        lambda s, i: s.set_setting("block_minutes", 20),
        "set block_minutes to 20 minutes",
        True,
    ),
    ("set_setting", lambda s, i: s.set_setting("reward_every", 3), "set reward_every to 3", True),
    ("set_setting", lambda s, i: s.set_setting("theme", "nord"), "set theme to 'nord'", True),
    ("set_setting", lambda s, i: s.set_setting("reward", ""), "cleared reward", True),
    (
        "dismiss_suggestion",
        lambda s, i: s.dismiss_suggestion(i.bake, "stuck"),
        f"dismissed a suggestion for {BAKE}",
        True,
    ),
    (
        "claim_morning_nudge",
        lambda s, i: s.claim_morning_nudge(),
        "offered the suggested plan for the day",
        False,
    ),
    (
        "set_break_until",
        lambda s, i: s.set_break_until(s.clock.now().add(minutes=30)),
        "took a break until 10:30",  # 09:30 UTC in Berlin
        True,
    ),
    (
        "set_break_until",
        lambda s, i: (s.set_break_until(s.clock.now().add(minutes=30)), s.set_break_until(None)),
        "ended the break",
        False,
    ),
    ("import_", _import, "imported 4 goals", True),
    ("start_block", lambda s, i: s.start_block(i.bake), f"started a block on {BAKE}", True),
    ("pause", _after_block(lambda s: s.pause()), f"paused {ON_BAKE}", True),
    ("resume", _after_block(lambda s: (s.pause(), s.resume())), f"resumed {ON_BAKE}", True),
    ("toggle_pause", _after_block(lambda s: s.toggle_pause()), f"paused {ON_BAKE}", True),
    (
        "toggle_pause",
        _after_block(lambda s: (s.toggle_pause(), s.toggle_pause())),
        f"resumed {ON_BAKE}",
        True,
    ),
    (
        "interrupt",
        _after_block(lambda s: s.interrupt("phone")),
        f"noted an interruption in {ON_BAKE}",
        True,
    ),
    ("extend", _after_block(lambda s: s.extend(5)), f"added 5 minutes to {ON_BAKE}", True),
    ("stop_block", _after_block(lambda s: s.stop_block("done")), f"ended {ON_BAKE} (done)", True),
    (
        "stop_block",
        _after_block(lambda s: s.stop_block("partial")),
        f"ended {ON_BAKE} (partial)",
        True,
    ),
    ("stop_block", _after_block(lambda s: s.stop_block("abandoned")), f"abandoned {ON_BAKE}", True),
    ("set_reflection", _reflect, f"wrote a reflection on {BAKE}", True),
]


@pytest.mark.parametrize(
    ("mutator", "action", "expected", "undoable"),
    CASES,
    ids=[f"{c[0]}-{c[2]}" for c in CASES],
)
def test_each_write_says_what_it_did(
    clock: FixedClock,
    labels: Labels,
    mutator: str,
    action: Callable[[Store, Ids], object],
    expected: str,
    undoable: bool,
) -> None:
    store, ids = small_store(clock)
    labels.clear()
    action(store, ids)
    assert labels, f"{mutator} committed no transaction"
    assert labels[-1] == (expected, undoable)
    assert (store.what, store.undoable) == (None, True)  # reset once it is over


def _writes(name: str) -> bool:
    """Opens a transaction itself, or through the day's notes' one writer."""
    source = inspect.getsource(getattr(Store, name))
    return "self._tx(" in source or "self._set_day_text(" in source


def test_every_mutator_has_a_case() -> None:
    """A new public method that writes needs its words checked above."""
    mutators = {n for n in dir(Store) if not n.startswith("_") and callable(getattr(Store, n))}
    writing = {n for n in mutators if _writes(n)}
    assert writing == {c[0] for c in CASES}


def test_the_outermost_words_win_and_are_set_while_it_runs(clock: FixedClock) -> None:
    store, ids = small_store(clock)
    seen: list[tuple[str | None, bool]] = []
    with store._tx("split 'Bake test batch #2'"):
        seen.append((store.what, store.undoable))
        store.add_goal("Mix", parent=ids.bake)  # its own words are not kept
        seen.append((store.what, store.undoable))
    with store._tx("looked around", undoable=False):
        seen.append((store.what, store.undoable))
    assert seen == [
        ("split 'Bake test batch #2'", True),
        ("split 'Bake test batch #2'", True),
        ("looked around", False),
    ]
    assert (store.what, store.undoable) == (None, True)


def test_a_refused_write_leaves_no_words_behind(clock: FixedClock, labels: Labels) -> None:
    store, ids = small_store(clock)
    labels.clear()
    with pytest.raises(Conflict):
        store.mark_done(ids.report)  # its steps are open
    assert labels == []
    assert (store.what, store.undoable) == (None, True)
    store.mark_done(ids.bake)  # and the next one starts clean
    assert labels == [(f"marked {BAKE} done", True)]

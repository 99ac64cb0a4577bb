"""Goals: input hygiene, tree order, moves, ids, dependencies, progress, too-big leaves."""

from __future__ import annotations

from collections.abc import Callable

import pendulum
import pytest

from tui_microgoals.core import tree
from tui_microgoals.core.errors import Conflict, InputError, NotFound
from tui_microgoals.core.store import Store
from tui_microgoals.core.text import TITLE_MAX

Reopen = Callable[[Store], Store]


def order(store: Store, parent: int | None = None) -> list[int]:
    return [g.id for g in tree.children_map(store.goals()).get(parent, [])]


# -- adding and editing ---------------------------------------------------------------


def test_add_goal_records_fields_and_survives_reopen(store: Store, reopen: Reopen) -> None:
    root = store.add_goal("Write the book")
    leaf = store.add_goal(
        "Draft intro", parent=root.id, minutes=15, due=pendulum.date(2026, 12, 1), notes="n"
    )
    again = reopen(store).goal(leaf.id)
    assert (again.title, again.parent, again.minutes, again.notes) == ("Draft intro", 1, 15, "n")
    assert again.due == pendulum.date(2026, 12, 1)
    assert again.status == "open"
    assert again.created_at == store.clock.now()
    assert (root.id, leaf.id) == (1, 2)


def test_edit_goal_changes_only_what_is_given(store: Store, reopen: Reopen) -> None:
    goal = store.add_goal("Old", minutes=10, notes="keep me")
    store.edit_goal(goal.id, title="  New  ", minutes=None)
    again = reopen(store).goal(goal.id)
    assert (again.title, again.minutes, again.notes) == ("New", None, "keep me")


def test_edit_unknown_goal_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound):
        store.edit_goal(99, title="x")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("  Draft   intro \n", "Draft intro"),
        ("[bold]x[/]", "[bold]x[/]"),
        ("[red]not markup[/red] $x {y}", "[red]not markup[/red] $x {y}"),
        ("a\x1b[31mred\x1b[0m", "ared"),
        ("\x1b]0;evil title\x07safe", "safe"),
        ("\x1b]8;;https://x.test\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("bell\x07 del\x7f c1\x85\x9b31m!", "bell del c1!"),
        ("tab\there", "tab here"),
        ("naïve 🎯 café", "naïve 🎯 café"),
    ],
)
def test_titles_are_trimmed_and_stripped_of_controls(store: Store, typed: str, kept: str) -> None:
    goal = store.add_goal(typed)
    assert goal.title == kept
    assert store.goal(goal.id).title == kept


@pytest.mark.parametrize("title", ["", "   ", "\t\n", "\x1b[31m\x1b[0m", "\u200b\u200b", "\x07"])
def test_empty_titles_are_refused(store: Store, title: str) -> None:
    with pytest.raises(InputError, match="empty"):
        store.add_goal(title)
    assert store.goals() == {}


def test_title_length_limit(store: Store) -> None:
    assert store.add_goal("x" * TITLE_MAX).title == "x" * TITLE_MAX
    with pytest.raises(InputError, match=str(TITLE_MAX)):
        store.add_goal("x" * (TITLE_MAX + 1))
    with pytest.raises(InputError):
        store.edit_goal(1, title="y" * (TITLE_MAX + 1))
    assert store.goal(1).title == "x" * TITLE_MAX
    assert list(store.goals()) == [1]


def test_notes_keep_newlines_but_lose_controls(store: Store) -> None:
    goal = store.add_goal("t", notes="line one\x1b[2J\nline [b]two[/b]\x00  ")
    assert goal.notes == "line one\nline [b]two[/b]"


@pytest.mark.parametrize("minutes", [0, -5, 24 * 60 + 1, True, 2.5])
def test_bad_estimates_are_refused(store: Store, minutes: object) -> None:
    with pytest.raises(InputError):
        store.add_goal("t", minutes=minutes)  # type: ignore[arg-type]
    assert store.goals() == {}


def test_unknown_parent_is_refused(store: Store) -> None:
    with pytest.raises(NotFound):
        store.add_goal("orphan", parent=7)
    assert store.goals() == {}


# -- tree order, move, reparent ---------------------------------------------------------


def test_siblings_keep_manual_order_and_walk_depth_first(store: Store) -> None:
    a = store.add_goal("A")
    b = store.add_goal("B")
    a1 = store.add_goal("A1", parent=a.id)
    a2 = store.add_goal("A2", parent=a.id)
    a1x = store.add_goal("A1x", parent=a1.id)
    walked = [(g.id, depth) for g, depth in tree.walk(store.goals())]
    assert walked == [(a.id, 0), (a1.id, 1), (a1x.id, 2), (a2.id, 1), (b.id, 0)]
    assert tree.path(store.goals(), a1x.id) == "A › A1 › A1x"


def test_move_among_siblings_clamps_at_the_ends(store: Store, reopen: Reopen) -> None:
    ids = [store.add_goal(t).id for t in "ABCD"]
    store.move(ids[3], -2)
    assert order(store) == [1, 4, 2, 3]
    store.move(ids[0], -5)
    assert order(store) == [1, 4, 2, 3]
    store.move(ids[0], 99)
    assert order(store) == [4, 2, 3, 1]
    assert order(reopen(store)) == [4, 2, 3, 1]


def test_move_only_reorders_its_own_siblings(store: Store) -> None:
    a = store.add_goal("A")
    kids = [store.add_goal(t, parent=a.id).id for t in ("x", "y", "z")]
    store.add_goal("B")
    store.move(kids[2], -1)
    assert order(store, a.id) == [kids[0], kids[2], kids[1]]
    assert order(store) == [1, 5]


def test_reparent_appends_at_the_end_of_the_new_siblings(store: Store, reopen: Reopen) -> None:
    a = store.add_goal("A")
    b = store.add_goal("B")
    b1 = store.add_goal("B1", parent=b.id)
    store.edit_goal(a.id, parent=b.id)
    assert order(store, b.id) == [b1.id, a.id]
    store.edit_goal(b1.id, parent=None)
    assert order(reopen(store)) == [b.id, b1.id]


def test_moving_under_itself_or_a_descendant_is_refused(store: Store) -> None:
    a = store.add_goal("A")
    b = store.add_goal("B", parent=a.id)
    c = store.add_goal("C", parent=b.id)
    for new_parent in (a.id, b.id, c.id):
        with pytest.raises(InputError, match="under itself"):
            store.edit_goal(a.id, parent=new_parent)
    assert store.goal(a.id).parent is None
    assert tree.find_tree_problems(store.goals()) == []


# -- ids --------------------------------------------------------------------------------


def test_ids_are_never_reused_after_deleting_the_highest(store: Store, reopen: Reopen) -> None:
    store.add_goal("one")
    store.add_goal("two")
    three = store.add_goal("three")
    assert store.delete(three.id) == [3]
    assert store.add_goal("four").id == 4
    store.delete(4)
    assert reopen(store).add_goal("five").id == 5


def test_delete_takes_descendants_and_dependencies_on_them(store: Store) -> None:
    a = store.add_goal("A")
    a1 = store.add_goal("A1", parent=a.id)
    a1x = store.add_goal("A1x", parent=a1.id)
    other = store.add_goal("other", after=[a1x.id])
    store.plan([other.id, a1x.id])
    assert sorted(store.delete(a.id)) == [a.id, a1.id, a1x.id]
    assert list(store.goals()) == [other.id]
    assert store.goal(other.id).after == []
    assert [i.goal.id for i in store.today()] == [other.id]


def test_block_ids_are_never_reused(store: Store) -> None:
    goal = store.add_goal("g")
    first = store.start_block(goal.id)
    store.stop_block()
    second = store.start_block(goal.id)
    assert second.id == first.id + 1


# -- dependencies -----------------------------------------------------------------------


def test_cycles_are_refused(store: Store) -> None:
    a, b, c = (store.add_goal(t).id for t in "ABC")
    store.depend(b, after=a)
    store.depend(c, after=b)
    with pytest.raises(InputError, match="cycle"):
        store.depend(a, after=c)
    with pytest.raises(InputError):
        store.depend(a, after=a)
    with pytest.raises(InputError, match="cycle"):
        store.edit_goal(a, after=[b])
    assert store.goal(a).after == []
    assert tree.find_tree_problems(store.goals()) == []


def test_depend_on_unknown_goal_is_not_found(store: Store) -> None:
    a = store.add_goal("A")
    with pytest.raises(NotFound):
        store.depend(a.id, after=42)
    with pytest.raises(NotFound):
        store.add_goal("B", after=[42])


def test_blocked_goal_cannot_start_until_its_dependency_is_done(store: Store) -> None:
    first = store.add_goal("first")
    second = store.add_goal("second", after=[first.id])
    assert tree.is_blocked(store.goals(), store.goal(second.id))
    store.plan([second.id])
    assert [i.blocked for i in store.today()] == [True]
    with pytest.raises(Conflict, match="blocked"):
        store.start_block(second.id)
    assert store.running_block() is None
    store.mark_done(first.id)
    assert not tree.is_blocked(store.goals(), store.goal(second.id))
    assert store.start_block(second.id).goal == second.id


def test_dropping_a_dependency_unblocks(store: Store) -> None:
    first = store.add_goal("first")
    second = store.add_goal("second", after=[first.id])
    store.drop(first.id)
    assert store.start_block(second.id).goal == second.id


# -- status, progress, too big ------------------------------------------------------------


def test_parent_cannot_be_done_while_children_are_open(store: Store) -> None:
    parent = store.add_goal("P")
    kid = store.add_goal("k", parent=parent.id)
    with pytest.raises(Conflict):
        store.mark_done(parent.id)
    store.mark_done(kid.id)
    assert store.goal(parent.id).status == "done"  # its last step done: complete too
    with pytest.raises(Conflict, match="already done"):
        store.mark_done(parent.id)
    store.reopen(kid.id)
    assert store.goal(parent.id).status == "open"


def test_a_goal_completes_with_its_last_open_step(store: Store) -> None:
    root = store.add_goal("Launch")
    part = store.add_goal("Recipe", parent=root.id)
    a = store.add_goal("a", parent=part.id)
    b = store.add_goal("b", parent=part.id)
    other = store.add_goal("Price", parent=root.id)
    waiting = store.add_goal("waits for the recipe", after=[part.id])
    store.mark_done(a.id)
    assert store.goal(part.id).status == "open"
    store.drop(b.id)  # the last open step dropped: the rest is done
    assert store.goal(part.id).status == "done"
    assert store.goal(root.id).status == "open"  # Price is still open
    assert not [i for i in store.today() if i.goal.id == waiting.id and i.blocked]
    store.mark_done(other.id)
    assert store.goal(root.id).status == "done"


def test_mark_done_records_local_day_and_reopen_clears_it(store: Store) -> None:
    goal = store.add_goal("g")
    done = store.mark_done(goal.id)
    assert done.done_at == store.clock.now()
    assert done.done_on == pendulum.date(2026, 11, 22)
    reopened = store.reopen(goal.id)
    assert (reopened.status, reopened.done_at, reopened.done_on) == ("open", None, None)


def test_drop_takes_open_descendants(store: Store) -> None:
    p = store.add_goal("P")
    a = store.add_goal("a", parent=p.id)
    b = store.add_goal("b", parent=p.id)
    store.mark_done(a.id)
    assert sorted(store.drop(p.id)) == [p.id, b.id]
    assert [store.goal(i).status for i in (p.id, a.id, b.id)] == ["dropped", "done", "dropped"]


def test_progress_rolls_up_leaves_and_minutes(store: Store) -> None:
    root = store.add_goal("root")
    mid = store.add_goal("mid", parent=root.id)
    leaves = [
        store.add_goal("l1", parent=mid.id, minutes=10),
        store.add_goal("l2", parent=mid.id, minutes=15),
        store.add_goal("l3", parent=root.id),
        store.add_goal("l4", parent=root.id, minutes=20),
    ]
    store.mark_done(leaves[0].id)
    store.mark_done(leaves[2].id)
    store.drop(leaves[3].id)  # dropped leaves don't count
    progress = tree.progress_all(store.goals())
    assert progress[mid.id] == tree.Progress(1, 2, 10, 25)
    assert progress[root.id] == tree.Progress(2, 3, 10, 25)
    assert progress[leaves[0].id] == tree.Progress(1, 1, 10, 10)
    assert progress[root.id].fraction == pytest.approx(2 / 3)
    assert not progress[root.id].complete
    store.mark_done(leaves[1].id)
    assert tree.progress_all(store.goals())[root.id].complete


def test_too_big_leaves_are_flagged_against_the_block_length(store: Store) -> None:
    big = store.add_goal("big", minutes=45)
    ok = store.add_goal("ok", minutes=20)
    vague = store.add_goal("vague")
    store.plan([big.id, ok.id, vague.id])
    assert [(i.goal.id, i.too_big) for i in store.today()] == [
        (big.id, True),
        (ok.id, False),
        (vague.id, False),
    ]
    store.set_setting("block_minutes", 60)
    assert not any(i.too_big for i in store.today())

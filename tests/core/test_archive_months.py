"""The archive read by the month: a view of the past reads only the chunks it needs, and
shows exactly what it would after reading the whole archive."""

from __future__ import annotations

import random
from pathlib import Path

import orjson
import pendulum
import pytest
from pendulum import Date, DateTime

from tui_microgoals.core import report, retro
from tui_microgoals.core.archive_file import ArchiveFile, encode
from tui_microgoals.core.clock import FixedClock
from tui_microgoals.core.errors import CorruptDatabase
from tui_microgoals.core.models import Block, Goal
from tui_microgoals.core.models_day import Day
from tui_microgoals.core.retro_report import retro_json
from tui_microgoals.core.storage import DurableStorage
from tui_microgoals.core.store import Store

TODAY = pendulum.date(2026, 11, 20)
NOW = pendulum.datetime(2026, 11, 20, 12, tz="UTC")
DAYS = 2 * 365


def history(seed: int) -> dict[str, dict[str, dict]]:
    """Two years of a varied user, seeded: projects that run over a month's end, steps that
    wait on another project's step, items carried for weeks, drops, days off, a note-only
    day, a daily habit kept up for months and a weekly one with gaps."""
    rng = random.Random(seed)
    start = TODAY.subtract(days=DAYS)
    goals: dict[int, Goal] = {}
    blocks: dict[int, Block] = {}
    days: dict[str, dict] = {}
    ids = iter(range(1, 10**6))
    block_ids = iter(range(1, 10**6))

    def at(date: Date, hour: int = 9) -> DateTime:
        return pendulum.datetime(date.year, date.month, date.day, hour, tz="UTC")

    def add(title: str, parent: int | None, date: Date, **kw) -> Goal:  # noqa: ANN003
        goal = Goal(id=next(ids), title=title, parent=parent, created_at=at(date), **kw)
        goals[goal.id] = goal
        return goal

    daily = add("Daily habit", None, start, recurrence="daily", minutes=5)
    weekly = add("Weekly habit", None, start, recurrence="1/week", minutes=30)
    waiting: list[Goal] = []  # open steps
    project_steps: dict[int, list[Goal]] = {}
    for offset in range(DAYS):
        date = start.add(days=offset)
        if not waiting or rng.random() < 0.05:
            project = add(f"Project on {date}", None, date)
            steps = [add(f"Step {n} of {date}", project.id, date, minutes=15) for n in range(6)]
            if waiting and rng.random() < 0.5:  # waits on another project's step
                steps[0].after = [rng.choice(waiting).id]
            project_steps[project.id] = steps
            waiting.extend(steps)
        day = Day(date)
        if not 100 <= offset < 260 and rng.random() < 0.1:  # a day off, at times with a note
            day.note = "off" if rng.random() < 0.5 else ""
            days[str(day.doc_id)] = day.to_doc()
            continue
        if 100 <= offset < 260 or offset % 200 < 60 or rng.random() < 0.3:  # (runs of months)
            day.habits_done.append(daily.id)
        if rng.random() < 0.08:  # (a run of weeks now and then)
            day.habits_done.append(weekly.id)
        planned = [g for g in waiting if all(goals[a].status == "done" for a in g.after)][:4]
        day.items = [g.id for g in planned]
        day.one_thing = planned[0].id if planned else None
        for goal in planned:
            if rng.random() < 0.35:
                continue  # carried
            block = Block(
                id=next(block_ids),
                goal=goal.id,
                planned_seconds=900,
                started_at=at(date, 10),
                tz="UTC",
                day=date,
                ended_at=at(date, 10).add(minutes=rng.choice([12, 15, 25])),
                outcome="done",
            )
            blocks[block.id] = block
            goal.status, goal.done_at, goal.done_on = "done", block.ended_at, date
            waiting.remove(goal)
            parent = goals[goal.parent] if goal.parent else None
            if parent and all(s.status == "done" for s in project_steps[parent.id]):
                parent.status, parent.done_at, parent.done_on = "done", block.ended_at, date
        for project_id, steps in project_steps.items():
            project = goals[project_id]
            if project.status == "open" and project.created_at < at(date).subtract(days=70):
                project.status, project.dropped_at = "dropped", at(date, 18)
                for step in steps:
                    if step.status == "open":
                        step.status, step.dropped_at = "dropped", at(date, 18)
                        waiting.remove(step)
        days[str(day.doc_id)] = day.to_doc()
    return {
        "meta": {"1": {"next_goal": next(ids), "next_block": next(block_ids), "running": None}},
        "goals": {str(g.id): g.to_doc() for g in goals.values()},
        "blocks": {str(b.id): b.to_doc() for b in blocks.values()},
        "days": days,
    }


@pytest.fixture(scope="module")
def archived(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("months") / "db.json"
    DurableStorage(path).write(history(seed=5))
    Store.open(path, FixedClock(NOW, "UTC")).archive_old()
    return path


def opened(path: Path) -> Store:
    return Store.open(path, FixedClock(NOW, "UTC"))


def review_json(store: Store, date: Date) -> str:
    return report.render(store.review(date), store.goals(), "json")


def test_every_old_days_review_reads_a_few_months_and_matches_the_whole_archive(
    archived: Path,
) -> None:
    whole = opened(archived)
    assert whole.read_history()
    horizon = whole.horizon()
    assert horizon is not None and horizon > TODAY.subtract(days=DAYS - 180)
    rng = random.Random(11)
    first = TODAY.subtract(days=DAYS - 1)  # (the first day used: before it, all is read)
    span = (horizon - first).days
    dates = {first, horizon.subtract(days=1), first.add(days=250), first.add(days=258)}
    dates |= {horizon.subtract(days=rng.randrange(1, span)) for _ in range(24)}
    dates |= {d for d in (pendulum.date(2025, 3, 1), pendulum.date(2025, 2, 28)) if d < horizon}
    shares = []
    for date in sorted(dates):
        part = opened(archived)
        assert review_json(part, date) == review_json(whole, date), date
        assert part.history(date, 14) == whole.history(date, 14), date
        assert part.blocks_on(date) == whole.blocks_on(date), date
        assert part.habit_streaks(date) == whole.habit_streaks(date), date
        read, chunks = part.storage.history_share()
        shares.append(read / chunks)
    assert max(shares) < 0.75, shares  # (a long run of the habit reads further back)
    assert sorted(shares)[len(shares) // 2] < 0.4, shares


def test_a_goal_asked_for_by_id_reads_its_tree_and_what_it_refers_to(archived: Path) -> None:
    whole = opened(archived)
    whole.read_history()
    goals = whole.goals()
    part = opened(archived)
    old = [g for g in goals.values() if g.parent is not None and g.after]
    old = [g for g in old if str(g.id) not in orjson.loads(archived.read_bytes())["goals"]]
    assert old
    goal = old[0]
    assert part.goal(goal.id) == goal
    known = part.goals()
    assert goal.parent in known and all(a in known for a in goal.after)
    siblings = {g.id for g in goals.values() if g.parent == goal.parent}
    assert siblings <= known.keys()  # (the whole tree)
    read, chunks = part.storage.history_share()
    assert read < chunks / 2


def test_deleting_an_archived_goal_clears_every_wait_on_it(tmp_path: Path) -> None:
    """An archived step done late waits for one done a year before, in a month the
    delete's read of the goal does not reach."""
    tables = history(seed=5)
    done = sorted(
        (doc["done_on"], int(k))
        for k, doc in tables["goals"].items()
        if doc.get("done_on") and doc.get("parent") is not None
    )
    target, waiter = done[10][1], done[300][1]
    tables["goals"][str(waiter)]["after"] = [target]
    path = tmp_path / "db.json"
    DurableStorage(path).write(tables)
    opened(path).archive_old()
    probe = opened(path)
    probe.goal(target)
    assert waiter not in probe.goals()  # (not read by asking for the goal)
    opened(path).delete(target)
    again = opened(path)
    again.read_history()
    assert target not in again.goals()
    assert again.goal(waiter).after == []


def test_an_edit_after_a_partial_read_keeps_the_rest_of_the_archive(
    archived: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "db.json"
    for name in ("db.json", "db.json.archive"):
        copy.with_name(name).write_bytes(archived.with_name(name).read_bytes())
    before = opened(copy)
    before.read_history()
    exported = before.export()
    part = opened(copy)
    old_day = TODAY.subtract(days=500)
    part.review(old_day)
    part.add_goal("New today")
    part.set_day_note("looked back", old_day)
    after = opened(copy)
    after.read_history()
    now = after.export()["tables"]
    for table in ("goals", "blocks", "days"):
        missing = exported["tables"][table].keys() - now[table].keys()
        assert not missing, (table, sorted(missing)[:5])


def test_a_chunk_and_its_index_cannot_lie(tmp_path: Path) -> None:
    tables = history(seed=2)
    head = {"format": "microgoals-archive", "id": "0" * 16}
    blob = encode(head, {name: tables[name] for name in ("goals", "blocks", "days")})
    file = ArchiveFile("the archive", blob)
    assert file.tables() == {name: tables[name] for name in ("goals", "blocks", "days")}
    header, body = blob.split(b"\n", 1)
    index = orjson.loads(header)
    index["archive"]["chunks"]["2025-01"] = [0, len(body) + 1]  # past the end
    with pytest.raises(CorruptDatabase, match="index"):
        ArchiveFile("the archive", orjson.dumps(index) + b"\n" + body)
    last = max(file.chunks)
    offset, length = file.chunks[last]
    start = len(header) + 1 + offset + length - 10  # (the chunk's last bytes)
    broken = blob[:start] + b"xxxxxxxxxx" + blob[start + 10 :]
    with pytest.raises(CorruptDatabase, match="damaged"):
        ArchiveFile("the archive", broken).chunk(last)
    with pytest.raises(CorruptDatabase, match="damaged"):  # (cut short: the same line)
        ArchiveFile("the archive", blob[:start]).chunk(last)
    assert ArchiveFile("the archive", blob).gids() == {"goals": {}, "blocks": {}}


def retro_of(store: Store, end: Date) -> dict:
    """The retro's JSON, and the all-time counts its milestones were worked out from (the
    micro-goals done before the week, the current and the longest streak)."""
    seen: list[tuple[int, int, int]] = []
    real = retro.milestones

    def spy(days, completed, before, current, longest):  # noqa: ANN001, ANN202
        seen.append((before, current, longest))
        return real(days, completed, before, current, longest)

    retro.milestones = spy  # type: ignore[assignment]
    try:
        return {**retro_json(store.retro(end)), "counted": seen}
    finally:
        retro.milestones = real  # type: ignore[assignment]


def test_the_weeks_retro_after_the_horizon_reads_no_archive_and_counts_it_all(
    archived: Path, tmp_path: Path
) -> None:
    """Its milestones count every micro-goal ever done and its longest streak every day:
    from the figures the pass kept, less the archive's copies of what changed since."""
    copy = tmp_path / "db.json"
    for name in ("db.json", "db.json.archive"):
        copy.with_name(name).write_bytes(archived.with_name(name).read_bytes())
    weeks = [TODAY.subtract(days=7 * n) for n in range(5)]
    old = [TODAY.subtract(days=n) for n in (130, 250, 400, 471, 479, 700)]  # (before the horizon)

    def check() -> None:
        whole = opened(copy)
        whole.read_history()
        for end in weeks + old:
            part = opened(copy)
            assert retro_of(part, end) == retro_of(whole, end), end
            read, chunks = part.storage.history_share()
            if end >= TODAY.subtract(days=20):  # (its carry window is after the horizon)
                assert read == 0, end  # (read no month)
            assert read < chunks / 2, (end, read, chunks)

    check()
    store = opened(copy)
    store.read_history()
    goals = store.goals()
    main = orjson.loads(copy.read_bytes())["goals"]
    done = sorted(
        (g.done_on, g.id)
        for g in goals.values()
        if g.status == "done" and g.parent is not None and str(g.id) not in main
    )
    store.reopen(done[5][1])  # an archived micro-goal reopened (its tree comes back)
    store.delete(done[500][1])  # one deleted
    store.set_day_note("looked back", TODAY.subtract(days=300))  # an archived day written
    check()
    part = opened(copy)
    part.review(TODAY.subtract(days=250))  # (some of the archive read in: counted once)
    for end in weeks:
        assert retro_of(part, end) == retro_of(opened(copy), end)

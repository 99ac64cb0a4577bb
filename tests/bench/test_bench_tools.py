"""The benchmark's own tools (bench/): the generated data and the targets table. No timing
here: the figures themselves are the benchmark's job, never a unit test's."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


def load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


generate = load("generate")
run = load("run")


def test_the_sizes_go_up_to_ten_years() -> None:
    assert list(generate.SIZES) == ["S", "M", "L", "XL"]
    days = generate.SIZES["XL"] // generate.DOCS_PER_DAY
    assert 3650 <= days <= 3900  # ten years and a half at most


def test_the_same_size_gives_the_same_data() -> None:
    assert generate.generate(2_000) == generate.generate(2_000)


def test_a_parent_is_done_exactly_when_its_steps_are_all_done() -> None:
    """As the store makes it (``_complete_above``): the generator used to leave every
    finished project open, data the app cannot produce, and the open goals grew with it."""
    goals = generate.generate(3_000)["goals"]
    steps: dict[str, list[dict]] = {}
    for doc in goals.values():
        if doc.get("parent") is not None:
            steps.setdefault(str(doc["parent"]), []).append(doc)
    assert steps
    for parent_id, kids in steps.items():
        parent = goals[parent_id]
        all_done = all(kid["status"] == "done" for kid in kids)
        assert (parent["status"] == "done") == all_done, parent["title"]
        if all_done:
            assert parent["done_on"] == max(kid["done_on"] for kid in kids)


FIGURES = {
    "S": {"paint": 500.0, "paint_bare": 250.0, "peak": 60.0, "review": 90.0, "cpu": 0.4},
    "L": {"paint": 550.0, "paint_bare": 250.0, "peak": 66.0},
    "XL": {
        "paint": 900.0,
        "paint_bare": 300.0,
        "peak": 200.0,
        "status": 25.0,
        "task count": 600.0,
        "add": 40.0,
        "task add": 50.0,
        "undo": 20.0,
        "review": 400.0,
        "cpu": 0.5,
    },
}


def table_rows() -> dict[str, list[str]]:
    lines = run.targets_table(FIGURES).splitlines()
    assert lines[0].startswith("| figure | S | M | L | XL | target | met? |")
    rows = ([cell.strip() for cell in line.strip("|").split("|")] for line in lines[2:])
    return {cells[0]: cells[1:] for cells in rows}


def test_the_targets_table_gives_each_size_and_says_what_is_met() -> None:
    rows = table_rows()
    assert rows["first paint"][:4] == ["500 ms", "-", "550 ms", "900 ms"]
    assert rows["first paint ÷ S"][-1] == "XL: no (1.80x)"  # L: 1.10x is met
    assert rows["first paint ÷ bare app"][-1] == "L: no (2.20x); XL: no (3.00x)"
    assert rows["peak memory ÷ S"][-1] == "XL: no (3.33x)"
    assert rows["`status`"][-1] == "yes"
    assert rows["`add`"][-1] == "XL: no (40 ms vs 50 ms)"
    assert rows["`undo`"][-1] == "XL: no (20 ms, no `task` to compare)"
    assert rows["review of a day a year back, first frame"][-1] == "XL: no (400 ms)"
    assert rows["CPU, a block running"][-1] == "yes"
    edit = rows["edit committed, p95"][-1]
    assert edit == "M: not measured; L: not measured; XL: not measured"


def test_taskwarrior_missing_and_no_right_to_install_says_why(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    installed: list[list[str]] = []
    monkeypatch.setattr(
        run.shutil, "which", lambda name: "/usr/bin/apt-get" if name == "apt-get" else None
    )
    monkeypatch.setattr(run.os, "geteuid", lambda: 1000)
    monkeypatch.setattr(run.subprocess, "run", lambda cmd, **kw: installed.append(cmd))
    task, note = run.ensure_taskwarrior()
    assert task is None
    assert "not root, no passwordless sudo" in note
    assert installed == []  # nothing was tried


def test_taskwarrior_missing_as_root_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    ran: list[list[str]] = []
    found = {"apt-get": "/usr/bin/apt-get"}

    def fake_run(cmd: list[str], **kw: object) -> object:
        ran.append(cmd)
        if cmd[-1] == "taskwarrior":
            found["task"] = "/usr/bin/task"
        return run.subprocess.CompletedProcess(cmd, 0, "", "")

    monkeypatch.setattr(run.shutil, "which", found.get)
    monkeypatch.setattr(run.os, "geteuid", lambda: 0)
    monkeypatch.setattr(run.subprocess, "run", fake_run)
    task, note = run.ensure_taskwarrior()
    assert ran == [["apt-get", "update"], ["apt-get", "install", "-y", "taskwarrior"]]
    assert task == "/usr/bin/task"
    assert "installed the Debian package" in note

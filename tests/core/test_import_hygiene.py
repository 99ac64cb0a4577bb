"""The core and the command line import neither Textual nor Rich (harlequin-style), so the
domain stays UI-free and `microgoals status` starts fast."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import tui_microgoals.core

CORE_MODULES = sorted(
    f"tui_microgoals.core.{m.name}" for m in pkgutil.iter_modules(tui_microgoals.core.__path__)
)
CHECK = """
import sys
import {module}
ui = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
assert not ui, f"{module} imported {{ui[:5]}}"
"""


def test_the_core_has_modules() -> None:
    assert {"tui_microgoals.core.store", "tui_microgoals.core.storage"} <= set(CORE_MODULES)


@pytest.mark.parametrize("module", ["tui_microgoals.core", *CORE_MODULES, "tui_microgoals.cli"])
def test_module_imports_no_textual_or_rich(module: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(module=module)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


def test_the_check_can_fail() -> None:
    """A hygiene test that cannot fail is no test: the same check catches a UI import."""
    result = subprocess.run(
        [sys.executable, "-c", CHECK.format(module="rich.text")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0 and "rich" in result.stderr

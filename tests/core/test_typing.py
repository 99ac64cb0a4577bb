"""The core type-checks cleanly (STYLE.md: mypy on core/ at least)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_core_passes_mypy() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "tui_microgoals/core"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr

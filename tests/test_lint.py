"""The code base stays clean under ruff (rules in pyproject.toml), so style never drifts."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_reports_nothing() -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is part of the test extra; install it with `python3 dev.py test`"
    result = subprocess.run([ruff, "check", "--output-format", "concise", "ppdesk", "tests",
                             "benchmarks", "installer", "scripts", "dev.py"],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr

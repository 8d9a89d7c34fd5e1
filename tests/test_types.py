"""mypy on ppdesk/core with the project's configuration ([tool.mypy] in pyproject.toml).

The configuration (strict, pandas/scipy/pyarrow untyped) lives in pyproject.toml so
`python -m mypy` from the checkout gives the same answer as this test.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytest.importorskip("mypy", reason="mypy is in the test extra: pip install -e .[test]")


def test_core_has_no_type_errors() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--config-file",
         str(ROOT / "pyproject.toml"), "ppdesk/core"],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, f"mypy found type errors:\n{done.stdout}{done.stderr}"
    assert done.stdout.strip() == ""


def test_the_check_fails_on_a_type_error(tmp_path: Path) -> None:
    """The same configuration catches an untyped def and a wrong type (the test can fail)."""
    bad = tmp_path / "bad.py"
    bad.write_text("def untyped(x):\n    return x\n\n\ndef wrong() -> int:\n    return 'a'\n",
                   encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--no-error-summary", "--config-file",
         str(ROOT / "pyproject.toml"), "--cache-dir", str(tmp_path / "cache"), str(bad)],
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 1
    assert "[no-untyped-def]" in done.stdout
    assert "[return-value]" in done.stdout

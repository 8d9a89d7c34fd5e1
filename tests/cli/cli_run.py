"""Running a ``ppdesk`` command in-process against a test's home, as the CLI tests do."""

from __future__ import annotations

from pathlib import Path

import pytest

from ppdesk.cli.main import run_cli


def cli(home: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``ppdesk --home HOME ARGS...``: its exit code, standard output and standard error."""
    code = run_cli(["--home", str(home), *args])
    out = capsys.readouterr()
    return code, out.out, out.err

"""``ppdesk demo [--reset]`` and ``ppdesk --self-test`` from the command line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ppdesk.cli.main import run_cli
from ppdesk.core import paths
from ppdesk.core.store import open_store
from ppdesk.core.store.lines import load_lines


def test_demo_builds_the_demo_store(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["demo"]) == 0
    err = capsys.readouterr().err
    demo_home = Path(os.environ["PPDESK_DEMO_HOME"]).resolve()
    assert str(demo_home) in err and "ppdesk app --demo" in err
    assert load_lines(open_store(demo_home))["store_order_id"].nunique() == 5000
    assert not paths.store_path(home).exists()
    assert run_cli(["demo", "--reset"]) == 0
    assert load_lines(open_store(demo_home))["store_order_id"].nunique() == 5000


def test_self_test_flag_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["--self-test"]) == 0
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "ppdesk self-test passed" in captured.err

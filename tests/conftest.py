"""Shared fixtures: every test gets its own home folder; Qt runs offscreen; GUI tests are marked."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# ../shared beside the checkout; PPDESK_REAL_EXPORTS points elsewhere (a worktree sits one
# folder deeper than the main checkout).
REAL_EXPORTS = Path(os.environ.get(
    "PPDESK_REAL_EXPORTS",
    Path(__file__).resolve().parents[2] / "shared" / "data" / "real-exports"))


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point PPDESK_HOME (and the demo home) at tmp so no test touches the real home."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("PPDESK_HOME", str(home))
    monkeypatch.setenv("PPDESK_DEMO_HOME", str(tmp_path / "demo-home"))
    return home


@pytest.fixture
def home(_isolated_home: Path) -> Path:
    return _isolated_home


@pytest.fixture
def real_exports() -> Path:
    if not REAL_EXPORTS.is_dir():
        pytest.skip(f"real exports folder not present at {REAL_EXPORTS}")
    return REAL_EXPORTS


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark tests that use qtbot/qapp as ``gui`` so ``-m "not gui"`` is the fast loop."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "qtbot" in fixtures or "qapp" in fixtures:
            item.add_marker(pytest.mark.gui)
        if "real_exports" in fixtures:
            item.add_marker(pytest.mark.realdata)

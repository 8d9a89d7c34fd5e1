"""``run_self_test`` reports each step by name and fails naming the broken step."""

from __future__ import annotations

from pathlib import Path

import pytest

from ppdesk.core import paths, selftest


def test_passes_on_this_installation_without_touching_the_home(home: Path) -> None:
    messages: list[str] = []
    assert selftest.run_self_test(report=messages.append) == 0
    step_lines = [m for m in messages if m.startswith("[")]
    assert len(step_lines) == len(selftest.STEPS)
    assert all(" ... ok (" in m for m in step_lines)
    assert "KS-MOIST-NOR -> KS-SPF50" in "\n".join(messages)
    assert messages[-1].startswith("ppdesk self-test passed")
    assert list(home.iterdir()) == []  # the real (here: test) home is untouched


def test_missing_demo_export_fails_at_that_step(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    empty = tmp_path / "resources"
    empty.mkdir()
    monkeypatch.setattr(paths, "resources_dir", lambda: empty)
    messages: list[str] = []
    assert selftest.run_self_test(report=messages.append) == 1
    assert "FAILED" in messages[-2] and "orders_export_demo.csv" in messages[-2]
    assert messages[-1] == "ppdesk self-test FAILED at step 4 (find the demo export)."

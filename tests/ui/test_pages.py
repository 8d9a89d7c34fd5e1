"""Free tests for every page (convention 15): it builds on the demo store and on an empty store,
has a sane minimum size, logs no Qt warning (qt_log_level_fail), and paints a non-empty grab."""

from __future__ import annotations

from pathlib import Path

import pytest
from page_helpers import show_page
from PySide6.QtGui import QImage

from ppdesk.ui.context import AppContext
from ppdesk.ui.main_window import PAGES, page_class
from ppdesk.ui.pages.base import Page


def _distinct_colours(image: QImage) -> int:
    colours = set()
    step_x, step_y = max(1, image.width() // 60), max(1, image.height() // 60)
    for x in range(0, image.width(), step_x):
        for y in range(0, image.height(), step_y):
            colours.add(image.pixel(x, y))
    return len(colours)


def _build(qtbot, ctx: AppContext, key: str) -> Page:
    spec = next(s for s in PAGES if s.key == key)
    page = show_page(qtbot, page_class(spec)(ctx), exposed=True)
    qtbot.wait(50)  # let queued result slots paint
    return page


@pytest.mark.parametrize("key", [s.key for s in PAGES])
def test_page_on_demo_store(qtbot, demo_ctx: AppContext, key: str, tmp_path: Path) -> None:
    page = _build(qtbot, demo_ctx, key)
    hint = page.minimumSizeHint()
    assert 0 < hint.width() <= 1100 and 0 < hint.height() <= 760, hint
    image = page.grab().toImage()
    assert not image.isNull() and image.width() >= 1000
    assert _distinct_colours(image) > 8, "page painted (almost) one colour"
    assert image.save(str(tmp_path / f"{key}.png"))
    errors = [t for t in page.messages.texts() if "fault in ppdesk" in t]
    assert errors == [], errors
    page.shutdown()


@pytest.mark.parametrize("key", [s.key for s in PAGES])
def test_page_on_empty_store(qtbot, empty_ctx: AppContext, key: str) -> None:
    page = _build(qtbot, empty_ctx, key)
    assert not page.grab().toImage().isNull()
    errors = [t for t in page.messages.texts() if "fault in ppdesk" in t]
    assert errors == [], errors
    page.shutdown()

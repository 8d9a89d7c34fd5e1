"""Main window: sidebar and shortcuts navigate, pages built once, state kept in QSettings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from ppdesk.ui.context import AppContext
from ppdesk.ui.main_window import PAGES, MainWindow, ui_settings
from ppdesk.ui.tasks import running_tasks


def _window(qtbot, ctx: AppContext) -> MainWindow:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    window.restore_state()
    window.show()
    qtbot.waitExposed(window)
    return window


def test_shortcuts_and_sidebar_navigate(qtbot, empty_ctx: AppContext) -> None:
    window = _window(qtbot, empty_ctx)
    assert window.current_key() == "home"
    for i, spec in enumerate(PAGES[:9]):  # Ctrl+1..9; later pages via the sidebar
        with qtbot.waitSignal(
            window.page_changed, timeout=5000, raising=spec.key != window.current_key()
        ):
            key = Qt.Key(Qt.Key.Key_0 + (i + 1) % 10)   # Ctrl+1 .. Ctrl+9, then Ctrl+0
            QTest.keyClick(window, key, Qt.KeyboardModifier.ControlModifier)
        assert window.current_key() == spec.key
        assert window.stack.currentWidget() is window.pages[spec.key]
        assert window.sidebar.currentRow() == i
    window.sidebar.setCurrentRow(2)
    assert window.current_key() == PAGES[2].key
    pages_before = dict(window.pages)
    empty_ctx.navigate.emit("import")  # a page asking for another (Home's "Open")
    assert window.current_key() == "import"
    assert window.pages["pairs"] is pages_before["pairs"]  # created once, reused
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)


def test_geometry_and_last_page_persist(qtbot, empty_ctx: AppContext, _tmp_qsettings: Path) -> None:
    window = _window(qtbot, empty_ctx)
    window.show_page("timing")
    window.resize(1111, 733)
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)
    window.close()  # closeEvent saves the state and shuts the pages down
    stored = ui_settings()
    assert stored.format() == QSettings.Format.IniFormat
    assert Path(stored.fileName()).is_relative_to(_tmp_qsettings)
    assert stored.value("ui/last_page") == "timing"
    again = _window(qtbot, empty_ctx)
    assert again.current_key() == "timing"
    # the offscreen screen is 800 px wide (the width is clamped); the height survives as set,
    # and differs from the 780 px a window without saved geometry gets
    assert again.height() == 733
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)


def test_unknown_saved_page_falls_back_to_home(qtbot, empty_ctx: AppContext) -> None:
    ui_settings().setValue("ui/last_page", "no-such-page")
    window = _window(qtbot, empty_ctx)
    assert window.current_key() == "home"
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)


def test_data_change_refreshes_visible_page_and_marks_others(qtbot, demo_ctx: AppContext) -> None:
    window = _window(qtbot, demo_ctx)
    window.show_page("pairs")
    qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
    home = window.pages["home"]
    assert not home.stale
    demo_ctx.data_changed.emit()
    assert home.stale  # hidden: refreshed when shown again
    assert window.pages["pairs"].runner.busy or not window.pages["pairs"].stale
    window.show_page("home")
    assert not home.stale
    qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)


def test_every_page_is_in_the_sidebar_once() -> None:
    # A merge once listed the Catalogue page twice: two sidebar rows for one page.
    keys = [spec.key for spec in PAGES]
    labels = [spec.label for spec in PAGES]
    assert len(set(keys)) == len(keys), keys
    assert len(set(labels)) == len(labels), labels

"""The window shows first; the first page's modules load behind it (main_window.py, app.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ppdesk.ui.context import AppContext
from ppdesk.ui.main_window import PAGES, MainWindow, warm_modules
from ppdesk.ui.tasks import running_tasks


def _spec(key: str):  # type: ignore[no-untyped-def]
    return next(s for s in PAGES if s.key == key)


def test_deferred_page_is_built_only_after_the_window_painted(qtbot, empty_ctx: AppContext,
                                                               _tmp_qsettings: Path) -> None:
    window = MainWindow(empty_ctx)
    qtbot.addWidget(window)
    window.restore_state(page="pairs", defer=True)
    assert window.pages == {}  # nothing built before the window is on screen
    assert window.stack.currentWidget() is window.loading
    window.show()
    qtbot.waitExposed(window)
    qtbot.waitUntil(lambda: window.current_key() == "pairs", timeout=30000)
    assert window.stack.currentWidget() is window.pages["pairs"]
    assert window.sidebar.currentRow() == PAGES.index(_spec("pairs"))
    assert list(window.pages) == ["pairs"]  # Home was not built on the way
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)


def test_a_page_picked_while_loading_wins(qtbot, empty_ctx: AppContext,
                                          _tmp_qsettings: Path) -> None:
    window = MainWindow(empty_ctx)
    qtbot.addWidget(window)
    window.restore_state(page="timing", defer=True)
    window.show()
    qtbot.waitExposed(window)
    window.show_page("import")
    qtbot.waitUntil(lambda: window._warm_task is None, timeout=30000)
    qtbot.wait(50)
    assert window.current_key() == "import"
    assert "timing" not in window.pages
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)


def test_warm_modules_are_the_pages_qt_free_imports() -> None:
    names = warm_modules(_spec("pairs"))
    assert "pandas" in names
    assert "ppdesk.core.analytics.evidence" in names  # `from ...analytics.evidence import`
    assert not [n for n in names if n.startswith(("PySide6", "ppdesk.ui"))]


CHILD = r"""
import json, sys
from PySide6.QtCore import QSettings, QTimer
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])
qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, "ppdesk", "ppdesk")
qs.setValue("ui/last_page", "pairs"); qs.setValue("ui/welcomed", True); qs.sync()
from PySide6.QtWidgets import QApplication
from ppdesk.ui import main_window
from ppdesk.ui.app import run_app
seen = {"before_app": "pandas" in sys.modules}
paint = main_window.MainWindow.paintEvent
def first_paint(self, event):
    seen.setdefault("at_first_paint", "pandas" in sys.modules)
    paint(self, event)
main_window.MainWindow.paintEvent = first_paint
def poll():
    for w in QApplication.topLevelWidgets():
        if isinstance(w, main_window.MainWindow) and "pairs" in w.pages:
            seen["page_built"] = True
            print(json.dumps(seen), flush=True)
            QApplication.instance().quit()
            return
    QTimer.singleShot(20, poll)
QTimer.singleShot(0, poll)
run_app(["--home", sys.argv[2], "app"])
"""


def test_app_paints_its_window_before_pandas_loads(home: Path, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PPDESK_HTML_PREVIEW="text")
    done = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path / "qs"), str(home)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    seen = json.loads(done.stdout.splitlines()[-1])
    assert seen == {"before_app": False, "at_first_paint": False, "page_built": True}

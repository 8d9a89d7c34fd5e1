"""``ppdesk`` on a new home: the welcome appears, "Import my orders" opens the Import page.

Runs the real ``run_app`` in a child process (it owns the QApplication and the event loop).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui  # drives Qt, in a child process

SCRIPT = r"""
import sys
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication
QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[2])
app = QApplication(sys.argv[:1])
from ppdesk.ui.dialogs.welcome_dialog import WelcomeDialog
from ppdesk.ui.main_window import MainWindow
seen = []
def step():
    for w in app.topLevelWidgets():
        if isinstance(w, WelcomeDialog) and w.isVisible() and "welcome" not in seen:
            seen.append("welcome")
            w.import_button.click()
        if isinstance(w, MainWindow) and w.isVisible() and w.current_key():
            seen.append("window:" + w.current_key())
            w.close()
            app.quit()
            return
    QTimer.singleShot(50, step)
QTimer.singleShot(50, step)
from ppdesk.ui.app import run_app
code = run_app(["--home", sys.argv[1]])
print("SEEN", code, ",".join(seen))
"""


def test_first_run_welcome_then_import_page(tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PPDESK_HTML_PREVIEW="text")
    home = tmp_path / "new-home"
    args = [sys.executable, "-c", SCRIPT, str(home), str(tmp_path / "qs")]
    out = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert "SEEN 0 welcome,window:import" in out.stdout, out.stderr[-2000:]
    assert (home / "logs" / "ppdesk.log").is_file()
    # the second start goes straight to the window (the welcome was seen)
    out = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert "SEEN 0 window:import" in out.stdout, out.stderr[-2000:]

"""Each page opens alone on the demo store (``python -m ppdesk.ui.pages.<name>_page``).

Runs in a child process, like a developer would: ``run_page`` builds the demo store in
the test's demo home, shows the page, and a timer closes it once its work is done.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ppdesk.ui.main_window import PAGES

pytestmark = [pytest.mark.gui, pytest.mark.slow]  # Qt in nine child processes

SCRIPT = r"""
import runpy, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from ppdesk.ui.tasks import running_tasks
shown = []
def close_when_idle():
    pages = [w for w in app.topLevelWidgets() if w.isVisible()]
    if pages and not running_tasks():
        shown.append(pages[0].windowTitle())
        pages[0].close()
        app.quit()
        return
    QTimer.singleShot(50, close_when_idle)
QTimer.singleShot(50, close_when_idle)
try:
    runpy.run_module(sys.argv[1], run_name="__main__")
except SystemExit as exc:
    print("EXIT", exc.code, "|".join(shown))
"""


def test_every_page_runs_alone(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        PPDESK_HTML_PREVIEW="text",
        PPDESK_DEMO_HOME=str(tmp_path / "demo"),
    )
    for spec in PAGES:
        out = subprocess.run(
            [sys.executable, "-c", SCRIPT, spec.module],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
            cwd=tmp_path,
        )
        last = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else ""
        assert last.startswith("EXIT 0 ppdesk — "), (spec.module, out.stdout, out.stderr[-1500:])
        assert "(demo store)" in last
        assert "Traceback" not in out.stderr, out.stderr[-1500:]

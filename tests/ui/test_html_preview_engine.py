"""The real browser engine renders a preview (run in a child process: QtWebEngine needs its GL
attribute set before the QApplication exists, and without a GPU it logs GL warnings).

The app loads QtWebEngine only when the first preview is built, after the QApplication and
the window exist; the child process does the same, so this checks that late load works."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.gui  # drives Qt, in a child process

SCRIPT = r"""
import os, sys
from ppdesk.ui.app import prepare_qt_environment
prepare_qt_environment()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
assert "PySide6.QtWebEngineWidgets" not in sys.modules, "loaded before the window"
from ppdesk.ui.widgets.html_preview import HtmlPreview
preview = HtmlPreview()
assert preview.uses_webengine, "fell back to QTextBrowser"
preview.resize(500, 400)
preview.show()
seen = []
def check():
    preview.view.page().toPlainText(lambda text: (seen.append(text), app.quit()))
preview.rendered.connect(check)
preview.set_html("<html><body><h1>Complete your order</h1><p>15% off</p>"
                 "<script>document.body.innerHTML='scripts ran'</script></body></html>")
QTimer.singleShot(30000, app.quit)
app.exec()
print("TEXT:" + (seen[0].replace(chr(10), " ") if seen else "<none>"))
"""


def test_webengine_preview_renders_html_without_running_scripts(tmp_path) -> None:
    try:
        import PySide6.QtWebEngineWidgets  # noqa: F401
    except ImportError:
        pytest.skip("QtWebEngine is not installed")
    env = {k: v for k, v in os.environ.items() if k != "PPDESK_HTML_PREVIEW"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    line = next((ln for ln in out.stdout.splitlines() if ln.startswith("TEXT:")), "")
    assert "Complete your order" in line and "15% off" in line, out.stderr[-2000:]
    assert "scripts ran" not in line  # JavaScript is off in the preview

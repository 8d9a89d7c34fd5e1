"""Screenshots of the Flows page and its email form editor, with the real browser preview.

    xvfb-run -a -s "-screen 0 1280x720x24" .venv/bin/python scripts/flows_editor_screenshots.py
    ... --dark                 # the dark palette
    ... --out shots            # somewhere else than docs/screenshots

Runs the real app window at 1280x720 on the demo store under X (QtWebEngine paints only
on a real screen, so the screen is grabbed, not the widget), and writes
``flows-tab``, ``flows-edit-600px``, ``flows-edit-375px`` and ``flows-edit-advanced``
(``-dark`` with --dark).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--dark", action="store_true")
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "xcb")
    sys.path.insert(0, str(ROOT))
    from ppdesk.ui.app import prepare_qt_environment

    prepare_qt_environment()
    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from ppdesk.core.demo_store import ensure_demo_store
    from ppdesk.ui.app import apply_theme, dark_palette
    from ppdesk.ui.context import AppContext
    from ppdesk.ui.main_window import MainWindow
    from ppdesk.ui.pages.flows_page import EDIT_TAB, FlowsPage
    from ppdesk.ui.tasks import running_tasks

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                      tempfile.mkdtemp("-qsettings"))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app)
    if args.dark:
        app.setPalette(dark_palette())
    window = MainWindow(AppContext(ensure_demo_store(), demo=True))
    window.setGeometry(0, 0, 1280, 720)
    window.show()
    suffix = "-dark" if args.dark else ""
    args.out.mkdir(parents=True, exist_ok=True)

    def settle(extra: float = 1.0) -> None:
        deadline = time.monotonic() + 60
        quiet = None
        while time.monotonic() < deadline:
            QCoreApplication.processEvents()
            if running_tasks():
                quiet = None
            elif quiet is None:
                quiet = time.monotonic()
            elif time.monotonic() - quiet > extra:   # the debounced preview and its paint
                return
            time.sleep(0.02)

    def shot(name: str) -> None:
        screen = window.screen()
        path = args.out / f"{name}{suffix}.png"
        screen.grabWindow(0, 0, 0, 1280, 720).save(str(path))
        print(path)

    window.show_page("flows")
    settle()
    page = window.pages["flows"]
    assert isinstance(page, FlowsPage)
    shot("flows-tab")
    page.tabs.setCurrentIndex(EDIT_TAB)
    settle(2.5)
    editor = page.editor
    assert editor is not None
    shot("flows-edit-600px")
    editor.phone.setChecked(True)
    settle(1.5)
    shot("flows-edit-375px")
    editor.computer.setChecked(True)
    editor.tabs.setCurrentIndex(1)
    settle(2.5)
    shot("flows-edit-advanced")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Take a screenshot of every page of the app on the demo store (offscreen), for docs and review.

    python scripts/screenshots.py                 # writes docs/screenshots/<page>.png
    python scripts/screenshots.py --out shots     # somewhere else (shots/ is git-ignored)
    python scripts/screenshots.py --dark          # with the dark palette

Runs Qt offscreen, builds (or reuses) the demo store in its own home, opens the
main window at 1280x820, shows each page, waits for its background work, and
grabs the window. The HTML previews use the plain QTextBrowser fallback, because
QtWebEngine cannot paint into an offscreen grab. The emails themselves, as a mail app
shows them, come from ``scripts/email_screenshots.py`` (docs/emails/).
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
    parser.add_argument("--dark", action="store_true", help="use the dark palette")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=820)
    args = parser.parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["PPDESK_HTML_PREVIEW"] = "text"
    sys.path.insert(0, str(ROOT))

    from PySide6.QtCore import QCoreApplication, QSettings
    from PySide6.QtWidgets import QApplication

    from ppdesk.core.demo_store import ensure_demo_store
    from ppdesk.ui.app import apply_theme, dark_palette
    from ppdesk.ui.context import AppContext
    from ppdesk.ui.main_window import PAGES, MainWindow
    from ppdesk.ui.tasks import running_tasks

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # never the user's window state
    QSettings.setPath(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp("-qsettings")
    )
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app)
    if args.dark:
        app.setPalette(dark_palette())
    store = ensure_demo_store()
    window = MainWindow(AppContext(store, demo=True))
    window.resize(args.width, args.height)
    window.show()
    args.out.mkdir(parents=True, exist_ok=True)

    def settle(timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        quiet_since = None
        while time.monotonic() < deadline:
            QCoreApplication.processEvents()
            if running_tasks():
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > 0.4:  # debounced refreshes start late
                return
            time.sleep(0.02)

    for i, spec in enumerate(PAGES):
        window.show_page(spec.key)
        settle()
        page = window.pages[spec.key]
        if spec.key == "pairs" and page.model.rowCount():  # type: ignore[attr-defined]
            page.table.select_row(0)  # type: ignore[attr-defined]
            settle()
        if spec.key == "import":
            demo_csv = ROOT / "ppdesk" / "resources" / "demo" / "orders_export_demo.csv"
            if demo_csv.is_file():
                page.set_files([demo_csv])  # type: ignore[attr-defined]
                settle()
        path = args.out / f"{i + 1:02d}-{spec.key}{'-dark' if args.dark else ''}.png"
        window.grab().save(str(path))
        print(f"wrote {path}")  # noqa: T201 - a developer script
        if spec.key == "pairs":  # the heatmap tab too
            page.charts.setCurrentWidget(page.heatmap)  # type: ignore[attr-defined]
            settle()
            path = args.out / f"{i + 1:02d}b-heatmap{'-dark' if args.dark else ''}.png"
            window.grab().save(str(path))
            print(f"wrote {path}")  # noqa: T201 - a developer script
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Screenshots of every page of the app on the demo store, light and dark, for docs and review.

    python scripts/screenshots.py                 # docs/screenshots/NN-page.png, NN-page-dark.png
    python scripts/screenshots.py --out shots     # somewhere else (shots/ is git-ignored)
    python scripts/screenshots.py --only light    # one theme

Runs the real main window in its own X display (Xvfb, 1280x720; Qt offscreen when Xvfb
is missing) on the demo store built in a temporary demo home (never the merchant's, never
the developer's), with the demo's simulated month played so Results, Outbox and Customer
have something to show. Each page is opened from the sidebar (``scripts/gui_driver.py``),
its background work waited for, and the screen grabbed: Pairs with its top pair picked
(and the heatmap tab as ``NNb-heatmap``), Import with the demo export dropped on it,
Customer with a customer who got emails. The emails themselves, as a mail app shows them,
come from ``scripts/email_screenshots.py`` (docs/emails/).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WIDTH, HEIGHT = 1280, 720


def shoot_theme(out: Path, *, dark: bool) -> list[Path]:
    import gui_driver as g
    from PySide6.QtWidgets import QApplication

    from ppdesk.core.demo_store import ensure_demo_store
    from ppdesk.core.flows.outbox import list_messages
    from ppdesk.ui.app import apply_theme
    from ppdesk.ui.context import AppContext
    from ppdesk.ui.main_window import PAGES, MainWindow

    app = QApplication.instance()
    assert isinstance(app, QApplication)
    apply_theme(app, dark=dark)
    store = ensure_demo_store()
    window = MainWindow(AppContext(store, demo=True))
    window.setGeometry(0, 0, WIDTH, HEIGHT)
    window.show()
    d = g.Driver(window, out)
    suffix = "-dark" if dark else ""
    written = []

    def save(name: str) -> None:
        path = out / f"{name}{suffix}.png"
        g.save_png(d.grab(), path)
        written.append(path)

    sent = list_messages(store, states=["sent"])
    for i, spec in enumerate(PAGES, 1):
        page = d.show(spec.key)
        if spec.key == "pairs":
            view = g.table_view(page)
            if view.model().rowCount():
                d.click_table_row(view, 0)
                d.settle()
        elif spec.key == "import":
            demo_csv = ROOT / "ppdesk" / "resources" / "demo" / "orders_export_demo.csv"
            d.drop_files(g.import_drop_zone(page), [demo_csv])
            d.settle()
        elif spec.key == "customer" and len(sent):
            d.type_into(g.customer_email(page), str(sent["email"].iloc[0]))
            d.click(d.button(page, "Show", exact=True))
            d.settle()
        save(f"{i:02d}-{spec.key}")
        if spec.key == "pairs":
            page.charts.setCurrentWidget(page.heatmap)  # type: ignore[attr-defined]
            d.settle()
            save(f"{i:02d}b-heatmap")
    window.close()
    d.settle()
    window.deleteLater()
    d.pump(0.2)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", choices=("light", "dark"))
    args = parser.parse_args(argv)
    sys.path[:0] = [str(ROOT), str(Path(__file__).parent)]
    from xvfb_display import virtual_display

    tmp = Path(tempfile.mkdtemp(prefix="ppdesk-screenshots-"))
    args.out.mkdir(parents=True, exist_ok=True)
    themes = [t for t in ("light", "dark") if args.only in (None, t)]
    for theme in themes:   # a fresh set: pages renamed or removed leave no stale picture
        for old in args.out.glob("[0-9][0-9]*.png"):
            if old.stem.endswith("-dark") == (theme == "dark"):
                old.unlink()
    try:
        with virtual_display(WIDTH, HEIGHT):
            os.environ["PPDESK_DEMO_HOME"] = str(tmp / "demo-home")
            os.environ["PPDESK_HOME"] = str(tmp / "home")
            if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
                os.environ["PPDESK_HTML_PREVIEW"] = "text"   # no X: the web view cannot paint
            from PySide6.QtCore import QSettings
            from PySide6.QtWidgets import QApplication

            from ppdesk.core.demo_store import ensure_demo_store
            from ppdesk.core.results.simulate import simulate_month
            from ppdesk.ui.app import prepare_qt_environment

            QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # never the user's state
            QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                              str(tmp / "qsettings"))
            simulate_month(ensure_demo_store())
            prepare_qt_environment()
            app = QApplication.instance() or QApplication(sys.argv[:1])
            for theme in themes:
                for path in shoot_theme(args.out, dark=theme == "dark"):
                    print(f"wrote {path}")  # noqa: T201 - a developer script
            app.shutdown()   # before the X server goes
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

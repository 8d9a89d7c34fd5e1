"""Open one page alone on the demo store: ``python -m ppdesk.ui.pages.pairs_page``.

For developing and reviewing a screen without the rest of the window.
"""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QApplication

from ppdesk.ui.pages.base import Page


def run_page(page_cls: type[Page]) -> int:
    from ppdesk.core.demo_store import ensure_demo_store
    from ppdesk.ui.app import apply_theme, prepare_qt_environment
    from ppdesk.ui.context import AppContext

    prepare_qt_environment()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    apply_theme(app)
    store = ensure_demo_store()
    page = page_cls(AppContext(store, demo=True))
    page.setWindowTitle(f"ppdesk — {page.title} (demo store)")
    page.resize(1100, 760)
    page.show()
    page.refresh()
    code = int(app.exec())
    page.shutdown()
    return code

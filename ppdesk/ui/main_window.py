"""The main window: sidebar of pages, menus, shortcuts, remembered geometry.

It wires the pages together; it does not hold them.

Pages are created the first time they are shown (start-up stays fast) and
refreshed when shown stale. At start-up the window paints first with a "Loading"
placeholder; the first page's Qt-free modules (pandas, the core analytics it imports)
then load on a worker thread while the window is on screen, and only then is the page
built on the GUI thread, so the window never waits for pandas. Window geometry and the
last page live in QSettings under ``ui/`` (organisation ``ppdesk``); nothing else goes there.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
from dataclasses import dataclass

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ppdesk import __version__
from ppdesk.ui.context import AppContext
from ppdesk.ui.errors import open_log_folder
from ppdesk.ui.pages.base import Page
from ppdesk.ui.tasks import Task, wait_for_all


@dataclass(frozen=True)
class PageSpec:
    key: str
    label: str
    module: str
    cls: str


PAGES: tuple[PageSpec, ...] = (
    PageSpec("home", "Home", "ppdesk.ui.pages.home_page", "HomePage"),
    PageSpec("import", "Import", "ppdesk.ui.pages.import_page", "ImportPage"),
    PageSpec("pairs", "Products && pairs", "ppdesk.ui.pages.pairs_page", "PairsPage"),
    PageSpec("timing", "Reorder timing", "ppdesk.ui.pages.timing_page", "TimingPage"),
    PageSpec("offers", "Offers (thank-you page)", "ppdesk.ui.pages.offers_page", "OffersPage"),
    PageSpec("flows", "Flows (emails)", "ppdesk.ui.pages.flows_page", "FlowsPage"),
    PageSpec("outbox", "Outbox", "ppdesk.ui.pages.outbox_page", "OutboxPage"),
    PageSpec("customer", "Customer", "ppdesk.ui.pages.customer_page", "CustomerPage"),
    PageSpec("results", "Results", "ppdesk.ui.pages.results_page", "ResultsPage"),
    PageSpec("settings", "Settings", "ppdesk.ui.pages.settings_page", "SettingsPage"),
    PageSpec("products", "Catalogue", "ppdesk.ui.pages.products_page", "ProductsPage"),
)


def ui_settings() -> QSettings:
    """The QSettings holding window state (default format, so tests can redirect it)."""
    return QSettings(QSettings.defaultFormat(), QSettings.Scope.UserScope, "ppdesk", "ppdesk")


def page_class(spec: PageSpec) -> type[Page]:
    module = importlib.import_module(spec.module)
    cls: type[Page] = getattr(module, spec.cls)
    return cls


def warm_modules(spec: PageSpec) -> list[str]:
    """The Qt-free modules a page module imports at its top (pandas, ``ppdesk.core...``).

    Read from the page's source, not by importing it: importing the page itself would
    create Qt objects off the GUI thread. Core never imports Qt (architecture test), so
    these are safe to import on a worker thread.
    """
    found = importlib.util.find_spec(spec.module)
    if found is None or found.origin is None:
        return []
    with open(found.origin, encoding="utf-8") as fh:
        tree = ast.parse(fh.read(), filename=found.origin)
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            # ``from ppdesk.core.analytics import pairs`` names a submodule: try both.
            names += [node.module] + [f"{node.module}.{a.name}" for a in node.names]
    return [n for n in names if n.startswith("ppdesk.core") or
            n.split(".")[0] not in ("ppdesk", "PySide6", "shiboken6", "__future__")]


def _import_all(names: list[str]) -> None:
    for name in names:
        try:
            if importlib.util.find_spec(name) is not None:
                importlib.import_module(name)
        except Exception:  # noqa: BLE001, S112 - not a module, or the page's import reports it
            continue


class MainWindow(QMainWindow):
    """Sidebar + stacked pages.

    Signals:
        page_changed(str): key of the page now shown.
        switch_store_requested(bool): True for the demo store, False for the merchant's.
    """

    page_changed = Signal(str)
    switch_store_requested = Signal(bool)

    def __init__(self, ctx: AppContext) -> None:
        super().__init__()
        self.ctx = ctx
        self.pages: dict[str, Page] = {}
        self._current = ""
        self._deferred_page: str | None = None
        self._warm_task: Task | None = None
        title = "ppdesk — demo store" if ctx.demo else "ppdesk"
        self.setWindowTitle(title)
        self.setMinimumSize(QSize(980, 640))
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setFixedWidth(210)
        self.sidebar.setSpacing(1)
        self.sidebar.setFrameShape(QListWidget.Shape.NoFrame)
        self.sidebar.setStyleSheet(
            "QListWidget#sidebar { background: palette(alternate-base); padding-top: 8px;"
            " outline: 0; }"
            "QListWidget#sidebar::item { padding: 8px 14px; border-radius: 6px; margin: 1px 6px; }"
            "QListWidget#sidebar::item:selected { background: palette(highlight);"
            " color: palette(highlighted-text); }"
        )
        for i, spec in enumerate(PAGES):
            item = QListWidgetItem(spec.label.replace("&&", "&"))
            item.setData(Qt.ItemDataRole.UserRole, spec.key)
            item.setToolTip(f"{spec.label.replace('&&', '&')} (Ctrl+{(i + 1) % 10})")  # 10th: 0
            self.sidebar.addItem(item)
        self.stack = QStackedWidget()
        self.loading = QLabel("Loading…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.stack.addWidget(self.loading)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(self.sidebar, 1)
        if ctx.demo:
            badge = QLabel("  Demo store: made-up orders")
            badge.setStyleSheet("padding: 6px; background: rgba(230,160,20,0.25);")
            side_layout.addWidget(badge)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(side)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.sidebar.currentRowChanged.connect(lambda row: self.show_page(PAGES[row].key))
        ctx.navigate.connect(self.show_page)
        self._build_menus()
        self.statusBar().showMessage(f"Store folder: {ctx.store.home}")
        from ppdesk.ui.background import MailboxTimer

        self.mailbox = MailboxTimer(ctx, self)   # inbox checks while open; failed runs shown
        self.mailbox.checked.connect(lambda text: self.statusBar().showMessage(text, 15000))
        failed = self.mailbox.start()
        if failed:
            self.statusBar().showMessage(failed[0])

    # -- pages ------------------------------------------------------------------------------
    def page(self, key: str) -> Page:
        """The page for ``key``, created on first use."""
        if key not in self.pages:
            spec = next(s for s in PAGES if s.key == key)
            page = page_class(spec)(self.ctx)
            self.pages[key] = page
            self.stack.addWidget(page)
        return self.pages[key]

    def current_key(self) -> str:
        return self._current

    def show_page(self, key: str) -> None:
        if key == self._current:
            return
        if self._current and not self.pages[self._current].can_leave():
            self._select_row(self._current)   # the merchant stays (unsaved edits)
            return
        page = self.page(key)
        self._current = key
        self._select_row(key)
        self.stack.setCurrentWidget(page)
        page.refresh_if_stale()
        self.page_changed.emit(key)

    def _select_row(self, key: str) -> None:
        row = next(i for i, s in enumerate(PAGES) if s.key == key)
        if self.sidebar.currentRow() != row:
            self.sidebar.blockSignals(True)
            self.sidebar.setCurrentRow(row)
            self.sidebar.blockSignals(False)

    def refresh_current(self) -> None:
        if self._current:
            self.pages[self._current].refresh()

    # -- menus --------------------------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.import_action = self._action(
            file_menu, "&Import orders…", QKeySequence.StandardKey.Open, self._import
        )
        file_menu.addSeparator()
        if self.ctx.demo:
            self._action(
                file_menu, "Open &my store", None, lambda: self._switch_store(False)
            )
        else:
            self._action(
                file_menu,
                "Try the &demo store",
                None,
                lambda: self._switch_store(True),
            )
        self._action(file_menu, "Open &log folder", None, open_log_folder)
        file_menu.addSeparator()
        self._action(file_menu, "&Quit", QKeySequence.StandardKey.Quit, self.close)
        view_menu = bar.addMenu("&View")
        for i, spec in enumerate(PAGES):
            self._action(
                view_menu,
                spec.label,
                QKeySequence(f"Ctrl+{(i + 1) % 10}") if i < 10 else None,
                lambda _=False, k=spec.key: self.show_page(k),
            )
        view_menu.addSeparator()
        self._action(view_menu, "&Refresh", QKeySequence.StandardKey.Refresh, self.refresh_current)
        help_menu = bar.addMenu("&Help")
        self._action(
            help_menu, "Where do I find my order export?", None, lambda: self.show_page("import")
        )
        self._action(help_menu, "&About ppdesk", None, self._about)

    def _action(self, menu: object, text: str, shortcut: object, slot: object) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)  # type: ignore[arg-type]
        action.triggered.connect(slot)  # type: ignore[arg-type]
        menu.addAction(action)  # type: ignore[attr-defined]
        return action

    def _switch_store(self, demo: bool) -> None:
        if all(page.can_leave() for page in self.pages.values()):   # unsaved edits ask first
            self.switch_store_requested.emit(demo)

    def _import(self) -> None:
        self.show_page("import")
        page = self.pages["import"]
        browse = getattr(page, "browse", None)
        if callable(browse):
            browse()

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About ppdesk",
            f"<b>ppdesk {__version__}</b><p>Turns your store's order exports into "
            "post-purchase revenue: what sells together, when customers reorder, "
            "the thank-you page offer and the follow-up emails.</p>"
            f"<p>Store folder: {self.ctx.store.home}</p>",
        )

    # -- state ----------------------------------------------------------------------------------
    def restore_state(
        self, settings: QSettings | None = None, *, page: str | None = None, defer: bool = False
    ) -> None:
        """Restore geometry and the last page (Home when none was saved, ``page`` if given).

        With ``defer`` the page is built on the next event-loop turn, so the window
        paints at once and the page's modules load while the merchant already sees it.
        """
        qs = settings or ui_settings()
        geometry = qs.value("ui/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1200, 780)
        last = page or str(qs.value("ui/last_page", "home"))
        key = last if any(s.key == last for s in PAGES) else "home"
        if defer:
            self._deferred_page = key  # built after the first paint, see paintEvent
            # Select its row now, signals off: a list without a current row picks row 0
            # when it gets focus, and that would build the Home page before the paint.
            self.sidebar.blockSignals(True)
            self.sidebar.setCurrentRow(next(i for i, s in enumerate(PAGES) if s.key == key))
            self.sidebar.blockSignals(False)
        else:
            self.show_page(key)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._deferred_page is not None:
            key, self._deferred_page = self._deferred_page, None
            QTimer.singleShot(0, lambda: self._warm_then_show(key))

    def _warm_then_show(self, key: str) -> None:
        """Load the page's heavy modules on a worker thread, then build it here."""
        spec = next(s for s in PAGES if s.key == key)
        names = warm_modules(spec)
        task = Task(lambda progress, cancel: _import_all(names), name=f"Loading {key}")
        self._warm_task = task

        def ready(_result: object = None) -> None:
            self._warm_task = None
            if not self._current:  # the merchant has not picked a page meanwhile
                self.show_page(key)

        task.signals.succeeded.connect(ready)
        task.signals.failed.connect(ready)
        task.signals.cancelled.connect(ready)
        task.start()

    def save_state(self, settings: QSettings | None = None) -> None:
        qs = settings or ui_settings()
        qs.setValue("ui/geometry", self.saveGeometry())
        qs.setValue("ui/last_page", self._current or "home")
        qs.sync()

    def shutdown(self) -> None:
        """Cancel page work and wait for the worker threads (called on close)."""
        for page in self.pages.values():
            page.shutdown()
        self.mailbox.shutdown()
        wait_for_all()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not all(page.can_leave() for page in self.pages.values()):
            event.ignore()   # the merchant chose to stay with unsaved edits
            return
        self.save_state()
        self.shutdown()
        super().closeEvent(event)

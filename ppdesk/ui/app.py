"""Starting the desktop app: QApplication, theme, crash handling, which store to open.

``run_app(args)`` is called by ``ppdesk/__main__.py`` for ``ppdesk``,
``ppdesk app [--demo]`` and ``--home DIR``. It logs to the home's log folder,
routes uncaught exceptions (GUI thread and worker threads) to a crash dialog
naming the log file, follows the OS light/dark colour scheme, and opens the
main window on the merchant's store or, with ``--demo``, on the demo store in
its separate home. On the very first run a welcome offers the demo or an import.
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QStyleFactory

from ppdesk.core import paths
from ppdesk.core.logsetup import setup_logging
from ppdesk.core.store import Store
from ppdesk.core.store.connection import open_store
from ppdesk.core.store.settings_queries import get_setting
from ppdesk.ui import errors
from ppdesk.ui.context import AppContext
from ppdesk.ui.gc_guard import GuiThreadGarbageCollector
from ppdesk.ui.main_window import MainWindow, ui_settings
from ppdesk.ui.tasks import Task

log = logging.getLogger("ppdesk.ui.app")

# ``ppdesk.core.store.lines.DATA_VERSION_KEY``, read through settings_queries: importing
# lines loads pandas (~1 s), and the window must show before anything heavy loads.
DATA_VERSION_KEY = "data_version"


def prepare_qt_environment() -> None:
    """Settings QtWebEngine reads at start-up; must run before the QApplication exists."""
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "")
    extra = []
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to sandbox as root (containers, CI); the preview runs no scripts.
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
        extra.append("--no-sandbox")
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        extra.append("--disable-gpu")
    missing = [f for f in extra if f not in flags]
    if missing:
        os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join([flags, *missing]).strip()
    if os.environ.get("PPDESK_HTML_PREVIEW", "").lower() != "text":
        # QtWebEngine needs shared GL contexts from before the QApplication exists; with the
        # attribute set, the module itself can load later, when the first preview is built
        # (html_preview.py), so its 0.1-0.2 s import is not paid before the window shows.
        # A module that is present but cannot load still falls back to text there.
        if importlib.util.find_spec("PySide6.QtWebEngineWidgets") is None:
            os.environ["PPDESK_HTML_PREVIEW"] = "text"
        else:
            QApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)


# Frames and check marks on the dark window. Fusion draws text-field, spin-box, combo and
# check-box outlines a shade *darker* than the window (window.darker(140)): on a dark window
# that is near black on near black, so fields, boxes and checkboxes looked borderless (seen
# in the dark screenshots). FRAME is at least 3:1 against the window and the field base
# (WCAG's figure for the edges of controls; tests/ui/test_dark_theme.py measures it).
FRAME = "#80868b"
FRAME_DISABLED = "#4a4e53"
# Spin boxes, combos, date fields and check/radio indicators keep Fusion's own drawing (a
# style sheet border on them drops the native arrows and check marks): they get a palette
# whose Window colour, darkened the way Fusion darkens it, is FRAME. None of them paints its
# Window colour itself, so nothing else changes.
OUTLINED = ("QAbstractSpinBox", "QComboBox", "QCheckBox", "QRadioButton")
# Plain text fields and group boxes take a style sheet frame (Fusion draws the group box
# frame from a fixed, faint pixmap). The fields inside spin and combo boxes keep no frame of
# their own (their outer box draws it); focus still shows in the highlight colour.
DARK_SHEET = (
    f"QLineEdit {{ border: 1px solid {FRAME}; border-radius: 3px; padding: 1px 2px; }}"
    "QLineEdit:focus { border-color: palette(highlight); }"
    f"QLineEdit:disabled {{ border-color: {FRAME_DISABLED}; }}"
    "QAbstractSpinBox QLineEdit, QComboBox QLineEdit { border: none; padding: 0; }"
    f"QGroupBox {{ border: 1px solid {FRAME}; border-radius: 4px; margin-top: 1.3em;"
    " padding-top: 2px; }"
    "QGroupBox::title { subcontrol-origin: margin; subcontrol-position: top left;"
    " left: 0px; padding: 0 2px; }"
)


def apply_theme(app: QApplication, *, dark: bool | None = None) -> None:
    """Fusion style with a light or dark palette; ``dark=None`` follows the OS colour scheme."""
    app.setStyle(QStyleFactory.create("Fusion"))
    if dark is None:
        dark = QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark
    palette = dark_palette() if dark else app.style().standardPalette()
    app.setPalette(palette)
    # per-class palettes outlive a theme switch, so light sets them back explicitly
    outlined = outlined_palette(palette) if dark else palette
    for name in OUTLINED:
        app.setPalette(outlined, name)
    app.setStyleSheet(DARK_SHEET if dark else "")


def outlined_palette(palette: QPalette) -> QPalette:
    """``palette`` with a Window colour that Fusion's darker(140) outline turns into FRAME."""
    p = QPalette(palette)
    for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
        p.setColor(group, QPalette.ColorRole.Window, QColor(FRAME).lighter(140))
    p.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Window,
               QColor(FRAME_DISABLED).lighter(140))
    return p


def dark_palette() -> QPalette:
    p = QPalette()
    role = QPalette.ColorRole
    for r, colour in (
        (role.Window, "#202124"),
        (role.WindowText, "#e8eaed"),
        (role.Base, "#17181a"),
        (role.AlternateBase, "#26282b"),
        (role.Text, "#e8eaed"),
        (role.Button, "#2b2d31"),
        (role.ButtonText, "#e8eaed"),
        (role.Highlight, "#2f7d6d"),
        (role.HighlightedText, "#ffffff"),
        (role.ToolTipBase, "#2b2d31"),
        (role.ToolTipText, "#e8eaed"),
        (role.PlaceholderText, "#9aa0a6"),
        (role.Link, "#8ab4f8"),
        (role.Mid, "#3c4043"),
    ):
        p.setColor(r, QColor(colour))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, r, QColor("#8a8f96"))
    return p


class _CrashBridge(QObject):
    """Carries an exception from any thread to the GUI thread's crash dialog."""

    crashed = Signal(str)


class CrashHandler:
    """Installs ``sys.excepthook``/``threading.excepthook``: log it, then tell the merchant."""

    def __init__(self, log_file: Path | None) -> None:
        self.log_file = log_file
        self.bridge = _CrashBridge()
        self.bridge.crashed.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self.shown = 0

    def install(self) -> None:
        sys.excepthook = self.handle
        threading.excepthook = self._thread_hook

    def handle(
        self, kind: type[BaseException], exc: BaseException, tb: TracebackType | None
    ) -> None:
        log.critical("uncaught exception:\n%s", "".join(traceback.format_exception(kind, exc, tb)))
        self.bridge.crashed.emit(kind.__name__)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        self.handle(args.exc_type, args.exc_value or args.exc_type(), args.exc_traceback)

    def _show(self, _name: str) -> None:
        self.shown += 1
        if self.shown > 3:  # a fault in a paint loop must not bury the screen in dialogs
            return
        box = QMessageBox(QApplication.activeWindow())
        box.setIcon(QMessageBox.Icon.Critical)
        box.setWindowTitle("ppdesk hit a fault")
        where = f"The details are in the log file:\n{self.log_file}" if self.log_file else ""
        box.setText(
            "Something went wrong inside ppdesk. This is a fault in ppdesk, not something "
            "you did, and your store's data is safe. You can keep working; if it happens "
            "again, please send the log file to support.\n\n" + where
        )
        open_button = box.addButton("Open log folder", QMessageBox.ButtonRole.ActionRole)
        box.addButton(QMessageBox.StandardButton.Close)
        box.exec()
        if box.clickedButton() is open_button:
            errors.open_log_folder()


def parse_args(args: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="ppdesk app", add_help=False)
    parser.add_argument("--home")
    parser.add_argument("--demo", action="store_true")
    known, _rest = parser.parse_known_args([a for a in args if a != "app"])
    return known


class AppController(QObject):
    """Opens the right store in a main window, and switches between demo and own store."""

    def __init__(self, home: Path, log_file: Path | None) -> None:
        super().__init__()
        self.home = home
        self.log_file = log_file
        self.window: MainWindow | None = None
        self._task: Task | None = None

    def start(self, *, demo: bool) -> None:
        if demo:
            self.open_demo()
            return
        store = open_store(self.home)
        if self._first_run(store):
            from ppdesk.ui.dialogs.welcome_dialog import WelcomeDialog

            dialog = WelcomeDialog()
            dialog.exec()
            ui_settings().setValue("ui/welcomed", True)
            if dialog.choice == "demo":
                self.open_demo()
                return
            self.show(AppContext(store, log_file=self.log_file), page="import")
            return
        self.show(AppContext(store, log_file=self.log_file))

    @staticmethod
    def _first_run(store: Store) -> bool:
        conn = store.connect()
        try:
            never_imported = int(get_setting(conn, DATA_VERSION_KEY) or 0) == 0
        finally:
            conn.close()
        return never_imported and not ui_settings().value("ui/welcomed", False, type=bool)

    def open_demo(self) -> None:
        """Build (first time) or open the demo store in the background, then show it."""
        from ppdesk.core.demo_store import ensure_demo_store

        dialog = QProgressDialog("Preparing the demo store…", "Cancel", 0, 0)
        dialog.setWindowTitle("ppdesk")
        dialog.setMinimumDuration(500)
        dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
        task = Task(
            lambda progress, cancel: ensure_demo_store(progress=progress, cancel=cancel),
            name="Preparing the demo store",
        )
        self._task = task

        def progressed(done: int, total: int, message: str) -> None:
            if total > 0:
                dialog.setRange(0, 1000)
                dialog.setValue(int(1000 * min(done, total) / total))
            if message:
                dialog.setLabelText(message)

        def done(store: object) -> None:
            dialog.reset()
            self._task = None
            assert isinstance(store, Store)
            self.show(AppContext(store, demo=True, log_file=self.log_file))

        def failed(exc: object) -> None:
            dialog.reset()
            self._task = None
            errors.show_error(self.window, exc)  # type: ignore[arg-type]
            if self.window is None:
                self.show(AppContext(open_store(self.home), log_file=self.log_file))

        def cancelled() -> None:
            dialog.reset()
            self._task = None
            if self.window is None:
                self.show(AppContext(open_store(self.home), log_file=self.log_file))

        task.signals.progress.connect(progressed)
        task.signals.succeeded.connect(done)
        task.signals.failed.connect(failed)
        task.signals.cancelled.connect(cancelled)
        dialog.canceled.connect(task.cancel)
        task.start()

    def show(self, ctx: AppContext, *, page: str | None = None) -> None:
        old = self.window
        if old is not None:
            old.save_state()
            old.shutdown()
        window = MainWindow(ctx)
        window.switch_store_requested.connect(self._switch)
        window.restore_state(page=page, defer=True)
        if old is not None:
            window.setGeometry(old.geometry())
            old.hide()
            old.deleteLater()
        self.window = window
        window.show()

    def _switch(self, demo: bool) -> None:
        if demo:
            self.open_demo()
        else:
            self.show(AppContext(open_store(self.home), log_file=self.log_file))


def missing_display() -> str | None:
    """A sentence when Linux has no display for a window (Qt would abort), else None."""
    if not sys.platform.startswith("linux") or os.environ.get("QT_QPA_PLATFORM"):
        return None
    if os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"):
        return None
    return ("ppdesk app needs a graphical display (DISPLAY or WAYLAND_DISPLAY is not set); "
            "the commands work without one: see 'ppdesk --help'.")


def run_app(args: list[str]) -> int:
    """Open the desktop app; returns the process exit code."""
    problem = missing_display()
    if problem:
        sys.stderr.write(problem + "\n")
        return 2
    opts = parse_args(args)
    home = paths.home_dir(opts.home)
    log_file = setup_logging(paths.log_dir(home))
    errors.set_log_file(log_file)
    prepare_qt_environment()
    app = QApplication.instance() or QApplication(
        [sys.argv[0], *[a for a in args if a.startswith("-platform")]]
    )
    assert isinstance(app, QApplication)
    app.setOrganizationName("ppdesk")
    app.setApplicationName("ppdesk")
    app.setApplicationDisplayName("ppdesk")
    apply_theme(app)
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _s: apply_theme(app))
    crash = CrashHandler(log_file)
    crash.install()
    collector = GuiThreadGarbageCollector(app)
    app.aboutToQuit.connect(collector.stop)
    controller = AppController(home, log_file)
    try:
        controller.start(demo=opts.demo)
    except Exception as exc:  # noqa: BLE001 - the store could not open: say so, do not crash
        errors.show_error(None, exc)
        return 1
    log.info("app started (demo=%s, home=%s)", opts.demo, home)
    return int(app.exec())

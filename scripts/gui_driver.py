"""Drives the real main window the way a merchant does: real widgets, real clicks, real keys.

Every lookup of a widget on a page lives here, found by what the merchant sees (a button's
text, a form row bound to a settings field) rather than by private attribute names where
that is possible, so a page whose layout changes needs one edit in this file only.
``scripts/walkthrough.py`` and ``scripts/screenshots.py`` use it.

Clicks and typing go through ``QTest`` (mouse press/release on the widget, key events),
so the page's own slots run as they do for a person. Background work is waited for with
``ppdesk.ui.tasks.running_tasks`` and a short quiet period (debounced refreshes start
late). Screenshots grab the whole screen, so a window-modal question box shows too.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QWidget,
)

from ppdesk.ui.main_window import MainWindow
from ppdesk.ui.pages.base import Page
from ppdesk.ui.tasks import running_tasks


class DriverError(RuntimeError):
    """A step could not be done (a widget missing, a wait that never ended)."""


class Driver:
    """The open main window and the helpers a walkthrough needs."""

    def __init__(self, window: MainWindow, out: Path) -> None:
        self.window = window
        self.out = out
        self.shots: list[tuple[str, str]] = []   # (file name, what happens)

    # -- waiting -----------------------------------------------------------------------------
    def pump(self, seconds: float = 0.05) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            QCoreApplication.processEvents()
            time.sleep(0.01)

    def settle(self, timeout: float = 120.0, quiet: float = 0.5) -> None:
        """Process events until no background task has run for ``quiet`` seconds."""
        deadline = time.monotonic() + timeout
        quiet_since: float | None = None
        while time.monotonic() < deadline:
            QCoreApplication.processEvents()
            if running_tasks():
                quiet_since = None
            elif quiet_since is None:
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since > quiet:
                return
            time.sleep(0.02)
        raise DriverError(f"background work still running after {timeout:.0f} s: "
                          f"{[t.name for t in running_tasks()]}")

    def wait_until(self, condition: Callable[[], Any], what: str, timeout: float = 120.0,
                   page: Page | None = None) -> Any:
        """``condition()`` once it is true; on time-out an error naming ``what`` (and the
        page's messages, which usually say why)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            QCoreApplication.processEvents()
            value = condition()
            if value:
                return value
            time.sleep(0.02)
        said = f"; the page says: {self.messages(page)}" if page is not None else ""
        raise DriverError(f"timed out waiting for {what}{said}")

    # -- pages and widgets -------------------------------------------------------------------
    def show(self, key: str) -> Page:
        """Open a page by clicking its row in the sidebar, then wait for its refresh."""
        sidebar = self.window.sidebar
        for row in range(sidebar.count()):
            item = sidebar.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == key:
                rect = sidebar.visualItemRect(item)
                QTest.mouseClick(sidebar.viewport(), Qt.MouseButton.LeftButton,
                                 Qt.KeyboardModifier.NoModifier, rect.center())
                break
        else:
            raise DriverError(f"no sidebar row for page {key!r}")
        self.wait_until(lambda: self.window.current_key() == key, f"the {key} page")
        self.settle()
        return self.window.pages[key]

    def button(self, root: QWidget, *texts: str, exact: bool = False) -> QAbstractButton:
        """The visible button whose text is (or, unless ``exact``, starts with) one of ``texts``."""
        for text in texts:
            for b in root.findChildren(QAbstractButton):
                label = b.text().replace("&", "")
                if b.isVisible() and (label == text or (not exact and label.startswith(text))):
                    return b
        raise DriverError(f"no button {texts} on {type(root).__name__}")

    def click(self, button: QAbstractButton) -> None:
        self.wait_until(button.isEnabled, f"the {button.text()!r} button to be enabled")
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        self.pump()

    def tick(self, box: QCheckBox, on: bool = True) -> None:
        """Click a check box on its square (a form stretches the box past its text, so a
        click in the middle of the widget would miss it)."""
        if box.isChecked() != on:
            QTest.mouseClick(box, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                             QPoint(8, box.height() // 2))
            self.pump()
        if box.isChecked() != on:
            raise DriverError(f"the check box {box.text()!r} did not change")

    def type_into(self, edit: QLineEdit, text: str) -> None:
        """Select what is there and type over it, key by key."""
        edit.setFocus()
        edit.selectAll()
        QTest.keyClick(edit, Qt.Key.Key_Backspace)
        QTest.keyClicks(edit, text)
        self.pump()

    def type_number(self, box: QAbstractSpinBox, value: float) -> None:
        """Type a number into a spin box's own text field."""
        edit = box.findChild(QLineEdit)
        if edit is None:
            raise DriverError("a spin box without its text field")
        self.type_into(edit, str(value))
        box.interpretText()

    def choose(self, combo: QComboBox, *, text: str | None = None, data: object = None) -> None:
        """Pick an entry as a person does (``activated`` fires, as with the mouse)."""
        index = combo.findText(text) if text is not None else combo.findData(data)
        if index < 0:
            raise DriverError(f"no entry {text or data!r} in the list")
        combo.setFocus()
        combo.setCurrentIndex(index)
        combo.activated.emit(index)
        self.pump()

    def drop_files(self, target: QWidget, files: list[Path]) -> None:
        """Drop files on ``target`` with the drag-and-drop events a file manager sends."""
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(f)) for f in files])
        at = QPoint(target.width() // 2, target.height() // 2)
        action = Qt.DropAction.CopyAction
        enter = QDragEnterEvent(at, action, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(target, enter)
        drop = QDropEvent(QPointF(at), action, mime, Qt.MouseButton.LeftButton,
                          Qt.KeyboardModifier.NoModifier)
        QApplication.sendEvent(target, drop)
        self.pump()

    def reveal(self, widget: QWidget) -> None:
        """Scroll the page so ``widget`` is on screen (as a person scrolls to it)."""
        parent = widget.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if isinstance(parent, QScrollArea) and parent.widget() is not None:
            top = widget.mapTo(parent.widget(), QPoint(0, 0)).y()
            parent.verticalScrollBar().setValue(max(0, top - 120))   # a few rows above it
        self.pump()

    def click_tab(self, tabs: QTabWidget, text: str) -> None:
        """Click the tab whose title is ``text``."""
        bar = tabs.tabBar()
        for i in range(bar.count()):
            if bar.tabText(i).replace("&", "") == text:
                QTest.mouseClick(bar, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                                 bar.tabRect(i).center())
                self.wait_until(lambda i=i: tabs.currentIndex() == i, f"the {text!r} tab")
                self.pump()
                return
        raise DriverError(f"no tab {text!r}")

    def click_table_row(self, view: Any, row: int = 0) -> None:
        index = view.model().index(row, 0)
        view.scrollTo(index)
        rect = view.visualRect(index)
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton,
                         Qt.KeyboardModifier.NoModifier, rect.center())
        self.pump()

    def message_box(self, timeout: float = 120.0) -> QMessageBox:
        """The question box a page opened (window-modal, so the page stays live)."""
        return self.wait_until(lambda: next(
            (w for w in QApplication.topLevelWidgets()
             if isinstance(w, QMessageBox) and w.isVisible()), None), "a question box", timeout)

    def answer(self, box: QMessageBox, *texts: str) -> None:
        self.click(self.button(box, *texts))
        self.wait_until(lambda: not box.isVisible(), "the question box to close")

    def messages(self, page: Page) -> list[str]:
        """The texts in the page's message bar."""
        return page.messages.texts()

    # -- pictures ----------------------------------------------------------------------------
    def grab(self) -> QImage:
        """The whole screen (main window and any box over it)."""
        self.pump(0.3)   # let the last paint reach the screen
        screen = QGuiApplication.primaryScreen()
        pixmap = screen.grabWindow(0) if screen is not None else None
        if pixmap is None or pixmap.isNull():
            pixmap = self.window.grab()
        return pixmap.toImage()

    def shot(self, name: str, caption: str) -> Path:
        """Save the screen as ``NN-name.png`` in the output folder, with a caption."""
        file = f"{len(self.shots) + 1:02d}-{name}.png"
        path = self.out / file
        save_png(self.grab(), path)
        self.shots.append((file, caption))
        return path


def save_png(image: QImage, path: Path, *, limit: int = 300_000) -> None:
    """Write ``image`` as PNG; past ``limit`` bytes, again with fewer colours (still sharp
    text: an 8-bit palette of a UI screenshot loses nothing a reader would see)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(path), "PNG", 0)   # 0 = smallest file, slowest
    if path.stat().st_size > limit:
        indexed = image.convertToFormat(QImage.Format.Format_Indexed8,
                                        Qt.ImageConversionFlag.ThresholdDither)
        indexed.save(str(path), "PNG", 0)


# -- the lookups of each page (one place to adapt when a page changes) -----------------------

def import_drop_zone(page: Page) -> QWidget:
    return page.findChild(QWidget, "dropZone")


def settings_field(page: Page, section: str, field: str) -> QWidget:
    """The Settings widget bound to ``settings.<section>.<field>``."""
    return page.form.widget(section, field)  # type: ignore[attr-defined, no-any-return]


def smtp_password(page: Page) -> QLineEdit:
    """The first password box on Settings (the email account's; the inbox's comes later)."""
    boxes = [e for e in page.findChildren(QLineEdit)
             if e.echoMode() == QLineEdit.EchoMode.Password]
    if not boxes:
        raise DriverError("no password box on the Settings page")
    return boxes[0]


def flow_button(page: Page, flow: str) -> QPushButton:
    return page.state_buttons[flow]  # type: ignore[attr-defined, no-any-return]


def flow_state(page: Page, flow: str) -> tuple[str, str]:
    """A flow's state word (Draft, Live, Paused) and its figures line, as the page shows them."""
    word = page.state_labels[flow].text()  # type: ignore[attr-defined]
    figures = page.figure_labels[flow].text()  # type: ignore[attr-defined]
    return re.sub(r"<[^>]+>", "", word).strip(), str(figures)


def flow_tabs(page: Page) -> QTabWidget | None:
    """The Flows page's tabs ("Flows and timing", "Edit the emails"); None on the older
    page, which showed the email editor under the flows."""
    tabs = getattr(page, "tabs", None)
    return tabs if isinstance(tabs, QTabWidget) else None


def flow_email_combo(page: Page) -> QComboBox:
    """The "which email" list of the Flows page's email editor."""
    editor = getattr(page, "editor", None)
    if editor is not None and isinstance(getattr(editor, "flow", None), QComboBox):
        return editor.flow  # type: ignore[no-any-return]
    return page.kind  # type: ignore[attr-defined, no-any-return]


def table_view(page: Page) -> Any:
    return page.table.view  # type: ignore[attr-defined]


def customer_email(page: Page) -> QLineEdit:
    return page.email  # type: ignore[attr-defined, no-any-return]


def offer_rules(page: Page) -> Any:
    """The model of the saved offers' table on Offers."""
    return page.rules_model  # type: ignore[attr-defined]

"""The page lifecycle every screen follows (convention 12).

A page is a QWidget with a header (title, one-line purpose), a message bar, a
progress panel, and its body. ``refresh()`` re-reads what the page shows by
calling the core through ``self.runner`` (never on the GUI thread when slow).
The main window calls ``refresh()`` the first time a page is shown and again
when the context says its data changed; ``shutdown()`` cancels running work.
"""

from __future__ import annotations

from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from ppdesk.ui.context import AppContext
from ppdesk.ui.tasks import TaskRunner
from ppdesk.ui.widgets.message_bar import MessageBar
from ppdesk.ui.widgets.progress_panel import ProgressPanel


class Page(QWidget):
    """Base class of the screens; subclasses set ``key``/``title``/``purpose`` and fill ``body``."""

    key: ClassVar[str] = "page"
    title: ClassVar[str] = "Page"
    purpose: ClassVar[str] = ""
    #: refresh when these context signals fire (names of AppContext signals)
    refresh_on: ClassVar[tuple[str, ...]] = ("data_changed",)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.stale = True
        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 16)
        outer.setSpacing(8)
        heading = QLabel(self.title)
        font = QFont(heading.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        heading.setFont(font)
        heading.setAccessibleName(f"{self.title} page")
        outer.addWidget(heading)
        if self.purpose:
            sub = QLabel(self.purpose)
            sub.setWordWrap(True)
            quiet = sub.palette().color(sub.foregroundRole())
            quiet.setAlphaF(0.7)  # a quieter shade of the text colour, readable in both themes
            sub.setStyleSheet(f"color: rgba({quiet.red()}, {quiet.green()}, {quiet.blue()}, 0.7);")
            outer.addWidget(sub)
        self.messages = MessageBar(self)
        outer.addWidget(self.messages)
        self.progress = ProgressPanel(self)
        outer.addWidget(self.progress)
        self.runner = TaskRunner(self, self.progress)
        self.body = QVBoxLayout()
        self.body.setSpacing(8)
        outer.addLayout(self.body, 1)
        for name in self.refresh_on:
            getattr(ctx, name).connect(self._mark_stale)

    def refresh(self) -> None:
        """Re-read what the page shows (subclasses run core calls through ``self.runner``)."""
        self.stale = False

    def refresh_if_stale(self) -> None:
        if self.stale:
            self.refresh()

    def can_leave(self) -> bool:
        """Asked before the window shows another page or closes: False keeps the merchant
        here (a page with unsaved edits asks them first)."""
        return True

    def shutdown(self) -> None:
        """Cancel running work (window closing or page replaced)."""
        self.runner.cancel()

    def _mark_stale(self) -> None:
        self.stale = True
        if self.isVisible():
            self.refresh()


def hint_label(text: str) -> QLabel:
    """A wrapped, selectable explanatory paragraph."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label

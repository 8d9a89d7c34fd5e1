"""Inline messages of a page (convention 8): declared on the page, cleared on re-run.

A page declares its messages as class attributes::

    class Msg:
        no_orders = Message("info", "No orders yet: import your store's export first.")
        too_few = Message("warning", "Only {n} orders in this range; figures are shaky.")

and shows them with ``self.messages.show(Msg.too_few, n=12)``. Each message is a
row with an icon colour, the text, and a close button; ``clear()`` removes all.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from ppdesk.ui.errors import describe

Level = Literal["info", "warning", "error", "success"]

_COLOURS: dict[str, tuple[str, str]] = {
    # level: (background, border) readable in light and dark palettes (text stays palette text)
    "info": ("rgba(52, 120, 246, 0.12)", "rgba(52, 120, 246, 0.55)"),
    "success": ("rgba(40, 160, 90, 0.14)", "rgba(40, 160, 90, 0.6)"),
    "warning": ("rgba(230, 160, 20, 0.16)", "rgba(230, 160, 20, 0.7)"),
    "error": ("rgba(220, 50, 50, 0.14)", "rgba(220, 50, 50, 0.7)"),
}


@dataclass(frozen=True)
class Message:
    """A message a page may show; ``text`` may hold ``str.format`` fields."""

    level: Level
    text: str


class MessageBar(QWidget):
    """A stack of inline messages.

    Signals:
        changed(): a message was shown or removed (tests and layout listen).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self._rows: dict[str, QFrame] = {}
        self.setVisible(False)

    def show_message(self, message: Message, **fields: object) -> None:
        """Show ``message`` (replacing the same message if it is already shown)."""
        self._add(message.text, message.level, key=message.text, text=message.text.format(**fields))

    def show_text(self, level: Level, text: str) -> None:
        self._add(text, level, key=text, text=text)

    def show_error(self, exc: BaseException) -> None:
        """Show any exception inline, in plain words (bugs name the log file)."""
        info = describe(exc)
        level: Level = "info" if info.title == "Cancelled" else "error"
        self._add(info.text, level, key="__error__", text=info.text)

    def texts(self) -> list[str]:
        return [row.findChild(QLabel, "text").text() for row in self._rows.values()]

    def dismiss_error(self) -> None:
        """Remove the error shown by ``show_error`` (the problem went away), keep the rest."""
        self._remove("__error__")

    def clear(self) -> None:
        for key in list(self._rows):
            self._remove(key)

    def _add(self, _source: str, level: Level, *, key: str, text: str) -> None:
        if key in self._rows:
            self._remove(key)
        background, border = _COLOURS[level]
        row = QFrame(self)
        row.setObjectName("messageRow")
        row.setProperty("level", level)
        row.setStyleSheet(
            f"QFrame#messageRow {{ background: {background}; border: 1px solid {border};"
            " border-radius: 6px; }"
        )
        label = QLabel(text, row)
        label.setObjectName("text")
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        close = QToolButton(row)
        close.setText("✕")
        close.setAutoRaise(True)
        close.setToolTip("Dismiss")
        close.clicked.connect(lambda: self._remove(key))
        line = QHBoxLayout(row)
        line.setContentsMargins(10, 6, 6, 6)
        line.addWidget(label, 1)
        line.addWidget(close, 0, Qt.AlignmentFlag.AlignTop)
        self._rows[key] = row
        self._layout.addWidget(row)
        self.setVisible(True)
        self.changed.emit()

    def _remove(self, key: str) -> None:
        row = self._rows.pop(key, None)
        if row is not None:
            row.setParent(None)
            row.deleteLater()
        self.setVisible(bool(self._rows))
        self.changed.emit()

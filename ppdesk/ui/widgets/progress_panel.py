"""A page's progress strip: busy cursor at once, bar + rate + Cancel only after ~500 ms.

Short tasks never flash a bar (Anki's rule); long ones always offer Cancel.
The rate (e.g. "12,300 rows/s") is measured here from the core's ``done`` counts.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

SHOW_AFTER_MS = 500


class ProgressPanel(QWidget):
    """Progress bar, message, rate and Cancel; hidden while idle."""

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        show_after_ms: int = SHOW_AFTER_MS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(parent)
        self._clock = clock
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setTextVisible(True)
        self.bar.setMinimumWidth(220)
        self.rate = QLabel()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setAccessibleName("Cancel the running task")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar, 2)
        layout.addWidget(self.rate)
        layout.addWidget(self.cancel_button)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(show_after_ms)
        self._timer.timeout.connect(self._reveal)
        self._cancel: Callable[[], None] | None = None
        self._unit = ""
        self._started = 0.0
        self._active = False
        self.cancel_button.clicked.connect(self._on_cancel)
        self.setVisible(False)

    @property
    def active(self) -> bool:
        return self._active

    def begin(self, label: str, cancel: Callable[[], None], unit: str) -> None:
        self._cancel = cancel
        self._unit = unit
        self._started = self._clock()
        self._active = True
        self.label.setText(label + "…")
        self.bar.setRange(0, 0)  # busy until the first report says how much there is
        self.rate.clear()
        self.cancel_button.setEnabled(True)
        target = self.parentWidget() or self
        target.setCursor(Qt.CursorShape.BusyCursor)
        self._timer.start()

    def update_progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            # QProgressBar is int32; scale big totals (bytes) down to a permille bar.
            self.bar.setRange(0, 1000)
            self.bar.setValue(int(1000 * min(done, total) / total))
        if message:
            self.label.setText(message)
        elapsed = self._clock() - self._started
        if self._unit and done > 0 and elapsed > 0.2:
            self.rate.setText(f"{done / elapsed:,.0f} {self._unit}/s")

    def end(self) -> None:
        self._timer.stop()
        self._active = False
        self._cancel = None
        target = self.parentWidget() or self
        target.unsetCursor()
        self.setVisible(False)

    def _reveal(self) -> None:
        if self._active:
            self.setVisible(True)

    def _on_cancel(self) -> None:
        if self._cancel is not None:
            self.cancel_button.setEnabled(False)
            self.label.setText("Cancelling…")
            self._cancel()

"""Base of the QPainter charts: palette-following colours, empty state, Save as PNG.

QtCharts has no heatmap and its look fights the system palette; three small
painted charts (bar, heatmap, histogram) are less code than bending it, draw
in well under a frame, and follow light/dark themes for free.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import QAction, QColor, QContextMenuEvent, QFont, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QFileDialog, QMenu, QSizePolicy, QWidget

ACCENT = QColor("#2f7d6d")
ACCENT_2 = QColor("#e0a526")
MARK = QColor("#c8553d")


class ChartWidget(QWidget):
    """A painted chart with a title and an empty-state sentence; right-click saves a PNG."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.empty_text = "Nothing to show yet."
        self.setMinimumSize(320, 220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)

    # -- to override ------------------------------------------------------------------------
    def has_data(self) -> bool:
        return False

    def paint_chart(self, painter: QPainter, area: QRectF) -> None:
        """Draw the chart inside ``area`` (below the title)."""

    # -- shared -----------------------------------------------------------------------------
    def set_empty_text(self, text: str) -> None:
        self.empty_text = text
        self.update()

    def text_color(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.WindowText)

    def muted_color(self) -> QColor:
        color = QColor(self.text_color())
        color.setAlphaF(0.55)
        return color

    def grid_color(self) -> QColor:
        color = QColor(self.text_color())
        color.setAlphaF(0.15)
        return color

    def save_png(self, path: Path) -> bool:
        """Render the chart to a PNG file at twice the screen resolution for print quality."""
        from PySide6.QtGui import QImage

        image = QImage(self.width() * 2, self.height() * 2, QImage.Format.Format_ARGB32)
        image.setDevicePixelRatio(2.0)
        image.fill(self.palette().color(QPalette.ColorRole.Base))
        painter = QPainter(image)
        try:
            self._paint_all(painter)
        finally:
            painter.end()
        return image.save(str(path), "PNG")

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), self.palette().color(QPalette.ColorRole.Base))
            self._paint_all(painter)
        finally:
            painter.end()

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        menu = QMenu(self)
        action = QAction("Save chart as PNG…", menu)
        action.triggered.connect(self.ask_save_png)
        menu.addAction(action)
        menu.exec(event.globalPos())

    def ask_save_png(self) -> None:
        name = (self.title or "chart").lower().replace(" ", "-").replace("/", "-")
        path, _ = QFileDialog.getSaveFileName(
            self, "Save chart", f"{name}.png", "PNG image (*.png)"
        )
        if path:
            self.save_png(Path(path))

    def _paint_all(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        top = 8
        if self.title:
            font = QFont(self.font())
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(self.text_color())
            painter.drawText(
                QRectF(12, 6, self.width() - 24, 22),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.title,
            )
            painter.setFont(self.font())
            top = 32
        area = QRectF(12, top, self.width() - 24, self.height() - top - 8)
        if not self.has_data():
            painter.setPen(self.muted_color())
            painter.drawText(
                area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.empty_text
            )
            return
        self.paint_chart(painter, area)

    @staticmethod
    def point(x: float, y: float) -> QPoint:
        return QPoint(round(x), round(y))

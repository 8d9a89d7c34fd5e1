"""Base of the QPainter charts: palette-following colours, empty state, "Save chart…".

QtCharts has no heatmap and its look fights the system palette; three small
painted charts (bar, heatmap, histogram) are less code than bending it, draw
in well under a frame, and follow light/dark themes for free.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QPoint, QRectF, Qt
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QFont,
    QFontMetrics,
    QPainter,
    QPaintEvent,
    QPalette,
    QResizeEvent,
)
from PySide6.QtWidgets import QFileDialog, QMenu, QPushButton, QSizePolicy, QWidget

ACCENT = QColor("#2f7d6d")
ACCENT_2 = QColor("#e0a526")
MARK = QColor("#c8553d")
ELLIPSIS = "…"


def elide_words(metrics: QFontMetrics, text: str, width: float) -> str:
    """``text`` if it fits in ``width`` pixels, else as many whole words as fit plus "…".

    Qt's own eliding cuts inside a word ("Mineral Sunscr…"), which reads as a different
    product; only a first word too long on its own is cut by characters."""
    if metrics.horizontalAdvance(text) <= width:
        return text
    words = text.split()
    for n in range(len(words) - 1, 0, -1):
        candidate = " ".join(words[:n]).rstrip(" +→-,·") + ELLIPSIS
        if metrics.horizontalAdvance(candidate) <= width:
            return candidate
    return metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width))


class ChartWidget(QWidget):
    """A painted chart with a title, an empty-state sentence and a "Save chart…" button
    (also on right-click)."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.empty_text = "Nothing to show yet."
        self.setMinimumSize(300, 200)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(True)
        # a visible button: a merchant does not look for a right-click menu on a picture
        self.save_button = QPushButton("Save chart…", self)
        self.save_button.setToolTip("Save this chart as a PNG picture")
        self.save_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.save_button.clicked.connect(self.ask_save_png)
        self.save_button.adjustSize()
        self.save_button.setVisible(False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._place_save_button()

    def _place_save_button(self) -> None:
        size = self.save_button.sizeHint()
        self.save_button.setGeometry(self.width() - size.width() - 8, 4, size.width(), 26)
        self.save_button.setVisible(self.has_data())

    # -- to override ------------------------------------------------------------------------
    def has_data(self) -> bool:
        return False

    def paint_chart(self, painter: QPainter, area: QRectF) -> None:
        """Draw the chart inside ``area`` (below the title)."""

    # -- shared -----------------------------------------------------------------------------
    def set_empty_text(self, text: str) -> None:
        self.empty_text = text
        self.update()

    def data_changed(self) -> None:
        """Repaint after new data; the Save button shows only when there is a chart."""
        self._place_save_button()
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

    def chart_area(self) -> QRectF:
        """The box ``paint_chart`` draws in: below the title, inside the margins."""
        top = 32 if self.title else 8
        return QRectF(12, top, self.width() - 24, self.height() - top - 8)

    def _paint_all(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if self.title:
            font = QFont(self.font())
            font.setBold(True)
            painter.setFont(font)
            painter.setPen(self.text_color())
            room = self.width() - 24 - self.save_button.sizeHint().width() - 8
            painter.drawText(
                QRectF(12, 6, room, 22),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                elide_words(QFontMetrics(font), self.title, room),
            )
            painter.setFont(self.font())
        area = self.chart_area()
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

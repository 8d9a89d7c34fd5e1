"""Square heatmap (products x products): colour by a value such as lift or orders together."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QMouseEvent, QPainter
from PySide6.QtWidgets import QToolTip, QWidget

from ppdesk.ui.charts.base import ACCENT, ChartWidget


class Heatmap(ChartWidget):
    """An n x n grid; row labels on the left, short column labels (numbers) on top.

    Signals:
        cell_clicked(int, int): row and column of the clicked cell.
    """

    cell_clicked = Signal(int, int)

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.labels: list[str] = []
        self.values = np.zeros((0, 0))
        self.value_name = "value"
        self.setMinimumSize(420, 380)
        self._grid = QRectF()
        self._cell = 0.0

    def set_data(self, labels: Sequence[str], values: np.ndarray, value_name: str) -> None:
        self.labels = [str(x) for x in labels]
        self.values = np.asarray(values, dtype=float)
        self.value_name = value_name
        self.update()

    def has_data(self) -> bool:
        return len(self.labels) > 1 and bool(np.nanmax(self.values, initial=0) > 0)

    def paint_chart(self, painter: QPainter, area: QRectF) -> None:
        metrics = QFontMetrics(self.font())
        n = len(self.labels)
        label_w = min(
            area.width() * 0.38, max(metrics.horizontalAdvance(x) for x in self.labels) + 30
        )
        header_h = metrics.height() + 6
        side = min(area.width() - label_w, area.height() - header_h - 18)
        cell = max(4.0, side / n)
        self._cell = cell
        self._grid = QRectF(area.left() + label_w, area.top() + header_h, cell * n, cell * n)
        finite = self.values[np.isfinite(self.values)]
        top = float(finite.max()) if finite.size else 1.0
        base = QColor(self.palette().base().color())
        for i in range(n):
            painter.setPen(self.text_color())
            text = metrics.elidedText(
                f"{i + 1}. {self.labels[i]}", Qt.TextElideMode.ElideRight, int(label_w - 6)
            )
            painter.drawText(
                QRectF(area.left(), self._grid.top() + i * cell, label_w - 6, cell),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
            if cell >= metrics.horizontalAdvance("30") + 2:
                painter.setPen(self.muted_color())
                painter.drawText(
                    QRectF(self._grid.left() + i * cell, area.top(), cell, header_h),
                    Qt.AlignmentFlag.AlignCenter,
                    str(i + 1),
                )
        for i in range(n):
            for j in range(n):  # n <= 30: 900 rectangles, painting only
                value = self.values[i, j]
                rect = QRectF(self._grid.left() + j * cell, self._grid.top() + i * cell, cell, cell)
                if i == j or not np.isfinite(value) or value <= 0:
                    painter.fillRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), self.grid_color())
                    continue
                share = self._share(value, top)
                painter.fillRect(rect.adjusted(0.5, 0.5, -0.5, -0.5), self._mix(base, share))
        painter.setPen(self.muted_color())
        painter.drawText(
            QRectF(self._grid.left(), self._grid.bottom() + 2, self._grid.width(), 16),
            Qt.AlignmentFlag.AlignLeft,
            f"darker = higher {self.value_name}; hover a square for the figures",
        )

    def _share(self, value: float, top: float) -> float:
        """Colour strength 0..1. Lift is a ratio: on a log scale 1 (chance) is blank and
        one outlier pair does not wash the others out; other values scale linearly."""
        if self.value_name == "lift":
            if value <= 1.0 or top <= 1.0:
                return 0.0
            return float(min(1.0, np.log(value) / np.log(top)))
        return float(min(1.0, value / top)) if top > 0 else 0.0

    @staticmethod
    def _mix(base: QColor, share: float) -> QColor:
        t = 0.12 + 0.88 * share
        return QColor(
            round(base.red() + (ACCENT.red() - base.red()) * t),
            round(base.green() + (ACCENT.green() - base.green()) * t),
            round(base.blue() + (ACCENT.blue() - base.blue()) * t),
        )

    def cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        if self._cell <= 0 or not self._grid.contains(pos):
            return None
        j = int((pos.x() - self._grid.left()) // self._cell)
        i = int((pos.y() - self._grid.top()) // self._cell)
        n = len(self.labels)
        return (i, j) if 0 <= i < n and 0 <= j < n else None

    def event(self, event: object) -> bool:
        if isinstance(event, QHelpEvent):
            hit = self.cell_at(QPointF(event.pos()))
            if hit is not None and hit[0] != hit[1]:
                i, j = hit
                QToolTip.showText(
                    event.globalPos(),
                    f"{self.labels[i]} + {self.labels[j]}\n"
                    f"{self.value_name}: {self.values[i, j]:,.2f}",
                    self,
                )
            else:
                QToolTip.hideText()
            return True
        return super().event(event)  # type: ignore[arg-type]

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        hit = self.cell_at(event.position())
        if hit is not None:
            self.cell_clicked.emit(*hit)

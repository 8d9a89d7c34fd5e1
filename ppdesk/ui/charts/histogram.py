"""Histogram of days between purchases with marker lines (median, trigger day)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QWidget

from ppdesk.ui.charts.base import ACCENT, ACCENT_2, MARK, ChartWidget


def nice_step(raw: float) -> float:
    """The 1-2-5 x 10^k step at or above ``raw`` (whole numbers, at least 1)."""
    if raw <= 1:
        return 1.0
    power = 10 ** np.floor(np.log10(raw))
    return float(next(m * power for m in (1, 2, 5, 10) if m * power >= raw))


class Histogram(ChartWidget):
    """Counts of ``values`` in whole-day bins; vertical lines at the given markers."""

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.counts = np.zeros(0)
        self.edges = np.zeros(0)
        self.markers: list[tuple[str, float, QColor]] = []
        self.x_label = "days"

    def set_data(
        self,
        values: Sequence[float] | np.ndarray,
        markers: Sequence[tuple[str, float | None]] = (),
        *,
        x_label: str = "days",
    ) -> None:
        data = np.asarray(values, dtype=float)
        data = data[np.isfinite(data)]
        self.x_label = x_label
        if data.size == 0:
            self.counts, self.edges = np.zeros(0), np.zeros(0)
        else:
            high = float(np.percentile(data, 98)) if data.size > 20 else float(data.max())
            high = max(high, 1.0)
            width = max(1.0, float(np.ceil(high / 30)))  # at most ~30 bins of whole days
            edges = np.arange(0, high + width + 1, width)
            self.counts, self.edges = np.histogram(np.clip(data, 0, edges[-1] - 0.5), bins=edges)
        colours = [MARK, ACCENT_2, QColor("#6b6bd6")]
        self.markers = [
            (name, float(x), colours[i % 3])
            for i, (name, x) in enumerate(markers)
            if x is not None and np.isfinite(x)
        ]
        self.update()

    def has_data(self) -> bool:
        return bool(self.counts.size and self.counts.sum() > 0)

    def paint_chart(self, painter: QPainter, area: QRectF) -> None:
        metrics = QFontMetrics(self.font())
        left = area.left() + metrics.horizontalAdvance(f"{int(self.counts.max()):,}") + 10
        bottom = area.bottom() - metrics.height() * 2 - 4
        plot = QRectF(
            left,
            area.top() + metrics.height() + 4,
            area.right() - left,
            bottom - area.top() - metrics.height() - 4,
        )
        top_count = float(self.counts.max())
        x0, x1 = float(self.edges[0]), float(self.edges[-1])

        def x_of(v: float) -> float:
            return plot.left() + (v - x0) / (x1 - x0) * plot.width()

        y_step = nice_step(top_count / 4)
        top_count = max(top_count, y_step * np.ceil(top_count / y_step))
        for tick in np.arange(0, top_count + y_step / 2, y_step):
            y = plot.bottom() - plot.height() * tick / top_count
            painter.setPen(self.grid_color())
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(self.muted_color())
            painter.drawText(
                QRectF(area.left(), y - 8, left - area.left() - 6, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{tick:,.0f}",
            )
        for count, lo, hi in zip(self.counts, self.edges[:-1], self.edges[1:], strict=True):
            h = plot.height() * count / top_count
            painter.fillRect(
                QRectF(x_of(lo) + 0.5, plot.bottom() - h, x_of(hi) - x_of(lo) - 1, h), ACCENT
            )
        painter.setPen(self.muted_color())
        x_step = nice_step((x1 - x0) / 7)
        for v in np.arange(x0, x1 + x_step / 2, x_step):
            box = QRectF(x_of(v) - 30, plot.bottom() + 2, 60, metrics.height())
            if box.right() > area.right():  # keep the last label inside the chart
                box.moveRight(area.right())
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, f"{v:,.0f}")
        painter.drawText(
            QRectF(
                plot.left(), plot.bottom() + metrics.height() + 2, plot.width(), metrics.height()
            ),
            Qt.AlignmentFlag.AlignCenter,
            self.x_label,
        )
        label_x = plot.left()
        for name, value, colour in self.markers:
            x = x_of(min(max(value, x0), x1))
            pen = QPen(colour, 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            text = f"{name}: {value:,.0f} days"
            painter.setPen(colour)
            width = metrics.horizontalAdvance(text) + 16
            painter.fillRect(QRectF(label_x, area.top(), 10, 10).translated(0, 3), colour)
            painter.drawText(
                QRectF(label_x + 14, area.top(), width, metrics.height()),
                Qt.AlignmentFlag.AlignLeft,
                text,
            )
            label_x += width + 14

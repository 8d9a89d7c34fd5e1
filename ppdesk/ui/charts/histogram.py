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
        self.data_changed()

    def has_data(self) -> bool:
        return bool(self.counts.size and self.counts.sum() > 0)

    def plot_rect(self, area: QRectF) -> QRectF:
        """The bars' box inside ``area``: room on the left for counts, below for the day axis
        and its name, above for the marker legend (as many lines as it needs)."""
        metrics = QFontMetrics(self.font())
        left = area.left() + metrics.horizontalAdvance(f"{int(self.counts.max()):,}") + 10
        top = area.top() + self._legend_lines(area) * (metrics.height() + 2) + 4
        bottom = area.bottom() - metrics.height() * 2 - 4
        return QRectF(left, top, area.right() - left, max(10.0, bottom - top))

    def x_ticks(self, area: QRectF) -> list[tuple[str, QRectF]]:
        """Day labels under the axis and their boxes. The step is the smallest 1-2-5 step
        whose labels, at this width, leave a gap between neighbours, so "30" and "35"
        never run together into "3035"."""
        metrics = QFontMetrics(self.font())
        plot = self.plot_rect(area)
        x0, x1 = float(self.edges[0]), float(self.edges[-1])
        widest = metrics.horizontalAdvance(f"{x1:,.0f}") + 12  # label plus a gap
        fit = max(1, int(plot.width() // widest))
        step = nice_step((x1 - x0) / fit)
        while (plot.width() * step / (x1 - x0)) < widest:  # nice_step rounded up; make sure
            step = nice_step(step * 1.01)
        out: list[tuple[str, QRectF]] = []
        for v in np.arange(x0, x1 + step / 2, step):
            x = plot.left() + (v - x0) / (x1 - x0) * plot.width()
            text = f"{v:,.0f}"
            w = metrics.horizontalAdvance(text) + 4
            box = QRectF(x - w / 2, plot.bottom() + 2, w, metrics.height())
            if box.right() > area.right():  # keep the last label inside the chart
                box.moveRight(area.right())
            if box.left() < area.left():
                box.moveLeft(area.left())
            if out and box.left() < out[-1][1].right() + 4:
                continue  # a label pushed inwards would touch its neighbour: leave it off
            out.append((text, box))
        return out

    def _legend_items(self) -> list[tuple[str, QColor]]:
        return [(f"{name}: {value:,.0f} days", colour) for name, value, colour in self.markers]

    def _legend_lines(self, area: QRectF) -> int:
        boxes = self._legend_boxes(area)
        return boxes[-1][0] + 1 if boxes else 1

    def _legend_boxes(self, area: QRectF) -> list[tuple[int, float, float]]:
        """(line, x, width) of each marker's key, wrapping to a new line when it would
        run past the chart's right edge."""
        metrics = QFontMetrics(self.font())
        out: list[tuple[int, float, float]] = []
        line, x = 0, area.left()
        for text, _colour in self._legend_items():
            width = metrics.horizontalAdvance(text) + 30
            if x > area.left() and x + width > area.right():
                line, x = line + 1, area.left()
            out.append((line, x, width))
            x += width
        return out

    def paint_chart(self, painter: QPainter, area: QRectF) -> None:
        metrics = QFontMetrics(self.font())
        plot = self.plot_rect(area)
        top_count = float(self.counts.max())
        x0, x1 = float(self.edges[0]), float(self.edges[-1])

        def x_of(v: float) -> float:
            return plot.left() + (v - x0) / (x1 - x0) * plot.width()

        y_step = nice_step(top_count / max(1, min(4, int(plot.height() // (metrics.height() * 2)))))
        top_count = max(top_count, y_step * np.ceil(top_count / y_step))
        for tick in np.arange(0, top_count + y_step / 2, y_step):
            y = plot.bottom() - plot.height() * tick / top_count
            painter.setPen(self.grid_color())
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(self.muted_color())
            painter.drawText(
                QRectF(area.left(), y - 8, plot.left() - area.left() - 6, 16),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                f"{tick:,.0f}",
            )
        for count, lo, hi in zip(self.counts, self.edges[:-1], self.edges[1:], strict=True):
            h = plot.height() * count / top_count
            painter.fillRect(
                QRectF(x_of(lo) + 0.5, plot.bottom() - h, x_of(hi) - x_of(lo) - 1, h), ACCENT
            )
        painter.setPen(self.muted_color())
        for text, box in self.x_ticks(area):
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        painter.drawText(
            QRectF(
                plot.left(), plot.bottom() + metrics.height() + 2, plot.width(), metrics.height()
            ),
            Qt.AlignmentFlag.AlignCenter,
            self.x_label,
        )
        boxes = self._legend_boxes(area)
        for (_name, value, colour), (text, _c), (line, lx, width) in zip(
            self.markers, self._legend_items(), boxes, strict=True
        ):
            x = x_of(min(max(value, x0), x1))
            painter.setPen(QPen(colour, 2, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            y = area.top() + line * (metrics.height() + 2)
            painter.fillRect(QRectF(lx, y + 3, 10, 10), colour)
            # the swatch and the line carry the colour; the words stay in the text colour
            # (amber text on a white chart was 2.2:1, red on the dark one 4.1:1)
            painter.setPen(self.text_color())
            painter.drawText(
                QRectF(lx + 14, y, width - 14, metrics.height()), Qt.AlignmentFlag.AlignLeft, text
            )

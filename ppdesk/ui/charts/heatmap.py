"""Square heatmap (products x products): colour by a value such as lift or orders together.

Product names sit on both axes (rows on the left, columns written upwards on top)
and a colour legend under the grid says what the colours mean, in light and dark
palettes alike. A name must stay legible, so a cell is never smaller than a line of
text: when the chart is too small for every product, it shows the first ones (the
most paired) and says how many.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QHelpEvent, QLinearGradient, QMouseEvent, QPainter
from PySide6.QtWidgets import QToolTip, QWidget

from ppdesk.ui.charts.base import ACCENT, ChartWidget, elide_words

LIGHT_ACCENT = QColor("#5cc8ae")  # on a dark base the strong end must be light to stand out
LEGEND_H = 14
LEGEND_W = 220.0
MAX_COLUMN_LABEL = 150  # px: column names written upwards are elided beyond this


@dataclass
class HeatLayout:
    """Where everything is painted, in widget coordinates (tests read it too)."""

    shown: int = 0  # products drawn (the first ``shown`` of the labels)
    cell: float = 0.0
    grid: QRectF = field(default_factory=QRectF)
    row_texts: list[str] = field(default_factory=list)
    row_rects: list[QRectF] = field(default_factory=list)
    column_texts: list[str] = field(default_factory=list)
    column_rects: list[QRectF] = field(default_factory=list)  # the upright box each one fills
    legend: QRectF = field(default_factory=QRectF)
    note: str = ""


class Heatmap(ChartWidget):
    """An n x n grid with product names on both axes and a colour legend.

    Signals:
        cell_clicked(int, int): row and column of the clicked cell.
    """

    cell_clicked = Signal(int, int)

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.labels: list[str] = []
        self.values = np.zeros((0, 0))
        self.value_name = "value"
        self.details: dict[str, np.ndarray] = {}
        self.setMinimumSize(420, 220)
        self.layout_info = HeatLayout()
        self._upright = False  # column names written upwards (else numbers)
        # e.g. "the {shown} most paired products": the title names how many squares fit
        self.title_template = ""

    def set_data(
        self,
        labels: Sequence[str],
        values: np.ndarray,
        value_name: str,
        details: Mapping[str, np.ndarray] | None = None,
    ) -> None:
        """``details``: more figures per cell for the tooltip (e.g. "orders together")."""
        self.labels = [str(x) for x in labels]
        self.values = np.asarray(values, dtype=float)
        self.value_name = value_name
        self.details = {k: np.asarray(v, dtype=float) for k, v in (details or {}).items()}
        self.data_changed()

    def _paint_all(self, painter: QPainter) -> None:
        if self.title_template and self.has_data():
            shown = self.compute_layout(self.chart_area()).shown
            self.title = self.title_template.format(shown=shown)
        super()._paint_all(painter)

    def has_data(self) -> bool:
        return len(self.labels) > 1 and bool(np.nanmax(self.values, initial=0) > 0)

    # -- layout ---------------------------------------------------------------------------
    def compute_layout(self, area: QRectF) -> HeatLayout:
        """Fit names on both axes and the legend into ``area``.

        With room, the columns carry the product names written upwards; when the chart
        is short (a 1280x720 window), rows are numbered "1. name" and the columns carry
        those numbers, so every square still says which two products it is."""
        metrics = QFontMetrics(self.font())
        line = float(metrics.height())
        n = len(self.labels)
        # the legend goes beside the grid when the chart is wide (it usually is: a square
        # grid in a wide box), else under it
        beside = area.width() >= 3 * LEGEND_W
        footer = 0.0 if beside else LEGEND_H + 4 * line + 16
        widest = max(metrics.horizontalAdvance(x) for x in self.labels)
        names_h = min(MAX_COLUMN_LABEL, widest + 6.0)
        upright = area.height() - names_h - footer >= (line + 1) * min(n, 12)
        rows = self.labels if upright else [f"{i + 1}. {x}" for i, x in enumerate(self.labels)]
        row_w = min(area.width() * 0.34, max(metrics.horizontalAdvance(x) for x in rows) + 8.0)
        col_h = names_h if upright else line + 2
        min_cell = line + 1 if upright else max(line + 1, metrics.horizontalAdvance(str(n)) + 4.0)
        side = min(area.width() - row_w - 8 - (LEGEND_W + 16 if beside else 0),
                   area.height() - col_h - footer)
        shown = max(2, min(n, int(side // min_cell)))
        cell = max(min_cell, min(side / shown, 2.2 * line))
        grid = QRectF(area.left() + row_w + 6, area.top() + col_h + 4, cell * shown, cell * shown)
        info = HeatLayout(shown=shown, cell=cell, grid=grid)
        for i in range(shown):
            info.row_texts.append(elide_words(metrics, rows[i], row_w - 2))
            info.row_rects.append(QRectF(area.left(), grid.top() + i * cell, row_w, cell))
            info.column_texts.append(
                elide_words(metrics, self.labels[i], col_h - 2) if upright else str(i + 1)
            )
            info.column_rects.append(QRectF(grid.left() + i * cell, area.top(), cell, col_h))
        self._upright = upright
        if beside:
            info.legend = QRectF(grid.right() + 16, grid.top(), LEGEND_W, LEGEND_H)
        else:
            width = min(LEGEND_W, area.right() - grid.left() - 4)
            info.legend = QRectF(grid.left(), grid.bottom() + 6, width, LEGEND_H)
        if shown < n:
            info.note = f"first {shown} of {n} products; a larger window shows more"
        return info

    # -- painting -------------------------------------------------------------------------
    def strong_colour(self) -> QColor:
        return LIGHT_ACCENT if self.palette().base().color().lightnessF() < 0.5 else ACCENT

    def paint_chart(self, painter: QPainter, area: QRectF) -> None:
        info = self.layout_info = self.compute_layout(area)
        n, cell, grid = info.shown, info.cell, info.grid
        values = self.values[:n, :n]
        finite = values[np.isfinite(values)]
        top = float(finite.max()) if finite.size else 1.0
        base = QColor(self.palette().base().color())
        strong = self.strong_colour()
        painter.setPen(self.text_color())
        for text, rect in zip(info.row_texts, info.row_rects, strict=True):
            painter.drawText(
                rect.adjusted(0, 0, -2, 0),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
        for text, rect in zip(info.column_texts, info.column_rects, strict=True):
            if not self._upright:
                painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
                continue
            painter.save()  # written upwards, bottom-aligned to the grid
            painter.translate(rect.left(), rect.bottom())
            painter.rotate(-90)
            painter.drawText(
                QRectF(0, 0, rect.height(), rect.width()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                text,
            )
            painter.restore()
        for i in range(n):
            for j in range(n):  # n <= 30: 900 rectangles, painting only
                value = values[i, j]
                rect = QRectF(grid.left() + j * cell, grid.top() + i * cell, cell, cell)
                inner = rect.adjusted(0.5, 0.5, -0.5, -0.5)
                if i == j or not np.isfinite(value) or value <= 0:
                    painter.fillRect(inner, self.grid_color())
                    continue
                painter.fillRect(inner, self._mix(base, strong, self._share(value, top)))
        self._paint_legend(painter, info, base, strong, top)

    def legend_lines(self, info: HeatLayout) -> list[str]:
        """The words under the colour bar, one line each."""
        lines = ["no pair counted", "hover a square for the figures"]
        return lines + ([info.note] if info.note else [])

    def _paint_legend(
        self, painter: QPainter, info: HeatLayout, base: QColor, strong: QColor, top: float
    ) -> None:
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        bar = info.legend
        gradient = QLinearGradient(bar.topLeft(), bar.topRight())
        gradient.setColorAt(0.0, self._mix(base, strong, 0.0))
        gradient.setColorAt(1.0, self._mix(base, strong, 1.0))
        painter.fillRect(bar, gradient)
        painter.setPen(self.muted_color())
        # in words: "lift 1 (chance) ... 2.3" read as statistics to merchants
        if self.value_name == "lift":
            low, high = "as by chance", f"{top:,.1f}x as often"
        else:
            low, high = f"{self.value_name} 0", f"{top:,.1f}"
        under = QRectF(bar.left(), bar.bottom() + 1, bar.width(), line)
        painter.drawText(under, Qt.AlignmentFlag.AlignLeft, low)
        painter.drawText(under, Qt.AlignmentFlag.AlignRight, high)
        y = under.bottom() + 6
        right = self.width() - 12
        for i, text in enumerate(self.legend_lines(info)):
            x = bar.left()
            if i == 0:  # the grey of a square with no pair, as a swatch
                painter.fillRect(QRectF(x, y + 1, line - 2, line - 2), self.grid_color())
                x += line + 4
            painter.drawText(
                QRectF(x, y, right - x, line),
                Qt.AlignmentFlag.AlignLeft,
                elide_words(metrics, text, right - x),
            )
            y += line + 2

    def _share(self, value: float, top: float) -> float:
        """Colour strength 0..1. Lift is a ratio: on a log scale 1 (chance) is blank and
        one outlier pair does not wash the others out; other values scale linearly."""
        if self.value_name == "lift":
            if value <= 1.0 or top <= 1.0:
                return 0.0
            return float(min(1.0, np.log(value) / np.log(top)))
        return float(min(1.0, value / top)) if top > 0 else 0.0

    @staticmethod
    def _mix(base: QColor, strong: QColor, share: float) -> QColor:
        t = 0.12 + 0.88 * share
        return QColor(
            round(base.red() + (strong.red() - base.red()) * t),
            round(base.green() + (strong.green() - base.green()) * t),
            round(base.blue() + (strong.blue() - base.blue()) * t),
        )

    # -- interaction ----------------------------------------------------------------------
    def cell_at(self, pos: QPointF) -> tuple[int, int] | None:
        info = self.layout_info
        if info.cell <= 0 or not info.grid.contains(pos):
            return None
        j = int((pos.x() - info.grid.left()) // info.cell)
        i = int((pos.y() - info.grid.top()) // info.cell)
        return (i, j) if 0 <= i < info.shown and 0 <= j < info.shown else None

    def tooltip_for(self, i: int, j: int) -> str:
        """The figures behind one square, in words."""
        names = f"{self.labels[i]} + {self.labels[j]}"
        value = float(self.values[i, j])
        if not np.isfinite(value) or value <= 0:
            return f"{names}\nNot bought together often enough to count in this range."
        if self.value_name == "lift":
            lines = [f"{names}", f"Lift {value:,.2f}: together {value:,.1f}x as often as by chance"]
        else:
            lines = [names, f"{self.value_name}: {value:,.2f}"]
        for name, matrix in self.details.items():
            if matrix.shape == self.values.shape and np.isfinite(matrix[i, j]):
                lines.append(f"{name}: {matrix[i, j]:,.0f}")
        return "\n".join(lines)

    def event(self, event: object) -> bool:
        if isinstance(event, QHelpEvent):
            hit = self.cell_at(QPointF(event.pos()))
            if hit is not None and hit[0] != hit[1]:
                QToolTip.showText(event.globalPos(), self.tooltip_for(*hit), self)
            elif hit is None and (name := self._label_at(QPointF(event.pos()))):
                QToolTip.showText(event.globalPos(), name, self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)  # type: ignore[arg-type]

    def _label_at(self, pos: QPointF) -> str:
        info = self.layout_info
        for rects in (info.row_rects, info.column_rects):
            for i, rect in enumerate(rects):
                if rect.contains(pos):
                    return self.labels[i]
        return ""

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        hit = self.cell_at(event.position())
        if hit is not None:
            self.cell_clicked.emit(*hit)

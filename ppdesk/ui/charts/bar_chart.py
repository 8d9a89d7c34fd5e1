"""Horizontal bar chart (top pairs): one labelled bar per item, value at its end."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QFontMetrics, QHelpEvent, QMouseEvent, QPainter
from PySide6.QtWidgets import QToolTip, QWidget

from ppdesk.ui.charts.base import ACCENT, ChartWidget, elide_words

PAIR_JOIN = " + "


def elide_pair(metrics: QFontMetrics, text: str, width: float) -> str:
    """Like ``elide_words``, but a pair label "A + B" is cut on both sides, so both products
    stay named: cut at the end only, three pairs of one long first product read the same
    ("A Kanonkop Kadette Holiday Sampler - save $53.89 + Kanonkop Kadette…" three times)."""
    if metrics.horizontalAdvance(text) <= width or text.count(PAIR_JOIN) != 1:
        return elide_words(metrics, text, width)
    first, second = text.split(PAIR_JOIN)
    room = width - metrics.horizontalAdvance(PAIR_JOIN)
    need_first, need_second = metrics.horizontalAdvance(first), metrics.horizontalAdvance(second)
    # the shorter side keeps what it needs (up to half); the other gets the rest
    if need_first <= room / 2:
        first_room = need_first
    elif need_second <= room / 2:
        first_room = room - need_second
    else:
        first_room = room / 2
    return (elide_words(metrics, first, first_room) + PAIR_JOIN
            + elide_words(metrics, second, room - first_room))


class BarChart(ChartWidget):
    """Bars for ``labels``/``values``; hover shows ``tips``.

    Signals:
        bar_clicked(int): index of the clicked bar.
    """

    bar_clicked = Signal(int)

    def __init__(self, title: str = "", parent: QWidget | None = None) -> None:
        super().__init__(title, parent)
        self.labels: list[str] = []
        self.values: list[float] = []
        self.tips: list[str] = []
        self.value_format = "{:,.0f}"
        self._bars: list[QRectF] = []

    def set_data(
        self, labels: Sequence[str], values: Sequence[float], tips: Sequence[str] | None = None
    ) -> None:
        self.labels = [str(x) for x in labels]
        self.values = [float(v) for v in values]
        self.tips = [str(t) for t in tips] if tips is not None else list(self.labels)
        self.data_changed()

    def has_data(self) -> bool:
        return bool(self.values)

    def compute_layout(self, area: QRectF) -> list[tuple[str, QRectF, QRectF]]:
        """Per shown bar: its label text (whole words, "…" when cut), the label's box and the
        bar's box. Rows never get lower than a line of text: bars that do not fit are left off
        (they are sorted best first, so the top ones stay)."""
        metrics = QFontMetrics(self.font())
        line = float(metrics.height())
        label_width = min(
            area.width() * 0.5, max(metrics.horizontalAdvance(x) for x in self.labels) + 12
        )
        value_width = metrics.horizontalAdvance(self.value_format.format(max(self.values))) + 10
        shown = max(1, min(len(self.values), int(area.height() // (line + 2))))
        row = min(28.0, area.height() / shown)
        bar_h = max(4.0, row * 0.68)
        top_value = max(self.values) or 1.0
        plot_w = max(10.0, area.width() - label_width - value_width)
        out = []
        for i in range(shown):
            y = area.top() + i * row
            text = elide_pair(metrics, self.labels[i], label_width - 10)
            width = plot_w * self.values[i] / top_value
            bar = QRectF(area.left() + label_width, y + (row - bar_h) / 2, max(1.0, width), bar_h)
            out.append((text, QRectF(area.left(), y, label_width - 8, row), bar))
        return out

    def paint_chart(self, painter: QPainter, area: QRectF) -> None:
        metrics = QFontMetrics(self.font())
        value_width = metrics.horizontalAdvance(self.value_format.format(max(self.values))) + 10
        self._bars = []
        for i, (text, label_box, bar) in enumerate(self.compute_layout(area)):
            painter.setPen(self.text_color())
            painter.drawText(
                label_box, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, text
            )
            painter.fillRect(bar, ACCENT)
            self._bars.append(
                QRectF(area.left(), label_box.top(), area.width(), label_box.height())
            )
            painter.setPen(self.muted_color())
            painter.drawText(
                QRectF(bar.right() + 4, label_box.top(), value_width, label_box.height()),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                self.value_format.format(self.values[i]),
            )

    def _hit(self, pos: QPointF) -> int:
        return next((i for i, r in enumerate(self._bars) if r.contains(pos)), -1)

    def event(self, event: object) -> bool:
        if isinstance(event, QHelpEvent):
            i = self._hit(QPointF(event.pos()))
            if i >= 0 and i < len(self.tips):
                QToolTip.showText(event.globalPos(), self.tips[i], self)
            else:
                QToolTip.hideText()
            return True
        return super().event(event)  # type: ignore[arg-type]

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        i = self._hit(event.position())
        if i >= 0:
            self.bar_clicked.emit(i)

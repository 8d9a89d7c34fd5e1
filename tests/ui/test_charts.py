"""The painted charts on real widgets: labels painted and legible, no overlapping ticks,
a visible Save chart button that writes a PNG, and colours that read the same in dark mode."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QRectF, QTimer
from PySide6.QtGui import QColor, QFontMetrics, QImage, QPalette
from PySide6.QtWidgets import QApplication, QFileDialog

from ppdesk.ui.app import dark_palette
from ppdesk.ui.charts.bar_chart import BarChart, elide_pair
from ppdesk.ui.charts.base import ELLIPSIS
from ppdesk.ui.charts.heatmap import Heatmap
from ppdesk.ui.charts.histogram import Histogram

NAMES = ["Daily Moisturizer 50ml", "Mineral Sunscreen SPF 50", "Dental Chews (30)",
         "Grain-Free Kibble Chicken", "Pour-Over Dripper V60"]


def _lift() -> np.ndarray:
    m = np.zeros((5, 5))
    m[0, 1] = m[1, 0] = 4.0  # the strongest pair
    m[2, 3] = m[3, 2] = 1.2  # a weak one
    m[0, 4] = m[4, 0] = 2.0
    return m


def _show(qtbot, widget, width: int, height: int, palette: QPalette | None = None):
    if palette is not None:
        widget.setPalette(palette)
    qtbot.addWidget(widget)
    widget.resize(width, height)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _ink(image: QImage, rect: QRectF, background: QColor) -> int:
    """Pixels in ``rect`` that differ clearly from the background (painted text)."""
    count = 0
    r = rect.toAlignedRect().intersected(image.rect())
    for y in range(r.top(), r.bottom() + 1):
        for x in range(r.left(), r.right() + 1):
            c = image.pixelColor(x, y)
            if abs(c.lightness() - background.lightness()) > 60:
                count += 1
    return count


@pytest.mark.parametrize("size", [(900, 520), (620, 260)])
@pytest.mark.parametrize("dark", [False, True])
def test_heatmap_paints_product_names_on_both_axes_and_a_legend(qtbot, size, dark) -> None:
    chart = _show(qtbot, Heatmap("Lift"), *size, dark_palette() if dark else None)
    chart.set_data(NAMES, _lift(), "lift")
    image = chart.grab().toImage()
    info = chart.layout_info
    assert info.shown == 5
    base = chart.palette().color(QPalette.ColorRole.Base)
    whole = QRectF(chart.rect())
    for texts, rects in ((info.row_texts, info.row_rects), (info.column_texts, info.column_rects)):
        assert all(t.strip() for t in texts)
        for i, rect in enumerate(rects):
            assert whole.contains(rect)
            assert _ink(image, rect, base) > 0, f"label {i} is not painted"
            assert not any(rect.intersected(o).width() > 0.5 and rect.intersected(o).height()
                           > 0.5 for o in rects[i + 1:])
    # each row names its product (whole, or numbered with the column number above it)
    for i, text in enumerate(info.row_texts):
        assert NAMES[i].startswith(text.rstrip(ELLIPSIS).removeprefix(f"{i + 1}. "))
    assert whole.contains(info.legend) and not info.legend.intersects(info.grid)
    # stronger colour = higher lift, in light and dark palettes alike
    def centre(i: int, j: int) -> QColor:
        cell = info.cell
        return image.pixelColor(round(info.grid.left() + (j + 0.5) * cell),
                                round(info.grid.top() + (i + 0.5) * cell))

    def distance(c: QColor) -> int:
        return abs(c.red() - base.red()) + abs(c.green() - base.green()) + abs(
            c.blue() - base.blue())

    assert distance(centre(0, 1)) > distance(centre(0, 4)) > distance(centre(2, 3))
    legend_low = image.pixelColor(round(info.legend.left() + 2), round(info.legend.center().y()))
    legend_high = image.pixelColor(round(info.legend.right() - 2), round(info.legend.center().y()))
    assert distance(legend_high) > distance(legend_low)


def test_heatmap_keeps_names_legible_when_short(qtbot) -> None:
    names = [f"Product number {i}" for i in range(25)]
    chart = _show(qtbot, Heatmap("Lift"), 700, 240)
    m = np.full((25, 25), 1.5)
    chart.set_data(names, m, "lift")
    chart.grab()
    info = chart.layout_info
    line = QFontMetrics(chart.font()).height()
    assert info.cell >= line and 2 <= info.shown < 25
    assert f"{info.shown} of 25" in " ".join(chart.legend_lines(info))
    assert info.grid.bottom() <= chart.height()


def test_heatmap_tooltips_give_the_real_figures(qtbot) -> None:
    chart = _show(qtbot, Heatmap("Lift"), 900, 520)
    orders = np.zeros((5, 5))
    orders[0, 1] = orders[1, 0] = 40
    chart.set_data(NAMES, _lift(), "lift", {"Orders together": orders})
    tip = chart.tooltip_for(0, 1)
    assert "Daily Moisturizer 50ml + Mineral Sunscreen SPF 50" in tip
    assert "Lift 4.00" in tip and "4.0x as often as by chance" in tip
    assert "Orders together: 40" in tip
    empty = chart.tooltip_for(1, 3)
    assert "0.00" not in empty and "Not bought together" in empty


@pytest.mark.parametrize("high", [38.0, 400.0, 2500.0])
def test_histogram_day_labels_never_overlap(qtbot, high) -> None:
    chart = _show(qtbot, Histogram("Days between purchases"), 300, 260)
    rng = np.random.default_rng(7)
    chart.set_data(rng.uniform(14, high, 500), [("median", high / 2), ("reminder", high / 3)])
    metrics = QFontMetrics(chart.font())
    for width in range(300, 1201, 25):
        chart.resize(width, 260)
        assert chart.width() == width
        ticks = chart.x_ticks(chart.chart_area())
        assert len(ticks) >= 2, width
        values = [float(t.replace(",", "")) for t, _b in ticks]
        assert values == sorted(values)
        for (text, box), (_t2, nxt) in zip(ticks, ticks[1:], strict=False):
            assert box.width() >= metrics.horizontalAdvance(text)
            assert box.right() < nxt.left(), f"{text!r} touches the next label at width {width}"
        for _text, box in ticks:
            assert box.left() >= 0 and box.right() <= width


def test_bar_labels_are_cut_at_whole_words(qtbot) -> None:
    labels = [f"{a} + {b}" for a, b in zip(NAMES, reversed(NAMES), strict=True)]
    chart = _show(qtbot, BarChart("Top pairs"), 420, 260)
    chart.set_data(labels, [40, 33, 31, 28, 22])
    layout = chart.compute_layout(chart.chart_area())
    assert len(layout) == 5
    cut = 0
    for (text, _box, _bar), full in zip(layout, labels, strict=True):
        if text != full:
            cut += 1
            assert ELLIPSIS in text
            # each product of the pair is cut on its own, at whole words (both stay named)
            for part, whole in zip(text.split(" + "), full.split(" + "), strict=True):
                words = part.removesuffix(ELLIPSIS).split()
                assert part == whole or part.endswith(ELLIPSIS), (part, whole)
                assert whole.split()[: len(words)] == words, f"{text!r} cuts a word of {full!r}"
    assert cut > 0  # at 420 px these names do not fit whole
    assert chart.tips == labels  # the whole name on hover


def test_bar_rows_are_never_lower_than_a_line(qtbot) -> None:
    chart = _show(qtbot, BarChart("Top pairs"), 500, 220)
    chart.set_data([f"Pair {i}" for i in range(30)], list(range(30, 0, -1)))
    layout = chart.compute_layout(chart.chart_area())
    line = QFontMetrics(chart.font()).height()
    assert 1 <= len(layout) < 30
    assert all(box.height() >= line for _t, box, _b in layout)


def test_save_chart_button_is_visible_and_writes_a_png(qtbot, tmp_path: Path) -> None:
    chart = _show(qtbot, BarChart("Top pairs"), 500, 300)
    assert not chart.save_button.isVisible()  # nothing to save yet
    chart.set_data(["Mug + Beans", "Kettle + Filters"], [5, 3])
    assert chart.save_button.isVisible() and chart.save_button.text() == "Save chart…"
    assert chart.rect().contains(chart.save_button.geometry())
    target = tmp_path / "top-pairs.png"

    def fill_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, QFileDialog):
            QTimer.singleShot(50, fill_dialog)
            return
        dialog.selectFile(str(target))
        dialog.accept()

    QTimer.singleShot(50, fill_dialog)
    chart.save_button.click()
    qtbot.waitUntil(target.exists, timeout=5000)
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1000, 600)


def test_long_pair_labels_keep_both_products_named(qapp: QApplication) -> None:
    """Three pairs of one long first product must not read the same once cut (seen on the
    wine shop's Pairs page: "A Kanonkop Kadette Holiday Sampler - save $53.89 + Kanonkop
    Kadette…" three times)."""
    first = "A Kanonkop Kadette Holiday Sampler - save $53.89"
    seconds = ["Kanonkop Kadette Cape Blend 2019", "Kanonkop Kadette Pinotage 2020",
               "Kanonkop Kadette Cabernet Sauvignon 2020"]
    metrics = QFontMetrics(BarChart("t").font())
    # 80% of the longest label: cut at the end only, all three read the same
    width = 0.8 * max(metrics.horizontalAdvance(f"{first} + {s}") for s in seconds)
    shown = [elide_pair(metrics, f"{first} + {s}", width) for s in seconds]
    assert len(set(shown)) == 3, shown
    for text, second in zip(shown, seconds, strict=True):
        assert metrics.horizontalAdvance(text) <= width, text
        left, right = text.split(" + ")
        assert left.startswith("A Kanonkop") and right.startswith("Kanonkop Kadette")
        # each side is whole words of its product, cut with "…" where cut
        assert second.startswith(right.rstrip(ELLIPSIS)), (right, second)
    short = elide_pair(metrics, "Tea + Cups", 1000)
    assert short == "Tea + Cups"


def _contrast(a: QColor, b: QColor) -> float:
    """WCAG 2.1 contrast ratio of two opaque colours."""
    def lum(c: QColor) -> float:
        ch = [v / 255 for v in (c.red(), c.green(), c.blue())]
        lin = [v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4 for v in ch]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@pytest.mark.parametrize("dark", [False, True])
def test_histogram_legend_words_are_legible(qtbot, dark) -> None:
    """The marker keys' words reach text contrast (4.5:1) on the chart's background in both
    themes; the amber 'reminder' key on white was about 2.2:1."""
    chart = Histogram("Days between purchases")
    chart.set_data(np.r_[np.full(30, 12.0), np.full(20, 30.0)],
                   [("median", 18.0), ("reminder", 11.0)])
    _show(qtbot, chart, 620, 260, dark_palette() if dark else None)
    image = chart.grab().toImage()
    base = chart.palette().color(QPalette.ColorRole.Base)
    metrics = QFontMetrics(chart.font())
    area = chart.chart_area()
    for (line, x, _width), (text, _colour) in zip(chart._legend_boxes(area),
                                                   chart._legend_items(), strict=True):
        top = area.top() + line * (metrics.height() + 2)
        words = QRectF(x + 14, top, metrics.horizontalAdvance(text), metrics.height())
        r = words.toAlignedRect().intersected(image.rect())
        best = max(_contrast(image.pixelColor(px, py), base)
                   for py in range(r.top(), r.bottom() + 1)
                   for px in range(r.left(), r.right() + 1))
        assert best >= 4.5, (text, round(best, 2))

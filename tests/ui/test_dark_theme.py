"""Dark theme: the edges of controls stand out from the window (WCAG 1.4.11: 3:1).

Two checks. The colours the theme sets, through an independent WCAG formula; and the
pixels Fusion really paints for a spin box, an editable combo, a check box and a group
box frame, so a palette role the style does not use for outlines cannot pass.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QGroupBox,
    QSpinBox,
    QStyle,
    QStyleOptionButton,
    QVBoxLayout,
    QWidget,
)

from ppdesk.ui import app as theme

ROLE = QPalette.ColorRole


def luminance(colour: QColor) -> float:
    """WCAG 2.1 relative luminance from 8-bit sRGB."""
    def channel(v: int) -> float:
        c = v / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
    return 0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green()) \
        + 0.0722 * channel(colour.blue())


def contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_formula_on_known_pairs() -> None:
    assert contrast(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert contrast(QColor("#777777"), QColor("#ffffff")) == pytest.approx(4.48, abs=0.01)


def test_frame_colour_stands_out_from_window_and_fields() -> None:
    palette = theme.dark_palette()
    frame = QColor(theme.FRAME)
    for role in (ROLE.Window, ROLE.Base, ROLE.Button):
        assert contrast(frame, palette.color(role)) >= 3.0, role
    # what Fusion makes of the outlined controls' palette: their Window, darkened
    outlined = theme.outlined_palette(palette)
    drawn = outlined.color(ROLE.Window).darker(140)
    assert contrast(drawn, palette.color(ROLE.Window)) >= 3.0
    assert contrast(drawn, palette.color(ROLE.Base)) >= 3.0


@pytest.fixture
def dark(qapp: QApplication):
    theme.apply_theme(qapp, dark=True)
    yield theme.dark_palette()
    theme.apply_theme(qapp, dark=False)


def _best_contrast(image, points, background: QColor) -> float:
    return max(contrast(image.pixelColor(p), background) for p in points)


def test_painted_edges_have_contrast(qtbot, dark: QPalette) -> None:
    host = QWidget()
    layout = QVBoxLayout(host)
    spin, combo, check, group = QSpinBox(), QComboBox(), QCheckBox("Group variants"), \
        QGroupBox("Your store")
    combo.setEditable(True)
    combo.addItem("America/New_York")
    QVBoxLayout(group).addWidget(QWidget())
    group.setMinimumHeight(80)
    for w in (spin, combo, check, group):
        layout.addWidget(w)
    qtbot.addWidget(host)
    host.resize(400, 260)
    host.show()
    qtbot.waitExposed(host)
    window = dark.color(ROLE.Window)
    for field in (spin, combo):
        image = field.grab().toImage()
        mid = image.height() // 2
        left = [QPoint(x, mid) for x in range(0, 3)]
        top = [QPoint(image.width() // 4, y) for y in range(0, 3)]
        assert _best_contrast(image, left, window) >= 3.0, type(field).__name__
        assert _best_contrast(image, top, window) >= 3.0, type(field).__name__
    option = QStyleOptionButton()
    option.initFrom(check)
    box = check.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, check)
    image = check.grab().toImage()
    edge = [QPoint(box.left() + dx, box.center().y()) for dx in range(0, 3)]
    assert _best_contrast(image, edge, window) >= 3.0
    image = group.grab().toImage()
    mid = image.height() * 2 // 3
    assert _best_contrast(image, [QPoint(x, mid) for x in range(0, 3)], window) >= 3.0


def test_light_theme_resets_the_outlined_palette(qapp: QApplication) -> None:
    theme.apply_theme(qapp, dark=True)
    theme.apply_theme(qapp, dark=False)
    standard = qapp.style().standardPalette()
    box = QCheckBox("x")
    assert box.palette().color(ROLE.Window) == standard.color(ROLE.Window)
    assert qapp.styleSheet() == ""

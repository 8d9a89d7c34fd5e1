"""Binding typed settings dataclass fields to form widgets: load, read back, nothing else.

A :class:`FieldForm` holds rows ``(section, field, label, widget)``. ``load(settings)``
puts each field's value in its widget; ``apply(settings)`` returns a new settings
object with the widgets' values (``dataclasses.replace``, typed as the field is).
The page decides what the fields mean; this only moves values.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QWidget,
)


@dataclass
class Bound:
    section: str
    field: str
    widget: QWidget
    choices: dict[str, Any] | None = None  # combo text -> stored value


def spin(low: int, high: int, suffix: str = "") -> QSpinBox:
    box = QSpinBox()
    box.setRange(low, high)
    if suffix:
        box.setSuffix(suffix)
    return box


class PercentSpin(QDoubleSpinBox):
    """A share (0.10) shown and typed as a percent ("10%"): merchants read percents, and
    "Hold out 0.10" reads as jargon. ``share()``/``set_share()`` speak the stored fraction."""

    def __init__(self, low: float, high: float, step: float, decimals: int = 0) -> None:
        super().__init__()
        self.setRange(low * 100, high * 100)
        self.setSingleStep(step * 100)
        self.setDecimals(decimals)
        self.setSuffix("%")

    def share(self) -> float:
        return round(self.value() / 100, self.decimals() + 2)

    def set_share(self, value: float) -> None:
        self.setValue(float(value) * 100)


def percent(low: float, high: float, step: float, decimals: int = 0) -> PercentSpin:
    """A spin box for a share stored as a fraction, shown in percent."""
    return PercentSpin(low, high, step, decimals)


def dspin(
    low: float, high: float, step: float, decimals: int = 2, suffix: str = ""
) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    if suffix:
        box.setSuffix(suffix)
    return box


def combo(choices: dict[str, Any]) -> QComboBox:
    box = QComboBox()
    box.addItems(list(choices))
    return box


class FieldForm:
    """A QFormLayout whose rows are bound to ``settings.<section>.<field>``."""

    def __init__(self, layout: QFormLayout) -> None:
        self.layout = layout
        self.rows: list[Bound] = []

    def add(
        self,
        section: str,
        field: str,
        label: str,
        widget: QWidget | None = None,
        *,
        choices: dict[str, Any] | None = None,
        tooltip: str = "",
    ) -> QWidget:
        if widget is None:
            widget = combo(choices) if choices else QLineEdit()
        if tooltip:
            widget.setToolTip(tooltip)
        self.layout.addRow(label, widget)
        self.rows.append(Bound(section, field, widget, choices))
        return widget

    def widget(self, section: str, field: str) -> QWidget:
        return next(b.widget for b in self.rows if b.section == section and b.field == field)

    def load(self, settings: Any) -> None:
        for b in self.rows:
            value = getattr(getattr(settings, b.section), b.field)
            w = b.widget
            if isinstance(w, QCheckBox):
                w.setChecked(bool(value))
            elif isinstance(w, QComboBox) and b.choices:
                text = next((t for t, v in b.choices.items() if v == value), None)
                if text is None and w.isEditable():
                    w.setEditText(str(value))
                elif text is not None:
                    w.setCurrentText(text)
            elif isinstance(w, QComboBox):
                w.setCurrentText(str(value))
            elif isinstance(w, PercentSpin):
                w.set_share(float(value))
            elif isinstance(w, QDoubleSpinBox):
                w.setValue(float(value))
            elif isinstance(w, QSpinBox):
                w.setValue(int(value))
            elif isinstance(w, QLineEdit):
                w.setText(str(value))

    def value(self, b: Bound) -> Any:
        w = b.widget
        if isinstance(w, QCheckBox):
            return w.isChecked()
        if isinstance(w, QComboBox) and b.choices:
            return b.choices.get(w.currentText(), w.currentText())
        if isinstance(w, QComboBox):
            return w.currentText().strip()
        if isinstance(w, PercentSpin):
            return w.share()
        if isinstance(w, QDoubleSpinBox):
            return float(w.value())
        if isinstance(w, QSpinBox):
            return int(w.value())
        if isinstance(w, QLineEdit):
            return w.text().strip()
        raise TypeError(f"unsupported widget {type(w).__name__}")

    def apply(self, settings: Any) -> Any:
        """A copy of ``settings`` with every bound field taken from its widget."""
        changes: dict[str, dict[str, Any]] = {}
        for b in self.rows:
            changes.setdefault(b.section, {})[b.field] = self.value(b)
        out = settings
        for section, fields in changes.items():
            out = replace(out, **{section: replace(getattr(out, section), **fields)})
        return out

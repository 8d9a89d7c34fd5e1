"""Reorder timing: how long customers take to buy a product again, and when the reminder goes out.

The table is ``analytics.timing.reorder_timing`` for the chosen customer segment
(customers from one platform, or all). Picking a product draws the histogram of
its reorder gaps (``timing.product_timing``) with lines at the median and the
trigger day, and states the spread and sample size, or honestly that there is
not enough data. The consumable switch writes the product's override
(``consumables.set_override``); the trigger rule is an analytics setting.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape

import numpy as np
import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core.analytics import consumables, timing
from ppdesk.core.analytics.evidence import evidence_for
from ppdesk.core.progress import CancelToken, ProgressFn, check, report
from ppdesk.core.settings import AnalyticsSettings, load_settings
from ppdesk.core.store import Store
from ppdesk.core.store.lines import load_lines
from ppdesk.ui.charts.histogram import Histogram
from ppdesk.ui.models.dataframe_model import Column, DataFrameTableModel
from ppdesk.ui.pages.base import Page
from ppdesk.ui.widgets.field_form import PercentSpin
from ppdesk.ui.widgets.message_bar import Message
from ppdesk.ui.widgets.table_panel import TablePanel

ALL = "All customers"
COLUMNS = [
    Column("name", "Product"),
    Column("customers", "Customers", "int", "Customers who bought it in the window"),
    Column(
        "repeat_customers", "Bought again", "int", "Customers who bought it on two dates or more"
    ),
    Column("repeat_share", "Repeat share", "percent"),
    Column("median_days_first_to_second", "1st to 2nd (days)", "float1",
           "The usual (median) days from a customer's first purchase to the second"),
    Column("median_days_between", "Usual gap (days)", "float1",
           "The usual (median) days between two purchases of it"),
    Column("p25_days_between", "Quick quarter (days)", "float1", "25th percentile of the gaps"),
    Column("p75_days_between", "Slow quarter (days)", "float1", "75th percentile of the gaps"),
    Column(
        "trigger_day_first",
        "Reminder (day)",
        "int",
        "Reminder after a first purchase: the day it goes out: 75 % (a setting, "
        "70-80 %) of the median days from first to second purchase",
    ),
    Column(
        "trigger_day_repeat",
        "Later reminder (day)",
        "int",
        "Reminder after a repeat purchase: the day it goes out: the same share of the median "
        "days between purchases",
    ),
    Column("quantity_scaled", "Scales with units", "bool", "Larger purchases last longer here"),
    Column("enough_data", "Enough data", "bool"),
    Column("replenishable", "Replenishable", "bool"),
    Column("timing_note", "Note"),
    Column("product", "Key"),
]
KINDS = {
    "All products": None,
    "Replenishable": ("replenishable", [True]),
    "Not replenishable": ("replenishable", [False]),
    "Enough data": ("enough_data", [True]),
    "Not enough data": ("enough_data", [False]),
}


@dataclass(frozen=True)
class TimingView:
    table: pd.DataFrame
    platforms: list[str]
    rule: str
    window_text: str = ""


def compute_timing(
    store: Store, platform: str | None, *, progress: ProgressFn, cancel: CancelToken
) -> TimingView:
    """Worker side: the core's timing table, for customers of one platform or all."""
    settings = load_settings(store).analytics
    report(progress, 0, 2, "Reading orders")
    platforms = sorted(load_lines(store, ["platform"])["platform"].dropna().astype(str)
                       .unique().tolist())
    check(cancel)
    report(progress, 1, 2, "Measuring reorder gaps")
    evidence = evidence_for(store, settings, platform=platform or None)
    table = evidence.timing()
    return TimingView(table, platforms, consumables.rule_in_words(settings),
                      evidence.window_words())


class TimingPage(Page):
    key = "timing"
    title = "Reorder timing"
    purpose = (
        "How many days customers take to buy the same product again, and the day the "
        "replenishment reminder goes out. Pick a product to see its gaps."
    )
    refresh_on = ("data_changed", "settings_changed")

    class Msg:
        no_orders = Message(
            "info", "There are no orders yet. Import your store's order export on the Import page."
        )
        no_repeats = Message(
            "info",
            "No customer has bought the same product twice yet, so there "
            "is no reorder cycle to measure. This fills in as orders come in.",
        )
        saved = Message(
            "success", "Saved. The table and the replenishment plan use the new setting."
        )

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.view_data: TimingView | None = None
        self.segment = QComboBox()
        self.segment.addItem(ALL)
        self.segment.setToolTip("Customer segment: customers who bought on one platform")
        self.segment.activated.connect(lambda _i: self.refresh())
        self.kind = QComboBox()
        self.kind.addItems(list(KINDS))
        self.kind.currentTextChanged.connect(self._filter_kind)
        self.rule_label = QLabel()
        self.rule_label.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("Segment"))
        row.addWidget(self.segment)
        row.addWidget(QLabel("  Show"))
        row.addWidget(self.kind)
        row.addStretch(1)
        self.body.addLayout(row)
        self.window_label = QLabel()
        self.window_label.setWordWrap(True)
        self.body.addWidget(self.window_label)
        self.model = DataFrameTableModel(pd.DataFrame(), COLUMNS)
        self.table = TablePanel(
            self.model,
            export_name="reorder-timing.csv",
            filter_hint="Filter by product…",
            # the repeat share is in the detail beside the table; hidden, the reminder day
            # and "Replenishable" fit beside a readable name at 1280x720
            hidden=("customers", "repeat_share", "median_days_first_to_second",
                    "p25_days_between",
                    "p75_days_between", "trigger_day_repeat", "quantity_scaled", "enough_data",
                    "timing_note", "product"),
            # variants differ at the end ("... - 250g / Whole Bean"): a second line
            wrap_long_text=True,
        )
        self.table.row_selected.connect(self._row_picked)
        self.histogram = Histogram("Days between purchases")
        self.histogram.set_empty_text("Pick a product in the table.")
        self.figures = QLabel("")
        self.figures.setWordWrap(True)
        self.figures.setTextFormat(Qt.TextFormat.RichText)
        self.figures.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.consumable = QComboBox()
        self.consumable.addItems(
            ["Automatic (the rule decides)", "Always replenishable", "Never replenishable"]
        )
        self.consumable.setEnabled(False)
        self.consumable.activated.connect(self._override_changed)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.histogram, 3)
        right_layout.addWidget(self.figures)
        switch = QHBoxLayout()
        switch.addWidget(QLabel("Consumable:"))
        switch.addWidget(self.consumable, 1)
        right_layout.addLayout(switch)
        right_layout.addWidget(self._trigger_box())
        right_layout.addWidget(self.rule_label)
        # at 720 px the chart, the figures and the reminder rule do not all fit: a layout
        # squeezed below its minimum lets the figures' text run over the chart's day axis,
        # so the detail column scrolls instead and the chart keeps a readable height
        self.histogram.setMinimumHeight(190)
        detail = QScrollArea()
        detail.setWidget(right)
        detail.setWidgetResizable(True)
        detail.setFrameShape(QScrollArea.Shape.NoFrame)
        detail.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # never narrower than its content (the reminder rule's radio texts), or it is cut
        detail.setMinimumWidth(
            right.minimumSizeHint().width() + detail.verticalScrollBar().sizeHint().width()
        )
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.table)
        split.addWidget(detail)
        split.setStretchFactor(0, 5)
        split.setStretchFactor(1, 3)
        split.setSizes([620, 410])   # the names want the width; the detail text wraps

        self.body.addWidget(split, 1)
        self.detail_runner = type(self.runner)(self)
        self.write_runner = type(self.runner)(self)
        self._product: str | None = None

    def _trigger_box(self) -> QGroupBox:
        box = QGroupBox("When does the reminder go out?")
        self.rule_share = QRadioButton("After this share of the usual time between orders")
        self.rule_days = QRadioButton("This many days before the usual time between orders")
        group = QButtonGroup(box)
        group.addButton(self.rule_share)
        group.addButton(self.rule_days)
        self.share_spin = PercentSpin(0.70, 0.80, 0.01)
        self.days_spin = QSpinBox()
        self.days_spin.setRange(0, 60)
        self.days_spin.setSuffix(" days")
        save = QPushButton("Apply")
        save.clicked.connect(self._save_rule)
        form = QFormLayout(box)
        form.addRow(self.rule_share, self.share_spin)
        form.addRow(self.rule_days, self.days_spin)
        form.addRow("", save)
        self._load_rule()
        return box

    def _load_rule(self) -> None:
        a = self.ctx.settings().analytics
        (self.rule_days if a.trigger_rule == "days_before" else self.rule_share).setChecked(True)
        self.share_spin.set_share(a.trigger_share)
        self.days_spin.setValue(a.trigger_days_before)

    def _save_rule(self) -> None:
        current = self.ctx.settings()
        analytics: AnalyticsSettings = replace(
            current.analytics,
            trigger_rule="days_before" if self.rule_days.isChecked() else "share",
            trigger_share=round(self.share_spin.share(), 2),
            trigger_days_before=self.days_spin.value(),
        )
        self.ctx.save_settings(
            replace(current, analytics=analytics),
            on_done=lambda: self.messages.show_message(self.Msg.saved),
            on_error=self.messages.show_error,
        )

    # -- table ------------------------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        self._load_rule()
        store = self.ctx.store
        platform = None if self.segment.currentText() == ALL else self.segment.currentText()
        self.runner.run(
            lambda p, c: compute_timing(store, platform, progress=p, cancel=c),
            name="Measuring reorder timing",
            on_success=self._show,
            on_failure=self.messages.show_error,
        )

    def _show(self, result: object) -> None:
        assert isinstance(result, TimingView)
        self.view_data = result
        keep_messages = [m for m in self.messages.texts() if m == self.Msg.saved.text]
        self.messages.clear()
        for _ in keep_messages:
            self.messages.show_message(self.Msg.saved)
        current = self.segment.currentText()
        self.segment.blockSignals(True)
        self.segment.clear()
        self.segment.addItems([ALL, *result.platforms])
        self.segment.setCurrentText(current if current in result.platforms else ALL)
        self.segment.blockSignals(False)
        self.model.set_frame(result.table, COLUMNS)
        self.table.resize_columns()
        self.rule_label.setText(result.rule)
        self.window_label.setText(result.window_text)
        if result.table.empty:
            self.messages.show_message(self.Msg.no_orders)
        elif int(result.table["repeat_customers"].max()) == 0:
            self.messages.show_message(self.Msg.no_repeats)
        if self.model.rowCount() and self._product is None:
            self.table.select_row(0)
        elif self._product is not None:
            self.show_product(self._product)

    def _filter_kind(self, text: str) -> None:
        spec = KINDS.get(text)
        self.model.set_filter(equals={"replenishable": None, "enough_data": None})
        if spec is not None:
            self.model.set_filter(equals={spec[0]: spec[1]})

    def _row_picked(self, row: int) -> None:
        if row >= 0:
            self.show_product(str(self.model.row_series(row)["product"]))

    # -- detail -----------------------------------------------------------------------------
    def show_product(self, product_key: str) -> None:
        self._product = product_key
        store = self.ctx.store
        self.detail_runner.run(
            lambda _p, _c: evidence_for(store).product_timing(product_key),
            name="Reading reorder gaps",
            on_success=self._show_product,
            on_failure=self.messages.show_error,
        )

    def _show_product(self, result: object) -> None:
        assert isinstance(result, timing.ProductTiming)
        f = result.figures or {}
        enough = bool(f.get("enough_data"))
        median = _num(f.get("median_days_between"))
        trigger = _num(f.get("trigger_day"))
        self.histogram.title = f"Days between purchases: {result.name}"
        self.histogram.set_data(
            result.gaps,
            [("median", median), ("reminder", trigger)] if enough else [("median", median)],
        )
        self.histogram.set_empty_text(f"{result.name}: no customer bought it twice yet.")
        n_gaps, repeat = len(result.gaps), int(f.get("repeat_customers") or 0)
        lines = [
            f"<b>{escape(result.name)}</b>: {n_gaps:,} reorder gaps from {repeat:,} "
            f"repeat customer{'s' if repeat != 1 else ''}."
        ]
        if n_gaps:
            lines.append(
                f"Median {median:,.0f} days; half of the gaps lie between "
                f"{_num(f.get('p25_days_between')):,.0f} and "
                f"{_num(f.get('p75_days_between')):,.0f} days."
            )
        if enough and trigger == trigger:
            repeat_day = _num(f.get("trigger_day_repeat"))
            lines.append(
                f"The reminder goes out on day <b>{trigger:,.0f}</b> after a customer's first "
                f"purchase and on day <b>{repeat_day:,.0f}</b> after later ones."
            )
            lines.append(escape(str(f.get("quantity_rule") or "")))
        else:
            lines.append(
                f"<b>Not enough data</b>: {escape(str(f.get('timing_note') or ''))}. "
                "No reminder day is set until the cycle can be trusted."
            )
        lines.append(escape(str(f.get("replenishable_reason") or "")))
        self.figures.setText("<br>".join(x for x in lines if x))
        override = f.get("consumable_override")
        self.consumable.setEnabled(True)
        self.consumable.setCurrentIndex(
            0 if override is None or pd.isna(override) else (1 if int(override) == 1 else 2)
        )

    def _override_changed(self, index: int) -> None:
        if self._product is None:
            return
        value = None if index == 0 else index == 1
        store, key = self.ctx.store, self._product
        self.write_runner.run(
            lambda _p, _c: consumables.set_override(store, key, value),
            name="Saving",
            writes=True,
            on_success=lambda _r: self.ctx.settings_changed.emit(),
            on_failure=self.messages.show_error,
        )

    def shutdown(self) -> None:
        super().shutdown()
        self.detail_runner.cancel()


def _num(value: object) -> float:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return float("nan")
    return out if np.isfinite(out) else float("nan")


if __name__ == "__main__":
    import sys

    from ppdesk.ui.pages.standalone import run_page

    sys.exit(run_page(TimingPage))

"""Products & pairs: what sells together, as a table, bar chart, heatmap and complements.

Everything is computed by ``ppdesk.core.analytics`` on a worker thread: the
pairs of the chosen date range (same order, or "bought later" with the
sequential switch), and for the picked product its best complements with the
plain-words reason. Changing the dates re-runs the analysis in the background;
the previous run is cancelled.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape as _esc

import numpy as np
import pandas as pd
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTabWidget,
    QTextBrowser,
    QToolButton,
    QWidget,
)

from ppdesk.core.analytics import complements
from ppdesk.core.analytics.evidence import evidence_for
from ppdesk.core.progress import CancelToken, ProgressFn, check, report
from ppdesk.core.store import Store
from ppdesk.ui.charts.bar_chart import BarChart
from ppdesk.ui.charts.heatmap import Heatmap
from ppdesk.ui.models.dataframe_model import Column, DataFrameTableModel
from ppdesk.ui.pages.base import Page, hint_label
from ppdesk.ui.widgets.message_bar import Message
from ppdesk.ui.widgets.table_panel import TablePanel

HEATMAP_PRODUCTS = 25
BAR_PAIRS = 12
RECOMMENDABLE_TIP = (
    "Seen together often enough, more often than chance, and unlikely to be luck once every "
    "pair checked is allowed for ('Could be luck' at most 5% by default, in Settings); "
    "substitutes and variants of one product never are"
)
LIFT_TIP = (
    "How many times more often they sell together than chance would give (called lift): "
    "1.0 means as often as chance, 2.0 twice as often"
)
LUCK_TIP = (
    "The chance that this pair is pure luck, allowing for every pair checked at once; "
    "ppdesk recommends only pairs at 5% or less"
)
SUMMARY_LINE = "Pairs bought more often than chance would give, and how sure that is."
EXPLANATION = (
    "With many products, some pairs look strong by pure luck: a store with 2,000 products "
    "tests about 20,000 pairs, and 1 in 20 meaningless pairs still looks like a 5 % chance "
    "of luck or less when judged alone. 'Could be luck' allows for every pair checked at once; "
    "ppdesk recommends only pairs where it is at most 5 %. Variants of one product (sizes, "
    "colours) count as one product unless you untick 'Group variants'; tips, shipping "
    "protection, gift wrap, gift cards and discounts are left out."
)
HEATMAP_TITLE = "Bought together vs chance: the {shown} most paired products"

SAME_ORDER_COLUMNS = [
    Column("name_a", "Product A"),
    Column("name_b", "Product B"),
    Column(
        "orders_together",
        "Orders together",
        "int",
        "Included orders in the date range holding both products",
    ),
    Column("orders_with_a", "Orders with A", "int"),
    Column("orders_with_b", "Orders with B", "int"),
    Column("support", "Support", "percent", "Orders together / all orders in the range"),
    Column(
        "confidence_a_b", "Of A, with B", "percent",
        "Of the orders with A, the share that also hold B (called confidence)"
    ),
    Column(
        "confidence_b_a", "Of B, with A", "percent",
        "Of the orders with B, the share that also hold A (called confidence)"
    ),
    Column("lift", "Vs chance", "float2", LIFT_TIP),
    Column(
        "p_value",
        "Luck (this pair)",
        "pvalue",
        "The chance of seeing them together this often by pure luck, this pair alone",
    ),
    Column("q_value", "Could be luck", "pvalue", LUCK_TIP),
    Column("recommendable", "Recommended", "text", RECOMMENDABLE_TIP),
    Column("product_a", "Key A"),
    Column("product_b", "Key B"),
]
SEQUENTIAL_COLUMNS = [
    Column("name_a", "First bought"),
    Column("name_b", "Then bought"),
    Column(
        "customers_a_then_b",
        "Customers A then B",
        "int",
        "Customers whose first purchase of B came after their first purchase of A",
    ),
    Column("customers_with_a", "Customers with A", "int"),
    Column("customers_a_returning", "A buyers who came back", "int"),
    Column(
        "confidence",
        "Then bought B",
        "percent",
        "Of the A buyers who came back, the share who then bought B (called confidence)",
    ),
    Column("lift", "Vs chance", "float2", LIFT_TIP),
    Column("p_value", "Luck (this pair)", "pvalue",
           "The chance of seeing this order of purchases by pure luck, this pair alone"),
    Column("q_value", "Could be luck", "pvalue", LUCK_TIP),
    Column("recommendable", "Recommended", "text", RECOMMENDABLE_TIP),
    Column("product_a", "Key A"),
    Column("product_b", "Key B"),
]


@dataclass(frozen=True)
class PairsView:
    """What the worker hands back: the pairs table and the heatmap matrix."""

    orders_total: int
    since: dt.date | None
    until: dt.date | None
    pairs: pd.DataFrame
    sequential: bool
    heat_labels: list[str]
    heat_keys: list[str]
    heat_values: np.ndarray
    heat_weights: np.ndarray  # orders (or customers) behind each square, for its tooltip
    window_text: str = ""


def compute_pairs(
    store: Store,
    *,
    since: dt.date | None,
    until: dt.date | None,
    min_orders: int,
    sequential: bool,
    progress: ProgressFn,
    cancel: CancelToken,
    level: str = "product",
) -> PairsView:
    """Worker side: ask the store's evidence for the pairs, shape the heatmap."""
    report(progress, 0, 3, "Reading orders")
    evidence = evidence_for(store)
    check(cancel)
    window = evidence.basket(level, since, until).window
    report(progress, 1, 3, "Counting pairs")
    check(cancel)
    if sequential:
        seq = evidence.sequential(
            level, window.since, window.until, min_customers=min_orders, progress=progress,
            cancel=cancel,
        )
        frame, total = seq.pairs, seq.customers_total
        weight = "customers_a_then_b"
    else:
        same = evidence.pairs(level, window.since, window.until, min_orders=min_orders)
        frame, total = same.pairs, same.orders_total
        weight = "orders_together"
    frame = frame.assign(recommendable=np.where(frame["recommendable"], "yes", "no"))
    check(cancel)
    report(progress, 2, 3, "Drawing")
    labels, keys, matrix, weights = heat_matrix(frame, weight)
    chosen = since is not None or until is not None
    return PairsView(total, window.since, window.until, frame, sequential, labels, keys, matrix,
                     weights, evidence.window_words(window, chosen=chosen))


def heat_matrix(
    frame: pd.DataFrame, weight: str
) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Lift (and the ``weight`` counts) between the products appearing in the most pairs'
    weight (display reshaping only)."""
    if frame.empty:
        return [], [], np.zeros((0, 0)), np.zeros((0, 0))
    totals = pd.concat(
        [
            frame[["product_a", "name_a", weight]].set_axis(["key", "name", "w"], axis=1),
            frame[["product_b", "name_b", weight]].set_axis(["key", "name", "w"], axis=1),
        ]
    )
    top = (
        totals.groupby(["key", "name"], sort=False)["w"]
        .sum()
        .sort_values(ascending=False)
        .head(HEATMAP_PRODUCTS)
        .reset_index()
    )
    keys = top["key"].tolist()
    index = pd.Index(keys)
    a = index.get_indexer(frame["product_a"])
    b = index.get_indexer(frame["product_b"])
    keep = (a >= 0) & (b >= 0)
    matrices = []
    for column in ("lift", weight):
        matrix = np.zeros((len(keys), len(keys)))
        matrix[a[keep], b[keep]] = frame[column].to_numpy(dtype=float)[keep]
        if weight == "orders_together":  # same-order pairs are symmetric
            matrix[b[keep], a[keep]] = frame[column].to_numpy(dtype=float)[keep]
        matrices.append(matrix)
    return top["name"].astype(str).tolist(), keys, matrices[0], matrices[1]


class PairsPage(Page):
    key = "pairs"
    title = "Products & pairs"
    purpose = (
        "Which products customers buy together, in the same order or on a later order. "
        "Pick a row to see a product's best complements and why."
    )
    refresh_on = ("data_changed", "settings_changed")

    class Msg:
        no_orders = Message(
            "info",
            "There are no orders yet. Import your store's order export "
            "on the Import page, or try the demo store (File menu).",
        )
        no_pairs = Message(
            "info",
            "No two products were bought together in this date range "
            "(at least {min} times). Widen the range or lower the minimum.",
        )
        few_orders = Message(
            "warning",
            "Only {n} orders in this date range: treat the figures as a first hint, not as proof.",
        )

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self._since: dt.date | None = None
        self._until: dt.date | None = None
        self.view_data: PairsView | None = None
        self._pair_html = ""   # the picked table row's two names, whole
        # -- controls
        self.since_edit, self.until_edit = QDateEdit(), QDateEdit()
        for edit in (self.since_edit, self.until_edit):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._dates_edited)
        self.min_spin = QSpinBox()
        self.min_spin.setRange(1, 1000)
        self.min_spin.setValue(2)
        self.min_spin.setToolTip("Hide pairs seen together fewer times than this")
        self.min_spin.valueChanged.connect(lambda _v: self._debounce.start())
        self.sequential_box = QCheckBox("Bought on a later order")
        self.sequential_box.setToolTip(
            "Off: bought in the same order. On: bought first A, "
            "then B on a later date (repeat customers only)."
        )
        self.sequential_box.toggled.connect(lambda _v: self.refresh())
        self.group_box = QCheckBox("Group variants")
        self.group_box.setChecked(True)
        self.group_box.setToolTip(
            "On: sizes and colours of one product count as that product (never recommended "
            "with each other). Off: every variant on its own."
        )
        self.group_box.toggled.connect(lambda _v: self.refresh())
        reset = QPushButton("Last 12 months")
        reset.clicked.connect(self._reset_dates)
        self.summary = QLabel()
        controls = QHBoxLayout()
        for widget in (
            QLabel("From"),
            self.since_edit,
            QLabel("to"),
            self.until_edit,
            reset,
            QLabel("  At least"),
            self.min_spin,
            QLabel("times"),
            self.sequential_box,
            self.group_box,
        ):
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.summary)
        self.body.addLayout(controls)
        self.window_label = hint_label("")
        self.body.addWidget(self.window_label)
        # one line, the long explanation one click away: the table needs the height
        self.how = QToolButton()
        self.how.setText("What does this mean?")
        self.how.setCheckable(True)   # framed: flat, it read as plain text, not as a control
        self.explanation = hint_label(EXPLANATION)
        self.explanation.setVisible(False)
        self.how.toggled.connect(self.explanation.setVisible)
        line = QHBoxLayout()
        line.addWidget(QLabel(SUMMARY_LINE))
        line.addWidget(self.how)
        line.addStretch(1)
        self.body.addLayout(line)
        self.body.addWidget(self.explanation)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(400)
        self._debounce.timeout.connect(self.refresh)
        # -- table, detail, charts
        self.model = DataFrameTableModel(pd.DataFrame(), SAME_ORDER_COLUMNS)
        self.table = TablePanel(
            self.model,
            export_name="pairs.csv",
            filter_hint="Filter by product name or key…",
            # secondary figures and keys, one click away in "Columns"
            hidden=("orders_with_a", "orders_with_b", "support", "confidence_b_a", "p_value",
                    "customers_with_a", "customers_a_returning", "product_a", "product_b"),
            # long names (a wine shop's "Kanonkop Kadette Cape Blend 2019") differ at the
            # end: they wrap to a second line rather than lose their middle
            wrap_long_text=True,
        )
        self.table.row_selected.connect(self._row_picked)
        self.detail = QTextBrowser()
        # narrow: long product names (a wine shop's) need the table's width more
        self.detail.setMinimumWidth(230)
        self.detail.setHtml(
            "<p>Pick a pair in the table to see the first product's best complements and why.</p>"
        )
        self.bar = BarChart("Top pairs")
        self.bar.bar_clicked.connect(self.table.select_row)
        self.heatmap = Heatmap(HEATMAP_TITLE.replace("{shown} ", ""))
        self.heatmap.title_template = HEATMAP_TITLE   # says how many fit, not how many exist
        self.heatmap.cell_clicked.connect(self._cell_picked)
        charts = QTabWidget()
        charts.addTab(self.bar, "Top pairs")
        charts.addTab(self.heatmap, "Heatmap")
        self.charts = charts
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(self.table)
        top.addWidget(self.detail)
        top.setStretchFactor(0, 4)
        top.setStretchFactor(1, 1)
        top.setSizes([800, 230])
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(charts)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.body.addWidget(split, 1)
        self.complement_runner = type(self.runner)(self)

    # -- running ----------------------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        self._debounce.stop()
        store, since, until = self.ctx.store, self._since, self._until
        min_orders, sequential = self.min_spin.value(), self.sequential_box.isChecked()
        level = "product" if self.group_box.isChecked() else "variant"
        self.runner.run(
            lambda progress, cancel: compute_pairs(
                store,
                since=since,
                until=until,
                min_orders=min_orders,
                sequential=sequential,
                progress=progress,
                cancel=cancel,
                level=level,
            ),
            name="Finding products bought together",
            on_success=self._show,
            on_failure=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self.messages.clear()
        self.messages.show_error(exc)

    def _show(self, result: object) -> None:
        assert isinstance(result, PairsView)
        self.view_data = result
        self.messages.clear()
        columns = SEQUENTIAL_COLUMNS if result.sequential else SAME_ORDER_COLUMNS
        self.model.set_frame(result.pairs, columns)
        self.table.resize_columns()
        self._set_dates(result.since, result.until)
        self.window_label.setText(result.window_text)
        unit = "customers" if result.sequential else "orders"
        self.summary.setText(f"{result.orders_total:,} {unit} · {len(result.pairs):,} pairs")
        if result.orders_total == 0:
            self.messages.show_message(self.Msg.no_orders)
        elif result.pairs.empty:
            self.messages.show_message(self.Msg.no_pairs, min=self.min_spin.value())
        elif not result.sequential and result.orders_total < 200:
            self.messages.show_message(self.Msg.few_orders, n=result.orders_total)
        weight = "customers_a_then_b" if result.sequential else "orders_together"
        top = self.model.visible_frame().head(BAR_PAIRS) if not result.pairs.empty else result.pairs
        arrow = " → " if result.sequential else " + "
        self.bar.set_data(
            (top["name_a"].astype(str) + arrow + top["name_b"].astype(str)).tolist()
            if len(top)
            else [],
            top[weight].tolist() if len(top) else [],
            (
                top["name_a"].astype(str)
                + arrow
                + top["name_b"].astype(str)
                + ": vs chance "
                + top["lift"].round(2).astype(str)
            ).tolist()
            if len(top)
            else [],
        )
        self.bar.title = (
            f"Top pairs by {unit} together"
            if not result.sequential
            else "Top 'bought later' pairs by customers"
        )
        self.heatmap.set_data(
            result.heat_labels,
            result.heat_values,
            "lift",
            {("Customers, A then B" if result.sequential else "Orders together"):
             result.heat_weights},
        )
        self.bar.set_empty_text("No pairs in this date range.")
        self.heatmap.set_empty_text("Not enough pairs for a heatmap in this date range.")

    # -- dates ------------------------------------------------------------------------------
    def _set_dates(self, since: dt.date | None, until: dt.date | None) -> None:
        for edit, value in ((self.since_edit, since), (self.until_edit, until)):
            if value is not None:
                edit.blockSignals(True)
                edit.setDate(QDate(value.year, value.month, value.day))
                edit.blockSignals(False)

    def _dates_edited(self, _date: QDate) -> None:
        self._since = self.since_edit.date().toPython()
        self._until = self.until_edit.date().toPython()
        self._debounce.start()

    def _reset_dates(self) -> None:
        self._since = self._until = None
        self.refresh()

    # -- detail -----------------------------------------------------------------------------
    def _cell_picked(self, i: int, j: int) -> None:
        if self.view_data is not None and i < len(self.view_data.heat_keys):
            self.show_product(self.view_data.heat_keys[i])

    def _row_picked(self, row: int) -> None:
        if row >= 0:
            picked = self.model.row_series(row)
            # the table cuts long names; the picked pair is written out whole above its reasons
            self._pair_html = (f"<p><small>Picked: <b>{_esc(str(picked['name_a']))}</b> + "
                               f"<b>{_esc(str(picked['name_b']))}</b></small></p>")
            self.show_product(str(picked["product_a"]))

    def show_product(self, product_key: str) -> None:
        """Fill the detail panel with the product's best complements, computed in the background."""
        store = self.ctx.store
        self.detail.setHtml(f"<h3>{_esc(product_key)}</h3><p>Looking for complements…</p>")
        self.complement_runner.run(
            lambda _p, _c: complements.best_complements(store, product_key, n=5),
            name="Finding complements",
            on_success=lambda found: self._show_complements(product_key, found),
            on_failure=lambda exc: self.detail.setHtml(f"<p>{_esc(str(exc))}</p>"),
        )

    def _show_complements(self, product_key: str, found: object) -> None:
        assert isinstance(found, list)
        name = product_key
        if self.view_data is not None and not self.view_data.pairs.empty:
            hit = self.view_data.pairs.loc[
                self.view_data.pairs["product_a"] == product_key, "name_a"
            ]
            name = str(hit.iloc[0]) if len(hit) else product_key
        parts = [self._pair_html, f"<h3>{_esc(name)}</h3>"]
        self._pair_html = ""
        if not found:
            parts.append(
                "<p>No complement passes the guards yet: no other product sells with it "
                "often enough, or the pairing could still be a coincidence. "
                "(Settings &gt; Analytics sets the guards.)</p>"
            )
        for c in found:
            assert isinstance(c, complements.Complement)
            where = "in the same order" if c.source == "same_order" else "on a later order"
            parts.append(
                f"<p><b>{_esc(c.name)}</b> <i>({where})</i><br>{_esc(c.reason)}<br>"
                f"<small>{c.orders_together:,} together · {c.confidence:.0%} with it · "
                f"{c.lift:.1f} times chance</small></p>"
            )
        self.detail.setHtml("".join(parts))

    def shutdown(self) -> None:
        super().shutdown()
        self.complement_runner.cancel()


if __name__ == "__main__":
    import sys

    from ppdesk.ui.pages.standalone import run_page

    sys.exit(run_page(PairsPage))

"""Results: what the follow-up emails and the thank-you offers earned, and whether it was real.

Everything comes from ``results.report.build_report`` (the same object behind
``ppdesk report``), computed in the background. Each section of the report is a
table; the money figures sit on top, the revenue per flow and offer is a bar
chart, and the report's warnings and attribution rules are shown in words.
"""

from __future__ import annotations

from html import escape

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QSplitter,
    QTabWidget,
    QToolButton,
    QWidget,
)

from ppdesk.core.flows.model import FLOW_LABELS
from ppdesk.core.results import headline, lift
from ppdesk.core.results.report import Report, build_report
from ppdesk.core.templating import money
from ppdesk.ui.charts.bar_chart import BarChart
from ppdesk.ui.models.dataframe_model import Column, DataFrameTableModel, Fmt
from ppdesk.ui.pages.base import Page, hint_label
from ppdesk.ui.widgets.message_bar import Message
from ppdesk.ui.widgets.table_panel import TablePanel

HEADERS = {
    "flow": "Flow",
    "offer": "Offer",
    "week": "Week",
    "sent": "Sent",
    "delivered": "Delivered",
    "bounced": "Bounced",
    "conversions": "Bought",
    "orders": "Orders",
    "conversion_rate": "Conversion",
    "revenue": "Revenue",
    "revenue_per_recipient": "Per email",
    "aov": "Average order",
    "cogs": "Cost of goods",
    "margin": "Margin",
    "discount_cost": "Discounts given",
    "orders_saw": "Saw the offer",
    "orders_took": "Took it",
    "take_rate": "Take rate",
    "variant": "Variant",
    "discount_percent": "Discount %",
    "received": "Got emails",
    "holdout": "Held out",
    "received_rate": "Bought (got emails)",
    "holdout_rate": "Bought (held out)",
    "rate_diff": "Difference",
    "revenue_diff": "Extra per customer",
    "verdict": "Verdict",
    "trigger": "Trigger",
    "complement": "Offered",
    "winner": "Winner",
    "margin_per_view": "Margin per view",
    "rule": "How it is counted",
    "in_words": "What it means",
}
HIDDEN = {
    "week_start",
    "offer_id",
    "open_windows",
    "rate_ci_low",
    "rate_ci_high",
    "revenue_ci_low",
    "revenue_ci_high",
    "margin_diff_ci_low",
    "margin_diff_ci_high",
    # The lift table's statistics stay in the CLI's JSON; the page says them in words
    # ("in_words") and explains the method once under "How is this computed?".
    "rate_p_value",
    "take_rate_p_vs_leader",
    "margin_p_vs_leader",
    "rule",
    "significant",
}
# Shown when the merchant picks them (the "Columns" button): at 1280x720 the figures that
# answer "did it pay?" must fit beside the flow's name without scrolling. Bounces are on
# the Outbox, the cost of goods is in the margin, and the counts behind a rate stay one
# click away.
SECONDARY = {
    "flows": {"bounced", "orders", "cogs", "discount_cost"},
    # an offer by its products' names ("Dripper → Filters"), not the two SKUs
    "offers": {"trigger", "complement", "discount_code", "cogs", "discount_cost", "aov"},
    "lift": {"pending", "received_converted", "holdout_converted",
             "received_revenue_per_customer", "holdout_revenue_per_customer"},
    "discount_tests": {"trigger", "complement", "discount_code", "margin_per_take",
                       "margin_diff_vs_leader", "leader"},
}
ALL_WEEKS = "All weeks"


def week_words(frame: pd.DataFrame) -> pd.DataFrame:
    """``week`` as the merchant reads it: "Week of 26 Oct 2026" (the Monday it starts, in
    the store's time zone, as the report buckets it), "All weeks" on a total row."""
    if "week" not in frame.columns or "week_start" not in frame.columns:
        return frame
    starts = pd.to_datetime(frame["week_start"], errors="coerce")
    words = starts.map(lambda d: f"Week of {d.day} {d:%b %Y}" if pd.notna(d) else ALL_WEEKS)
    return frame.assign(week=words.where(frame["week"] != "all", ALL_WEEKS))


def _fmt(name: str) -> Fmt:
    if name.endswith(("_rate", "rate_diff", "_share")) or name in ("take_rate",):
        return "percent"
    if name.endswith("p_value") or name.startswith("take_rate_p") or name.endswith("_p_vs_leader"):
        return "pvalue"
    if any(k in name for k in ("revenue", "margin", "aov", "cogs", "cost", "per_")):
        return "money"
    if name == "discount_percent":
        return "float1"
    if name in (
        "sent",
        "delivered",
        "bounced",
        "conversions",
        "orders",
        "orders_saw",
        "orders_took",
        "received",
        "holdout",
        "pending",
        "received_converted",
        "holdout_converted",
    ):
        return "int"
    return "text"


def lift_in_words(frame: pd.DataFrame, currency: str) -> pd.DataFrame:
    """The lift rows with readable flow names and a sentence per row instead of statistics."""
    if frame.empty:
        return frame.assign(in_words=pd.Series(dtype=object))
    words = [headline.lift_sentence(row, currency) for _, row in frame.iterrows()]  # a few flows
    names = frame["flow"].map(lambda f: "All emails" if f == lift.ALL_FLOWS
                              else FLOW_LABELS.get(f, str(f)))
    return frame.assign(flow=names, in_words=words)


def columns_for(frame: pd.DataFrame) -> list[Column]:
    return [
        Column(c, HEADERS.get(c, c.replace("_", " ").capitalize()), _fmt(c))
        for c in frame.columns
        if c not in HIDDEN
    ]


class ResultsPage(Page):
    key = "results"
    title = "Results"
    purpose = (
        "What the follow-up emails and thank-you offers brought in, and whether they beat "
        "doing nothing (customers held out for comparison)."
    )
    refresh_on = ("data_changed", "settings_changed", "outbox_changed")

    class Msg:
        nothing = Message(
            "info",
            "Nothing to measure yet: results appear once emails have been "
            "sent or an offer has been live for a while.",
        )
        warning = Message("warning", "{text}")

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.report: Report | None = None
        self.headline = QLabel("")
        self.headline.setWordWrap(True)
        big = self.headline.font()
        big.setPointSizeF(big.pointSizeF() * 1.25)
        big.setBold(True)
        self.headline.setFont(big)
        self.body.addWidget(self.headline)
        self.how = QToolButton()
        self.how.setText("How is this computed?")
        self.how.setCheckable(True)
        self.how.setAutoRaise(True)
        self.method = hint_label("")
        self.method.setTextFormat(Qt.TextFormat.RichText)
        self.method.setVisible(False)
        self.how.toggled.connect(self.method.setVisible)
        self.body.addWidget(self.how)
        self.body.addWidget(self.method)
        self.figures = QGridLayout()
        self.figure_labels: dict[str, QLabel] = {}
        for i, (key, text) in enumerate(
            (
                ("revenue", "Revenue"),
                ("post_purchase_revenue", "After checkout"),
                ("post_purchase_margin", "Its margin"),
                ("post_purchase_share", "Share of revenue"),
            )
        ):
            caption = QLabel(text)
            value = QLabel("—")
            font = value.font()
            font.setPointSizeF(font.pointSizeF() * 1.6)
            font.setBold(True)
            value.setFont(font)
            self.figure_labels[key] = value
            self.figures.addWidget(value, 0, i)
            self.figures.addWidget(caption, 1, i)
        self.body.addLayout(self.figures)
        self.tabs = QTabWidget()
        self.models: dict[str, DataFrameTableModel] = {}
        for key, label in (
            ("flows", "Emails by week"),
            ("offers", "Offers by week"),
            ("lift", "Did it work?"),
            ("discount_tests", "Discount tests"),
        ):
            model = DataFrameTableModel(pd.DataFrame(), [])
            self.models[key] = model
            self.tabs.addTab(TablePanel(model, export_name=f"results-{key}.csv",
                                        hidden=SECONDARY[key]), label)
        # a tab is fitted when first seen: its viewport has no width while hidden
        self.tabs.currentChanged.connect(self._fit_current)
        self.chart = BarChart("Revenue after checkout, by flow and offer")
        self.chart.value_format = "{:,.2f}"
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self.tabs)
        split.addWidget(self.chart)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        self.body.addWidget(split, 1)

    def refresh(self) -> None:
        super().refresh()
        store = self.ctx.store
        self.runner.run(
            lambda p, c: build_report(store, progress=p, cancel=c),
            name="Measuring results",
            on_success=self._show,
            on_failure=self.messages.show_error,
        )

    def _show(self, result: object) -> None:
        assert isinstance(result, Report)
        self.report = result
        self.messages.clear()
        for key, model in self.models.items():
            frame = getattr(result, key)
            if key == "lift":
                # the lift's verdict quotes its statistics; the page says it in words instead
                frame = lift_in_words(frame, result.currency).drop(
                    columns=["verdict"], errors="ignore")
            elif "flow" in frame.columns:
                frame = frame.assign(flow=frame["flow"].map(FLOW_LABELS).fillna(frame["flow"]))
            if "offer" in frame.columns:
                frame = frame.assign(offer=frame["offer"].astype(str).str.replace(
                    " -> ", " → ", regex=False))
            if "winner" in frame.columns:  # "True"/"False" is programmer's talk
                frame = frame.assign(winner=frame["winner"].map({True: "yes", False: "no"}))
            frame = week_words(frame)
            model.set_frame(frame, columns_for(frame))
        self._fit_current()
        measured = not (result.flows.empty and result.offers.empty)
        said = headline.headline(result.lift, result.currency) if measured else None
        self.headline.setText(said or (
            "Nothing to measure yet: no follow-up email has been sent and no thank-you offer "
            "has been taken. Make a flow Live (Flows) or put an offer on your thank-you page "
            "(Offers); results appear here once customers have had them."))
        self.method.setText(self._method_html(result))
        econ = result.unit_economics
        for key, label in self.figure_labels.items():
            value = econ.get(key)
            if not measured or value is None or value != value:
                label.setText("—")
            elif key.endswith("share"):
                label.setText(f"{float(value):.1%}")
            else:
                label.setText(money(value, result.currency))
        revenue = pd.concat(
            [
                result.flows.groupby("flow")["revenue"].sum()
                if len(result.flows)
                else pd.Series(dtype=float),
                result.offers.groupby("offer")["revenue"].sum()
                if len(result.offers)
                else pd.Series(dtype=float),
            ]
        ).sort_values(ascending=False)
        # flows by the names the merchant knows ("Cross-sell after 48 hours", not cross_sell),
        # offers as "trigger → complement"
        names = [FLOW_LABELS.get(str(i), str(i).replace(" -> ", " → ")) for i in revenue.index]
        self.chart.set_data(names, revenue.tolist())
        self.chart.set_empty_text("No revenue after checkout measured yet.")
        # with nothing measured the headline already says why; a second bar saying
        # "No emails have been sent yet" beside it read as two problems
        for text in result.warnings if measured else ():
            self.messages.show_message(self.Msg.warning, text=text)

    def _fit_current(self, *_args: object) -> None:
        panel = self.tabs.currentWidget()
        if isinstance(panel, TablePanel):
            panel.resize_columns()

    @staticmethod
    def _method_html(result: Report) -> str:
        """The method in words; the counting rules of emails and offers follow it."""
        parts = [
            f"<b>Did the emails work?</b> {escape(headline.method_text(result.attribution_days))}"
        ]
        for key, title in (("email", "Revenue from an email"), ("offer", "Revenue from an offer")):
            if key in result.rules:
                parts.append(f"<b>{title}</b>: {escape(result.rules[key])}")
        parts.append("<b>Revenue</b>: each order's total as exported (after discounts), or the "
                     "sum of its lines when the export has no total.")
        return "<br>".join(parts)


if __name__ == "__main__":
    import sys

    from ppdesk.ui.pages.standalone import run_page

    sys.exit(run_page(ResultsPage))

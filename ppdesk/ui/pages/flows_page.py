"""Flows (L2-L4): each follow-up email's switch and timing, the plan, and the template editor.

"Save and plan" stores the flow settings and runs ``flows.planner.plan`` on the
writer thread (it updates the outbox, as ``ppdesk flows plan`` does); the plan
panel shows how many emails each flow will send and why others will not. The
editor previews the chosen flow's email for a real customer of the store
(``emails.preview_context``) and saves the merchant's template edits.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core.emails.context import preview_context
from ppdesk.core.emails.render import default_sources, load_custom_sources, save_custom_sources
from ppdesk.core.flows.model import PlanResult
from ppdesk.core.flows.planner import plan
from ppdesk.core.sending.check import send_test
from ppdesk.ui.models.dataframe_model import Column, DataFrameTableModel
from ppdesk.ui.pages.base import Page
from ppdesk.ui.widgets.field_form import FieldForm, spin
from ppdesk.ui.widgets.message_bar import Message
from ppdesk.ui.widgets.table_panel import TablePanel
from ppdesk.ui.widgets.template_editor import TemplateEditor

FLOWS = {
    "cross_sell": "Cross-sell (after 48 hours)",
    "replenishment": "Refill reminder",
    "review": "Review request",
    "loyalty": "Loyalty thank-you",
}
PLAN_COLUMNS = [
    Column("flow", "Flow"),
    Column("planned", "Will send", "int"),
    Column("held_out", "Held out (for measuring)", "int"),
    Column("skipped", "Will not send", "int"),
]
SKIP_COLUMNS = [
    Column("flow", "Flow"),
    Column("reason", "Why not"),
    Column("count", "Emails", "int"),
]


def plan_tables(result: PlanResult) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts per flow and per reason, for display."""
    parts = {"planned": result.messages, "held_out": result.held_out, "skipped": result.skipped}
    counts = pd.DataFrame(
        {
            name: (frame["flow"].value_counts() if len(frame) else pd.Series(dtype=int))
            for name, frame in parts.items()
        }
    )
    counts = counts.reindex(list(FLOWS)).fillna(0).astype(int)
    per_flow = counts.rename(index=FLOWS).rename_axis("flow").reset_index()
    skipped = result.skipped
    if len(skipped):
        reasons = (
            skipped.groupby(["flow", "reason"])
            .size()
            .rename("count")
            .reset_index()
            .sort_values("count", ascending=False, kind="stable")
        )
        reasons["flow"] = reasons["flow"].map(FLOWS).fillna(reasons["flow"])
    else:
        reasons = pd.DataFrame(columns=["flow", "reason", "count"])
    return per_flow, reasons


class FlowsPage(Page):
    key = "flows"
    title = "Follow-up emails"
    purpose = (
        "The emails ppdesk sends after a purchase: a cross-sell two days later, a refill "
        "reminder before they run out, a review request, and a thank-you to loyal "
        "customers. Switch each on or off and edit its text."
    )
    refresh_on = ("data_changed", "settings_changed")

    class Msg:
        planned = Message(
            "success",
            "Planned: {planned:,} emails will go out, {held:,} held "
            "out for measuring, {skipped:,} will not be sent (reasons below).",
        )
        warning = Message("warning", "{text}")
        template_saved = Message("success", "Template saved; the next emails use it.")
        no_customer = Message("info", "{text}")

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.last_plan: PlanResult | None = None
        switches = QGroupBox("Flows")
        layout = QFormLayout(switches)
        self.form = FieldForm(layout)
        f = self.form
        f.add(
            "flows",
            "cross_sell_enabled",
            "",
            QCheckBox("Cross-sell: complements of what they bought"),
        )
        f.add("flows", "cross_sell_delay_hours", "  send after", spin(1, 240, " hours"))
        f.add("flows", "cross_sell_count", "  products shown", spin(1, 6))
        f.add(
            "flows",
            "replenishment_enabled",
            "",
            QCheckBox("Refill reminder for consumables (day from Reorder timing)"),
        )
        f.add("flows", "review_enabled", "", QCheckBox("Review request"))
        f.add("flows", "review_delay_days", "  send after", spin(1, 180, " days"))
        f.add("flows", "loyalty_enabled", "", QCheckBox("Loyalty thank-you"))
        f.add("flows", "loyalty_min_purchases", "  after", spin(2, 5, " purchases"))
        self.plan_button = QPushButton("Save and plan")
        self.plan_button.setDefault(True)
        self.plan_button.clicked.connect(self.save_and_plan)
        layout.addRow("", self.plan_button)
        self.plan_model = DataFrameTableModel(pd.DataFrame(), PLAN_COLUMNS)
        self.skip_model = DataFrameTableModel(pd.DataFrame(), SKIP_COLUMNS)
        self.plan_table = TablePanel(self.plan_model, compact=True)
        self.skip_table = TablePanel(
            self.skip_model, export_name="not-sent.csv", filter_hint="Filter reasons…"
        )
        for panel in (self.plan_table, self.skip_table):
            panel.view.horizontalHeader().setStretchLastSection(True)
        plan_side = QSplitter(Qt.Orientation.Vertical)
        plan_side.addWidget(self.plan_table)
        plan_side.addWidget(self.skip_table)
        plan_side.setStretchFactor(1, 2)
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(switches)
        top.addWidget(plan_side)
        top.setStretchFactor(0, 2)
        top.setStretchFactor(1, 3)
        # -- editor
        self.kind = QComboBox()
        for key, name in FLOWS.items():
            self.kind.addItem(name, key)
        self.kind.activated.connect(lambda _i: self.load_template())
        self.customer = QComboBox()
        self.customer.setToolTip("Preview with this customer's real order and products")
        self.customer.activated.connect(lambda _i: self.load_context())
        self.save_template_button = QPushButton("Save template")
        self.save_template_button.clicked.connect(self.save_template)
        self.reset_template_button = QPushButton("Back to ppdesk's text")
        self.reset_template_button.clicked.connect(self.reset_template)
        self.test_button = QPushButton("Send me a test")
        self.test_button.setToolTip(
            "Sends this email, as saved, to your own 'Send from' address (save your edits first)"
        )
        self.test_button.clicked.connect(self.send_test)
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Email"))
        bar.addWidget(self.kind)
        bar.addWidget(QLabel("  Preview for"))
        bar.addWidget(self.customer, 1)
        for b in (self.save_template_button, self.reset_template_button, self.test_button):
            bar.addWidget(b)
        self.editor = TemplateEditor()
        editor_box = QWidget()
        ev = QVBoxLayout(editor_box)
        ev.setContentsMargins(0, 0, 0, 0)
        ev.addLayout(bar)
        ev.addWidget(self.editor, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(editor_box)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        self.body.addWidget(split, 1)
        self.plan_runner = type(self.runner)(self)
        self.context_runner = type(self.runner)(self)

    # -- settings and plan ------------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        self.form.load(self.ctx.settings())
        if self.last_plan is None:
            self.plan_now()
        self.load_template()

    def save_and_plan(self) -> None:
        settings = self.form.apply(self.ctx.settings())
        self.messages.clear()
        self.ctx.save_settings(settings, on_done=self.plan_now, on_error=self.messages.show_error)

    def plan_now(self) -> None:
        store = self.ctx.store
        self.plan_runner.run(
            lambda p, c: plan(store, progress=p, cancel=c),
            writes=True,
            name="Planning the emails",
            on_success=self._planned,
            on_failure=self.messages.show_error,
        )

    def _planned(self, result: object) -> None:
        assert isinstance(result, PlanResult)
        self.last_plan = result
        per_flow, reasons = plan_tables(result)
        self.plan_model.set_frame(per_flow, PLAN_COLUMNS)
        self.skip_model.set_frame(reasons, SKIP_COLUMNS)
        self.plan_table.resize_columns()
        self.skip_table.resize_columns()
        self.messages.clear()
        self.messages.show_message(
            self.Msg.planned,
            planned=len(result.messages),
            held=len(result.held_out),
            skipped=len(result.skipped),
        )
        for text in result.warnings:
            self.messages.show_message(self.Msg.warning, text=text)
        self._fill_customers()
        self.ctx.outbox_changed.emit()

    # -- templates --------------------------------------------------------------------------
    def current_kind(self) -> str:
        return str(self.kind.currentData())

    def _fill_customers(self) -> None:
        kind = self.current_kind()
        current = self.customer.currentData()
        self.customer.blockSignals(True)
        self.customer.clear()
        self.customer.addItem("The newest customer", None)
        frames = (
            [] if self.last_plan is None else [self.last_plan.messages, self.last_plan.held_out]
        )
        seen: set[int] = set()
        for frame in frames:
            if frame.empty:
                continue
            mine = frame.loc[frame["flow"] == kind].head(50)
            for cid, email in zip(mine["customer_id"], mine["email"], strict=True):
                if int(cid) not in seen:
                    seen.add(int(cid))
                    self.customer.addItem(str(email), int(cid))
        index = self.customer.findData(current)
        self.customer.setCurrentIndex(max(index, 0))
        self.customer.blockSignals(False)

    def load_template(self) -> None:
        kind, store = self.current_kind(), self.ctx.store
        self._fill_customers()
        self.context_runner.run(
            lambda _p, _c: (load_custom_sources(store, kind), default_sources(kind)),
            name="Loading the template",
            on_success=lambda sources: self._template_loaded(kind, sources),
            on_failure=self.messages.show_error,
        )

    def _template_loaded(self, kind: str, sources: object) -> None:
        custom, defaults = sources  # type: ignore[misc]
        self.editor.load(kind, custom, defaults)
        self.load_context()

    def load_context(self) -> None:
        kind, store, cid = self.current_kind(), self.ctx.store, self.customer.currentData()
        self.context_runner.run(
            lambda _p, _c: preview_context(store, kind, cid),
            name="Reading the customer's order",
            on_success=self.editor.set_context,
            on_failure=lambda exc: self.messages.show_message(self.Msg.no_customer, text=str(exc)),
        )

    def save_template(self) -> None:
        if self.editor.last_problems:
            part, problem = self.editor.last_problems[0]
            self.messages.show_text("error", f"Fix the template first: {part}, {problem}.")
            return
        store, kind, sources = self.ctx.store, self.current_kind(), self.editor.sources()
        self.context_runner.run(
            lambda _p, _c: save_custom_sources(store, kind, sources),
            name="Saving the template",
            writes=True,
            on_success=lambda _r: self.messages.show_message(self.Msg.template_saved),
            on_failure=self.messages.show_error,
        )

    def reset_template(self) -> None:
        self.editor.load(self.current_kind(), replace(self.editor.defaults), self.editor.defaults)

    def send_test(self) -> None:
        """Send the saved template of this flow, for a real customer, to the merchant's address."""
        store, kind = self.ctx.store, self.current_kind()
        to = self.ctx.settings().sending.from_address
        if not to:
            self.messages.show_text(
                "warning",
                "Set up your email account in Settings first: "
                "the test goes to your own 'Send from' address.",
            )
            return
        self.plan_runner.run(
            lambda _p, _c: send_test(store, to, kind=kind),
            name="Sending you a test email",
            on_success=lambda _o: self.messages.show_text(
                "success", f"Test email sent to {to}. Check your inbox."
            ),
            on_failure=self.messages.show_error,
        )

    def shutdown(self) -> None:
        super().shutdown()
        self.plan_runner.cancel()
        self.context_runner.cancel()
        self.editor.runner.cancel()


if __name__ == "__main__":
    import sys

    from ppdesk.ui.pages.standalone import run_page

    sys.exit(run_page(FlowsPage))

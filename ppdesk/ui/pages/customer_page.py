"""Customer: one person's record (orders, every email and why, unsubscribes, bounces, holdout).

The record comes from ``customers.record.customer_record`` in the background. The
merchant can save it as JSON (a data-access request, GDPR article 15) and erase
the person (``customers.erasure.forget_customer``, article 17) after confirming;
the page also shows the last scheduled send and mailbox runs
(``schedule_runs.latest_runs``), so a failed background run is seen.
"""

from __future__ import annotations

from html import escape

import pandas as pd
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QWidget,
)

from ppdesk.core import local_time
from ppdesk.core.customers.erasure import forget_customer
from ppdesk.core.customers.record import CustomerRecord, customer_record
from ppdesk.core.errors import for_window
from ppdesk.core.flows.model import FLOW_LABELS
from ppdesk.core.schedule_runs import latest_runs
from ppdesk.ui.models.dataframe_model import Column, DataFrameTableModel
from ppdesk.ui.pages.base import Page
from ppdesk.ui.widgets.message_bar import Message
from ppdesk.ui.widgets.table_panel import TablePanel

ORDER_COLUMNS = [
    Column("order_number", "Order"),
    Column("order_date", "Date"),
    Column("financial_status", "Status"),
    Column("total", "Total", "money"),
    Column("products", "Products"),
]
EMAIL_COLUMNS = [
    Column("flow", "Flow"),
    Column("state", "State"),
    Column("due_at", "Due", "datetime", "In your store's time zone (Settings > Your store)"),
    Column("sent_at", "Sent", "datetime", "In your store's time zone (Settings > Your store)"),
    Column("holdout", "Held out", "bool"),
    Column("reason", "Why"),
]


def orders_frame(record: CustomerRecord) -> pd.DataFrame:
    rows = [{"order_number": o["order_number"], "order_date": o["order_date"],
             "financial_status": o["financial_status"] or "", "total": o["total"],
             "products": ", ".join(str(ln["product_name"]) for ln in o["lines"])}
            for o in record.orders]
    return pd.DataFrame(rows, columns=[c.key for c in ORDER_COLUMNS])


def emails_frame(record: CustomerRecord, time_zone: str = "UTC") -> pd.DataFrame:
    """The customer's emails with the flows' names and times in the store's zone."""
    rows = [{"flow": FLOW_LABELS.get(e["flow"], e["flow"]), "state": e["state"],
             "due_at": e["due_at"] or "", "sent_at": e["sent_at"] or "",
             "holdout": bool(e["holdout"]), "reason": for_window(e["reason"] or "")}
            for e in record.emails]
    frame = pd.DataFrame(rows, columns=[c.key for c in EMAIL_COLUMNS])
    for col in ("due_at", "sent_at"):
        frame[col] = local_time.in_store_zone(frame[col], time_zone)
    return frame


def summary_html(record: CustomerRecord, time_zone: str = "UTC") -> str:
    lines = []
    if record.suppression:
        s = record.suppression
        since = local_time.moment_text(s["created_at"], time_zone)
        lines.append(f"<b>Never emailed again</b>: {escape(str(s['reason']).replace('_', ' '))} "
                     f"since {escape(since)} ({escape(str(s['source'] or ''))})")
    for m in record.mailbox:
        when = local_time.moment_text(m["processed_at"], time_zone)
        lines.append(f"Mailbox {escape(when)}: "
                     f"{escape(str(m['kind']).replace('_', ' '))} ({escape(str(m['action']))})")
    for h in record.holdout:
        lines.append("In the comparison group: gets no follow-up emails, so Results can "
                     "measure what the emails add" if h["in_holdout"]
                     else "Not in the comparison group")
    return "<br>".join(lines) or "No unsubscribes, bounces or complaints."


class CustomerPage(Page):
    key = "customer"
    title = "Customer"
    purpose = ("One customer's record: their orders, every email planned, sent or skipped "
               "and why, unsubscribes and bounces. Save it for them, or erase them on request.")
    refresh_on = ("data_changed", "outbox_changed")

    class Msg:
        nothing = Message("info", "The store holds nothing about {email}.")
        forgotten = Message("success", "{email} was erased. Their orders stay as anonymous "
                                       "lines; they will never be emailed again.")
        saved = Message("success", "Saved to {path}.")
        run_failed = Message("warning", "{sentence}")
        start = Message("info", "Type a customer's email address above and press Show: their "
                                "orders and every email ppdesk planned, sent or skipped appear "
                                "here.")

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.email = QLineEdit()
        self.email.setPlaceholderText("customer@example.com")
        self.email.returnPressed.connect(self.show_record)
        self.show_button = QPushButton("Show")
        self.show_button.clicked.connect(self.show_record)
        self.export_button = QPushButton("Save as JSON…")
        self.export_button.clicked.connect(self.export_record)
        self.forget_button = QPushButton("Erase this customer…")
        self.forget_button.clicked.connect(self.forget)
        row = QHBoxLayout()
        row.addWidget(QLabel("Email"))
        row.addWidget(self.email, 1)
        for button in (self.show_button, self.export_button, self.forget_button):
            row.addWidget(button)
        self.body.addLayout(row)
        self.orders_model = DataFrameTableModel(pd.DataFrame(), ORDER_COLUMNS)
        self.orders = TablePanel(self.orders_model, export_name="customer-orders.csv")
        self.emails_model = DataFrameTableModel(pd.DataFrame(), EMAIL_COLUMNS)
        self.emails = TablePanel(self.emails_model, export_name="customer-emails.csv")
        self.body.addWidget(QLabel("Orders"))
        self.body.addWidget(self.orders, 1)
        self.body.addWidget(QLabel("Emails"))
        self.body.addWidget(self.emails, 1)
        self.summary = QTextBrowser()
        self.summary.setMaximumHeight(90)
        self.body.addWidget(self.summary)
        self.runs = QLabel("")
        self.runs.setWordWrap(True)
        self.body.addWidget(self.runs)
        self.record: CustomerRecord | None = None
        self.write_runner = type(self.runner)(self)
        self.runs_runner = type(self.runner)(self)
        self._update_buttons()

    def refresh(self) -> None:
        super().refresh()
        store = self.ctx.store
        self.runs_runner.run(lambda _p, _c: latest_runs(store), name="Reading the run reports",
                             on_success=self._show_runs, on_failure=self.messages.show_error)
        if self.email.text().strip():
            self.show_record()
        else:   # two empty tables said nothing about what to do
            self.messages.show_message(self.Msg.start)

    def _show_runs(self, runs: object) -> None:
        assert isinstance(runs, list)
        tz = self.ctx.settings().store.time_zone
        self.runs.setText("  ".join(r.in_words(tz) for r in runs))
        for run in runs:
            if not run.ok and run.finished_at is not None:
                self.messages.show_message(self.Msg.run_failed, sentence=run.in_words(tz))

    def show_record(self) -> None:
        store, email = self.ctx.store, self.email.text().strip()
        if not email:
            return
        self.runner.run(lambda _p, _c: customer_record(store, email), name="Reading the record",
                        on_success=self._show, on_failure=self.messages.show_error)

    def _show(self, record: object) -> None:
        assert isinstance(record, CustomerRecord)
        self.messages.clear()
        self.record = record
        self.orders_model.set_frame(orders_frame(record), ORDER_COLUMNS)
        tz = self.ctx.settings().store.time_zone
        self.emails_model.set_frame(emails_frame(record, tz), EMAIL_COLUMNS)
        # fitted to what they hold: order numbers, flow names and times were cut at the
        # default width while Products and Why took the rest of the row
        self.orders.resize_columns()
        self.emails.resize_columns()
        self.summary.setHtml(summary_html(record, tz))
        if not record.found:
            self.messages.show_message(self.Msg.nothing, email=record.email)
        self._update_buttons()

    def _update_buttons(self) -> None:
        has = self.record is not None and self.record.found and bool(
            self.record.customers or self.record.orders or self.record.emails)
        self.export_button.setEnabled(self.record is not None and self.record.found)
        self.forget_button.setEnabled(has)

    def export_record(self) -> None:
        if self.record is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, "Save the customer's record",
                                              f"{self.record.email}.json", "JSON (*.json)")
        if path:
            with open(path, "w", encoding="utf-8") as fh:
                fh.write(self.record.export_text() + "\n")
            self.messages.show_message(self.Msg.saved, path=path)

    def forget(self) -> None:
        if self.record is None:
            return
        email = self.record.email
        answer = QMessageBox.question(
            self, "Erase this customer?",
            f"Erase everything ppdesk holds about {email}? Their orders stay as anonymous "
            "lines so your figures hold; they will never be emailed again. This cannot be "
            "undone.")
        if answer != QMessageBox.StandardButton.Yes:
            return
        store = self.ctx.store
        self.write_runner.run(lambda _p, _c: forget_customer(store, email), name="Erasing",
                              writes=True, on_success=lambda _r: self._forgotten(email),
                              on_failure=self.messages.show_error)

    def _forgotten(self, email: str) -> None:
        self.email.clear()
        self.record = None
        self.orders_model.set_frame(pd.DataFrame(columns=[c.key for c in ORDER_COLUMNS]),
                                    ORDER_COLUMNS)
        self.emails_model.set_frame(pd.DataFrame(columns=[c.key for c in EMAIL_COLUMNS]),
                                    EMAIL_COLUMNS)
        self.summary.clear()
        self._update_buttons()
        self.messages.show_message(self.Msg.forgotten, email=email)
        self.ctx.data_changed.emit()


if __name__ == "__main__":
    import sys

    from ppdesk.ui.pages.standalone import run_page

    sys.exit(run_page(CustomerPage))

"""Outbox: every planned, due, sent, failed, unknown or cancelled email, with why, and what to do.

Rows come from ``flows.outbox.list_messages`` in the background; picking one shows
its history (``flows.outbox.history``, with the mail server's replies). Filters
are the model's pandas filters (state, flow, free text). Actions change rows only
through the core, on the writer thread: pause/resume all sending (a sending
setting), cancel planned or due emails (``flows.outbox.cancel``), and settle
"unknown" ones (the server may or may not have taken them) as sent or not sent
(``flows.outbox.resolve_unknown``; "not sent" sends it again). Failed emails
were already retried by the sender with back-off; once the merchant fixed the
cause, "Try again" makes one due again (``flows.outbox.retry_failed``).
"""

from __future__ import annotations

from dataclasses import replace
from html import escape

import pandas as pd
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QTextBrowser, QWidget

from ppdesk.core.flows import outbox
from ppdesk.core.store import Store
from ppdesk.ui.models.dataframe_model import Column, DataFrameTableModel
from ppdesk.ui.pages.base import Page
from ppdesk.ui.widgets.message_bar import Message
from ppdesk.ui.widgets.table_panel import TablePanel

STATES = {
    "All": None,
    "Planned": ["planned"],
    "Due now": ["due", "sending"],
    "Sent": ["sent"],
    "Failed": ["failed"],
    "Unknown": ["unknown"],
    "Cancelled": ["cancelled"],
    "Held out": "holdout",
}
FLOW_NAMES = {
    "cross_sell": "Cross-sell",
    "replenishment": "Refill reminder",
    "review": "Review request",
    "loyalty": "Loyalty",
}
COLUMNS = [
    Column("due_at", "Due (UTC)", "datetime"),
    Column("flow_name", "Flow"),
    Column("email", "To"),
    Column("products", "Products"),
    Column("state", "State"),
    Column("reason", "Why"),
    Column("subject", "Subject"),
    Column("attempts", "Tries", "int"),
    Column("sent_at", "Sent (UTC)", "datetime"),
    Column("holdout", "Held out", "bool"),
]


def load_outbox_view(store: Store) -> pd.DataFrame:
    """Worker side: the outbox with readable flow names and parsed times."""
    frame = outbox.list_messages(store)
    frame["flow_name"] = frame["flow"].map(FLOW_NAMES).fillna(frame["flow"])
    for col in ("due_at", "sent_at"):
        frame[col] = pd.to_datetime(frame[col], errors="coerce", utc=True).dt.tz_localize(None)
    return frame


def outbox_action(store: Store, outbox_id: int, action: str) -> str:
    """Worker side: one merchant action on one message; returns what to tell the merchant."""
    if action == "cancel":
        outbox.cancel(store, outbox_id)
        return "Cancelled: it will not be sent."
    if action == "retry":
        outbox.retry_failed(store, outbox_id)
        return "It is due again and goes out with the next send."
    if action == "mark_sent":
        outbox.resolve_unknown(store, outbox_id, delivered=True)
        return "Marked as sent."
    outbox.resolve_unknown(store, outbox_id, delivered=False)
    return "It is due again and goes out with the next send."


class OutboxPage(Page):
    key = "outbox"
    title = "Outbox"
    purpose = (
        "Every follow-up email: waiting, sent, failed or stopped, and why. Nothing is sent "
        "while sending is paused."
    )
    refresh_on = ("data_changed", "settings_changed", "outbox_changed")

    class Msg:
        empty = Message("info", "The outbox is empty. Plan the follow-up emails on the Flows page.")
        paused = Message(
            "warning", "Sending is paused: nothing leaves the outbox until you resume."
        )
        unknown = Message(
            "warning",
            "{n:,} emails are 'unknown': the connection broke while "
            "sending, so the server may or may not have taken them. Check your "
            "mailbox's Sent folder, then mark them sent or not sent.",
        )
        done = Message("success", "{text}")

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.state = QComboBox()
        self.state.addItems(list(STATES))
        self.state.currentTextChanged.connect(lambda _t: self._apply_filters())
        self.flow = QComboBox()
        self.flow.addItem("All flows", None)
        for key, name in FLOW_NAMES.items():
            self.flow.addItem(name, key)
        self.flow.currentIndexChanged.connect(lambda _i: self._apply_filters())
        self.counts = QLabel("")
        self.pause_button = QPushButton("Pause all sending")
        self.pause_button.clicked.connect(self.toggle_pause)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Show"))
        filters.addWidget(self.state)
        filters.addWidget(self.flow)
        filters.addWidget(self.counts, 1)
        filters.addWidget(self.pause_button)
        self.body.addLayout(filters)
        self.model = DataFrameTableModel(pd.DataFrame(), COLUMNS)
        self.table = TablePanel(
            self.model, export_name="outbox.csv", filter_hint="Filter by email, subject or reason…"
        )
        self.table.row_selected.connect(lambda _r: self._row_picked())
        self.body.addWidget(self.table, 1)
        actions = QHBoxLayout()
        self.cancel_button = QPushButton("Don't send")
        self.sent_button = QPushButton("It was sent")
        self.sent_button.setToolTip("You found it in your Sent folder: count it as sent")
        self.not_sent_button = QPushButton("It was not sent: send it")
        self.retry_button = QPushButton("Try again")
        self.retry_button.setToolTip("The server refused it; send it again with the next send")
        self.history = QTextBrowser()
        self.history.setMaximumHeight(120)
        self.history.setPlaceholderText("Pick an email to see what happened to it.")
        self.body.addWidget(self.history)
        self.cancel_button.clicked.connect(lambda: self.act("cancel"))
        self.sent_button.clicked.connect(lambda: self.act("mark_sent"))
        self.not_sent_button.clicked.connect(lambda: self.act("mark_not_sent"))
        self.retry_button.clicked.connect(lambda: self.act("retry"))
        actions.addStretch(1)
        for b in (self.cancel_button, self.retry_button, self.sent_button, self.not_sent_button):
            actions.addWidget(b)
        self.body.addLayout(actions)
        self.write_runner = type(self.runner)(self)
        self.history_runner = type(self.runner)(self)
        self._update_buttons()

    def refresh(self) -> None:
        super().refresh()
        store = self.ctx.store
        self.runner.run(
            lambda _p, _c: load_outbox_view(store),
            name="Reading the outbox",
            on_success=self._show,
            on_failure=self.messages.show_error,
        )

    def _show(self, frame: object) -> None:
        assert isinstance(frame, pd.DataFrame)
        self.messages.clear()
        self.model.set_frame(frame, COLUMNS)
        self._apply_filters()
        self.table.resize_columns()
        counts = frame["state"].value_counts() if len(frame) else pd.Series(dtype=int)
        self.counts.setText("  ·  ".join(f"{n:,} {s}" for s, n in counts.items()))
        paused = self.ctx.settings().sending.paused
        self.pause_button.setText("Resume sending" if paused else "Pause all sending")
        if frame.empty:
            self.messages.show_message(self.Msg.empty)
        if paused:
            self.messages.show_message(self.Msg.paused)
        unknown = int(counts.get("unknown", 0))
        if unknown:
            self.messages.show_message(self.Msg.unknown, n=unknown)
        self._update_buttons()

    def _apply_filters(self) -> None:
        states = STATES.get(self.state.currentText())
        if states == "holdout":
            self.model.set_filter(equals={"state": None, "holdout": [True]})
        else:
            self.model.set_filter(equals={"state": states, "holdout": None})
        self.model.set_filter(
            equals={"flow": None if self.flow.currentData() is None else [self.flow.currentData()]}
        )
        self._update_buttons()

    def selected(self) -> pd.Series | None:
        row = self.table.current_row()
        return self.model.row_series(row) if row >= 0 else None

    def _update_buttons(self) -> None:
        row = self.selected()
        state = None if row is None else str(row["state"])
        self.cancel_button.setEnabled(state in ("planned", "due"))
        self.sent_button.setEnabled(state == "unknown")
        self.not_sent_button.setEnabled(state == "unknown")
        self.retry_button.setEnabled(state == "failed")

    def _row_picked(self) -> None:
        self._update_buttons()
        row = self.selected()
        if row is None:
            self.history.clear()
            return
        store, oid = self.ctx.store, int(row["id"])
        self.history_runner.run(
            lambda _p, _c: outbox.history(store, oid),
            name="Reading history",
            on_success=self._show_history,
            on_failure=self.messages.show_error,
        )

    def _show_history(self, events: object) -> None:
        assert isinstance(events, list)
        lines = [
            f"{escape(str(e['at']))}: {escape(str(e['from_state'] or 'new'))} → "
            f"<b>{escape(str(e['to_state']))}</b> {escape(str(e['detail'] or ''))}"
            for e in events
        ]
        self.history.setHtml("<br>".join(lines) or "No events yet.")

    def toggle_pause(self) -> None:
        current = self.ctx.settings()
        paused = not current.sending.paused
        self.ctx.save_settings(
            replace(current, sending=replace(current.sending, paused=paused)),
            on_error=self.messages.show_error,
        )

    def act(self, action: str) -> None:
        row = self.selected()
        if row is None:
            return
        store, oid = self.ctx.store, int(row["id"])
        self.write_runner.run(
            lambda _p, _c: outbox_action(store, oid, action),
            name="Updating the outbox",
            writes=True,
            on_success=self._acted,
            on_failure=self.messages.show_error,
        )

    def _acted(self, result: object) -> None:
        self.ctx.outbox_changed.emit()
        if isinstance(result, str) and result:
            self.messages.show_message(self.Msg.done, text=result)


if __name__ == "__main__":
    import sys

    from ppdesk.ui.pages.standalone import run_page

    sys.exit(run_page(OutboxPage))

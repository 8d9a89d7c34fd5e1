"""Outbox: every planned, due, sent, failed, unknown or cancelled email, with why, and what to do.

Rows come from ``flows.outbox.list_messages`` in the background (reading only);
picking one shows its history (``flows.outbox.history``, with the mail server's
replies). Filters are the model's pandas filters (state, flow, free text). Actions
change rows only through the core, on the writer thread: "Send now" runs
``sending.sender.send_due`` with its own progress bar and Cancel (it sends the due
emails of Live flows the outbox shows; it plans nothing new); pause/resume all
sending (a sending setting, obeyed by the schedule's runs too); the switch "Send
automatically while this computer is on" (``widgets/auto_send.py``, also on Settings)
installs or removes the OS schedule; "Don't send" asks
first, then cancels (``flows.outbox.cancel``) and offers Undo
(``flows.outbox.undo_cancel`` restores the state it had); settle
"unknown" ones (the server may or may not have taken them) as sent or not sent
(``flows.outbox.resolve_unknown``; "not sent" sends it again). Failed emails
were already retried by the sender with back-off; once the merchant fixed the
cause, "Try again" makes one due again (``flows.outbox.retry_failed``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from html import escape

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QWidget,
)

from ppdesk.core import local_time
from ppdesk.core.errors import COMMAND_CLAUSE
from ppdesk.core.flows import outbox, states
from ppdesk.core.flows.model import FLOW_LABELS, FLOW_SHORT_LABELS, HOLDOUT, REASON_WORDS
from ppdesk.core.sending.sender import send_due
from ppdesk.core.sending.summary import SendSummary
from ppdesk.core.settings import load_settings
from ppdesk.core.store import Store
from ppdesk.ui.models.dataframe_model import Column, DataFrameTableModel
from ppdesk.ui.pages.base import Page
from ppdesk.ui.tasks import TaskRunner
from ppdesk.ui.widgets.auto_send import AutoSendSwitch
from ppdesk.ui.widgets.message_bar import Message
from ppdesk.ui.widgets.progress_panel import ProgressPanel
from ppdesk.ui.widgets.table_panel import TablePanel

STATES = {
    "All": None,
    "Planned": ["planned"],
    "Due now": ["due", "sending"],
    "Sent": ["sent"],
    "Failed": ["failed"],
    "Unknown": ["unknown"],
    "Cancelled": ["cancelled"],
    "Comparison group": "holdout",
}
FLOW_NAMES = FLOW_LABELS
LOCAL_NOTE = "In your store's time zone (Settings > Your store)"
# Shown by default at 1280x720: Due, Flow, To, State, Subject, Why; the rest is in Columns.
COLUMNS = [
    Column("due_local", "Due", "datetime", LOCAL_NOTE),
    Column("flow_name", "Flow"),
    Column("email", "To"),
    Column("state", "State"),
    Column("subject", "Subject"),
    Column("reason", "Why"),
    Column("products", "Products"),
    Column("attempts", "Tries", "int"),
    Column("sent_local", "Sent", "datetime", LOCAL_NOTE),
    Column("holdout", "Comparison group", "bool",
           "In the comparison group: gets no emails, so Results can measure what they add"),
]


@dataclass
class OutboxView:
    """What the page shows: the outbox rows and which flows are Live (reads only)."""

    frame: pd.DataFrame
    live: list[str]

    def due_now(self) -> int:
        """Emails "Send now" would send: planned or due, their time come, of a Live flow."""
        if self.frame.empty:
            return 0
        now = pd.Timestamp.now(tz="UTC").tz_localize(None)
        f = self.frame
        return int((f["state"].isin(["planned", "due"]) & (f["due_at"] <= now)
                    & f["flow"].isin(self.live)).sum())


def load_outbox_view(store: Store) -> OutboxView:
    """Worker side: the outbox with readable flow names and parsed times."""
    frame = outbox.list_messages(store)
    frame["flow_name"] = frame["flow"].map(FLOW_SHORT_LABELS).fillna(frame["flow"])
    tz = load_settings(store).store.time_zone
    for col in ("due_at", "sent_at"):
        # shown in the store's zone; the UTC column stays for "Send now" arithmetic
        frame[col.replace("_at", "_local")] = local_time.in_store_zone(frame[col], tz)
        frame[col] = pd.to_datetime(frame[col], errors="coerce", utc=True).dt.tz_localize(None)
    frame["reason"] = frame["reason"].astype("object").str.replace(
        COMMAND_CLAUSE, "", regex=True)
    # rows written before the words changed (or by the demo month) say "holdout": today's words
    held = frame["holdout"].astype(bool) & frame["reason_code"].isin(["", HOLDOUT]) & (
        frame["state"] == "cancelled")
    frame.loc[held, "reason"] = REASON_WORDS[HOLDOUT]
    return OutboxView(frame, states.live_flows(store))


def send_summary_text(summary: SendSummary) -> str:
    """The outcome of "Send now" in one or two sentences."""
    text = f"Sent {summary.sent:,} email{'' if summary.sent == 1 else 's'}."
    extra = [f"{n:,} {what}" for n, what in (
        (summary.failed, "failed (see Why)"), (summary.retry_later, "will be retried later"),
        (summary.unknown, "unknown: check your Sent folder"),
        (summary.waiting, "still due")) if n]
    if extra:
        text += " " + "; ".join(extra) + "."
    if summary.stopped:
        text += f" Stopped: {summary.stopped}."
    return text


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
        empty = Message(
            "info", "The outbox is empty. Emails are planned when you make a flow Live on the "
            "Flows page."
        )
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
        sent = Message("success", "{text}")
        stopped = Message("info", "Sending stopped; what was sent stays sent.{text}")
        none_live = Message(
            "info",
            "No flow is Live, so nothing is sent. Make a flow Live on the Flows page first.",
        )

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
        self.send_button = QPushButton("Send now")
        self.send_button.setToolTip(
            "Send the emails of Live flows whose time has come, through your email account"
        )
        self.send_button.clicked.connect(self.send_now)
        self.pause_button = QPushButton("Pause all sending")
        self.pause_button.setToolTip(
            "Nothing is sent, by this button or the schedule, until you resume"
        )
        self.pause_button.clicked.connect(self.toggle_pause)
        # the three ways emails leave: now, automatically, or not at all
        self.auto_send = AutoSendSwitch(ctx)
        sending = QHBoxLayout()
        sending.addWidget(self.auto_send, 1)
        sending.addWidget(self.send_button, 0, Qt.AlignmentFlag.AlignTop)
        sending.addWidget(self.pause_button, 0, Qt.AlignmentFlag.AlignTop)
        self.body.addLayout(sending)
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Show"))
        filters.addWidget(self.state)
        filters.addWidget(self.flow)
        filters.addWidget(self.counts, 1)
        self.body.addLayout(filters)
        # Sending has its own progress strip (with Cancel), so re-reading the outbox while
        # it runs does not take over its bar.
        self.send_progress = ProgressPanel(self)
        self.body.addWidget(self.send_progress)
        self.send_runner = TaskRunner(self, self.send_progress)
        self.model = DataFrameTableModel(pd.DataFrame(), COLUMNS)
        self.table = TablePanel(
            self.model,
            export_name="outbox.csv",
            filter_hint="Filter by email, subject or reason…",
            hidden=("products", "attempts", "sent_local", "sent_at", "holdout"),
        )
        self.table.row_selected.connect(lambda _r: self._row_picked())
        self.body.addWidget(self.table, 1)
        actions = QHBoxLayout()
        self.cancel_button = QPushButton("Don't send")
        self.undo_button = QPushButton("Undo \"Don't send\"")
        self.undo_button.setVisible(False)
        self.undo_button.clicked.connect(self.undo_cancel)
        self.last_cancel: tuple[int, str] | None = None   # (outbox id, the state it had)
        self.confirm_box: QMessageBox | None = None
        self.sent_button = QPushButton("It was sent")
        self.sent_button.setToolTip("You found it in your Sent folder: count it as sent")
        self.not_sent_button = QPushButton("It was not sent: send it")
        self.retry_button = QPushButton("Try again")
        self.retry_button.setToolTip("The server refused it; send it again with the next send")
        self.history = QTextBrowser()
        self.history.setMaximumHeight(120)
        self.history.setPlaceholderText("Pick an email to see what happened to it.")
        self.body.addWidget(self.history)
        self.cancel_button.clicked.connect(self.confirm_cancel)
        self.sent_button.clicked.connect(lambda: self.act("mark_sent"))
        self.not_sent_button.clicked.connect(lambda: self.act("mark_not_sent"))
        self.retry_button.clicked.connect(lambda: self.act("retry"))
        actions.addStretch(1)
        for b in (self.undo_button, self.cancel_button, self.retry_button, self.sent_button,
                  self.not_sent_button):
            actions.addWidget(b)
        self.body.addLayout(actions)
        # The outcome of the merchant's last action stays shown across re-reads of the
        # outbox (each action re-reads it) until the next action or until dismissed.
        self.outcome: tuple[Message, str] | None = None
        self.write_runner = type(self.runner)(self)
        self.history_runner = type(self.runner)(self)
        self._update_buttons()

    def refresh(self) -> None:
        super().refresh()
        self.auto_send.refresh()
        store = self.ctx.store
        self.runner.run(
            lambda _p, _c: load_outbox_view(store),
            name="Reading the outbox",
            on_success=self._show,
            on_failure=self.messages.show_error,
        )

    def _show(self, view: object) -> None:
        assert isinstance(view, OutboxView)
        frame = view.frame
        self.view = view
        due = view.due_now()
        self.send_button.setText(f"Send now ({due:,} due)" if due else "Send now")
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
        if not view.live:
            self.messages.show_message(self.Msg.none_live)
        if self.outcome is not None:
            self.messages.show_message(self.outcome[0], text=self.outcome[1])
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

    def send_now(self) -> None:
        """Send what is due in the background; the strip shows progress and Cancel."""
        store = self.ctx.store
        self.outcome = None
        self.send_button.setEnabled(False)
        # Not on the single writer: a paced run can last minutes and would hold up every
        # other change (Pause, Don't send, settings) until it ends. The sender shares the
        # store safely with other writers (its lock, state-guarded transitions), as the
        # schedule's send-due in another process does.
        self.send_runner.run(
            lambda p, c: send_due(store, progress=p, cancel=c),
            name="Sending the due emails",
            unit="emails",
            on_success=self._sent,
            on_failure=self._send_failed,
            on_cancel=self._send_cancelled,
        )

    def _sent(self, summary: object) -> None:
        assert isinstance(summary, SendSummary)
        self.send_button.setEnabled(True)
        self._tell(self.Msg.sent, send_summary_text(summary))
        self.ctx.outbox_changed.emit()

    def _send_failed(self, exc: BaseException) -> None:
        self.send_button.setEnabled(True)
        self.messages.show_error(exc)
        self.ctx.outbox_changed.emit()

    def _send_cancelled(self) -> None:
        self.send_button.setEnabled(True)
        self._tell(self.Msg.stopped, "")
        self.ctx.outbox_changed.emit()

    def confirm_cancel(self) -> None:
        """Ask before stopping an email (window-modal, so the page stays responsive)."""
        row = self.selected()
        if row is None:
            return
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Don't send this email?")
        box.setText(f"Don't send the {row['flow_name']} email to {row['email']}?")
        box.setInformativeText("It will not be sent, now or later. You can undo this.")
        yes = box.addButton("Don't send", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        oid, state = int(row["id"]), str(row["state"])
        box.buttonClicked.connect(lambda b: self._cancel_chosen(b is yes, oid, state))
        self.confirm_box = box
        box.open()

    def _cancel_chosen(self, confirmed: bool, oid: int, state: str) -> None:
        self.confirm_box = None
        if not confirmed:
            return
        store = self.ctx.store

        def done(result: object) -> None:
            self.last_cancel = (oid, state)
            self.undo_button.setVisible(True)
            self._acted(result)

        self.write_runner.run(
            lambda _p, _c: outbox_action(store, oid, "cancel"),
            name="Updating the outbox",
            writes=True,
            on_success=done,
            on_failure=self.messages.show_error,
        )

    def undo_cancel(self) -> None:
        if self.last_cancel is None:
            return
        store, (oid, state) = self.ctx.store, self.last_cancel

        def done(_result: object) -> None:
            self.last_cancel = None
            self.undo_button.setVisible(False)
            self._acted(f"Undone: the email is {state} again.")

        self.write_runner.run(
            lambda _p, _c: outbox.undo_cancel(store, oid, state),
            name="Updating the outbox",
            writes=True,
            on_success=done,
            on_failure=self.messages.show_error,
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

    def shutdown(self) -> None:
        super().shutdown()
        for runner in (self.send_runner, self.write_runner, self.history_runner):
            runner.cancel()
        self.auto_send.shutdown()

    def _tell(self, message: Message, text: str) -> None:
        self.outcome = (message, text)
        self.messages.show_message(message, text=text)

    def _acted(self, result: object) -> None:
        if isinstance(result, str) and result:
            self._tell(self.Msg.done, result)
        self.ctx.outbox_changed.emit()


if __name__ == "__main__":
    import sys

    from ppdesk.ui.pages.standalone import run_page

    sys.exit(run_page(OutboxPage))

"""Flows (L2-L4): each follow-up email's state (Draft, Live, Paused) and timing, a preview of
what each would send, and the template editor.

Opening or refreshing the page writes nothing: the preview is ``flows.planner.plan``
with ``write=False`` as if every flow were Live, and each flow's state and outbox
figures come from ``flows.states.status``. Emails are planned only when the merchant
acts: "Make Live..." first computes what would happen (``states.preview_go_live``)
and asks in a window-modal box ("12 emails in the next 24 hours, 30 later; 40 are
overdue: skip them or send them"), then ``states.go_live`` plans on the writer
thread; "Pause" keeps the planned emails and sends nothing; "Resume..." asks again.
The editor previews the chosen flow's email for a real customer of the store
(``emails.preview_context``) and saves the merchant's template edits.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core.emails.context import preview_context
from ppdesk.core.emails.render import default_sources, load_custom_sources, save_custom_sources
from ppdesk.core.flows import states
from ppdesk.core.flows.model import FLOW_LABELS, PlanResult
from ppdesk.core.flows.planner import plan
from ppdesk.core.sending.check import send_test
from ppdesk.ui.models.dataframe_model import Column, DataFrameTableModel
from ppdesk.ui.pages.base import Page
from ppdesk.ui.widgets.field_form import FieldForm, spin
from ppdesk.ui.widgets.message_bar import Message
from ppdesk.ui.widgets.table_panel import TablePanel
from ppdesk.ui.widgets.template_editor import TemplateEditor

FLOWS = FLOW_LABELS
PLAN_COLUMNS = [
    Column("flow", "Flow"),
    Column("state", "State"),
    Column("planned", "Would send", "int"),
    Column("held_out", "Held out (for measuring)", "int"),
    Column("skipped", "Would not send", "int"),
]
ACTIONS = {states.DRAFT: "Make Live…", states.LIVE: "Pause", states.PAUSED: "Resume…"}
SKIP_COLUMNS = [
    Column("flow", "Flow"),
    Column("reason", "Why not"),
    Column("count", "Emails", "int"),
]


def plan_tables(
    result: PlanResult, flow_states: dict[str, str] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Counts per flow (with its state) and per reason, for display."""
    parts = {"planned": result.messages, "held_out": result.held_out, "skipped": result.skipped}
    counts = pd.DataFrame(
        {
            name: (frame["flow"].value_counts() if len(frame) else pd.Series(dtype=int))
            for name, frame in parts.items()
        }
    )
    counts = counts.reindex(list(FLOWS)).fillna(0).astype(int)
    words = {f: states.STATE_WORDS[st] for f, st in (flow_states or {}).items()}
    counts.insert(0, "state", [words.get(f, "") for f in counts.index])
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
        "customers. Each is a Draft until you make it Live; preview first, nothing is "
        "sent by surprise."
    )
    refresh_on = ("data_changed", "settings_changed")

    class Msg:
        planned = Message(
            "info",
            "Preview (nothing is planned or sent by looking): if every flow were Live now, "
            "{planned:,} emails would be planned, {held:,} held out for measuring, "
            "{skipped:,} would not be sent (reasons below).",
        )
        went_live = Message("success", "{text}")
        paused = Message(
            "success", "{name} is paused: its planned emails wait, nothing is sent."
        )
        warning = Message("warning", "{text}")
        template_saved = Message("success", "Template saved; the next emails use it.")
        no_customer = Message("info", "{text}")

    def __init__(self, ctx, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.last_plan: PlanResult | None = None
        # The outcome of the last state change stays shown across the re-read it causes.
        self.outcome: tuple[Message, dict[str, object]] | None = None
        self.flow_states: dict[str, str] = {}
        self.live_box: QMessageBox | None = None
        switches = QGroupBox("Flows")
        outer = QVBoxLayout(switches)
        grid = QGridLayout()
        self.state_labels: dict[str, QLabel] = {}
        self.figure_labels: dict[str, QLabel] = {}
        self.state_buttons: dict[str, QPushButton] = {}
        for row, (key, name) in enumerate(FLOWS.items()):
            title = QLabel(f"<b>{name}</b>")
            state = QLabel("…")
            state.setAccessibleName(f"{name} state")
            figures = QLabel("")
            figures.setWordWrap(True)
            button = QPushButton(ACTIONS[states.DRAFT])
            button.setEnabled(False)
            button.clicked.connect(lambda _c=False, k=key: self.change_state(k))
            grid.addWidget(title, 2 * row, 0)
            grid.addWidget(state, 2 * row, 1)
            grid.addWidget(button, 2 * row, 2)
            grid.addWidget(figures, 2 * row + 1, 0, 1, 3)
            self.state_labels[key], self.figure_labels[key] = state, figures
            self.state_buttons[key] = button
        grid.setColumnStretch(0, 1)
        outer.addLayout(grid)
        timing = QFormLayout()
        outer.addLayout(timing)
        self.form = FieldForm(timing)
        f = self.form
        f.add("flows", "cross_sell_delay_hours", "Cross-sell after", spin(1, 240, " hours"))
        f.add("flows", "cross_sell_count", "  products shown", spin(1, 6))
        f.add("flows", "review_delay_days", "Review request after", spin(1, 180, " days"))
        f.add("flows", "loyalty_min_purchases", "Loyalty offer after", spin(2, 5, " purchases"))
        self.plan_button = QPushButton("Save timing")
        self.plan_button.setToolTip("Saves these settings and updates the preview")
        self.plan_button.clicked.connect(self.save_and_plan)
        timing.addRow("", self.plan_button)
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
        # The switches scroll rather than push the page past 1280x720 on small screens.
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(switches)
        top.addWidget(scroll)
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
        self.state_runner = type(self.runner)(self)

    # -- settings and plan ------------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        self.form.load(self.ctx.settings())
        self.load_states()
        self.plan_now()
        self.load_template()

    def save_and_plan(self) -> None:
        settings = self.form.apply(self.ctx.settings())
        self.messages.clear()
        self.ctx.save_settings(settings, on_done=self.plan_now, on_error=self.messages.show_error)

    def plan_now(self) -> None:
        """The preview: every flow as if Live, computed in memory (the store is not touched)."""
        store = self.ctx.store
        self.plan_runner.run(
            lambda p, c: plan(store, progress=p, cancel=c, write=False, live=list(FLOWS)),
            name="Previewing the emails",
            on_success=self._planned,
            on_failure=self.messages.show_error,
        )

    # -- states -----------------------------------------------------------------------------
    def load_states(self) -> None:
        store = self.ctx.store
        self.state_runner.run(
            lambda _p, _c: states.status(store),
            name="Reading the flows",
            on_success=self._show_states,
            on_failure=self.messages.show_error,
        )

    def _show_states(self, rows: object) -> None:
        assert isinstance(rows, list)
        for st in rows:
            assert isinstance(st, states.FlowStatus)
            self.flow_states[st.name] = st.state
            label = self.state_labels[st.name]
            label.setText(f"<b>{states.STATE_WORDS[st.state]}</b>")
            button = self.state_buttons[st.name]
            button.setText(ACTIONS[st.state])
            button.setEnabled(True)
            button.setToolTip(
                {
                    states.DRAFT: "See what it would send, then decide",
                    states.LIVE: "Keep its planned emails but send nothing",
                    states.PAUSED: "See what is waiting and overdue, then decide",
                }[st.state]
            )
            last = f", last on {st.last_sent[:10]}" if st.last_sent else ""
            self.figure_labels[st.name].setText(
                "Nothing is planned or sent while it is a Draft."
                if st.state == states.DRAFT and not st.sent
                else f"{st.planned:,} planned ({st.due_next_24h:,} in the next 24 hours, "
                f"{st.overdue:,} overdue) · {st.sent:,} sent{last}"
            )
        if self.last_plan is not None:
            self._fill_plan_tables(self.last_plan)

    def change_state(self, flow: str) -> None:
        if self.flow_states.get(flow) == states.LIVE:
            self.pause_flow(flow)
        else:
            self.preview_live(flow)

    def pause_flow(self, flow: str) -> None:
        store = self.ctx.store
        self.state_runner.run(
            lambda _p, _c: states.pause(store, [flow]),
            name="Pausing the flow",
            writes=True,
            on_success=lambda _r: self._state_changed(self.Msg.paused, name=FLOWS[flow]),
            on_failure=self.messages.show_error,
        )

    def preview_live(self, flow: str) -> None:
        """Work out what going Live does, then ask (the box is the decision point)."""
        store = self.ctx.store
        self.runner.run(
            lambda p, c: states.preview_go_live(store, [flow], progress=p, cancel=c),
            name="Working out what it would send",
            on_success=lambda preview: self._ask_live(flow, preview),
            on_failure=self.messages.show_error,
        )

    def _ask_live(self, flow: str, preview: object) -> None:
        assert isinstance(preview, states.GoLivePreview)
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        resume = self.flow_states.get(flow) == states.PAUSED
        box.setWindowTitle("Resume this flow?" if resume else "Make this flow Live?")
        name = FLOWS[flow]
        box.setText(f"Resume “{name}”?" if resume else f"Make “{name}” Live?")
        box.setInformativeText(
            f"It would send {preview.sentence()}\n\nLive emails go out with “Send now” on "
            "the Outbox page and with the automatic schedule."
        )
        choices: dict[object, str] = {}
        if preview.overdue:
            skip = box.addButton("Go Live, skip the overdue", QMessageBox.ButtonRole.AcceptRole)
            send = box.addButton("Go Live, send the overdue too", QMessageBox.ButtonRole.YesRole)
            choices = {skip: states.SKIP, send: states.SEND}
            box.setDefaultButton(skip)
        else:
            go = box.addButton("Go Live", QMessageBox.ButtonRole.AcceptRole)
            choices = {go: states.SKIP}
            box.setDefaultButton(go)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(lambda b: self._live_chosen(flow, choices.get(b)))
        self.live_box = box
        box.open()

    def _live_chosen(self, flow: str, overdue: str | None) -> None:
        self.live_box = None
        if overdue is None:
            return
        store = self.ctx.store
        self.runner.run(
            lambda p, c: states.go_live(store, [flow], overdue=overdue, progress=p, cancel=c),
            name="Planning the flow's emails",
            writes=True,
            on_success=lambda done: self._state_changed(
                self.Msg.went_live, text=done.sentence()  # type: ignore[attr-defined]
            ),
            on_failure=self.messages.show_error,
        )

    def _state_changed(self, message: Message, **fields: object) -> None:
        self.outcome = (message, fields)
        self.messages.show_message(message, **fields)
        self.ctx.outbox_changed.emit()  # the Outbox and Home re-read
        self.load_states()  # not a full refresh: unsaved template edits stay
        self.plan_now()

    def _fill_plan_tables(self, result: PlanResult) -> None:
        per_flow, reasons = plan_tables(result, self.flow_states)
        self.plan_model.set_frame(per_flow, PLAN_COLUMNS)
        self.skip_model.set_frame(reasons, SKIP_COLUMNS)
        self.plan_table.resize_columns()
        self.skip_table.resize_columns()

    def _planned(self, result: object) -> None:
        assert isinstance(result, PlanResult)
        self.last_plan = result
        self._fill_plan_tables(result)
        self.messages.clear()
        if self.outcome is not None:
            self.messages.show_message(self.outcome[0], **self.outcome[1])
        self.messages.show_message(
            self.Msg.planned,
            planned=len(result.messages),
            held=len(result.held_out),
            skipped=len(result.skipped),
        )
        for text in result.warnings:
            self.messages.show_message(self.Msg.warning, text=text)
        self._fill_customers()

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
        self.state_runner.cancel()
        self.editor.runner.cancel()


if __name__ == "__main__":
    import sys

    from ppdesk.ui.pages.standalone import run_page

    sys.exit(run_page(FlowsPage))

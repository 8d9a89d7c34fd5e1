"""Flows (L2-L4): each follow-up email's state (Draft, Live, Paused) and timing, a preview of
what each would send, and the template editor.

Opening or refreshing the page writes nothing: the preview is ``flows.planner.plan``
with ``write=False`` as if every flow were Live, and each flow's state and outbox
figures come from ``flows.states.status``. Emails are planned only when the merchant
acts: "Make Live..." first computes what would happen (``states.preview_go_live``)
and asks in a window-modal box ("12 emails in the next 24 hours, 30 later; 40 are
overdue: skip them or send them"), then ``states.go_live`` plans on the writer
thread; "Pause" keeps the planned emails and sends nothing; "Resume..." asks again.
The "Edit the emails" tab is the form editor (``widgets/content_editor.py``): the words
of each flow's email, previewed live for a real customer and saved only on Save; the
template code sits under its "Advanced" tab. It is built the first time the tab opens, so
the page (and the browser engine behind the preview) load only when wanted.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core.flows import states
from ppdesk.core.flows.model import FLOW_LABELS, PlanResult
from ppdesk.core.flows.planner import plan
from ppdesk.core.local_time import moment_text
from ppdesk.ui.models.dataframe_model import Column, DataFrameTableModel
from ppdesk.ui.pages.base import Page
from ppdesk.ui.widgets.field_form import FieldForm, spin

if TYPE_CHECKING:
    from ppdesk.ui.widgets.content_editor import ContentEditor
from ppdesk.ui.widgets.message_bar import Message
from ppdesk.ui.widgets.table_panel import TablePanel

EDIT_TAB = 1

FLOWS = FLOW_LABELS
PLAN_COLUMNS = [
    Column("flow", "Flow"),
    Column("state", "State"),
    Column("planned", "Would send", "int"),
    Column("held_out", "Comparison group", "int",
           "Emails not sent because the customer is in the comparison group (gets no emails, "
           "so we can measure what the emails add)"),
    Column("skipped", "Would not send", "int"),
]
ACTIONS = {states.DRAFT: "Make Live…", states.LIVE: "Pause", states.PAUSED: "Resume…"}
# the count before the long reason: a reason that needs the width never pushes it off screen
SKIP_COLUMNS = [
    Column("flow", "Flow"),
    Column("count", "Emails", "int"),
    Column("reason", "Why not"),
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
            "If every flow were Live now: {planned:,} to send, {held:,} kept for the "
            "comparison group, {skipped:,} not sent (why below). Looking sends nothing.",
        )
        went_live = Message("success", "{text}")
        paused = Message(
            "success", "{name} is paused: its planned emails wait, nothing is sent."
        )
        warning = Message("warning", "{text}")

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
            self.skip_model, export_name="not-sent.csv", filter_hint="Filter reasons…",
            wrap_long_text=True,  # a reason names the email that comes first and the cap
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
        self.editor: ContentEditor | None = None    # built when its tab first opens
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(top, "Flows and timing")
        self.tabs.addTab(QWidget(), "Edit the emails")
        self.tabs.setTabToolTip(EDIT_TAB, "The words of each email, previewed for a real "
                                "customer; send yourself a test")
        self._tab = 0
        self.tabs.currentChanged.connect(self._tab_changed)
        self.body.addWidget(self.tabs, 1)
        self.plan_runner = type(self.runner)(self)
        self.context_runner = type(self.runner)(self)
        self.state_runner = type(self.runner)(self)

    # -- settings and plan ------------------------------------------------------------------
    def refresh(self) -> None:
        super().refresh()
        self.form.load(self.ctx.settings())
        self.load_states()
        self.plan_now()
        if self.editor is not None:
            self.editor.data_changed()   # new orders: new customers and facts to preview with

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
        zone_name = self.ctx.settings().store.time_zone
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
            # the day of the last send on the store's clock ("25 Nov 2026"), not UTC text
            last_day = moment_text(st.last_sent, zone_name)[:11] if st.last_sent else ""
            last = f", last on {last_day}" if last_day else ""
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
        self.load_states()  # not a full refresh: unsaved edits stay
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
        if self._tab == EDIT_TAB:
            self.messages.setVisible(False)   # shown again with the plan's tab

    # -- the email editor -------------------------------------------------------------------
    def _tab_changed(self, index: int) -> None:
        if self._tab == EDIT_TAB and index != EDIT_TAB and self.editor is not None \
                and not self.editor.confirm_leave():
            self.tabs.blockSignals(True)
            self.tabs.setCurrentIndex(EDIT_TAB)   # the merchant chose to stay
            self.tabs.blockSignals(False)
            return
        self._tab = index
        # The page's messages speak of the plan (the first tab); the editor has its own
        # beside its buttons, and the form needs the height at 1280x720.
        self.messages.setVisible(index != EDIT_TAB and bool(self.messages.texts()))
        if index == EDIT_TAB and self.editor is None:
            self.open_editor()

    def open_editor(self) -> ContentEditor:
        """The editor tab's widget, built (and loaded) on first use."""
        if self.editor is None:
            from ppdesk.ui.widgets.content_editor import ContentEditor

            self.editor = ContentEditor(self.ctx, self.progress)
            self.tabs.blockSignals(True)
            self.tabs.removeTab(EDIT_TAB)
            self.tabs.insertTab(EDIT_TAB, self.editor, "Edit the emails")
            self.tabs.setTabToolTip(EDIT_TAB, "The words of each email, previewed for a "
                                    "real customer; send yourself a test")
            self.tabs.blockSignals(False)
            self.editor.load()
        if self.tabs.currentIndex() != EDIT_TAB:
            self.tabs.setCurrentIndex(EDIT_TAB)
        self._tab = EDIT_TAB
        self.messages.setVisible(False)
        return self.editor

    def can_leave(self) -> bool:
        """Asked before the window shows another page or closes (unsaved words)."""
        return self.editor is None or self.editor.confirm_leave()

    def shutdown(self) -> None:
        super().shutdown()
        self.plan_runner.cancel()
        self.context_runner.cancel()
        self.state_runner.cancel()
        if self.editor is not None:
            self.editor.shutdown()


if __name__ == "__main__":
    import sys

    from ppdesk.ui.pages.standalone import run_page

    sys.exit(run_page(FlowsPage))

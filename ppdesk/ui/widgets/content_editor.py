"""The email editor as a form: one field per word of the chosen flow's email, previewed live.

Each field of ``emails.content.USED[flow]`` gets a box with a plain label and help; the
token buttons insert ``{First name}``-style fill-ins at the cursor of the field last
used (``content_fields`` maps them to the real tokens). Every edit re-renders the
UNSAVED words for the customer picked (``emails.preview.preview_email``, the sender's own
rendering) on a worker through ``ui/tasks.py``, 300 ms after the last keystroke, at
computer (600 px) or phone (375 px) width. "Send me a test" sends those unsaved words to
the merchant's own address (``sending.check.send_test``). Nothing is written until Save;
"Reset to ppdesk's words" only refills the form and can be undone. Switching flow, tab,
page or closing the window with unsaved words asks: save, discard or cancel
(:meth:`ContentEditor.confirm_leave`). The template code sits under "Advanced".

The fields and token buttons are ``content_form.ContentForm``. The editor keeps its own
message bar under its buttons, so what Save or a test send says stays beside them rather
than at the top of the page, above another tab.
"""

from __future__ import annotations

import re
from dataclasses import replace
from html import unescape

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core.emails.content import (
    DEFAULTS,
    SUBSCRIPTION_WORDS,
    TEXT_FIELDS,
    EmailContent,
    checked,
    effective,
    load_content,
    save_content,
)
from ppdesk.core.emails.preview import forget_facts, preview_customers, preview_email
from ppdesk.core.emails.render import RenderedEmail
from ppdesk.core.errors import InputError
from ppdesk.core.flows.model import FLOW_LABELS
from ppdesk.core.sending.check import send_test
from ppdesk.ui.context import AppContext
from ppdesk.ui.tasks import ProgressView, TaskRunner
from ppdesk.ui.widgets import content_fields as cf
from ppdesk.ui.widgets.content_form import ContentForm, FieldWidget, quiet
from ppdesk.ui.widgets.html_preview import HtmlPreview
from ppdesk.ui.widgets.message_bar import MessageBar
from ppdesk.ui.widgets.template_editor import TemplatePane

DEBOUNCE_MS = 300
WIDTHS = {"computer": 600, "phone": 375}


class ContentEditor(QWidget):
    """Flow and customer on top; the form and the live preview below; code under Advanced.

    Signals:
        previewed(bool): a preview finished; True when it rendered.
        saved(str): a flow's words were saved (its name).
    """

    previewed = Signal(bool)
    saved = Signal(str)

    def __init__(self, ctx: AppContext, progress: ProgressView | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.flow_key = ""
        self.saved_content: EmailContent | None = None   # what the store holds
        self.last_email: RenderedEmail | None = None
        self.guard_box: QMessageBox | None = None
        self._undo: EmailContent | None = None    # the words before "Reset"
        self._offer = ""                          # loyalty: the offer the form last showed
        self.flow = QComboBox()
        for key, name in FLOW_LABELS.items():
            self.flow.addItem(name, key)
        self.flow.setAccessibleName("Email to edit")
        self.flow.activated.connect(self._flow_picked)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Find a customer…")
        self.search.setClearButtonEnabled(True)
        self.search.setMaximumWidth(180)
        self.customer = QComboBox()
        self.customer.setMinimumContentsLength(28)
        self.customer.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.customer.setToolTip("The preview and the test use this customer's real order "
                                 "and products")
        self.customer.activated.connect(lambda _i: self.render_soon(0))
        top = QHBoxLayout()
        top.addWidget(QLabel("Email"))
        top.addWidget(self.flow)
        top.addSpacing(12)
        top.addWidget(QLabel("Preview for"))
        top.addWidget(self.search)
        top.addWidget(self.customer, 1)

        # -- the form (left)
        self.form = ContentForm()
        self.form.edited.connect(self._edited)
        self.save_button = QPushButton("Save")
        self.save_button.setToolTip("Keep these words: the next emails of this flow use them")
        self.save_button.clicked.connect(self.save)
        self.reset_button = QPushButton("Reset to ppdesk's words")
        self.reset_button.setToolTip("Puts ppdesk's words back in the form (nothing is kept "
                                     "until you save; you can undo it)")
        self.reset_button.clicked.connect(self._reset_or_undo)
        self.test_button = QPushButton("Send me a test")
        self.test_button.setToolTip("Sends this email, with the words in the form (saved or "
                                    "not), for the customer above, to your own address only")
        self.test_button.clicked.connect(self.send_test)
        self.state = QLabel("")
        actions = QHBoxLayout()
        for b in (self.save_button, self.reset_button, self.test_button):
            actions.addWidget(b)
        actions.addWidget(self.state, 1)
        self.messages = MessageBar(self)
        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 6, 0)
        lv.addWidget(self.form, 1)
        lv.addLayout(actions)
        lv.addWidget(self.messages)

        # -- the preview (right)
        self.subject_line = QLabel("")
        bold = QFont(self.subject_line.font())
        bold.setBold(True)
        self.subject_line.setFont(bold)
        self.subject_line.setWordWrap(True)
        self.preheader_line = QLabel("")
        self.preheader_line.setWordWrap(True)
        quiet(self.preheader_line)   # the inbox's grey line
        self.computer = QRadioButton("Computer (600 px)")
        self.phone = QRadioButton("Phone (375 px)")
        self.computer.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.computer)
        group.addButton(self.phone)
        self.phone.toggled.connect(lambda _on: self._apply_width())
        widths = QHBoxLayout()
        widths.addWidget(QLabel("Preview on a"))
        widths.addWidget(self.computer)
        widths.addWidget(self.phone)
        widths.addStretch(1)
        self.preview = HtmlPreview()
        right = QWidget()
        rv = QVBoxLayout(right)
        rv.setContentsMargins(6, 0, 0, 0)
        rv.addLayout(widths)
        rv.addWidget(self.subject_line)
        rv.addWidget(self.preheader_line)
        rv.addWidget(self.preview, 1)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        split.setChildrenCollapsible(False)
        self.tabs = QTabWidget()
        self.tabs.addTab(split, "Words")
        self.advanced: TemplatePane | None = None   # built when first opened (its own preview)
        self.tabs.addTab(QWidget(), "Advanced: template code")
        self.tabs.setTabToolTip(1, "The code that lays the words out; most changes belong in "
                                "the Words tab")
        self.tabs.currentChanged.connect(self._tab_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)

        self.load_runner = TaskRunner(self)
        self.customer_runner = TaskRunner(self)
        self.preview_runner = TaskRunner(self)
        self.save_runner = TaskRunner(self)
        self.test_runner = TaskRunner(self, progress)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.render_now)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(DEBOUNCE_MS)
        self._search_timer.timeout.connect(self.load_customers)
        self.search.textEdited.connect(lambda _t: self._search_timer.start())
        self._apply_width()

    # -- loading ----------------------------------------------------------------------------
    def load(self, flow: str | None = None) -> None:
        """Read ``flow``'s saved words (default: the one chosen) and its customers."""
        flow = flow or str(self.flow.currentData())
        self.flow.setCurrentIndex(self.flow.findData(flow))
        store = self.ctx.store
        self.load_runner.run(
            lambda _p, _c: load_content(store, flow),
            name="Reading the email's words",
            on_success=lambda content: self._loaded(flow, content),
            on_failure=self.messages.show_error,
        )
        self.load_customers(flow)

    def data_changed(self) -> None:
        """The store's data changed: find the customers again, re-read their orders."""
        forget_facts()
        self.last_email = None   # re-rendered once the customers are found
        self.load_customers()

    def load_customers(self, flow: str | None = None) -> None:
        flow = flow or self.flow_key or str(self.flow.currentData())
        store, search = self.ctx.store, self.search.text()
        self.customer_runner.run(
            lambda _p, _c: preview_customers(store, flow, search=search),
            name="Finding customers to preview with",
            on_success=self._customers_found,
            on_failure=self.messages.show_error,
        )

    def _customers_found(self, found: object) -> None:
        assert isinstance(found, list)
        current = self.customer.currentData()
        self.customer.clear()
        for c in found:
            self.customer.addItem(c.label, c.id)
        if not found:
            text = self.search.text().strip()
            # None: the chooser's customer, or the made-up sample on a store without any
            self.customer.addItem(f"Nobody matches “{text}”: the newest suitable customer"
                                  if text else "No customer yet: a made-up sample customer",
                                  None)
        index = self.customer.findData(current) if current is not None else -1
        self.customer.setCurrentIndex(max(index, 0))
        if self.customer.currentData() != current or self.last_email is None:
            self.render_soon(0)

    def _loaded(self, flow: str, content: object) -> None:
        assert isinstance(content, EmailContent)
        # The words the email uses (a subscription offer kept with the reward's words says the
        # subscription's): the form shows what the customer reads.
        content = effective(flow, content)
        self.flow_key = flow
        self.saved_content = content
        self._undo = None
        self.form.build(flow)
        self._fill(content)
        self._offer = content.offer
        self._edited()
        self.render_soon(0)
        if self.advanced is not None:
            self._load_advanced()

    # -- the form's words -------------------------------------------------------------------
    def _fill(self, content: EmailContent) -> None:
        self.form.fill(content)

    def current_content(self) -> EmailContent | None:
        """The words in the form (tokens as ``emails.content`` fills them)."""
        if self.saved_content is None:
            return None
        return replace(self.saved_content, **self.form.values())

    @property
    def fields(self) -> dict[str, FieldWidget]:
        return self.form.fields

    @property
    def token_buttons(self) -> dict[str, QPushButton]:
        return self.form.token_buttons

    def insert_token(self, token: str) -> None:
        self.form.insert_token(token)

    def is_dirty(self) -> bool:
        content = self.current_content()
        return content is not None and content != self.saved_content

    def field(self, name: str) -> FieldWidget:
        return self.fields[name]

    def _edited(self) -> None:
        self._follow_offer()
        self._show_state()
        self.render_soon()

    def _follow_offer(self) -> None:
        """Loyalty: switching between the reward and the subscription swaps the words the
        merchant kept as ppdesk's for the other offer's, so the form shows what the email
        says (``content.effective`` does the same for words saved as the defaults)."""
        offer = self.form.fields.get("offer")
        if not isinstance(offer, QComboBox):
            return
        now = str(offer.currentData())
        before, self._offer = self._offer, now
        if before == now:
            return
        base = DEFAULTS["loyalty"]
        loyal = {k: getattr(base, k) for k in SUBSCRIPTION_WORDS}
        old_words, new_words = ((loyal, SUBSCRIPTION_WORDS) if now == "subscription"
                                else (SUBSCRIPTION_WORDS, loyal))
        values = self.form.values()
        swap = {k: v for k, v in new_words.items() if values.get(k) == old_words[k]}
        if swap:
            current = self.current_content()
            if current is not None:
                self.form.fill(replace(current, **swap))

    def _show_state(self) -> None:
        if self._undo is not None and self.current_content() != DEFAULTS.get(self.flow_key):
            self._undo = None    # edited after the reset: the undo would lose these edits
        self.reset_button.setText("Undo reset" if self._undo is not None
                                  else "Reset to ppdesk's words")
        self.state.setText("Unsaved changes" if self.is_dirty() else "")

    def _problem(self) -> str | None:
        """A plain sentence about a field ppdesk cannot use, or None."""
        content = self.current_content()
        if content is None:
            return None
        for name in self.fields:
            if name not in TEXT_FIELDS:
                continue
            unknown = cf.unknown_tokens(getattr(content, name))
            if unknown:
                return (f"{cf.FIELD_WORDS[name].label}: “{unknown[0]}” is not something "
                        "ppdesk can fill in. Use the buttons under the form to insert one.")
        try:
            checked(self.flow_key, content)
        except InputError as exc:
            return _plain(str(exc))
        return None

    # -- preview ----------------------------------------------------------------------------
    def render_soon(self, delay: int = DEBOUNCE_MS) -> None:
        self._debounce.start(delay)

    def render_now(self) -> None:
        self._debounce.stop()
        content = self.current_content()
        if content is None:
            return
        store, flow, cid = self.ctx.store, self.flow_key, self.customer.currentData()
        self.preview_runner.run(
            lambda _p, _c: preview_email(store, flow, content, cid),
            name="Rendering the preview",
            on_success=self._show,
            on_failure=self._preview_failed,
        )

    def _show(self, email: object) -> None:
        assert isinstance(email, RenderedEmail)
        self.last_email = email
        self.subject_line.setText(email.subject)
        self.preheader_line.setText(
            fill_preheader(self.current_content(), email.html))
        self.preview.set_html(email.html)
        problem = self._problem()
        self.messages.clear()
        if problem:
            self.messages.show_text("warning", problem)
        self.previewed.emit(True)

    def _preview_failed(self, exc: BaseException) -> None:
        self.messages.show_error(exc)
        self.previewed.emit(False)

    def _apply_width(self) -> None:
        self.preview.set_width(WIDTHS["phone" if self.phone.isChecked() else "computer"])

    # -- actions ----------------------------------------------------------------------------
    def save(self) -> bool:
        """Save the form's words (checked first); False when a field is not acceptable."""
        problem = self._problem()
        content = self.current_content()
        if problem or content is None:
            if problem:
                self.messages.show_text("error", f"Not saved. {problem}")
            return False
        store, flow, before = self.ctx.store, self.flow_key, self.saved_content
        self.saved_content = content     # the baseline now; put back if the write fails
        self._undo = None
        self._show_state()               # the words did not change: no new preview

        def failed(exc: BaseException) -> None:
            self.saved_content = before
            self._show_state()
            self.messages.show_error(exc)

        self.save_runner.run(
            lambda _p, _c: save_content(store, flow, content),
            name="Saving the email's words",
            writes=True,
            on_success=lambda _r: self._saved(flow),
            on_failure=failed,
        )
        return True

    def _saved(self, flow: str) -> None:
        self.messages.show_text("success", f"Saved: the next “{FLOW_LABELS[flow]}” emails "
                                "use these words.")
        self.saved.emit(flow)

    def _reset_or_undo(self) -> None:
        if self._undo is not None:
            before, self._undo = self._undo, None
            self._fill(before)
            self._edited()
            return
        current = self.current_content()
        if current is None:
            return
        self._fill(DEFAULTS[self.flow_key])
        self._undo = current
        self._edited()
        self.messages.show_text("info", "ppdesk's words are back in the form. Save keeps "
                                "them; “Undo reset” brings yours back.")

    def send_test(self) -> None:
        """The form's words (saved or not), for the chosen customer, to the merchant only."""
        to = self.ctx.settings().sending.from_address
        content = self.current_content()
        if not to:
            self.messages.show_text("warning", "Set up your email account in Settings first: "
                                    "the test goes to your own “Send from” address.")
            return
        if content is None:
            return
        store, flow, cid = self.ctx.store, self.flow_key, self.customer.currentData()
        self.test_runner.run(
            lambda _p, _c: send_test(store, to, kind=flow, content=content, customer_id=cid),
            name="Sending you a test email",
            on_success=lambda _o: self.messages.show_text(
                "success", f"Test email sent to {to}, with the words in the form. "
                "Check your inbox."),
            on_failure=self.messages.show_error,
        )

    # -- leaving ----------------------------------------------------------------------------
    def confirm_leave(self) -> bool:
        """True when nothing unsaved would be lost (saved or discarded on the merchant's
        word); False when the merchant chose to stay."""
        if self.advanced is not None and not self.advanced.confirm_leave():
            return False
        if not self.is_dirty():
            return True
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Unsaved changes")
        box.setText(f"Save your changes to the “{FLOW_LABELS[self.flow_key]}” email?")
        box.setInformativeText("You changed its words and have not saved them.")
        box.setStandardButtons(QMessageBox.StandardButton.Save
                               | QMessageBox.StandardButton.Discard
                               | QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        self.guard_box = box
        try:
            choice = box.exec()
        finally:
            self.guard_box = None
        if choice == QMessageBox.StandardButton.Save:
            return self.save()
        if choice == QMessageBox.StandardButton.Discard:
            if self.saved_content is not None:
                self._fill(self.saved_content)
                self._undo = None
                self._edited()
            return True
        return False

    def _flow_picked(self, _index: int) -> None:
        new = str(self.flow.currentData())
        if new == self.flow_key:
            return
        if not self.confirm_leave():
            self.flow.setCurrentIndex(self.flow.findData(self.flow_key))
            return
        self.load(new)

    # -- advanced ---------------------------------------------------------------------------
    def _tab_changed(self, index: int) -> None:
        if index != 1:
            return
        if self.advanced is None:
            self.advanced = TemplatePane(self.ctx, self.messages)
            self.tabs.blockSignals(True)
            self.tabs.removeTab(1)
            self.tabs.insertTab(1, self.advanced, "Advanced: template code")
            self.tabs.setTabToolTip(1, "The code that lays the words out; most changes "
                                    "belong in the Words tab")
            self.tabs.setCurrentIndex(1)
            self.tabs.blockSignals(False)
        self._load_advanced()

    def _load_advanced(self) -> None:
        if self.advanced is not None and self.flow_key:
            self.advanced.load(self.flow_key, self.customer.currentData(),
                               self.current_content())

    def shutdown(self) -> None:
        self._debounce.stop()
        self._search_timer.stop()
        for runner in (self.load_runner, self.customer_runner, self.preview_runner,
                       self.test_runner):
            runner.cancel()   # not the save: a write in flight finishes (one writer thread)
        if self.advanced is not None:
            self.advanced.shutdown()


def fill_preheader(content: EmailContent | None, html: str) -> str:
    """The inbox's grey line: the rendered email's hidden preheader, without the invisible
    padding characters that keep mail apps from showing the body after it."""
    found = _PREHEADER.search(html)
    if found:
        text = unescape(found.group(1)).replace("\u034f", "").replace("\u2007", " ")
        return " ".join(text.split())
    return "" if content is None else content.preheader


_PREHEADER = re.compile(r'class="preheader"[^>]*>(.*?)<', re.DOTALL)
def _plain(message: str) -> str:
    """``content.checked``'s sentence with the form's labels and flow names in it."""
    for name, words in cf.FIELD_WORDS.items():
        message = message.replace(f"the {name} ", f"the {words.label.lower()} ")
    for key, label in FLOW_LABELS.items():
        message = message.replace(f"the {key} email", f"the “{label}” email")
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")

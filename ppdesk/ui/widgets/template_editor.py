"""The email template editor: subject, HTML and text sources, previewed live for a real customer.

Edits are checked with ``templating.check_template`` and rendered with
``emails.render_with_sources`` on a worker thread (debounced); a problem is shown
at its line (the line is highlighted) and the last good preview stays. The
preview shows HTML and plain text side by side at desktop or phone width.

:class:`TemplatePane` is the email editor's "Advanced" tab: the code of one flow's email
with Save and "Back to ppdesk's code", previewed with the form's (possibly unsaved) words
for the customer chosen there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QTextCursor, QTextFormat
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSplitter,
    QTabWidget,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core.emails.content import EmailContent
from ppdesk.core.emails.preview import context_for
from ppdesk.core.emails.render import (
    EmailSources,
    RenderedEmail,
    default_sources,
    load_custom_sources,
    render_with_sources,
    save_custom_sources,
)
from ppdesk.core.flows.model import FLOW_LABELS
from ppdesk.core.templating import TemplateProblem, check_template
from ppdesk.ui.context import AppContext
from ppdesk.ui.tasks import TaskRunner
from ppdesk.ui.widgets.html_preview import MOBILE_WIDTH, HtmlPreview
from ppdesk.ui.widgets.message_bar import MessageBar


@dataclass(frozen=True)
class Checked:
    """A render attempt: the email, or the problems (part name, problem)."""

    email: RenderedEmail | None
    problems: list[tuple[str, TemplateProblem]]


def check_and_render(kind: str, context: dict[str, Any], sources: EmailSources) -> Checked:
    """Worker side: check each edited part at its line, then render the whole email."""
    problems: list[tuple[str, TemplateProblem]] = []
    for part, source, as_kind in (
        ("subject", sources.subject, "text"),
        ("html", sources.html, "html"),
        ("text", sources.text, "text"),
    ):
        if source is not None:
            problems += [(part, p) for p in check_template(source, context, kind=as_kind)]
    if problems:
        return Checked(None, problems)
    return Checked(render_with_sources(kind, context, sources), [])


class TemplateEditor(QWidget):
    """Source tabs on the left, HTML + text preview on the right.

    Signals:
        rendered(bool): a preview finished; True when it rendered without problems.
    """

    rendered = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.subject = QLineEdit()
        self.subject.setFont(mono)
        self.html = QPlainTextEdit()
        self.text = QPlainTextEdit()
        for edit in (self.html, self.text):
            edit.setFont(mono)
            edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            edit.textChanged.connect(self._edited)
        self.subject.textEdited.connect(lambda _t: self._edited())
        self.tabs = QTabWidget()
        self.tabs.addTab(self.html, "HTML")
        self.tabs.addTab(self.text, "Plain text")
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c0392b;")
        source_side = QWidget()
        sv = QVBoxLayout(source_side)
        sv.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("Subject"))
        row.addWidget(self.subject, 1)
        sv.addLayout(row)
        sv.addWidget(self.tabs, 1)
        sv.addWidget(self.problem)
        self.subject_preview = QLabel("")
        bold = QFont(self.subject_preview.font())
        bold.setBold(True)
        self.subject_preview.setFont(bold)
        self.subject_preview.setWordWrap(True)
        self.html_preview = HtmlPreview()
        self.text_preview = QPlainTextEdit()
        self.text_preview.setReadOnly(True)
        self.desktop = QRadioButton("Desktop")
        self.mobile = QRadioButton("Phone")
        self.desktop.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.desktop)
        group.addButton(self.mobile)
        self.mobile.toggled.connect(
            lambda on: self.html_preview.set_width(MOBILE_WIDTH if on else 0)
        )
        width_row = QHBoxLayout()
        width_row.addWidget(self.subject_preview, 1)
        width_row.addWidget(self.desktop)
        width_row.addWidget(self.mobile)
        previews = QSplitter()
        previews.addWidget(self.html_preview)
        previews.addWidget(self.text_preview)
        previews.setStretchFactor(0, 3)
        previews.setStretchFactor(1, 2)
        preview_side = QWidget()
        pv = QVBoxLayout(preview_side)
        pv.setContentsMargins(0, 0, 0, 0)
        pv.addLayout(width_row)
        pv.addWidget(previews, 1)
        split = QSplitter()
        split.addWidget(source_side)
        split.addWidget(preview_side)
        split.setStretchFactor(0, 2)
        split.setStretchFactor(1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(split)
        self.kind = "cross_sell"
        self.context: dict[str, Any] | None = None
        self.defaults = EmailSources()
        self.last_problems: list[tuple[str, TemplateProblem]] = []
        self.runner = TaskRunner(self)
        self._loading = False
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(350)
        self._debounce.timeout.connect(self.render_now)

    def load(self, kind: str, sources: EmailSources, defaults: EmailSources) -> None:
        """Show ``sources`` (the merchant's edits, falling back to ``defaults``) for ``kind``."""
        self.kind = kind
        self.defaults = defaults
        self._loading = True
        self.subject.setText(
            sources.subject if sources.subject is not None else defaults.subject or ""
        )
        self.html.setPlainText(sources.html if sources.html is not None else defaults.html or "")
        self.text.setPlainText(sources.text if sources.text is not None else defaults.text or "")
        self._loading = False
        self._mark_line(None, None)
        self.render_now()

    def set_context(self, context: dict[str, Any]) -> None:
        self.context = context
        self.render_now()

    def sources(self) -> EmailSources:
        """The edited parts; a part equal to ppdesk's default is stored as None (default)."""
        subject, html, text = self.subject.text(), self.html.toPlainText(), self.text.toPlainText()
        d = self.defaults
        return EmailSources(
            None if subject == d.subject else subject,
            None if html == d.html else html,
            None if text == d.text else text,
        )

    def _edited(self) -> None:
        if not self._loading:
            self._debounce.start()

    def render_now(self) -> None:
        self._debounce.stop()
        if self.context is None:
            return
        kind, context, sources = self.kind, dict(self.context), self.sources()
        self.runner.run(
            lambda _p, _c: check_and_render(kind, context, sources),
            name="Rendering the preview",
            on_success=self._show,
            on_failure=self._failed,
        )

    def _failed(self, exc: BaseException) -> None:
        self.problem.setText(str(exc))
        self.rendered.emit(False)

    def _show(self, result: object) -> None:
        assert isinstance(result, Checked)
        self.last_problems = result.problems
        if result.problems:
            part, first = result.problems[0]
            name = {"html": "HTML", "text": "Plain text", "subject": "Subject"}[part]
            self.problem.setText(
                f"{name}, {first}. The preview shows the last version that worked."
            )
            self._mark_line(part, first.line)
            self.rendered.emit(False)
            return
        assert result.email is not None
        self.problem.setText("")
        self._mark_line(None, None)
        self.subject_preview.setText(result.email.subject)
        self.html_preview.set_html(result.email.html)
        self.text_preview.setPlainText(result.email.text)
        self.rendered.emit(True)

    def _mark_line(self, part: str | None, line: int | None) -> None:
        for edit in (self.html, self.text):
            edit.setExtraSelections([])
        edit = {"html": self.html, "text": self.text}.get(part or "")
        if edit is None or not line:
            return
        self.tabs.setCurrentWidget(edit)
        block = edit.document().findBlockByLineNumber(line - 1)
        selection = QTextEdit.ExtraSelection()
        selection.format.setBackground(QColor(220, 50, 50, 60))
        selection.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
        cursor = QTextCursor(block)
        selection.cursor = cursor
        edit.setExtraSelections([selection])
        edit.setTextCursor(cursor)
        edit.centerCursor()


class TemplatePane(QWidget):
    """The template code of one flow, with Save and "Back to ppdesk's code" (Advanced)."""

    def __init__(self, ctx: AppContext, messages: MessageBar,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.messages = messages
        self.flow = ""
        self.saved = EmailSources()
        note = QLabel("The code only lays the words out: change the words in the Words tab. "
                      "Edited code is checked and runs in a safe mode.")
        note.setWordWrap(True)
        self.save_button = QPushButton("Save the code")
        self.save_button.clicked.connect(self.save)
        self.reset_button = QPushButton("Back to ppdesk's code")
        self.reset_button.setToolTip("Puts ppdesk's code back in the boxes (kept when you save)")
        self.reset_button.clicked.connect(self.reset)
        bar = QHBoxLayout()
        bar.addWidget(note, 1)
        bar.addWidget(self.save_button)
        bar.addWidget(self.reset_button)
        self.editor = TemplateEditor()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.editor, 1)
        self.runner = TaskRunner(self)
        self.save_runner = TaskRunner(self)

    def load(self, flow: str, customer_id: int | None, content: EmailContent | None) -> None:
        """Show ``flow``'s code, previewed with ``content`` for ``customer_id``."""
        store = self.ctx.store
        if flow == self.flow:   # same flow: keep any code edits, refresh the sample only
            self._load_context(customer_id, content)
            return

        def read() -> tuple[EmailSources, EmailSources]:
            return load_custom_sources(store, flow), default_sources(flow)

        self.runner.run(lambda _p, _c: read(), name="Loading the template",
                        on_success=lambda s: self._loaded(flow, s, customer_id, content),
                        on_failure=self.messages.show_error)

    def _loaded(self, flow: str, sources: object, customer_id: int | None,
                content: EmailContent | None) -> None:
        custom, defaults = sources  # type: ignore[misc]
        self.flow = flow
        self.editor.load(flow, custom, defaults)
        self.saved = self.editor.sources()
        self._load_context(customer_id, content)

    def _load_context(self, customer_id: int | None, content: EmailContent | None) -> None:
        store, flow = self.ctx.store, self.flow
        self.runner.run(lambda _p, _c: context_for(store, flow, content, customer_id)[0],
                        name="Reading the customer's order",
                        on_success=self.editor.set_context,
                        on_failure=self.messages.show_error)

    def is_dirty(self) -> bool:
        return bool(self.flow) and self.editor.sources() != self.saved

    def save(self) -> bool:
        if self.editor.last_problems:
            part, problem = self.editor.last_problems[0]
            self.messages.show_text("error", f"Fix the code first: {part}, {problem}.")
            return False
        store, flow, sources = self.ctx.store, self.flow, self.editor.sources()
        self.saved = sources
        self.save_runner.run(
            lambda _p, _c: save_custom_sources(store, flow, sources),
            name="Saving the template", writes=True,
            on_success=lambda _r: self.messages.show_text(
                "success", "Code saved; the next emails use it."),
            on_failure=self.messages.show_error)
        return True

    def reset(self) -> None:
        self.editor.load(self.flow, EmailSources(), self.editor.defaults)

    def confirm_leave(self) -> bool:
        if not self.is_dirty():
            return True
        choice = QMessageBox.question(
            self, "Unsaved code",
            f"Save your changes to the code of the “{FLOW_LABELS.get(self.flow, self.flow)}” "
            "email?",
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
        if choice == QMessageBox.StandardButton.Save:
            return self.save()
        if choice == QMessageBox.StandardButton.Discard:
            self.editor.load(self.flow, self.saved, self.editor.defaults)
            return True
        return False

    def shutdown(self) -> None:
        self.runner.cancel()
        self.editor.runner.cancel()

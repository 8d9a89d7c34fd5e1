"""The fields of one flow's email as a form: a box per field, plain label and help, and the
token buttons that insert ``{First name}``-style fill-ins at the cursor.

``ContentForm`` only shows and reads words (``content_fields`` maps the friendly
labels to the tokens); ``content_editor`` decides when to preview, save or ask.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from ppdesk.core.emails.content import TEXT_FIELDS, USED, EmailContent
from ppdesk.ui.widgets import content_fields as cf

FieldWidget = QLineEdit | QPlainTextEdit | QComboBox


def quiet(label: QLabel) -> None:
    """A quieter shade of the text colour (as the page's purpose line), readable in both
    themes; a disabled label is too faint on the light palette."""
    c = label.palette().color(label.foregroundRole())
    label.setStyleSheet(f"color: rgba({c.red()}, {c.green()}, {c.blue()}, 0.72);")


class ContentForm(QWidget):
    """The fields of ``USED[flow]`` in a scrolling form, the token buttons under it.

    Signals:
        edited(): the merchant changed a field (not emitted by :meth:`fill`).
    """

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fields: dict[str, FieldWidget] = {}
        self.token_buttons: dict[str, QPushButton] = {}
        self._loading = False
        self._last_field: QLineEdit | QPlainTextEdit | None = None
        self.form_box = QWidget()
        self.rows = QFormLayout(self.form_box)
        self.rows.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.rows.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        self.rows.setVerticalSpacing(2)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.form_box)
        self.token_box = QWidget()
        self.token_grid = QGridLayout(self.token_box)
        self.token_grid.setContentsMargins(0, 0, 0, 0)
        self.token_grid.setSpacing(4)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addWidget(QLabel("Insert at the cursor:"))
        layout.addWidget(self.token_box)

    def _changed(self) -> None:
        if not self._loading:
            self.edited.emit()

    def build(self, flow: str) -> None:
        """One box per field ``flow``'s email shows, and its token buttons."""
        while self.rows.rowCount():
            self.rows.removeRow(0)
        self.fields.clear()
        self._last_field = None
        for name in USED[flow]:
            words = cf.FIELD_WORDS[name]
            widget: FieldWidget
            if name in ("review_site", "offer"):
                widget = QComboBox()
                choices = cf.REVIEW_SITE_WORDS if name == "review_site" else cf.OFFER_WORDS
                for value, text in choices.items():
                    widget.addItem(text, value)
                widget.currentIndexChanged.connect(lambda _i: self._changed())
            elif words.lines > 1:
                widget = QPlainTextEdit()
                widget.setTabChangesFocus(True)
                line = widget.fontMetrics().lineSpacing()
                widget.setFixedHeight(line * words.lines + 12)
                widget.textChanged.connect(self._changed)
            else:
                widget = QLineEdit()
                widget.textChanged.connect(lambda _t: self._changed())
            widget.setToolTip(words.help)
            widget.setAccessibleName(words.label)
            if words.tokens and not isinstance(widget, QComboBox):
                widget.installEventFilter(self)
            label = QLabel(f"<b>{words.label}</b>")
            label.setBuddy(widget)
            help_text = QLabel(words.help)
            help_text.setWordWrap(True)
            quiet(help_text)
            box = QWidget()
            bv = QVBoxLayout(box)
            bv.setContentsMargins(0, 0, 0, 6)
            bv.setSpacing(2)
            bv.addWidget(widget)
            bv.addWidget(help_text)
            self.rows.addRow(label, box)
            self.fields[name] = widget
        self._build_tokens(flow)

    def _build_tokens(self, flow: str) -> None:
        for button in self.token_buttons.values():
            button.setParent(None)
            button.deleteLater()
        self.token_buttons.clear()
        for i, token in enumerate(cf.FLOW_TOKENS[flow]):
            label, help_text = cf.TOKEN_WORDS[token]
            button = QPushButton(label)
            button.setToolTip(f"{help_text}; inserted as {cf.friendly(token)}")
            # No focus: clicking must leave the cursor where it was in the field.
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.clicked.connect(lambda _c=False, t=token: self.insert_token(t))
            self.token_grid.addWidget(button, i // 4, i % 4)
            self.token_buttons[token] = button

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusIn and isinstance(watched,
                                                              QLineEdit | QPlainTextEdit):
            self._last_field = watched
        return super().eventFilter(watched, event)

    def insert_token(self, token: str) -> None:
        """Insert ``token``'s friendly label at the cursor of the field last used."""
        field = self._last_field or self.fields.get("intro") or self.fields.get("subject")
        if isinstance(field, QLineEdit):
            field.insert(cf.friendly(token))
        elif isinstance(field, QPlainTextEdit):
            field.insertPlainText(cf.friendly(token))
        if field is not None:
            field.setFocus()

    def fill(self, content: EmailContent) -> None:
        """Show ``content`` (tokens as their friendly labels)."""
        self._loading = True
        try:
            for name, widget in self.fields.items():
                value = str(getattr(content, name))
                if isinstance(widget, QComboBox):
                    widget.setCurrentIndex(max(widget.findData(value), 0))
                elif isinstance(widget, QPlainTextEdit):
                    widget.setPlainText(cf.to_friendly(value))
                else:
                    widget.setText(cf.to_friendly(value) if name in TEXT_FIELDS else value)
                    widget.setCursorPosition(0)
        finally:
            self._loading = False

    def values(self) -> dict[str, str]:
        """Each field's words, friendly labels back as tokens."""
        values: dict[str, str] = {}
        for name, widget in self.fields.items():
            if isinstance(widget, QComboBox):
                values[name] = str(widget.currentData())
            elif isinstance(widget, QPlainTextEdit):
                values[name] = cf.to_tokens(widget.toPlainText())
            else:
                text = widget.text()
                values[name] = cf.to_tokens(text) if name in TEXT_FIELDS else text.strip()
        return values

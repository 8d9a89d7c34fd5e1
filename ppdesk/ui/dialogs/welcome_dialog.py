"""First-run welcome: try the demo store or import your own orders, and where to find the export."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from ppdesk.ui.export_help import EXPORT_STEPS


class ExportHelp(QWidget):
    """A platform picker and the steps to download that platform's order export."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.platform = QComboBox()
        self.platform.addItems(list(EXPORT_STEPS))
        self.steps = QTextBrowser()
        self.steps.setOpenExternalLinks(False)
        self.steps.setMinimumHeight(110)
        self.platform.currentTextChanged.connect(self._show)
        row = QHBoxLayout()
        row.addWidget(QLabel("My store runs on"))
        row.addWidget(self.platform, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.steps, 1)
        self._show(self.platform.currentText())

    def _show(self, name: str) -> None:
        self.steps.setHtml(f"<p>{EXPORT_STEPS.get(name, '')}</p>")


class WelcomeDialog(QDialog):
    """Returns its choice in ``choice``: ``"demo"``, ``"import"`` or ``""`` (closed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice = ""
        self.setWindowTitle("Welcome to ppdesk")
        self.setMinimumSize(620, 480)
        title = QLabel("Welcome to ppdesk")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        title.setFont(font)
        intro = QLabel(
            "ppdesk reads your store's order export and shows you what customers buy together "
            "and when they come back, then helps you set up the thank-you page offer and the "
            "follow-up emails. Everything stays on this computer."
        )
        intro.setWordWrap(True)
        self.demo_button = QPushButton("Try the demo store")
        self.demo_button.setToolTip(
            "Opens a made-up store with a year of orders; your own data is not touched."
        )
        self.import_button = QPushButton("Import my orders")
        self.import_button.setDefault(True)
        for button in (self.demo_button, self.import_button):
            button.setMinimumHeight(44)
        self.demo_button.clicked.connect(lambda: self._choose("demo"))
        self.import_button.clicked.connect(lambda: self._choose("import"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.demo_button)
        buttons.addWidget(self.import_button)
        where = QLabel("<b>Where do I find my order export?</b>")
        where.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(title)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(where)
        layout.addWidget(ExportHelp(self), 1)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()

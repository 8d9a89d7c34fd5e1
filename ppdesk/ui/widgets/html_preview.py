"""Live HTML preview in a real browser engine (QWebEngineView), with a plain fallback.

Snippets and emails are previewed in Chromium (QtWebEngine) so what the merchant
sees is what a browser or mail client shows. Where QtWebEngine cannot start
(no GPU/GL on a headless test machine prints warnings; some minimal Linux
installs lack it) ``PPDESK_HTML_PREVIEW=text`` or a failed import selects a
QTextBrowser, which renders simple HTML; the test suite uses that fallback.
Scripts never run in the preview: JavaScript is disabled (the countdown of an
offer snippet shows its static fallback text).
"""

from __future__ import annotations

import os

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QTextBrowser, QWidget

DESKTOP_WIDTH = 0  # 0: as wide as the pane
MOBILE_WIDTH = 390


def webengine_available() -> bool:
    """True when the real browser engine should be used for previews."""
    if os.environ.get("PPDESK_HTML_PREVIEW", "").lower() == "text":
        return False
    try:
        import PySide6.QtWebEngineWidgets  # noqa: F401
    except ImportError:
        return False
    return True


class HtmlPreview(QFrame):
    """Shows an HTML document at desktop or mobile width.

    Signals:
        rendered(): the preview finished loading the latest HTML.
    """

    rendered = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._html = ""
        self.uses_webengine = webengine_available()
        if self.uses_webengine:
            from PySide6.QtWebEngineCore import QWebEngineSettings
            from PySide6.QtWebEngineWidgets import QWebEngineView

            view = QWebEngineView(self)
            attrs = view.settings()
            attrs.setAttribute(QWebEngineSettings.WebAttribute.JavascriptEnabled, False)
            attrs.setAttribute(
                QWebEngineSettings.WebAttribute.LocalContentCanAccessRemoteUrls, False
            )
            view.loadFinished.connect(lambda _ok: self.rendered.emit())
            self.view: QWidget = view
        else:
            browser = QTextBrowser(self)
            browser.setOpenLinks(False)
            self.view = browser
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addStretch(0)
        layout.addWidget(self.view, 1)
        layout.addStretch(0)
        self.setMinimumSize(300, 240)

    def set_html(self, html: str) -> None:
        self._html = html
        if self.uses_webengine:
            self.view.setHtml(html)  # type: ignore[attr-defined]
        else:
            self.view.setHtml(html)  # type: ignore[attr-defined]
            self.rendered.emit()

    def html(self) -> str:
        return self._html

    def set_width(self, pixels: int) -> None:
        """Constrain the page to ``pixels`` wide (a phone) or 0 for the full pane."""
        if pixels > 0:
            self.view.setFixedWidth(pixels)
        else:
            self.view.setMinimumWidth(0)
            self.view.setMaximumWidth(16777215)
        self.layout().setAlignment(self.view, Qt.AlignmentFlag.AlignHCenter)

"""No jargon or leaked internals in what a merchant sees (issue 14, item 7).

Every page is opened on the demo store (with a Live flow, so the outbox has rows) and on an
empty store; the text of every visible widget (labels, buttons, tab and table headers, table
cells of the first rows, tooltips, placeholders) must not contain statistics jargon,
command-line flags, exception class names, internal flow names or UTC timestamps.
"""

from __future__ import annotations

import re

import pytest
from page_helpers import show_page
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QTabWidget,
    QTextEdit,
    QToolButton,
    QWidget,
)
from test_pages_read_only import PAGE_CLASSES

from ppdesk.core.flows import states
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.base import Page
from ppdesk.ui.tasks import running_tasks

FORBIDDEN = [
    (re.compile(r"newcombe|welch|z-test|p[ -]value|\bp\s*[<=]|confidence interval|\bCI\b",
                re.IGNORECASE), "statistics jargon"),
    (re.compile(r"hold ?out \d|chance of a coincidence \d|0\.\d+ *\(share\)", re.IGNORECASE),
     "a setting as a bare fraction"),
    (re.compile(r"(?<![\w-])--[a-z]"), "a command-line flag"),
    (re.compile(r"'ppdesk [a-z]"), "a command to type"),
    (re.compile(r"\b\w*(Error|Exception)\b|gaierror|Errno|Traceback"), "an exception name"),
    # "a review request" is English; "review" alone in a cell, "the review flow" is the code
    (re.compile(r"^\s*(replenishment|loyalty|review)\s*$|\b(replenishment|loyalty|review) flow"
                r"|'(replenishment|loyalty|review)'"), "an internal flow name"),
    (re.compile(r"\b[a-z]+_[a-z_]+\b"), "an internal field name"),
    # issue 14 walkthrough: words taken off Pairs, Timing, Flows and Outbox, kept off
    (re.compile(r"^\s*holdout\s*$|holdout group|fluke rate|\(corrected\)|frequency cap|\bemail\(s\)"
                r"|\b[AB] → [AB]\b|\bconfidence \d|\blift \d|\d(\.\d+)?x as often"
                r"|\d x the median|\brule: at most \d|\d+ vs \d+ gaps", re.IGNORECASE),
     "jargon a merchant does not read"),
    # "UTC" alone is a time zone a merchant may pick; "(UTC)" and ISO text are raw timestamps
    (re.compile(r"(?<!^)(?<!Etc/)\bUTC\b|\(UTC\)|\d\d:\d\d:\d\dZ|\d{4}-\d\d-\d\dT\d\d"),
     "a UTC timestamp"),
]


def _table_texts(view: QAbstractItemView) -> list[str]:
    model = view.model()
    if model is None:
        return []
    out = []
    for col in range(model.columnCount()):
        for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            value = model.headerData(col, Qt.Orientation.Horizontal, role)
            if value:
                out.append(str(value))
    for row in range(min(model.rowCount(), 30)):
        for col in range(model.columnCount()):
            value = model.data(model.index(row, col), Qt.ItemDataRole.DisplayRole)
            if value:
                out.append(str(value))
    return out


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(widget class, text) for everything a merchant can read on ``root`` as it is shown."""
    found: list[tuple[str, str]] = []
    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root):
            continue
        kind = type(widget).__name__
        texts = [widget.toolTip()]
        if isinstance(widget, QLabel | QAbstractButton):
            texts.append(widget.text())
        elif isinstance(widget, QLineEdit):
            texts += [widget.text(), widget.placeholderText()]
        elif isinstance(widget, QTextEdit):
            texts.append(widget.toPlainText())
        elif isinstance(widget, QGroupBox):
            texts.append(widget.title())
        elif isinstance(widget, QComboBox):
            texts += [widget.itemText(i) for i in range(widget.count())]
        elif isinstance(widget, QTabWidget):
            texts += [widget.tabText(i) for i in range(widget.count())]
            texts += [widget.tabToolTip(i) for i in range(widget.count())]
        elif isinstance(widget, QDoubleSpinBox):
            # a share or probability shows as a percent ("10%"), never as "0.10"
            if 0 < widget.maximum() <= 1 and "%" not in widget.suffix():
                texts.append(f"{widget.text()} (share)")
        elif isinstance(widget, QAbstractItemView):
            texts += _table_texts(widget)
        found += [(kind, t) for t in texts if t]
    return found


def problems(root: QWidget) -> list[str]:
    out = []
    for kind, text in visible_texts(root):
        # rich text: the tags are not read, their words are
        words = re.sub(r"<[^>]+>", " ", text)
        for pattern, what in FORBIDDEN:
            hit = pattern.search(words)
            if hit:
                out.append(f"{kind}: {what} {hit.group(0)!r} in {words[:160]!r}")
    return out


def _open(qtbot, ctx: AppContext, page_class: type[Page]) -> Page:
    page = show_page(qtbot, page_class(ctx), (1280, 720), exposed=True)
    qtbot.wait(50)
    return page


@pytest.mark.parametrize("page_class", PAGE_CLASSES, ids=lambda c: c.__name__)
def test_no_jargon_on_a_page_of_the_demo_store(qtbot, demo_ctx: AppContext,
                                               page_class: type[Page]) -> None:
    states.go_live(demo_ctx.store, ["cross_sell", "review"], overdue="send",
                   now="2026-11-01T12:00:00Z")
    page = _open(qtbot, demo_ctx, page_class)
    try:
        found = problems(page)
        # every tab, and every "How is this computed?"-style expander, opened in turn
        for tabs in page.findChildren(QTabWidget):
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                qtbot.wait(10)
                found += problems(page)
        for button in page.findChildren(QToolButton):
            if button.isCheckable() and button.isVisibleTo(page):
                button.setChecked(True)
                qtbot.wait(10)
                found += problems(page)
        assert found == [], "\n".join(dict.fromkeys(found))
    finally:
        page.shutdown()


@pytest.mark.parametrize("page_class", PAGE_CLASSES, ids=lambda c: c.__name__)
def test_no_jargon_on_a_page_of_an_empty_store(qtbot, empty_ctx: AppContext,
                                               page_class: type[Page]) -> None:
    page = _open(qtbot, empty_ctx, page_class)
    try:
        found = problems(page)
        assert found == [], "\n".join(found)
    finally:
        page.shutdown()


def test_the_check_finds_jargon(qtbot) -> None:
    """The scan itself: each kind of leak planted in a widget is reported."""
    root = QWidget()
    qtbot.addWidget(root)
    for text in ("Rate p value", "Hold out 0.10", "use --complement KEY",
                 "gaierror: [Errno -2] Name or service not known", "the review flow",
                 "Due (UTC)", "2026-03-14T09:00:00Z", "holdout group: gets no flow email",
                 "Fluke rate (corrected)", "at most 1 email(s) in 3 days", "A → B",
                 "confidence 61% · lift 11.62", "13.9x as often as chance",
                 "spread 2.06 x the median; rule: at most 1", "1 in 7 vs 137 gaps"):
        label = QLabel(text, root)
        label.show()
    root.show()
    found = problems(root)
    assert len(found) >= 15
    assert sum("jargon a merchant does not read" in p for p in found) == 8
    assert any("command-line flag" in p for p in found)
    assert any("exception name" in p for p in found)


def test_no_jargon_in_a_customer_record(qtbot, demo_ctx: AppContext) -> None:
    """A customer with planned emails: flow names and times as the merchant reads them."""
    from ppdesk.core.flows import outbox
    from ppdesk.ui.pages.customer_page import CustomerPage

    states.go_live(demo_ctx.store, ["review"], overdue="send", now="2026-11-01T12:00:00Z")
    rows = outbox.list_messages(demo_ctx.store)
    email = str(rows.loc[rows["flow"] == "review", "email"].iloc[0])
    page = _open(qtbot, demo_ctx, CustomerPage)
    try:
        page.email.setText(email)
        page.show_record()
        qtbot.waitUntil(lambda: page.emails_model.rowCount() > 0, timeout=60000)
        qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
        found = problems(page)
        assert found == [], "\n".join(found)
        assert "Review request" in {page.emails_model.data(page.emails_model.index(r, 0))
                                    for r in range(page.emails_model.rowCount())}
    finally:
        page.shutdown()


def test_home_asks_once_to_confirm_the_zone_and_currency(qtbot, demo_store) -> None:
    """After an import, Home shows the zone and currency read from the orders until confirmed."""
    from ppdesk.core.settings import load_settings, save_settings
    from ppdesk.ui.pages.home_page import HomePage

    settings = load_settings(demo_store)
    settings.store.time_zone, settings.store.currency = "UTC", "EUR"   # as a new store has
    save_settings(demo_store, settings)
    ctx = AppContext(demo_store)           # the merchant's own store, not the demo banner
    page = _open(qtbot, ctx, HomePage)
    try:
        assert page.locale_bar.isVisibleTo(page)
        text = page.locale_bar.text.text()
        assert "America/New_York" in text and "USD" in text, text
        page.locale_bar.confirm_button.click()
        qtbot.waitUntil(lambda: load_settings(demo_store).store.locale_confirmed, timeout=20000)
        saved = load_settings(demo_store).store
        assert (saved.time_zone, saved.currency) == ("America/New_York", "USD")
        page.refresh()
        qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
        # the bar says what is used now, with Undo, until the merchant leaves the page
        assert page.locale_bar.text.text() == (
            "Times in New York time (America/New_York), amounts in USD.")
        assert page.locale_bar.undo_button.isVisibleTo(page)
        again = _open(qtbot, ctx, HomePage)
        assert not again.locale_bar.isVisibleTo(again)
        again.shutdown()
    finally:
        page.shutdown()


def test_chances_show_as_percents() -> None:
    import pandas as pd

    from ppdesk.ui.models.dataframe_model import format_column

    shown = format_column(pd.Series([0.0004, 0.032, 0.5, None]), "pvalue").tolist()
    assert shown == ["< 0.1%", "3.2%", "50.0%", "—"]

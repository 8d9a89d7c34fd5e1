"""The email editor as a form (issue 14) on the real Flows page, with the real store, the
real planner and sender, and the loopback SMTP server.

The store (hand-built): twelve old orders of a+b+c and twenty of d, so that b and c go
with a; Ann, Bob and Cy each ordered a 3 days ago (their cross-sell is due). Nothing is
Live until a test makes it so.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest
from flow_builders import StoreBuilder, utc_minutes
from loopback_smtp import USER, LoopbackSmtp, configure, file_keyring, smtp_server  # noqa: F401
from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QTextCursor
from PySide6.QtWidgets import QMessageBox
from store_snapshot import snapshot

from ppdesk.core.emails.content import DEFAULTS, load_content
from ppdesk.core.flows import states
from ppdesk.core.sending.sender import send_due
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.flows_page import EDIT_TAB, FlowsPage
from ppdesk.ui.tasks import running_tasks
from ppdesk.ui.widgets.content_editor import ContentEditor

NAMES = {"ann@example.org": "Ann", "bob@example.org": "Bob", "cy@example.org": "Cy"}


@pytest.fixture
def shop(home: Path, smtp_server: LoopbackSmtp, file_keyring: object,  # noqa: F811
         monkeypatch: pytest.MonkeyPatch) -> StoreBuilder:
    monkeypatch.setenv("SSL_CERT_FILE", str(smtp_server.ca_file))   # verification stays on
    builder = StoreBuilder(home, live=False)
    builder.bulk_orders([(f"old{i}@example.org", utc_minutes(-dt.timedelta(days=40 - i)),
                          ["a", "b", "c"]) for i in range(12)])
    builder.bulk_orders([(f"dee{i}@example.org", utc_minutes(-dt.timedelta(days=40 - i)), ["d"])
                         for i in range(20)])
    configure(builder, smtp_server)
    builder.settings(quiet_start_hour=0, quiet_end_hour=0, replenishment_enabled=False,
                     analytics__min_orders_together=3)
    for i, (email, name) in enumerate(NAMES.items()):
        builder.customer(email, first_name=name)
        builder.order(email, utc_minutes(-dt.timedelta(days=3, minutes=10 * i)), ["a"])
    return builder


def _settled(editor: ContentEditor) -> bool:
    return (editor.last_email is not None and not running_tasks()
            and not editor._debounce.isActive())


def _editor(qtbot, ctx: AppContext) -> tuple[FlowsPage, ContentEditor]:
    page = FlowsPage(ctx)
    qtbot.addWidget(page, before_close_func=lambda w: w.shutdown())   # no late results
    page.resize(1280, 720)
    page.show()
    page.refresh()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
    page.tabs.setCurrentIndex(EDIT_TAB)          # as a click on the tab does
    editor = page.editor
    assert editor is not None
    qtbot.waitUntil(lambda: _settled(editor), timeout=60000)
    return page, editor


def _type(qtbot, widget, text: str) -> None:
    """Type at the end of the field, key by key, as the merchant does."""
    widget.setFocus()
    if hasattr(widget, "moveCursor"):
        widget.moveCursor(QTextCursor.MoveOperation.End)
    else:
        widget.end(False)
    qtbot.keyClicks(widget, text)


def _answer(qtbot, editor: ContentEditor, button: QMessageBox.StandardButton,
            asked: list[str]) -> None:
    """Click ``button`` of the guard's box as soon as it is open (it runs its own loop)."""
    def click() -> None:
        box = editor.guard_box
        if box is None or not box.isVisible():
            QTimer.singleShot(20, click)
            return
        asked.append(box.text())
        box.button(button).click()

    QTimer.singleShot(0, click)


def _first_name_of(store_path: Path, customer_id: int) -> str:
    with sqlite3.connect(store_path) as conn:
        return str(conn.execute("SELECT first_name FROM customers WHERE id = ?",
                                (customer_id,)).fetchone()[0])


def test_typing_shows_in_the_preview_as_text_once_per_pause(qtbot, demo_ctx) -> None:
    page, editor = _editor(qtbot, demo_ctx)
    before = snapshot(demo_ctx.store)
    renders: list[bool] = []
    editor.previewed.connect(renders.append)
    _type(qtbot, editor.field("intro"), " Hello <b>friend</b> & co")
    qtbot.waitUntil(lambda: _settled(editor) and bool(renders), timeout=30000)
    html = editor.preview.html()
    assert "Hello &lt;b&gt;friend&lt;/b&gt; &amp; co" in html      # the merchant's text ...
    assert "<b>friend</b>" not in html                             # ... never markup
    assert renders == [True]          # 24 keystrokes, one render: the debounce held them
    assert editor.state.text() == "Unsaved changes"
    assert snapshot(demo_ctx.store) == before                      # previewing writes nothing
    editor.phone.setChecked(True)
    assert editor.preview.view.width() == 375
    editor.computer.setChecked(True)
    assert editor.preview.view.width() == 600


def test_the_customer_picker_finds_and_previews_a_real_customer(qtbot, demo_ctx) -> None:
    page, editor = _editor(qtbot, demo_ctx)
    assert editor.customer.count() > 5
    _type(qtbot, editor.search, "mia")
    qtbot.waitUntil(lambda: not editor._search_timer.isActive() and _settled(editor)
                    and "mia" in editor.customer.itemText(0).lower(), timeout=30000)
    labels = [editor.customer.itemText(i).lower() for i in range(editor.customer.count())]
    assert labels and all("mia" in t for t in labels)
    cid = editor.customer.currentData()
    name = _first_name_of(demo_ctx.store.db_path, cid)
    assert name.lower().startswith("mia")
    qtbot.waitUntil(lambda: _settled(editor) and name in editor.subject_line.text()
                    + editor.preview.html(), timeout=30000)
    assert f"{name}" in editor.preview.html()


def test_a_token_button_inserts_at_the_cursor(qtbot, demo_ctx) -> None:
    page, editor = _editor(qtbot, demo_ctx)
    subject = editor.field("subject")
    assert subject.text() == "Your {Product} ships soon: here is what goes with it"
    subject.setFocus()
    subject.setCursorPosition(len("Your {Product} ships soon"))
    editor.token_buttons["first_name"].click()
    assert subject.text() == "Your {Product} ships soon{First name}: here is what goes with it"
    assert subject.hasFocus()                        # the cursor stays in the field
    assert editor.current_content().subject == (
        "Your {product} ships soon{first_name}: here is what goes with it")
    name = _first_name_of(demo_ctx.store.db_path, editor.customer.currentData())
    qtbot.waitUntil(lambda: _settled(editor) and f"soon{name}:" in editor.subject_line.text(),
                    timeout=30000)


def test_save_persists_and_reset_restores_ppdesk_words(qtbot, demo_ctx) -> None:
    page, editor = _editor(qtbot, demo_ctx)
    store = demo_ctx.store
    heading = editor.field("heading")
    heading.setFocus()
    heading.selectAll()
    qtbot.keyClicks(heading, "Thank you, ")
    editor.token_buttons["first_name"].click()
    assert load_content(store, "cross_sell") == DEFAULTS["cross_sell"]   # not saved yet
    editor.save_button.click()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)
    assert load_content(store, "cross_sell").heading == "Thank you, {first_name}"
    assert editor.state.text() == ""

    editor.reset_button.click()                       # ppdesk's words back in the form ...
    assert heading.text() == "Your {Product} is almost on its way, {First name}"
    assert load_content(store, "cross_sell").heading == "Thank you, {first_name}"   # ... only
    assert editor.reset_button.text() == "Undo reset"
    editor.reset_button.click()
    assert heading.text() == "Thank you, {First name}"
    editor.reset_button.click()
    editor.save_button.click()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)
    assert load_content(store, "cross_sell") == DEFAULTS["cross_sell"]


def test_an_unknown_fill_in_is_named_and_not_saved(qtbot, demo_ctx) -> None:
    page, editor = _editor(qtbot, demo_ctx)
    _type(qtbot, editor.field("subject"), " {Frist name}")
    editor.save_button.click()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)
    assert any("Subject line: “{Frist name}” is not something ppdesk can fill in" in t
               for t in editor.messages.texts())
    assert load_content(demo_ctx.store, "cross_sell") == DEFAULTS["cross_sell"]


def test_the_guard_asks_on_flow_switch_tab_and_close(qtbot, demo_ctx) -> None:
    from ppdesk.ui.main_window import MainWindow

    window = MainWindow(demo_ctx)
    qtbot.addWidget(window)
    window.resize(1280, 720)
    window.show()
    window.show_page("flows")
    page = window.pages["flows"]
    assert isinstance(page, FlowsPage)
    qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
    page.tabs.setCurrentIndex(EDIT_TAB)
    editor = page.editor
    qtbot.waitUntil(lambda: _settled(editor), timeout=60000)
    store = demo_ctx.store
    _type(qtbot, editor.field("closing"), " See you soon!")
    asked: list[str] = []

    # another flow: Cancel stays, edits kept
    _answer(qtbot, editor, QMessageBox.StandardButton.Cancel, asked)
    editor.flow.setCurrentIndex(editor.flow.findData("review"))
    editor.flow.activated.emit(editor.flow.currentIndex())
    assert asked == ["Save your changes to the “Cross-sell after 48 hours” email?"]
    assert editor.flow.currentData() == "cross_sell" and editor.flow_key == "cross_sell"
    assert editor.field("closing").toPlainText().endswith("See you soon!")

    # another tab of the page: Save, then it leaves
    _answer(qtbot, editor, QMessageBox.StandardButton.Save, asked)
    page.tabs.setCurrentIndex(0)
    assert len(asked) == 2 and page.tabs.currentIndex() == 0
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)
    assert load_content(store, "cross_sell").closing.endswith("See you soon!")

    # another page of the window: Cancel keeps the merchant on the Flows page
    page.tabs.setCurrentIndex(EDIT_TAB)
    _type(qtbot, editor.field("heading"), " again")
    _answer(qtbot, editor, QMessageBox.StandardButton.Cancel, asked)
    window.show_page("outbox")
    assert len(asked) == 3 and window.current_key() == "flows"

    # the other store (File menu): Cancel keeps this one
    switched: list[bool] = []
    window.switch_store_requested.connect(switched.append)
    _answer(qtbot, editor, QMessageBox.StandardButton.Cancel, asked)
    next(a for a in window.findChildren(QAction) if a.text() == "Open &my store").trigger()
    assert len(asked) == 4 and switched == []

    # closing the window: Cancel keeps it open, Discard closes without saving
    _answer(qtbot, editor, QMessageBox.StandardButton.Cancel, asked)
    assert not window.close()
    assert len(asked) == 5 and window.isVisible()
    _answer(qtbot, editor, QMessageBox.StandardButton.Discard, asked)
    assert window.close()
    assert len(asked) == 6
    assert not load_content(store, "cross_sell").heading.endswith("again")


def test_send_me_a_test_sends_the_unsaved_words_to_the_merchant_only(
        qtbot, shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:  # noqa: F811
    ctx = AppContext(shop.store)
    page, editor = _editor(qtbot, ctx)
    _type(qtbot, editor.field("intro"), " Not saved <i>yet</i>.")
    before = snapshot(shop.store)
    editor.test_button.click()
    qtbot.waitUntil(lambda: not running_tasks() and len(smtp_server.received) == 1,
                    timeout=60000)
    got = smtp_server.received[0]
    assert got.rcpt_tos == [USER]                    # the merchant's own address, nobody else
    assert not set(NAMES) & {a.lower() for a in got.rcpt_tos}
    html = got.message.get_body(("html",)).get_content()
    assert "Not saved &lt;i&gt;yet&lt;/i&gt;." in html
    assert str(got.message["Subject"]).startswith("[Test] ")
    assert snapshot(shop.store) == before            # no outbox row, no saved words
    assert any("Test email sent to shop@example.com" in t for t in editor.messages.texts())


def test_a_form_edit_reaches_the_sent_email(
        qtbot, shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:  # noqa: F811
    """Edit in the form, save, make the flow Live on the page, send with the real sender."""
    ctx = AppContext(shop.store)
    page, editor = _editor(qtbot, ctx)
    subject = editor.field("subject")
    subject.setFocus()
    subject.selectAll()
    qtbot.keyClicks(subject, "Tea time, ")
    editor.token_buttons["first_name"].click()
    qtbot.keyClicks(subject, ": pairs <b>for</b> your ")
    editor.token_buttons["product"].click()
    _type(qtbot, editor.field("intro"), " Brewed with care & love.")
    editor.save_button.click()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=30000)

    page.tabs.setCurrentIndex(0)                     # saved: the guard lets it go silently
    assert page.tabs.currentIndex() == 0
    page.state_buttons["cross_sell"].click()
    qtbot.waitUntil(lambda: page.live_box is not None, timeout=60000)
    send = next(b for b in page.live_box.buttons() if b.text() == "Go Live, send the overdue too")
    send.click()
    qtbot.waitUntil(lambda: page.state_labels["cross_sell"].text() == "<b>Live</b>"
                    and not running_tasks(), timeout=60000)
    assert states.load_states(shop.store)["cross_sell"] == "live"
    summary = send_due(shop.store, ssl_context=smtp_server.client_ctx)
    assert summary.sent == 3, summary
    by_to = {r.rcpt_tos[0]: r.message for r in smtp_server.received}
    assert set(by_to) == set(NAMES)
    for email, name in NAMES.items():
        msg = by_to[email]
        assert str(msg["Subject"]) == f"Tea time, {name}: pairs <b>for</b> your A"
        html = msg.get_body(("html",)).get_content()
        text = msg.get_body(("plain",)).get_content()
        assert "Brewed with care &amp; love." in html
        assert "Brewed with care & love." in text


def test_the_editor_speaks_plain_words_on_every_flow(qtbot, demo_ctx) -> None:
    """test_plain_words' scan on the editor itself, each flow and the Advanced tab."""
    from test_plain_words import problems

    page, editor = _editor(qtbot, demo_ctx)
    found: list[str] = []
    for flow in ("cross_sell", "replenishment", "review", "loyalty"):
        editor.load(flow)
        qtbot.waitUntil(lambda f=flow: editor.flow_key == f and _settled(editor),
                        timeout=60000)
        assert editor.field("subject").text() and "{" in editor.field("intro").toPlainText()
        found += problems(page)
    editor.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
    found += problems(page)
    assert found == [], "\n".join(dict.fromkeys(found))


ENGINE_SCRIPT = r"""
import os, sys
from ppdesk.ui.app import prepare_qt_environment
prepare_qt_environment()
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
from ppdesk.core.store import open_store
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.flows_page import EDIT_TAB, FlowsPage
page = FlowsPage(AppContext(open_store(os.environ["PPDESK_HOME"])))
page.resize(1280, 720)
page.show()
page.refresh()
print("ENGINE_AFTER_PAGE:", "PySide6.QtWebEngineWidgets" in sys.modules)
page.tabs.setCurrentIndex(EDIT_TAB)
editor = page.editor
print("ENGINE_IN_EDITOR:", editor.preview.uses_webengine)
seen = []
def check():
    editor.preview.view.page().toPlainText(lambda text: (seen.append(text), app.quit()))
editor.preview.rendered.connect(check)
QTimer.singleShot(60000, app.quit)
app.exec()
page.shutdown()
print("TEXT:" + (seen[0].replace(chr(10), " ") if seen else "<none>"))
"""


def test_the_browser_engine_loads_with_the_editor_not_the_page(tmp_path: Path) -> None:
    """With the real QtWebEngine (a child process, as test_html_preview_engine): opening the
    Flows page does not load it; the editor's tab does, and its preview renders the email (a
    store without customers previews the made-up sample)."""
    import os
    import subprocess
    import sys

    pytest.importorskip("PySide6.QtWebEngineWidgets")
    env = {k: v for k, v in os.environ.items() if k != "PPDESK_HTML_PREVIEW"}
    env["QT_QPA_PLATFORM"] = "offscreen"
    root = str(Path(__file__).resolve().parents[2])   # this checkout, whatever the cwd
    env["PYTHONPATH"] = os.pathsep.join([root, *filter(None, [env.get("PYTHONPATH")])])
    out = subprocess.run([sys.executable, "-c", ENGINE_SCRIPT], env=env, capture_output=True,
                         text=True, timeout=180, cwd=tmp_path)
    lines = dict(ln.split(":", 1) for ln in out.stdout.splitlines() if ":" in ln)
    assert lines.get("ENGINE_AFTER_PAGE", "").strip() == "False", out.stderr[-2000:]
    assert lines.get("ENGINE_IN_EDITOR", "").strip() == "True", out.stderr[-2000:]
    assert "is almost on its way" in lines.get("TEXT", ""), out.stderr[-2000:]


def test_the_loyalty_offer_switch_swaps_the_words_kept_as_ppdesks(qtbot, demo_ctx) -> None:
    """The form shows what the email says: ppdesk's reward words become its subscription
    words when the offer switches (words the merchant changed stay theirs)."""
    page, editor = _editor(qtbot, demo_ctx)
    editor.load("loyalty")
    qtbot.waitUntil(lambda: editor.flow_key == "loyalty" and _settled(editor), timeout=60000)
    subject, offer = editor.field("subject"), editor.field("offer")
    assert subject.text() == "{First name}, thank you for coming back for the {Product}"
    editor.field("heading").setText("Hello again")            # the merchant's own words
    offer.setCurrentIndex(offer.findData("subscription"))
    assert subject.text() == ("{First name}, your {Product} {Their rhythm}, without thinking "
                              "about it")
    assert editor.field("main_button_text").text() == "Subscribe"
    assert editor.field("heading").text() == "Hello again"
    offer.setCurrentIndex(offer.findData("loyalty"))
    assert subject.text() == "{First name}, thank you for coming back for the {Product}"
    assert editor.field("main_button_text").text() == "Use my reward"

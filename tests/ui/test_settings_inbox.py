"""Settings: the mailbox (IMAP) section saves its password to the keyring and checks Dovecot."""

from __future__ import annotations

import pytest
from imap_server import PASSWORD, USER, Dovecot, dovecot  # noqa: F401
from keyrings.alt.file import PlaintextKeyring
from loopback_smtp import file_keyring  # noqa: F401

from ppdesk.core import secrets
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.settings_page import SettingsPage
from ppdesk.ui.tasks import running_tasks


def _settle(qtbot) -> None:
    qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
    qtbot.wait(20)


def test_save_the_imap_password_and_check_the_mailbox(
        qtbot, empty_ctx: AppContext, dovecot: Dovecot,  # noqa: F811
        file_keyring: PlaintextKeyring, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.ca_file))
    settings = load_settings(empty_ctx.store)
    settings.sending.allow_plaintext_keyring = True
    save_settings(empty_ctx.store, settings)
    dovecot.append("INBOX", [b"From: MAILER-DAEMON@mx.example.org\r\nTo: shop@example.com\r\n"
                             b"Subject: Undelivered Mail Returned to Sender\r\n"
                             b"Message-ID: <b1@mx.example.org>\r\n\r\n"
                             b"<gone@example.org>: host mx said: 550 5.1.1 User unknown\r\n"])
    page = SettingsPage(empty_ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh()
    _settle(qtbot)
    page.form.widget("inbox", "host").setText("127.0.0.1")  # type: ignore[attr-defined]
    page.form.widget("inbox", "port").setValue(dovecot.port)  # type: ignore[attr-defined]
    page.form.widget("inbox", "username").setText(USER)  # type: ignore[attr-defined]
    page.imap_password.setText(PASSWORD)
    page.save()
    _settle(qtbot)
    assert secrets.get_password("127.0.0.1", USER, allow_plaintext=True,
                                service=secrets.IMAP_SERVICE) == PASSWORD
    assert page.imap_password.text() == ""
    assert load_settings(empty_ctx.store).inbox.port == dovecot.port
    page.inbox_button.click()
    _settle(qtbot)
    text = " ".join(page.messages.texts())
    assert "Read 1 new messages: 0 unsubscribes, 1 bounces" in text, text
    page.shutdown()

"""The app reads the mailbox on a timer and shows a failed background run at start."""

from __future__ import annotations

import pytest
from imap_server import PASSWORD, USER, Dovecot, dovecot  # noqa: F401
from keyrings.alt.file import PlaintextKeyring
from loopback_smtp import file_keyring  # noqa: F401

from ppdesk.core import secrets
from ppdesk.core.errors import EnvironmentProblem
from ppdesk.core.schedule_runs import recorded_run
from ppdesk.core.settings import load_settings, save_settings
from ppdesk.ui.background import MailboxTimer
from ppdesk.ui.context import AppContext
from ppdesk.ui.main_window import MainWindow


def test_a_failed_scheduled_run_is_shown_at_start(qtbot, empty_ctx: AppContext) -> None:
    with pytest.raises(EnvironmentProblem), recorded_run(empty_ctx.store, "send-due"):
        raise EnvironmentProblem("smtp.example.com refused the username or password")
    window = MainWindow(empty_ctx)
    qtbot.addWidget(window)
    message = window.statusBar().currentMessage()
    # in words, not the command's name, and the start time in the store's zone (not UTC text)
    assert "The last automatic sending (" in message and "refused the username" in message
    assert "send-due" not in message and "Z)" not in message
    window.shutdown()


def test_the_timer_checks_the_mailbox_in_the_background(
        qtbot, empty_ctx: AppContext, dovecot: Dovecot,  # noqa: F811
        file_keyring: PlaintextKeyring, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setenv("SSL_CERT_FILE", str(dovecot.ca_file))
    settings = load_settings(empty_ctx.store)
    settings.sending.allow_plaintext_keyring = True
    settings.inbox.host, settings.inbox.port, settings.inbox.username = \
        "127.0.0.1", dovecot.port, USER
    save_settings(empty_ctx.store, settings)
    empty_ctx.settings_changed.emit()
    secrets.store_password("127.0.0.1", USER, PASSWORD, allow_plaintext=True,
                           service=secrets.IMAP_SERVICE)
    dovecot.append("INBOX", [b"From: ann@example.org\r\nTo: shop@example.com\r\n"
                             b"Subject: unsubscribe\r\nMessage-ID: <u1@example.org>\r\n\r\n"
                             b"unsubscribe\r\n"])
    timer = MailboxTimer(empty_ctx)
    assert timer.start() == []
    with qtbot.waitSignal(timer.checked, timeout=60000) as blocker:
        timer.timer.timeout.emit()     # what the timer does every few minutes
    assert blocker.args == ["Mailbox checked: 1 unsubscribes, 0 bounces, 0 complaints."]
    timer.shutdown()

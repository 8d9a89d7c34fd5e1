"""Checking the SMTP account, and "send me a test": one rendered email to the merchant.

Neither touches the outbox. The test email is a real flow template rendered for a
real customer when the store has one (else a sample), with the saved words or the
editor's unsaved ones, sent to the merchant's own address (never the customer's) with a
random Message-ID, so the merchant sees exactly what customers get.
"""

from __future__ import annotations

import datetime as dt
import secrets as pysecrets
import ssl
from typing import TYPE_CHECKING

from ppdesk.core.errors import EnvironmentProblem
from ppdesk.core.sending import message as mm
from ppdesk.core.sending.presets import PRESETS
from ppdesk.core.sending.sender import account_from, password_for
from ppdesk.core.sending.smtp import Connection, Outcome, Status
from ppdesk.core.settings import Settings, load_settings
from ppdesk.core.store import Store

if TYPE_CHECKING:   # the email modules load with the first test send, not with the sender
    from ppdesk.core.emails.content import EmailContent


def check_account(settings: Settings, *, password: str | None = None,
                  ssl_context: ssl.SSLContext | None = None) -> str:
    """Connect, secure, log in and NOOP; a plain sentence on success, EnvironmentProblem if not."""
    preset = PRESETS.get(settings.sending.preset)
    if preset is not None and not preset.password_login:
        raise EnvironmentProblem(preset.note)
    account = account_from(settings)
    conn = Connection(account, password if password is not None else password_for(settings),
                      context=ssl_context)
    conn.connect()
    try:
        code, text = conn.noop()
    finally:
        conn.close()
    who = f" as {account.username}" if account.username else ""
    return (f"Connected to {account.host}:{account.port} ({account.security.upper()}, "
            f"certificate verified) and logged in{who}; the server answered {code} {text}.")


def send_test(store: Store, to: str | None = None, *, kind: str = "cross_sell",
              content: EmailContent | None = None, customer_id: int | None = None,
              settings: Settings | None = None, password: str | None = None,
              ssl_context: ssl.SSLContext | None = None) -> Outcome:
    """Send one rendered ``kind`` email to ``to`` (default: the sender address itself).

    Args:
        content: the words to use (the editor's unsaved edits); None: the saved words.
        customer_id: whose order the email is about (None: the preview chooser's
            customer, or the sample on a store without customers). The email still goes
            to ``to`` only: never to that customer.
    """
    from ppdesk.core.emails import render_email, unsubscribe_mailto
    from ppdesk.core.emails.preview import context_for

    settings = settings or load_settings(store)
    account = account_from(settings)
    recipient = mm.check_address(to or account.from_address, "test recipient")
    context, _sample = context_for(store, kind, content, customer_id, settings=settings)
    rendered = render_email(store, kind, context, settings=settings)
    domain = account.from_address.rpartition("@")[2]
    msg = mm.build(outbox_id=0, msg_id=f"<ppdesk.test.{pysecrets.token_hex(8)}@{domain}>",
                   sender_name=settings.store.sender_name or settings.store.name,
                   from_address=account.from_address, to=recipient,
                   subject=f"[Test] {rendered.subject}", html=rendered.html, text=rendered.text,
                   reply_to=settings.store.reply_to,
                   unsubscribe_mailto=unsubscribe_mailto(settings, recipient),
                   unsubscribe_url=settings.sending.unsubscribe_url, when=dt.datetime.now(dt.UTC))
    conn = Connection(account, password if password is not None else password_for(settings),
                      context=ssl_context)
    conn.connect()
    try:
        outcome = conn.send(account.from_address, recipient, mm.wire_bytes(msg))
    finally:
        conn.close()
    if outcome.status is not Status.SENT:
        raise EnvironmentProblem(f"The test email was not accepted: {outcome.detail}")
    return outcome

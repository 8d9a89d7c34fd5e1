"""Checking the SMTP account, and "send me a test": one rendered email to the merchant.

Neither touches the outbox. The test email is a real flow template rendered for a
real customer when the store has one (else a sample), sent to the merchant's own
address with a random Message-ID, so the merchant sees exactly what customers get.
"""

from __future__ import annotations

import datetime as dt
import secrets as pysecrets
import ssl

from ppdesk.core.errors import EnvironmentProblem, InputError
from ppdesk.core.sending import message as mm
from ppdesk.core.sending.presets import PRESETS
from ppdesk.core.sending.sender import account_from, password_for
from ppdesk.core.sending.smtp import Connection, Outcome, Status
from ppdesk.core.settings import Settings, load_settings
from ppdesk.core.store import Store


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
              settings: Settings | None = None, password: str | None = None,
              ssl_context: ssl.SSLContext | None = None) -> Outcome:
    """Send one rendered ``kind`` email to ``to`` (default: the sender address itself)."""
    from ppdesk.core.emails import (
        preview_context,
        render_email,
        unsubscribe_mailto,
        worst_case_context,
    )

    settings = settings or load_settings(store)
    account = account_from(settings)
    recipient = mm.check_address(to or account.from_address, "test recipient")
    try:
        context = preview_context(store, kind, settings=settings)
    except InputError:  # no customer yet: the editor's sample
        context = worst_case_context(kind, settings=settings)
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

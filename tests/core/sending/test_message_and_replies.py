"""Message building (headers, Message-ID, List-Unsubscribe, dot-stuffing) and SMTP reply rules."""

from __future__ import annotations

import email
import email.policy
import re

import pytest

from ppdesk.core.errors import InputError
from ppdesk.core.sending import message as mm
from ppdesk.core.sending.smtp import Status, classify


def _build(**over: str) -> email.message.EmailMessage:
    args = {"sender_name": "Tea & Co", "from_address": "shop@example.com",
            "to": "ann@example.org", "subject": "Hello", "html": "<p>Hi</p>", "text": "Hi"}
    args.update(over)
    return mm.build(outbox_id=42, msg_id=mm.message_id(42, "abc123", args["from_address"]),
                    **args)  # type: ignore[arg-type]


def _parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=email.policy.default)  # type: ignore[return-value]


def test_header_injection_in_subject_and_name_stays_one_header() -> None:
    msg = _build(subject="Hi\r\nBcc: victim@example.net", sender_name="Shop\nBcc: x@y.z")
    raw = bytes(msg)
    parsed = _parse(raw)
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == "Hi Bcc: victim@example.net"
    assert not re.search(rb"\r\nBcc:", raw)


def test_bad_addresses_are_refused() -> None:
    for bad in ("ann@example.org\r\nBcc: x@y.z", "two@a.org, three@b.org", "no-at-sign", ""):
        with pytest.raises(InputError):
            _build(to=bad)


def test_message_id_is_derived_from_the_outbox_id_and_store() -> None:
    assert mm.message_id(42, "abc123", "shop@example.com") == "<ppdesk.abc123.42@example.com>"
    assert _parse(bytes(_build()))["Message-ID"] == "<ppdesk.abc123.42@example.com>"


def test_list_unsubscribe_mailto_and_one_click_url() -> None:
    msg = _build(unsubscribe_mailto="mailto:shop@example.com?subject=Unsubscribe",
                 unsubscribe_url="https://shop.example.com/unsub?e={email}")
    assert msg["List-Unsubscribe"] == ("<mailto:shop@example.com?subject=Unsubscribe>, "
                                       "<https://shop.example.com/unsub?e=ann%40example.org>")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain = _build(unsubscribe_mailto="mailto:shop@example.com")
    assert plain["List-Unsubscribe"] == "<mailto:shop@example.com>"
    assert plain["List-Unsubscribe-Post"] is None   # one-click needs an https URL (RFC 8058)


def test_wire_bytes_are_crlf_dot_stuffed_and_end_the_data() -> None:
    raw = mm.wire_bytes(_build(text=".hidden line\nnormal", html="<p>.x</p>"))
    assert raw.endswith(b"\r\n.\r\n")
    body = raw[:-3]
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert not re.search(rb"(?m)^\.(?!\.)", body)      # every leading dot doubled
    unstuffed = re.sub(rb"(?m)^\.\.", b".", body)
    text = _parse(unstuffed).get_body(("plain",)).get_content()
    assert text.splitlines()[0] == ".hidden line"


@pytest.mark.parametrize(("code", "text", "stage", "status", "suppress"), [
    (550, "5.1.1 No such user", "RCPT", Status.FAILED, True),
    (553, "Mailbox name not allowed", "RCPT", Status.FAILED, True),
    (551, "User not local", "RCPT", Status.FAILED, True),
    (552, "5.2.2 Mailbox full", "RCPT", Status.FAILED, False),
    (550, "5.7.1 Message rejected as spam", "end of DATA", Status.FAILED, False),
    (550, "5.1.1 Recipient address rejected", "end of DATA", Status.FAILED, True),
    (554, "Transaction failed", "end of DATA", Status.FAILED, False),
    (451, "4.3.0 Try later", "end of DATA", Status.RETRY, False),
    (450, "Mailbox busy", "RCPT", Status.RETRY, False),
    (553, "Sender address rejected", "MAIL", Status.ACCOUNT, False),
    (530, "Authentication required", "RCPT", Status.ACCOUNT, False),
    (250, "OK", "end of DATA", Status.SENT, False),
])
def test_reply_classification(code: int, text: str, stage: str, status: Status,
                              suppress: bool) -> None:
    outcome = classify(code, text, stage)
    assert (outcome.status, outcome.suppress) == (status, suppress)


def test_421_closes_the_connection() -> None:
    outcome = classify(421, "Service not available", "MAIL")
    assert outcome.status is Status.RETRY and outcome.connection_closed

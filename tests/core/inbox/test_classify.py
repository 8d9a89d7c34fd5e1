"""The classifier on each sample format, without a server (the Dovecot tests cover the wire)."""

from __future__ import annotations

import pytest
import samples

from ppdesk.core.inbox import classify as cl
from ppdesk.core.sending import unsubscribe

ORIGINAL = (b"From: Tea & Co <shop@example.com>\r\nTo: ann@example.org\r\n"
            b"Subject: Goes well with your tea\r\n"
            b"Message-ID: <ppdesk.abc123.42@example.com>\r\nX-Ppdesk-Outbox-Id: 42\r\n"
            b"Content-Type: text/plain\r\n\r\nHello\r\n")
ANN = "ann@example.org"


@pytest.mark.parametrize(("raw", "kind", "status"), [
    (samples.dsn(ORIGINAL, ANN, "5.1.1"), "hard_bounce", "5.1.1"),
    (samples.dsn(ORIGINAL, ANN, "4.4.7", action="delayed"), "soft_bounce", "4.4.7"),
    (samples.gmail_bounce(ORIGINAL, ANN), "hard_bounce", "5.1.1"),
    (samples.outlook_bounce(ORIGINAL, ANN), "hard_bounce", "5.1.10"),
    (samples.exim_bounce(ORIGINAL, ANN), "hard_bounce", "550"),
    (samples.exim_delay(ORIGINAL, ANN), "soft_bounce", "4.4.1"),
    (samples.postfix_plain_bounce(ORIGINAL, ANN), "hard_bounce", "5.1.1"),
    (samples.qmail_bounce(ORIGINAL, ANN), "hard_bounce", "5.1.1"),
    (samples.arf(ORIGINAL, ANN), "complaint", "abuse"),
    (samples.arf(ORIGINAL, None, redacted=False), "complaint", "abuse"),
])
def test_each_format_names_the_address_and_the_original(raw: bytes, kind: str,
                                                       status: str) -> None:
    found = cl.classify(raw)
    assert (found.kind, found.addresses, found.status) == (kind, (ANN,), status)
    assert found.referenced_ids == ("<ppdesk.abc123.42@example.com>",)
    assert found.outbox_ids == (42,)


def test_redacted_complaint_still_points_at_the_outbox_row() -> None:
    found = cl.classify(samples.arf(ORIGINAL, None, redacted=True))
    assert found.kind == "complaint" and found.addresses == ()
    assert found.outbox_ids == (42,)


def test_auto_replies_and_ordinary_mail_are_not_actions() -> None:
    assert cl.classify(samples.out_of_office(ORIGINAL, ANN)).kind == "auto_reply"
    assert cl.classify(samples.ordinary()).kind == "other"
    thanks = samples.reply(ORIGINAL, ANN, "Re: Goes well with your tea",
                           ["Thanks, lovely tea!", "", "> To unsubscribe, reply 'unsubscribe'"])
    assert cl.classify(thanks).kind == "other"   # the quoted footer is not her request


def test_unsubscribe_by_subject_body_or_link() -> None:
    token = "ab" * 12
    by_subject = cl.classify(samples.reply(ORIGINAL, ANN, f"Unsubscribe {ANN} u-{token}", []))
    assert by_subject.request == unsubscribe.Request(ANN, token)
    by_body = cl.classify(samples.reply(ORIGINAL, ANN, "Re: tea", ["please unsubscribe me"]))
    assert by_body.kind == "unsubscribe" and by_body.request == unsubscribe.Request(None, None)
    link = f"https://shop.example.com/unsub?e=ann%40example.org&t={token}"
    by_link = cl.classify(samples.reply(ORIGINAL, "web-form@shop.example.com",
                                        "Unsubscribe request", [f"opt out: {link}"]))
    assert by_link.request == unsubscribe.Request(ANN, token)


def test_needs_body_only_for_what_can_be_ours() -> None:
    assert not cl.needs_body(cl.parse_headers(samples.ordinary()))
    for raw in (samples.dsn(ORIGINAL, ANN), samples.qmail_bounce(ORIGINAL, ANN),
                samples.reply(ORIGINAL, ANN, "Re: tea", ["hi"]),
                samples.big_attachment(ANN, 1)):
        assert cl.needs_body(cl.parse_headers(raw))


@pytest.mark.parametrize("raw", [samples.broken_mime(), samples.unknown_charset()])
def test_unreadable_messages_raise_malformed(raw: bytes) -> None:
    with pytest.raises(cl.MalformedMessage):
        cl.classify(raw)

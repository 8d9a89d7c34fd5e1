"""List-Unsubscribe on the wire (raw bytes from the loopback server) and per-recipient tokens."""

from __future__ import annotations

import hashlib
import hmac
import re
from urllib.parse import unquote

import numpy as np
from flow_builders import StoreBuilder, fixed_complements, timing_frame
from loopback_smtp import LoopbackSmtp

from ppdesk.core import secrets
from ppdesk.core.flows.planner import plan
from ppdesk.core.sending import unsubscribe
from ppdesk.core.sending.message import store_uid
from ppdesk.core.sending.sender import send_due
from ppdesk.core.settings import load_settings, save_settings

PLAN_AT = "2026-03-03T11:00:00Z"
EMAILS = ["ann@example.org", "bob.with.a.rather.long.local.part+tag@subdomain.example.org"]


def _raw_header(raw: bytes, name: bytes) -> bytes:
    """The header's bytes exactly as received, continuation lines unfolded by hand."""
    head = raw.split(b"\r\n\r\n", 1)[0]
    match = re.search(rb"(?im)^" + name + rb":([^\r\n]*(?:\r\n[ \t][^\r\n]*)*)", head)
    assert match is not None, name
    return re.sub(rb"\r\n[ \t]", b" ", match.group(1)).strip()


def _send(shop: StoreBuilder, server: LoopbackSmtp, url: str) -> None:
    settings = load_settings(shop.store)
    settings.sending.unsubscribe_url = url
    save_settings(shop.store, settings)
    for key in "abcd":
        shop.product(key)
    for address in EMAILS:
        shop.order(address, "2026-03-01 10:00", ["a"])
    plan(shop.store, now=PLAN_AT, timing=timing_frame({}),
         complements=fixed_complements({"a": [2, 3, 4]}), rng=np.random.default_rng(0))
    summary = send_due(shop.store, now=PLAN_AT, ssl_context=server.client_ctx)
    assert summary.sent == len(EMAILS)


def test_raw_list_unsubscribe_is_plain_ascii_with_a_valid_token(
        shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    _send(shop, smtp_server, "https://shop.example.com/unsubscribe?e={email}")
    conn = shop.store.connect()
    try:
        secret = secrets.store_secret(store_uid(conn), allow_plaintext=True)
    finally:
        conn.close()
    assert len(smtp_server.received) == len(EMAILS)
    for got in smtp_server.received:
        raw = got.content
        value = _raw_header(raw, b"List-Unsubscribe")
        assert value.startswith((b"<mailto:", b"<https:")), value
        assert b"=?" not in value and value.isascii()
        assert _raw_header(raw, b"List-Unsubscribe-Post") == b"List-Unsubscribe=One-Click"
        uris = re.findall(rb"<([^>]*)>", value)
        assert [u.split(b":")[0] for u in uris] == [b"mailto", b"https"]
        recipient = got.rcpt_tos[0]
        subject = unquote(uris[0].decode().split("?subject=", 1)[1])
        mailto_req = unsubscribe.parse_text(subject)
        link_req = unsubscribe.parse_link(uris[1].decode())
        # the token is checked against an independent HMAC of the recipient address
        expected = hmac.new(secret.encode(), b"unsubscribe\0" + recipient.encode(),
                            hashlib.sha256).hexdigest()[:24]
        assert mailto_req == unsubscribe.Request(recipient, expected)
        assert link_req == unsubscribe.Request(recipient, expected)
        # the body's unsubscribe link carries the same token
        body = got.message.get_body(("plain",)).get_content()
        assert expected in body


def test_forged_tokens_and_strangers_are_not_honoured() -> None:
    secret = "k" * 64
    ann = "ann@example.org"
    good = unsubscribe.token_for(secret, ann)
    forged = [unsubscribe.Request(ann, "0" * 24), unsubscribe.Request(ann, good[:-1] + "x"),
              unsubscribe.Request(ann, unsubscribe.token_for("other secret", ann)),
              unsubscribe.Request(ann, unsubscribe.token_for(secret, "bob@example.org")),
              unsubscribe.Request(ann, None)]
    for request in forged:
        assert unsubscribe.honoured_address(secret, request, "mallory@evil.example") is None
    assert unsubscribe.honoured_address(secret, unsubscribe.Request(ann, good),
                                        "mallory@evil.example") == ann
    # from the recipient's own address, no token needed; naming nobody means themselves
    assert unsubscribe.honoured_address(secret, unsubscribe.Request(ann, None), "Ann@Example.org") \
        == ann
    assert unsubscribe.honoured_address(secret, unsubscribe.Request(None, None), ann) == ann

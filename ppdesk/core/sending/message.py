"""Building one email: MIME parts, a stable Message-ID, List-Unsubscribe, CR/LF-safe headers.

The message is built with the standard ``email`` package rather than yagmail:
yagmail's default Message-ID is the same for any two messages with the same To and
Subject, and ppdesk needs the Message-ID to be derived from the outbox id so that a
retry carries the same id (receivers and the merchant can then spot a duplicate).
Text and HTML parts are quoted-printable, so the wire form is 7-bit and needs no
8BITMIME from the server.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import re
import secrets
import sqlite3
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from urllib.parse import quote

from ppdesk.core.errors import InputError
from ppdesk.core.safety import header_safe
from ppdesk.core.store import outbox_queries as oq

STORE_UID_KEY = "store_uid"
_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


def store_uid(conn: sqlite3.Connection) -> str:
    """A random token per store (created once) that makes Message-IDs unique across stores."""
    value = oq.get_value(conn, STORE_UID_KEY)
    if value:
        return str(value).strip('"')
    token = secrets.token_hex(6)
    oq.put_value(conn, STORE_UID_KEY, f'"{token}"')
    return token


def check_address(address: str, what: str = "address") -> str:
    """A plain ASCII mailbox address or ``InputError`` (no names, no CR/LF, no commas)."""
    value = header_safe(address or "").strip()
    if not _ADDRESS.match(value):
        raise InputError(f"the {what} '{value}' is not a usable email address")
    return value


def message_id(outbox_id: int, uid: str, from_address: str) -> str:
    domain = from_address.rpartition("@")[2] or "ppdesk.invalid"
    return f"<ppdesk.{uid}.{int(outbox_id)}@{domain}>"


class RawHeader(str):
    """A header value written exactly as given (ASCII, folded only after its commas).

    RFC 2369/8058 values are lists of ``<URI>``; receivers (Gmail, Yahoo) look for
    ``<mailto:`` or ``<https:`` literally and show no unsubscribe button for an RFC 2047
    encoded word, which is what the ``email`` package writes when it folds a long
    unstructured value. Giving the policy an object with ``name`` and ``fold`` makes it
    use our folding instead of its own (see ``EmailPolicy.header_store_parse``).
    """

    name: str

    def __new__(cls, name: str, value: str) -> RawHeader:
        text = header_safe(value)
        if not text.isascii():
            raise InputError(f"the {name} header must be plain ASCII")
        obj = super().__new__(cls, text)
        obj.name = name
        return obj

    def fold(self, *, policy: email.policy.Policy) -> str:
        linesep = policy.linesep
        # RFC 2369: whitespace may appear between the bracketed URIs, never inside them.
        parts = [part.strip() for part in re.split(r"(?<=>)\s*,", str(self)) if part.strip()]
        return f"{self.name}: " + ("," + linesep + " ").join(parts) + linesep


def unsubscribe_header(mailto: str, url: str, recipient: str) -> tuple[str, bool]:
    """``List-Unsubscribe`` value, and whether one-click (RFC 8058, https only) applies."""
    parts = []
    if mailto:
        parts.append(f"<{header_safe(mailto)}>")
    one_click = False
    if url:
        link = header_safe(url).replace("{email}", quote(recipient, safe=""))  # already filled
        if link.lower().startswith(("https://", "http://")) and not re.search(r"[\s<>]", link):
            parts.append(f"<{link}>")
            one_click = link.lower().startswith("https://")
    return ", ".join(parts), one_click


def build(*, outbox_id: int, msg_id: str, sender_name: str, from_address: str, to: str,
          subject: str, html: str, text: str, reply_to: str = "", unsubscribe_mailto: str = "",
          unsubscribe_url: str = "", when: dt.datetime | None = None) -> EmailMessage:
    """The email for one outbox row; every header value goes through ``header_safe``."""
    msg = EmailMessage(policy=email.policy.SMTP)
    sender = check_address(from_address, "sender address")
    local, _, domain = sender.partition("@")
    msg["From"] = Address(display_name=header_safe(sender_name), username=local, domain=domain)
    msg["To"] = check_address(to, "recipient address")
    if reply_to:
        msg["Reply-To"] = check_address(reply_to, "reply-to address")
    msg["Subject"] = header_safe(subject)
    msg["Date"] = format_datetime(when or dt.datetime.now(dt.UTC))
    msg["Message-ID"] = header_safe(msg_id)
    listing, one_click = unsubscribe_header(unsubscribe_mailto, unsubscribe_url, to)
    if listing:
        msg["List-Unsubscribe"] = RawHeader("List-Unsubscribe", listing)
        if one_click:
            msg["List-Unsubscribe-Post"] = RawHeader("List-Unsubscribe-Post",
                                                     "List-Unsubscribe=One-Click")
    msg["X-Ppdesk-Outbox-Id"] = str(int(outbox_id))
    msg.set_content(text, subtype="plain", charset="utf-8", cte="quoted-printable")
    msg.add_alternative(html, subtype="html", charset="utf-8", cte="quoted-printable")
    return msg


def wire_bytes(msg: EmailMessage) -> bytes:
    """CRLF bytes, dot-stuffed, ending with the ``.`` line that ends SMTP DATA."""
    data = msg.as_bytes(policy=email.policy.SMTP)
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"

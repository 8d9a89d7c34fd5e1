"""Unsubscribe addresses and links that carry a per-recipient token, and checking them.

Anyone who knows an address could otherwise unsubscribe it. Each message's
``mailto:`` subject and https link carry ``HMAC-SHA256(store secret, address)``
(truncated to 96 bits: forging one is a 2^-96 guess). The secret is created on first
use and kept in the keyring (``core/secrets.py``). The inbox honours an unsubscribe
only with a valid token for the address it names, or when it comes from that address
itself; anything else is ignored and logged.

Subject of the mailto: ``Unsubscribe ann@example.org u-<token>``; the link replaces
``{email}`` and ``{token}`` in the merchant's URL (``t=<token>`` is appended when the
URL has no ``{token}``).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, quote, urlsplit

TOKEN_HEX = 24
_TOKEN = re.compile(r"\bu-([0-9a-f]{" + str(TOKEN_HEX) + r"})\b", re.IGNORECASE)
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")


def normalise(address: str) -> str:
    return address.strip().lower()


def token_for(secret: str, address: str) -> str:
    """The token of one recipient address under the store's secret."""
    digest = hmac.new(secret.encode(), b"unsubscribe\0" + normalise(address).encode(),
                      hashlib.sha256).hexdigest()
    return digest[:TOKEN_HEX]


def valid(secret: str, address: str, token: str) -> bool:
    return hmac.compare_digest(token_for(secret, address), token.strip().lower())


def mailto(reply_address: str, recipient: str, token: str) -> str:
    """``mailto:`` with the recipient and token in the subject; "" without a reply address."""
    address = reply_address.strip()
    if not address or any(ch in address for ch in "\r\n<>\"'?&,"):
        return ""
    subject = f"Unsubscribe {normalise(recipient)} u-{token}"
    return f"mailto:{quote(address, safe='@.+-_')}?subject={quote(subject)}"


def link(url_template: str, recipient: str, token: str) -> str:
    """The merchant's https unsubscribe URL for one recipient; "" if none is set."""
    url = url_template.strip()
    if not url:
        return ""
    has_token = "{token}" in url
    url = url.replace("{email}", quote(normalise(recipient), safe="")).replace("{token}", token)
    if not has_token:
        url += ("&" if "?" in url else "?") + f"t={token}"
    return url


@dataclass(frozen=True)
class Request:
    """What an unsubscribe message or link names: an address (maybe) and a token (maybe)."""

    address: str | None
    token: str | None


def parse_text(text: str) -> Request:
    """The address and token named in a subject or body (the mailto's own layout)."""
    token = _TOKEN.search(text)
    address = _EMAIL.search(_TOKEN.sub(" ", text))
    return Request(normalise(address.group(0)) if address else None,
                   token.group(1).lower() if token else None)


def parse_link(url: str) -> Request:
    """The address (``e`` or ``email``) and token (``t`` or ``token``) of a clicked link."""
    query = parse_qs(urlsplit(url.strip()).query)
    address = next(iter(query.get("e") or query.get("email") or []), None)
    token = next(iter(query.get("t") or query.get("token") or []), None)
    return Request(normalise(address) if address else None, token.lower() if token else None)


def honoured_address(secret: str, request: Request, sender: str | None) -> str | None:
    """The address to unsubscribe, or None when the request is not to be trusted.

    A valid token for the named address, or a message from the named address itself
    (or naming none: the sender unsubscribes themselves).
    """
    own = normalise(sender) if sender else None
    named = request.address or own
    if named is None:
        return None
    if request.token and valid(secret, named, request.token):
        return named
    if own is not None and named == own:
        return named
    return None

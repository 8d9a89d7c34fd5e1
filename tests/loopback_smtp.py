"""A real SMTP server on loopback (aiosmtpd) with AUTH, STARTTLS or implicit TLS, and faults.

The certificate comes from a throwaway test CA (trustme); clients trust it through
an SSL context (in process) or ``SSL_CERT_FILE`` (subprocesses), so verification
stays on. Faults are scripted per recipient address:

- ``rcpt[addr]``: replies to RCPT TO, consumed in order ("550 5.1.1 No such user", or
  ``"drop"``: close the connection instead of replying);
- ``data[addr]``: what happens at the end of DATA, consumed in order: a reply such as
  "451 4.3.0 Try later", ``"accept_then_drop"`` (keep it, reply 250, close),
  ``"keep_and_drop"`` (keep it, close without a reply), ``"drop"`` (discard, close).

``received`` is every message the server accepted (kept), in order.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import socket
import ssl
import threading
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import keyring
import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from flow_builders import StoreBuilder
from keyrings.alt.file import PlaintextKeyring

from ppdesk.core import secrets
from ppdesk.core.settings import save_settings

USER = "shop@example.com"
PASSWORD = "s3cret-App-Passw0rd!"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)  # type: ignore[return-value]

    @property
    def message_id(self) -> str:
        return str(self.message["Message-ID"])


@dataclass
class Recorder:
    received: list[Received] = field(default_factory=list)
    rcpt: dict[str, list[str]] = field(default_factory=dict)
    data: dict[str, list[str]] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str,
                     auth_data: Any) -> AuthResult:
        if not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        login, password = auth_data.login.decode(), auth_data.password.decode()
        with self.lock:
            self.logins.append((login, mechanism))
        # handled=False: aiosmtpd then sends the 535 itself (True means "I replied already")
        return AuthResult(success=(login == USER and password == PASSWORD), handled=False)

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        with self.lock:
            script = self.rcpt.get(address.lower())
            reply = script.pop(0) if script else "ok"
        if reply == "drop":
            server.transport.abort()
            return "250 OK"  # never reaches the client
        if reply != "ok":
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        rcpt = envelope.rcpt_tos[0].lower()
        with self.lock:
            script = self.data.get(rcpt)
            action = script.pop(0) if script else "ok"
        keep = action in ("ok", "accept_then_drop", "keep_and_drop")
        if keep:
            with self.lock:
                self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                              bytes(envelope.content)))
        if action in ("keep_and_drop", "drop"):
            server.transport.abort()
            return "250 OK"  # never reaches the client: the connection is gone
        if action == "accept_then_drop":
            asyncio.get_running_loop().call_later(0.05, server.transport.close)
            return "250 OK queued"
        if action != "ok":
            return action
        return "250 OK queued"

    def ids(self) -> list[str]:
        with self.lock:
            return [r.message_id for r in self.received]


class _Controller(Controller):
    def factory(self) -> Any:
        # Implicit TLS: aiosmtpd cannot see the TLS layer, so AUTH must be allowed without
        # STARTTLS; it warns about exactly that, which is moot here.
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
            return super().factory()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LoopbackSmtp:
    """``with LoopbackSmtp(tmp, mode="starttls") as server:`` ... ``server.recorder``."""

    def __init__(self, folder: Path, *, mode: str = "starttls") -> None:
        self.mode = mode
        self.recorder = Recorder()
        self.ca = trustme.CA()
        cert = self.ca.issue_cert("127.0.0.1", "localhost")
        self.server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(self.server_ctx)
        self.client_ctx = ssl.create_default_context()
        self.ca.configure_trust(self.client_ctx)
        self.ca_file = folder / "test-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        self.port = free_port()
        kwargs: dict[str, Any] = {"authenticator": self.recorder.authenticate,
                                  "auth_required": True}
        if mode == "ssl":
            self.controller = _Controller(self.recorder, hostname="127.0.0.1", port=self.port,
                                         ssl_context=self.server_ctx, auth_require_tls=False,
                                         **kwargs)  # implicit TLS: aiosmtpd cannot tell
        else:
            self.controller = _Controller(self.recorder, hostname="127.0.0.1", port=self.port,
                                         tls_context=self.server_ctx, require_starttls=True,
                                         **kwargs)

    def __enter__(self) -> LoopbackSmtp:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    @property
    def received(self) -> list[Received]:
        with self.recorder.lock:
            return list(self.recorder.received)


def configure(shop: StoreBuilder, server: LoopbackSmtp, **sending: object) -> None:
    """Point the store's SMTP settings at ``server`` and save the password in the keyring."""
    settings = shop.settings(
        sending__host="127.0.0.1", sending__port=server.port, sending__security=server.mode,
        sending__username=USER, sending__from_address="shop@example.com",
        sending__allow_plaintext_keyring=True, sending__per_minute=1000,
        sending__per_day=10000, store__name="Tea & Co", store__time_zone="UTC",
        store__postal_address="1 Tea Street, Leeds LS1 1AA, UK",
        holdout_share=0.0, review_enabled=False, loyalty_enabled=False)
    for name, value in sending.items():
        setattr(settings.sending, name, value)
    save_settings(shop.store, settings)
    secrets.store_password("127.0.0.1", USER, PASSWORD, allow_plaintext=True)


# Fixtures, imported by the conftest of each test folder that needs them.

@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[PlaintextKeyring]:
    """A real file keyring under tmp, never the user's keyring."""
    previous = keyring.get_keyring()
    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path / "keyring" / "keyring_pass.cfg")  # type: ignore[misc]
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture(params=["starttls"])
def smtp_server(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LoopbackSmtp]:
    with LoopbackSmtp(tmp_path, mode=request.param) as server:
        yield server

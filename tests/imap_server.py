"""A real IMAP server for tests: Dovecot on 127.0.0.1, a free high port, TLS from a test CA.

Each server gets its own folder (config, passwd-file, Maildir, logs) under /tmp,
because Dovecot refuses to run mail processes as root: as root the mail user is
``nobody``, which must be able to reach the Maildir (pytest's tmp folders are 0700).
Messages arrive by IMAP APPEND (``append``) or, for big mailboxes, as Maildir files
written directly (``write_maildir``) that Dovecot indexes on first access.
"""

from __future__ import annotations

import imaplib
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
import trustme
from loopback_smtp import free_port

USER = "shop@example.com"
PASSWORD = "imap-Passw0rd!"
DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"

NO_MOVE_CAPABILITIES = ("IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE SORT LITERAL+ "
                        "THREAD=REFERENCES MULTIAPPEND UNSELECT CHILDREN NAMESPACE UIDPLUS "
                        "LIST-EXTENDED I18NLEVEL=1 CONDSTORE QRESYNC ESEARCH ESORT SEARCHRES "
                        "WITHIN CONTEXT=SEARCH LIST-STATUS BINARY SPECIAL-USE")
CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
auth_mechanisms = plain login
{internal}
mail_fsync = never
maildir_very_dirty_syncs = yes
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Sent {{
    special_use = \\Sent
    auto = create
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = {starttls_port}
  }}
  inet_listener imaps {{
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""


class Dovecot:
    """``with Dovecot() as server:`` ... ``server.append("INBOX", raw)``."""

    def __init__(self, *, without_move: bool = False) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="ppdesk-dovecot-"))
        self.root.chmod(0o755)
        self.port = free_port()             # implicit TLS (imaps)
        self.starttls_port = free_port()    # plain IMAP that must be upgraded (ssl = required)
        self.ca = trustme.CA()
        cert = self.ca.issue_cert("127.0.0.1", "localhost")
        cert.private_key_pem.write_to_path(str(self.root / "key.pem"))
        (self.root / "cert.pem").write_bytes(b"".join(p.bytes() for p in cert.cert_chain_pems))
        self.ca_file = self.root / "test-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        self.client_ctx = ssl.create_default_context()
        self.ca.configure_trust(self.client_ctx)
        self.home = self.root / "mail"
        self.home.mkdir()
        if os.geteuid() == 0:
            mail_user = pwd.getpwnam("nobody")
            uid, gid, internal = mail_user.pw_uid, mail_user.pw_gid, ""
        else:
            me = pwd.getpwuid(os.geteuid())
            uid, gid = me.pw_uid, me.pw_gid
            internal = f"default_internal_user = {me.pw_name}\ndefault_login_user = {me.pw_name}"
        self.uid, self.gid = uid, gid
        os.chown(self.home, uid, gid)
        (self.root / "users").write_text(
            f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{self.home}::\n")
        for name in ("run", "state"):
            (self.root / name).mkdir()
        self.config = self.root / "dovecot.conf"
        config = CONFIG.format(root=self.root, port=self.port, internal=internal,
                               starttls_port=self.starttls_port)
        if without_move:   # like servers without RFC 6851: the client must COPY and mark
            config += f"protocol imap {{\n  imap_capability = {NO_MOVE_CAPABILITIES}\n}}\n"
        self.config.write_text(config)
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen([DOVECOT, "-F", "-c", str(self.config)],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("dovecot did not start: "
                                   + self.process.stderr.read().decode()[-2000:]  # type: ignore[union-attr]
                                   + self.log()[-2000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("dovecot did not open its port: " + self.log()[-2000:])

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process is not None and self.process.stderr is not None:
            self.process.stderr.close()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Dovecot:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def log(self) -> str:
        path = self.root / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def client(self) -> imaplib.IMAP4_SSL:
        imap = imaplib.IMAP4_SSL("127.0.0.1", self.port, ssl_context=self.client_ctx)
        imap.login(USER, PASSWORD)
        return imap

    def append(self, folder: str, messages: Iterable[bytes]) -> None:
        imap = self.client()
        try:
            imap.create(f'"{folder}"')
            for raw in messages:
                typ, data = imap.append(f'"{folder}"', None, None, raw)
                assert typ == "OK", data
        finally:
            imap.logout()

    def keyword_uids(self, folder: str, keyword: str) -> list[int]:
        imap = self.client()
        try:
            imap.select(f'"{folder}"', readonly=True)
            _, data = imap.uid("SEARCH", None, "KEYWORD", keyword)
            return [int(u) for u in data[0].split()]
        finally:
            imap.logout()

    def uids(self, folder: str) -> list[int]:
        imap = self.client()
        try:
            typ, _ = imap.select(f'"{folder}"', readonly=True)
            if typ != "OK":
                return []
            _, data = imap.uid("SEARCH", None, "ALL")
            return [int(u) for u in data[0].split()]
        finally:
            imap.logout()

    def message_ids(self, folder: str) -> list[str]:
        """Message-ID of every message in ``folder`` (in UID order)."""
        imap = self.client()
        try:
            typ, _ = imap.select(f'"{folder}"', readonly=True)
            if typ != "OK":
                return []
            _, data = imap.uid("FETCH", "1:*", "(BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])")
            out = []
            for item in data:
                if isinstance(item, tuple):
                    value = item[1].decode().partition(":")[2].strip()
                    out.append(value)
            return out
        finally:
            imap.logout()

    def write_maildir(self, messages: Iterable[bytes], folder: str = "INBOX") -> int:
        """Write messages straight into the Maildir (fast: no IMAP), owned by the mail user."""
        base = self.home / "Maildir"
        target = base if folder == "INBOX" else base / f".{folder}"
        for sub in ("cur", "new", "tmp"):
            (target / sub).mkdir(parents=True, exist_ok=True)
        count = 0
        stamp = int(time.time())
        for count, raw in enumerate(messages, start=1):
            (target / "new" / f"{stamp}.M{count}P1.ppdesk-test").write_bytes(raw)
        for path in [base, *base.rglob("*")]:
            os.chown(path, self.uid, self.gid)
        return count


@pytest.fixture
def dovecot() -> Iterator[Dovecot]:
    if not Path(DOVECOT).exists():
        pytest.skip("dovecot is not installed (apt-get install dovecot-imapd)")
    with Dovecot() as server:
        yield server

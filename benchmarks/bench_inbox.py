"""Inbox check speed on a big mailbox in a real Dovecot, beside a raw IMAP anchor (stdout).

    .venv/bin/python benchmarks/bench_inbox.py [--messages 50000] [--relevant 500]

Needs ``dovecot`` (apt-get install dovecot-imapd). A throwaway Dovecot (the tests'
``tests/imap_server.py``) gets ``--messages`` messages written straight into its
Maildir (ordinary mail of a few KB, with ``--relevant`` bounces and unsubscribe
replies mixed in), then ``doveadm index`` builds Dovecot's index (timed apart: on a
real account the server has done this long before). Timed, on the same mailbox:

- anchor: one raw ``imaplib`` session fetching the same header fields of every
  message in chunks of 500 (the least any client reading that mailbox must do);
- first check: ``check_inbox`` on a fresh store (reads everything once);
- second check: nothing new (target under 5 s);
- third check: after 100 new messages arrive.

Targets (issue 13): first check under 2 minutes, nothing-new under 5 s. The machine
is shared with other work: read the figures as rough.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import keyring
from keyrings.alt.file import PlaintextKeyring

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "core" / "inbox"))

from imap_server import PASSWORD, USER, Dovecot  # noqa: E402

from ppdesk.core import secrets  # noqa: E402
from ppdesk.core.inbox.check import check_inbox  # noqa: E402
from ppdesk.core.inbox.imap import HEADER_FIELDS, uid_set  # noqa: E402
from ppdesk.core.settings import load_settings, save_settings  # noqa: E402
from ppdesk.core.store import open_store  # noqa: E402

FILLER = ("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor "
          "incididunt ut labore et dolore magna aliqua.\r\n") * 25


def _ordinary(i: int) -> bytes:
    return (f"From: Person {i % 977} <p{i % 977}@example.net>\r\nTo: shop@example.com\r\n"
            f"Subject: Question about order #{10000 + i}\r\n"
            f"Message-ID: <ord.{i}@example.net>\r\nDate: Tue, 03 Mar 2026 09:00:00 +0000\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n\r\n" + FILLER).encode()


def _relevant(i: int, k: int) -> bytes:
    if k % 2:
        return (f"From: MAILER-DAEMON@mx.example.org\r\nTo: shop@example.com\r\n"
                f"Subject: Undelivered Mail Returned to Sender\r\n"
                f"Message-ID: <bounce.{i}@mx.example.org>\r\n"
                "MIME-Version: 1.0\r\nContent-Type: multipart/report; "
                'report-type=delivery-status; boundary="b"\r\n\r\n--b\r\n'
                "Content-Type: text/plain\r\n\r\nCould not deliver.\r\n--b\r\n"
                "Content-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx\r\n\r\n"
                f"Final-Recipient: rfc822; gone{i}@example.org\r\nAction: failed\r\n"
                "Status: 5.1.1\r\n--b--\r\n").encode()
    return (f"From: c{i}@example.org\r\nTo: shop@example.com\r\nSubject: unsubscribe\r\n"
            f"Message-ID: <unsub.{i}@example.org>\r\n"
            "Content-Type: text/plain\r\n\r\nunsubscribe\r\n").encode()


def _mailbox(total: int, relevant: int) -> Iterator[bytes]:
    every = max(1, total // max(1, relevant))
    for i in range(total):
        yield _relevant(i, i // every) if i % every == 0 and i // every < relevant \
            else _ordinary(i)


def _anchor(server: Dovecot) -> float:
    imap = server.client()
    started = time.perf_counter()
    imap.select("INBOX")
    _, data = imap.uid("SEARCH", None, "ALL")
    uids = [int(u) for u in data[0].split()]
    fields = " ".join(HEADER_FIELDS)
    for start in range(0, len(uids), 500):
        imap.uid("FETCH", uid_set(uids[start:start + 500]),
                 f"(UID RFC822.SIZE BODY.PEEK[HEADER.FIELDS ({fields})])")
    took = time.perf_counter() - started
    imap.logout()
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=50_000)
    parser.add_argument("--relevant", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ppdesk-bench-inbox-") as tmp, Dovecot() as server:
        ring = PlaintextKeyring()
        ring.file_path = str(Path(tmp) / "keyring.cfg")  # type: ignore[misc]
        keyring.set_keyring(ring)
        started = time.perf_counter()
        written = server.write_maildir(_mailbox(args.messages, args.relevant))
        write_s = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run(["doveadm", "-c", str(server.config), "index", "-u", USER, "INBOX"],
                       check=True)
        index_s = time.perf_counter() - started
        anchor_s = _anchor(server)

        (Path(tmp) / "home").mkdir()
        store = open_store(Path(tmp) / "home")
        settings = load_settings(store)
        settings.sending.allow_plaintext_keyring = True
        settings.inbox.host, settings.inbox.port, settings.inbox.username = \
            "127.0.0.1", server.port, USER
        save_settings(store, settings)
        secrets.store_password("127.0.0.1", USER, PASSWORD, allow_plaintext=True,
                               service=secrets.IMAP_SERVICE)
        timings = []
        for label, extra in (("first check", 0), ("second check (nothing new)", 0),
                             ("third check (100 new)", 100)):
            if extra:
                server.append("INBOX", (_ordinary(10**7 + i) for i in range(extra)))
            started = time.perf_counter()
            summary = check_inbox(store, ssl_context=server.client_ctx)
            timings.append((label, time.perf_counter() - started, summary))
    print(f"mailbox: {written} messages ({args.relevant} bounces/unsubscribes) written to the "
          f"Maildir in {write_s:.1f} s; doveadm index {index_s:.1f} s")
    print(f"{'what':<34}{'seconds':>9}  {'checked':>8} {'unsub':>6} {'bounce':>7} errors")
    print(f"{'anchor: raw imaplib header fetch':<34}{anchor_s:>9.2f}")
    for label, took, s in timings:
        print(f"{label:<34}{took:>9.2f}  {s.checked:>8} {s.unsubscribes:>6} {s.bounces:>7} "
              f"{len(s.errors)}")
    first, second = timings[0][1], timings[1][1]
    print(f"targets: first < 120 s: {'yes' if first < 120 else 'NO'}; "
          f"nothing new < 5 s: {'yes' if second < 5 else 'NO'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""``ppdesk inbox check`` killed with SIGKILL at random moments: nothing lost, nothing twice.

One mailbox of 1,500 ordinary messages with 240 bounces and unsubscribe replies for
real sent messages mixed in. The check runs as a subprocess with small batches (many commit
points) and is killed once the store has logged a random number of messages, plus a
random few milliseconds, so kills land inside batches, between the commit and the
move into the ppdesk folder, and inside the move. After every kill: no message is in
both folders or twice in one, none is missing, and every suppressed address has
exactly one log row. Then a check runs to the end: every relevant message was
processed exactly once (one log row, one outbox event, filed once), every expected
suppression exists, ordinary mail is untouched.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import samples
from flow_builders import StoreBuilder
from imap_server import PASSWORD, USER, Dovecot
from inbox_shop import send_to
from keyrings.alt.file import PlaintextKeyring
from loopback_smtp import LoopbackSmtp

from ppdesk.core import secrets
from ppdesk.core.sending import unsubscribe
from ppdesk.core.sending.message import store_uid

ROOT = Path(__file__).resolve().parents[3]
RECIPIENTS = 240
ORDINARY = 1500
TRIALS = 10


def _count(shop: StoreBuilder, sql: str) -> int:
    conn = shop.store.connect()
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_at_random_moments_loses_nothing_and_processes_nothing_twice(
        shop: StoreBuilder, smtp_server: LoopbackSmtp, dovecot: Dovecot,
        tmp_path: Path) -> None:
    rng = np.random.default_rng(20261202)
    emails = [f"k{i:03d}@example.org" for i in range(RECIPIENTS)]
    sent = send_to(shop, smtp_server, emails)
    conn = shop.store.connect()
    try:
        secret = secrets.store_secret(store_uid(conn), allow_plaintext=True)
    finally:
        conn.close()
    relevant: dict[str, str] = {}    # Message-ID of the incoming message -> expected reason
    messages: list[bytes] = []
    for i, email in enumerate(emails):
        if i % 2:
            raw = samples.dsn(sent[email], email, uid=f"k{i}")
            relevant[f"<dsn.k{i}@mx.example.org>"] = "hard_bounce"
        else:
            raw = samples.reply(sent[email], "provider@unsub.example",
                                f"Unsubscribe {email} u-{unsubscribe.token_for(secret, email)}",
                                ["unsubscribe"], f"k{i}")
            relevant[f"<reply.k{i}@client.example>"] = "unsubscribe"
        messages.append(raw)
    ordinary = [samples.ordinary(f"o{i}") for i in range(ORDINARY)]
    mixed = ordinary + messages
    order = rng.permutation(len(mixed))
    dovecot.append("INBOX", [mixed[i] for i in order])
    all_ids = Counter(dovecot.message_ids("INBOX"))
    assert sum(all_ids.values()) == len(mixed)

    env = {**os.environ, "SSL_CERT_FILE": str(dovecot.ca_file),
           "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
           "XDG_DATA_HOME": str(tmp_path / "xdg")}
    ring = PlaintextKeyring()
    ring.file_path = str(tmp_path / "xdg" / "python_keyring" / "keyring_pass.cfg")  # type: ignore[misc]
    ring.set_password(secrets.IMAP_SERVICE, f"{USER}@127.0.0.1", PASSWORD)
    conn = shop.store.connect()
    try:
        uid = store_uid(conn)
    finally:
        conn.close()
    ring.set_password(secrets.STORE_SECRET_SERVICE, uid, secret)
    argv = [sys.executable, "-m", "ppdesk", "--home", str(shop.store.home), "inbox", "check",
            "--format", "json", "--batch", "40"]
    kills_mid_check = 0
    for trial in range(TRIALS):
        before = _count(shop, "SELECT COUNT(*) FROM inbox_log")
        # Each kill lands a little further on: somewhere in the next part of what is left.
        target = before + int(rng.integers(0, max(1, (len(relevant) - before) // 3)))
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE)
        while proc.poll() is None and _count(shop, "SELECT COUNT(*) FROM inbox_log") < target:
            time.sleep(0.005)
        time.sleep(float(rng.uniform(0, 0.05)))
        proc.send_signal(signal.SIGKILL)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode in (-signal.SIGKILL, 0), err.decode()[-2000:]
        after = _count(shop, "SELECT COUNT(*) FROM inbox_log")
        kills_mid_check += proc.returncode == -signal.SIGKILL and after < len(relevant)
        inbox, filed = Counter(dovecot.message_ids("INBOX")), Counter(dovecot.message_ids("ppdesk"))
        assert max(filed.values(), default=1) == 1, f"trial {trial}: filed twice"
        assert not set(inbox) & set(filed), f"trial {trial}: in both folders"
        assert inbox + filed == all_ids, f"trial {trial}: a message went missing"
        assert _count(shop, "SELECT COUNT(*) FROM inbox_log") == _count(
            shop, "SELECT COUNT(DISTINCT message_id) FROM inbox_log")
    assert kills_mid_check >= TRIALS // 2   # most runs really were killed mid-check

    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr.decode()[-2000:]
    assert json.loads(done.stdout)["errors"] == []
    conn = shop.store.connect()
    try:
        logged = Counter(str(r[0]) for r in conn.execute("SELECT message_id FROM inbox_log"))
        suppressed = dict(conn.execute("SELECT email, reason FROM suppressions").fetchall())
        events = Counter(int(r[0]) for r in conn.execute(
            "SELECT outbox_id FROM outbox_events WHERE detail LIKE 'unsubscribe%'"
            " OR detail LIKE 'bounced%'"))
    finally:
        conn.close()
    assert logged == Counter(relevant.keys())              # each processed exactly once
    assert suppressed == {e: ("hard_bounce" if i % 2 else "unsubscribe")
                          for i, e in enumerate(emails)}
    assert len(events) == RECIPIENTS and set(events.values()) == {1}
    filed = Counter(dovecot.message_ids("ppdesk"))
    assert filed == Counter(relevant.keys())
    assert Counter(dovecot.message_ids("INBOX")) == Counter(
        f"<ordinary.o{i}@example.net>" for i in range(ORDINARY))

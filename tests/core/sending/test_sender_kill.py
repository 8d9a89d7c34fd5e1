"""The sender process killed with SIGKILL at random points of a 200-message batch, 20 times.

Each trial copies one planned store, runs ``ppdesk send-due`` in a subprocess against
the loopback server and kills it once the server holds a random number of messages
(plus a random few milliseconds, so kills land in every step of a transaction).
After each kill: no message reached the server twice; every ``sent`` row was
received; at most one row is ``sending`` (the one in flight); rows still due were
not received. In some trials a second sender then recovers: the in-flight row
becomes ``unknown`` and is not resent, everything else is sent exactly once.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from flow_builders import StoreBuilder, fixed_complements, timing_frame
from keyrings.alt.file import PlaintextKeyring
from loopback_smtp import PASSWORD, USER, LoopbackSmtp

from ppdesk.core.flows.planner import plan
from ppdesk.core.sending.sender import send_due
from ppdesk.core.store import open_store

ROOT = Path(__file__).resolve().parents[3]
NOW = "2026-03-03T11:00:00Z"
MESSAGES = 200
TRIALS = 20
RECOVER_EVERY = 4


def _template(folder: Path, server: LoopbackSmtp) -> Path:
    home = folder / "template"
    home.mkdir()
    shop = StoreBuilder(home)
    for key in "abcd":
        shop.product(key)
    shop.bulk_orders([(f"c{i:03d}@example.org", "2026-03-01 10:00", ["a"])
                      for i in range(MESSAGES)])
    shop.settings(sending__host="127.0.0.1", sending__port=server.port,
                  sending__security="starttls", sending__username=USER,
                  sending__from_address="shop@example.com",
                  sending__allow_plaintext_keyring=True, sending__per_minute=100000,
                  sending__per_day=100000, store__postal_address="1 Tea Street, Leeds",
                  holdout_share=0.0, review_enabled=False,
                  loyalty_enabled=False)
    result = plan(shop.store, now=NOW, timing=timing_frame({}),
                  complements=fixed_complements({"a": [2, 3, 4]}))
    assert len(result.messages) == MESSAGES
    conn = shop.store.connect()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return home


def _rows(home: Path) -> dict[int, str]:
    conn = open_store(home).connect()
    try:
        return {int(r[0]): str(r[1]) for r in conn.execute("SELECT id, state FROM outbox")}
    finally:
        conn.close()


def _received_ids(server: LoopbackSmtp) -> Counter[int]:
    return Counter(int(r.message["X-Ppdesk-Outbox-Id"]) for r in server.received)


@pytest.mark.slow
@pytest.mark.timeout(900)
@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_at_random_points_never_sends_twice_or_loses(
        tmp_path: Path, file_keyring: PlaintextKeyring) -> None:
    rng = np.random.default_rng(20260303)
    xdg = tmp_path / "xdg"
    ring = PlaintextKeyring()
    ring.file_path = str(xdg / "python_keyring" / "keyring_pass.cfg")  # type: ignore[misc]
    ring.set_password("ppdesk-smtp", f"{USER}@127.0.0.1", PASSWORD)
    file_keyring.file_path = ring.file_path  # type: ignore[misc]  # the recovery run in-process
    with LoopbackSmtp(tmp_path) as server:
        template = _template(tmp_path, server)
        env = {**os.environ, "XDG_DATA_HOME": str(xdg), "SSL_CERT_FILE": str(server.ca_file),
               "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"}
        env.pop("PPDESK_HOME", None)
        kills_mid_batch = 0
        for trial in range(TRIALS):
            home = tmp_path / f"trial{trial}"
            home.mkdir()
            shutil.copy(template / "store.sqlite3", home / "store.sqlite3")
            with server.recorder.lock:
                server.recorder.received.clear()
            target = int(rng.integers(0, MESSAGES))
            proc = subprocess.Popen(
                [sys.executable, "-m", "ppdesk", "--home", str(home), "send-due", "--no-plan",
                 "--now", NOW], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE)
            while len(server.received) < target and proc.poll() is None:
                time.sleep(0.002)
            time.sleep(float(rng.uniform(0, 0.03)))
            proc.send_signal(signal.SIGKILL)
            _, err = proc.communicate(timeout=60)
            assert proc.returncode in (-signal.SIGKILL, 0), err.decode()[-2000:]
            states = _rows(home)
            got = _received_ids(server)
            assert max(got.values(), default=0) == 1, f"trial {trial}: a message arrived twice"
            sent = {i for i, s in states.items() if s == "sent"}
            in_flight = {i for i, s in states.items() if s == "sending"}
            assert len(in_flight) <= 1
            assert sent <= set(got), f"trial {trial}: marked sent but never received"
            assert set(got) <= sent | in_flight, f"trial {trial}: received while still due"
            assert set(states.values()) <= {"sent", "sending", "due", "planned"}
            kills_mid_batch += 0 < len(sent) < MESSAGES
            if trial % RECOVER_EVERY == 0:
                summary = send_due(open_store(home), now="2026-03-03T11:30:00Z",
                                   ssl_context=server.client_ctx)
                after = _rows(home)
                got = _received_ids(server)
                assert max(got.values()) == 1
                assert summary.recovered_unknown == len(in_flight)
                unknown = {i for i, s in after.items() if s == "unknown"}
                assert unknown == in_flight
                assert set(after.values()) <= {"sent", "unknown"}
                assert {i for i, s in after.items() if s == "sent"} <= set(got)
                assert set(got) <= set(after)
    assert kills_mid_batch >= TRIALS // 2   # the kills really landed inside the batch

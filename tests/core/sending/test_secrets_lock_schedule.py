"""The keyring guard, the one-sender lock, and the OS schedule entries."""

from __future__ import annotations

import base64
import os
import plistlib
import subprocess
import sys
from pathlib import Path

import keyring
import pytest
from flow_builders import StoreBuilder, fixed_complements, timing_frame
from keyring.backends import fail
from keyrings.alt.file import PlaintextKeyring
from loopback_smtp import LoopbackSmtp, configure

from ppdesk.core import schedule, secrets
from ppdesk.core.errors import EnvironmentProblem
from ppdesk.core.flows.planner import plan
from ppdesk.core.sending.lock import LOCK_KEY, SenderLock
from ppdesk.core.sending.sender import send_due
from ppdesk.core.store import open_store
from ppdesk.core.store import outbox_queries as oq


def test_plaintext_keyring_is_refused_unless_agreed(file_keyring: PlaintextKeyring) -> None:
    assert secrets.is_plaintext()
    with pytest.raises(secrets.PlaintextKeyringRefused, match="plain-text"):
        secrets.store_password("smtp.example.com", "me", "pw-123")
    secrets.store_password("smtp.example.com", "me", "pw-123", allow_plaintext=True)
    assert secrets.get_password("smtp.example.com", "me", allow_plaintext=True) == "pw-123"
    # why it needs consent: base64 is not encryption
    assert base64.b64encode(b"pw-123").decode() in Path(file_keyring.file_path).read_text()
    assert secrets.delete_password("smtp.example.com", "me")
    assert secrets.get_password("smtp.example.com", "me", allow_plaintext=True) is None


def test_no_keyring_at_all_is_an_environment_problem() -> None:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(EnvironmentProblem, match="No password store"):
            secrets.store_password("smtp.example.com", "me", "pw", allow_plaintext=True)
    finally:
        keyring.set_keyring(previous)


def test_a_second_sender_does_nothing_while_the_first_holds_the_lock(
        home: Path, smtp_server: LoopbackSmtp, file_keyring: PlaintextKeyring) -> None:
    shop = StoreBuilder(home)
    configure(shop, smtp_server)
    for key in "abcd":
        shop.product(key)
    shop.order("ann@example.org", "2026-03-01 10:00", ["a", "b"])
    plan(shop.store, now="2026-03-03T11:00:00Z", timing=timing_frame({}),
         complements=fixed_complements({"a+b": [3, 4]}))
    holder_conn = shop.store.connect()
    holder = SenderLock(holder_conn)
    assert holder.acquire()
    busy = send_due(shop.store, now="2026-03-03T11:00:00Z", ssl_context=smtp_server.client_ctx)
    assert busy.sent == 0 and "another ppdesk sender is running" in busy.stopped
    holder.release()
    done = send_due(shop.store, now="2026-03-03T11:00:00Z", ssl_context=smtp_server.client_ctx)
    assert done.sent == 1 and len(smtp_server.received) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="dead-process check is POSIX only")
def test_lock_of_a_dead_process_is_taken_over(home: Path) -> None:
    store = open_store(home)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    conn = store.connect()
    import json
    import socket
    import time
    oq.put_value(conn, LOCK_KEY, json.dumps({"token": "x", "pid": int(dead.stdout),
                                             "host": socket.gethostname(),
                                             "heartbeat": time.time()}))
    assert SenderLock(store.connect()).acquire()
    alive = SenderLock(store.connect())
    assert not alive.acquire() and alive.holder is not None
    assert alive.holder.pid == os.getpid()


def test_schedule_entries_run_send_due_for_this_home(tmp_path: Path) -> None:
    home = tmp_path / "my store"
    line = schedule.crontab_line(home, every_minutes=5, executable="/usr/bin/python3")
    bus = 'DBUS_SESSION_BUS_ADDRESS="${DBUS_SESSION_BUS_ADDRESS:-unix:path=/run/user/$(id -u)/bus}"'
    assert line == (f"*/5 * * * * env {bus} /usr/bin/python3 -m ppdesk --home '{home}' send-due "
                    ">/dev/null 2>&1")
    plist = plistlib.loads(schedule.launchd_plist(home, executable="/usr/bin/python3").encode())
    assert plist["ProgramArguments"] == ["/usr/bin/python3", "-m", "ppdesk", "--home",
                                         str(home), "send-due"]
    assert plist["StartInterval"] == 300 and plist["Label"] == schedule.LABEL
    argv = schedule.schtasks_argv(home, executable=r"C:\Python\python.exe")
    assert argv[:8] == ["schtasks", "/Create", "/F", "/SC", "MINUTE", "/MO", "5", "/TN"]
    assert argv[-1] == rf'C:\Python\python.exe -m ppdesk --home "{home}" send-due'

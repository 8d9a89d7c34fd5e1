"""One sender at a time per store: a lease row in the store's settings table.

The app's background sender and a cron/launchd/Task Scheduler ``ppdesk send-due``
may start together; only one may talk to the SMTP server, or a message could be
sent twice. The lock is taken in a ``BEGIN IMMEDIATE`` transaction and refreshed
while sending (a heartbeat). It is stale when its heartbeat is older than
``LEASE_SECONDS``, or, on the same machine, when its process no longer exists
(POSIX; on Windows only the lease counts, because ``os.kill(pid, 0)`` there would
terminate the process). Whoever takes a stale lock knows no one is mid-send, so
rows left in ``sending`` belong to a dead sender and become ``unknown``.
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import sys
import time
import uuid
from dataclasses import dataclass

from ppdesk.core.store import outbox_queries as oq
from ppdesk.core.store import transaction

LOCK_KEY = "sender_lock"
LEASE_SECONDS = 180.0
HEARTBEAT_SECONDS = 20.0


@dataclass
class Holder:
    token: str
    pid: int
    host: str
    heartbeat: float


def _alive(pid: int) -> bool:
    if sys.platform == "win32":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read(conn: sqlite3.Connection) -> Holder | None:
    raw = oq.get_value(conn, LOCK_KEY)
    if not raw:
        return None
    try:
        data = json.loads(raw)
        return Holder(str(data["token"]), int(data["pid"]), str(data["host"]),
                      float(data["heartbeat"]))
    except (ValueError, KeyError, TypeError):
        return None


def _stale(holder: Holder, now: float) -> bool:
    if now - holder.heartbeat > LEASE_SECONDS:
        return True
    return holder.host == socket.gethostname() and not _alive(holder.pid)


class SenderLock:
    """``acquire()`` -> bool; ``refresh()`` now and then; ``release()`` at the end."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.token = uuid.uuid4().hex
        self.holder: Holder | None = None   # who holds it when we could not take it
        self._last = 0.0

    def _write(self, now: float) -> None:
        oq.put_value(self.conn, LOCK_KEY, json.dumps({
            "token": self.token, "pid": os.getpid(), "host": socket.gethostname(),
            "heartbeat": now}))
        self._last = now

    def acquire(self) -> bool:
        now = time.time()
        with transaction(self.conn):
            current = _read(self.conn)
            if current is not None and current.token != self.token and not _stale(current, now):
                self.holder = current
                return False
            self._write(now)
        return True

    def refresh(self, *, force: bool = False) -> bool:
        """Renew the heartbeat; False if someone took the lock from us (we stalled too long)."""
        now = time.time()
        if not force and now - self._last < HEARTBEAT_SECONDS:
            return True
        with transaction(self.conn):
            current = _read(self.conn)
            if current is None or current.token != self.token:
                return False
            self._write(now)
        return True

    def release(self) -> None:
        with transaction(self.conn):
            current = _read(self.conn)
            if current is not None and current.token == self.token:
                oq.delete_value(self.conn, LOCK_KEY)

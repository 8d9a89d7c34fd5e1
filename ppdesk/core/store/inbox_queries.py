"""SQL of the mailbox check: per-folder read position, the processed-message log, outbox lookups.

Every write of one batch runs in the caller's single transaction: the log rows, the
suppressions and outbox events they cause, and the folder's new ``last_uid``. A kill
before COMMIT leaves nothing; after it, the batch is never read again. ``log_message``
returns False for a message already logged, and the caller then does nothing else
for it: that is what makes a rerun process nothing twice.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class FolderState:
    folder: str
    uidvalidity: int
    last_uid: int


@dataclass(frozen=True)
class LogEntry:
    folder: str
    uidvalidity: int
    uid: int
    message_id: str | None
    received_at: str | None
    sender: str | None
    subject: str | None
    kind: str
    email: str | None
    outbox_id: int | None
    action: str
    detail: str | None
    processed_at: str
    moved: bool = False


def folder_state(conn: sqlite3.Connection, folder: str) -> FolderState | None:
    row = conn.execute("SELECT folder, uidvalidity, last_uid FROM inbox_folders WHERE folder = ?",
                       (folder,)).fetchone()
    return None if row is None else FolderState(str(row[0]), int(row[1]), int(row[2]))


def save_folder_state(conn: sqlite3.Connection, state: FolderState, at: str) -> None:
    conn.execute("INSERT INTO inbox_folders(folder, uidvalidity, last_uid, checked_at)"
                 " VALUES (?, ?, ?, ?) ON CONFLICT(folder) DO UPDATE SET"
                 " uidvalidity = excluded.uidvalidity, last_uid = excluded.last_uid,"
                 " checked_at = excluded.checked_at",
                 (state.folder, state.uidvalidity, state.last_uid, at))


def log_message(conn: sqlite3.Connection, entry: LogEntry) -> bool:
    """Record one processed message; False if it was logged before (do nothing more)."""
    cur = conn.execute(
        "INSERT INTO inbox_log(folder, uidvalidity, uid, message_id, received_at, sender,"
        " subject, kind, email, outbox_id, action, detail, moved, processed_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT(folder, uidvalidity, uid) DO NOTHING",
        (entry.folder, entry.uidvalidity, entry.uid, entry.message_id, entry.received_at,
         entry.sender, entry.subject, entry.kind, entry.email, entry.outbox_id, entry.action,
         entry.detail, int(entry.moved), entry.processed_at))
    return cur.rowcount > 0


def pending_moves(conn: sqlite3.Connection, folder: str, uidvalidity: int) -> list[int]:
    """UIDs processed but not yet filed into the ppdesk folder (a kill came between)."""
    return [int(r[0]) for r in conn.execute(
        "SELECT uid FROM inbox_log WHERE folder = ? AND uidvalidity = ? AND moved = 0"
        " AND action IN ('suppressed', 'noted') ORDER BY uid", (folder, uidvalidity))]


def mark_moved(conn: sqlite3.Connection, folder: str, uidvalidity: int,
               uids: Iterable[int]) -> None:
    conn.executemany("UPDATE inbox_log SET moved = 1 WHERE folder = ? AND uidvalidity = ?"
                     " AND uid = ?", [(folder, uidvalidity, int(u)) for u in uids])


def outbox_by_message_ids(conn: sqlite3.Connection,
                          message_ids: Sequence[str]) -> dict[str, tuple[int, str]]:
    """Message-ID -> (outbox id, recipient email) for the ids that are ours."""
    found: dict[str, tuple[int, str]] = {}
    ids = sorted(set(message_ids))
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT message_id, id, email FROM outbox"
                                f" WHERE message_id IN ({marks})", chunk):
            found[str(row[0])] = (int(row[1]), str(row[2]))
    return found


def outbox_by_ids(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, tuple[str, str]]:
    """outbox id -> (message id, recipient email), for ids named by X-Ppdesk-Outbox-Id."""
    found: dict[int, tuple[str, str]] = {}
    wanted = sorted({int(i) for i in ids})
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        marks = ",".join("?" * len(chunk))
        for row in conn.execute(f"SELECT id, COALESCE(message_id, ''), email FROM outbox"
                                f" WHERE id IN ({marks})", chunk):
            found[int(row[0])] = (str(row[1]), str(row[2]))
    return found


def unknown_rows(conn: sqlite3.Connection) -> list[tuple[int, str]]:
    """(outbox id, Message-ID) of rows whose delivery is unknown and that had an id."""
    return [(int(r[0]), str(r[1])) for r in conn.execute(
        "SELECT id, message_id FROM outbox WHERE state = 'unknown' AND message_id IS NOT NULL"
        " ORDER BY id")]


def add_event(conn: sqlite3.Connection, outbox_id: int, at: str, detail: str) -> None:
    """An event on an outbox row that does not change its state (a bounce after 'sent')."""
    row = conn.execute("SELECT state FROM outbox WHERE id = ?", (int(outbox_id),)).fetchone()
    if row is None:
        return
    conn.execute("INSERT INTO outbox_events(outbox_id, at, from_state, to_state, detail)"
                 " VALUES (?, ?, ?, ?, ?)", (int(outbox_id), at, row[0], row[0], detail[:500]))


def load_log(conn: sqlite3.Connection, *, limit: int = 500) -> pd.DataFrame:
    """The newest processed messages first, for the merchant: what came in and what ppdesk did."""
    return pd.read_sql_query(
        "SELECT processed_at, folder, uid, kind, action, COALESCE(email, '') AS email,"
        " COALESCE(sender, '') AS sender, COALESCE(subject, '') AS subject,"
        " COALESCE(detail, '') AS detail, outbox_id, moved FROM inbox_log"
        " ORDER BY id DESC LIMIT ?", conn, params=(int(limit),))

"""SQL of the run reports: one row per scheduled or background run (send-due, inbox check)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass


@dataclass(frozen=True)
class RunRow:
    id: int
    kind: str
    started_at: str
    finished_at: str | None
    ok: bool
    sent: int
    failed: int
    error: str | None
    details: str | None


def start(conn: sqlite3.Connection, kind: str, at: str) -> int:
    cur = conn.execute("INSERT INTO runs(kind, started_at) VALUES (?, ?)", (kind, at))
    return int(cur.lastrowid or 0)


def finish(conn: sqlite3.Connection, run_id: int, at: str, *, ok: bool, sent: int, failed: int,
           error: str | None, details: str | None) -> None:
    conn.execute("UPDATE runs SET finished_at = ?, ok = ?, sent = ?, failed = ?, error = ?,"
                 " details = ? WHERE id = ?",
                 (at, int(ok), int(sent), int(failed), error, details, int(run_id)))


def latest(conn: sqlite3.Connection, kind: str | None = None, limit: int = 1) -> list[RunRow]:
    """The newest runs first (of one kind, or of every kind)."""
    where, params = ("WHERE kind = ?", (kind,)) if kind else ("", ())
    rows = conn.execute(f"SELECT id, kind, started_at, finished_at, ok, sent, failed, error,"
                        f" details FROM runs {where} ORDER BY id DESC LIMIT ?",
                        (*params, int(limit))).fetchall()
    return [RunRow(int(r[0]), str(r[1]), str(r[2]), r[3], bool(r[4]), int(r[5]), int(r[6]),
                   r[7], r[8]) for r in rows]

"""SQL of the suppression list: addresses that must never be emailed again.

Emails are stored lower-cased and trimmed (the caller normalises). An address
already on the list keeps its first reason: a hard bounce stays a hard bounce
even if the merchant later imports it again as ``imported``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

import pandas as pd


def add(conn: sqlite3.Connection, rows: Iterable[tuple[str, str, str | None, str]]) -> int:
    """Insert (email, reason, source, created_at) rows; returns how many were new."""
    before = conn.total_changes
    conn.executemany("INSERT INTO suppressions(email, reason, source, created_at)"
                     " VALUES (?, ?, ?, ?) ON CONFLICT(email) DO NOTHING", list(rows))
    return conn.total_changes - before


def remove(conn: sqlite3.Connection, email: str) -> bool:
    cur = conn.execute("DELETE FROM suppressions WHERE email = ?", (email,))
    return cur.rowcount > 0


def reason_for(conn: sqlite3.Connection, email: str) -> str | None:
    row = conn.execute("SELECT reason FROM suppressions WHERE email = ?", (email,)).fetchone()
    return None if row is None else str(row[0])


def load(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every suppressed address: email, reason, source, created_at (newest first)."""
    return pd.read_sql_query(
        "SELECT email, reason, COALESCE(source, '') AS source, created_at FROM suppressions"
        " ORDER BY created_at DESC, email", conn)

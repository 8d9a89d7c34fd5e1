"""SQL of the suppression list: addresses that must never be emailed again.

Emails are stored lower-cased and trimmed (the caller normalises). An address
already on the list keeps its first reason: a hard bounce stays a hard bounce
even if the merchant later imports it again as ``imported``.

A forgotten customer (GDPR erasure) stays on the list only as
``sha256:<hex of sha256(salt + address)>``, the salt kept in the store's settings
table: the address cannot be read back, yet a later import of the same address is
recognised (``reason_for`` and ``forgotten_matches``) and never mailed.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from collections.abc import Iterable

import pandas as pd

HASH_PREFIX = "sha256:"
SALT_KEY = "erasure_salt"


def erasure_salt(conn: sqlite3.Connection, *, create: bool = False) -> str | None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?", (SALT_KEY,)).fetchone()
    if row is not None:
        return str(row[0]).strip('"')
    if not create:
        return None
    salt = secrets.token_hex(16)
    conn.execute("INSERT INTO settings(key, value) VALUES (?, ?)", (SALT_KEY, f'"{salt}"'))
    return salt


def address_hash(salt: str, email: str) -> str:
    """The key a forgotten address keeps on the list."""
    digest = hashlib.sha256((salt + email.strip().lower()).encode()).hexdigest()
    return HASH_PREFIX + digest


def _hashed_reasons(conn: sqlite3.Connection) -> dict[str, str]:
    return {str(r[0]): str(r[1]) for r in conn.execute(
        "SELECT email, reason FROM suppressions WHERE email LIKE 'sha256:%'")}


def forgotten_matches(conn: sqlite3.Connection, emails: Iterable[str]) -> dict[str, str]:
    """address -> reason for the given addresses that belong to forgotten customers."""
    hashed = _hashed_reasons(conn)
    salt = erasure_salt(conn)
    if not hashed or salt is None:
        return {}
    found: dict[str, str] = {}
    for email in {str(e).strip().lower() for e in emails if e and "@" in str(e)}:
        reason = hashed.get(address_hash(salt, email))
        if reason is not None:
            found[email] = reason
    return found


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
    if row is None:
        return forgotten_matches(conn, [email]).get(email.strip().lower())
    return str(row[0])


def load(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every suppressed address: email, reason, source, created_at (newest first)."""
    return pd.read_sql_query(
        "SELECT email, reason, COALESCE(source, '') AS source, created_at FROM suppressions"
        " ORDER BY created_at DESC, email", conn)

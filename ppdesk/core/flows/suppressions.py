"""The do-not-email list: unsubscribes, hard bounces, complaints, manual entries, CSV imports.

Addresses are trimmed and lower-cased. The sender adds hard bounces itself; the
merchant adds unsubscribes (from replies to the List-Unsubscribe mailto or their
platform's unsubscribe export) by hand or from a CSV. A CSV may have a header: the
column named ``email`` (any case; also "Email Address", "E-mail") is used, else the
first column; rows without an ``@`` are reported, not imported.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ppdesk.core.errors import InputError
from ppdesk.core.flows import clock
from ppdesk.core.flows.orchestrate import normalise_email
from ppdesk.core.store import Store, transaction
from ppdesk.core.store import suppression_queries as sq

REASONS = ("unsubscribe", "hard_bounce", "complaint", "manual", "imported")
_EMAIL_HEADERS = {"email", "e-mail", "email address", "e-mail address", "mail", "address"}


@dataclass
class ImportResult:
    added: int = 0
    already: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)   # (row, text)


def _check_reason(reason: str) -> str:
    if reason not in REASONS:
        raise InputError(f"suppression reason '{reason}' must be one of {', '.join(REASONS)}")
    return reason


def add(store: Store, emails: list[str], *, reason: str = "manual", source: str = "manual") -> int:
    """Suppress addresses; returns how many were not on the list yet."""
    _check_reason(reason)
    clean = sorted({normalise_email(e) for e in emails if e and "@" in e})
    bad = [e for e in emails if not e or "@" not in e]
    if bad:
        raise InputError(f"'{bad[0]}' is not an email address")
    at = clock.to_text(clock.utc_now())
    conn = store.connect()
    try:
        with transaction(conn):
            return sq.add(conn, [(e, reason, source, at) for e in clean])
    finally:
        conn.close()


def remove(store: Store, email: str) -> bool:
    """Take an address off the list (e.g. the customer subscribed again)."""
    conn = store.connect()
    try:
        return sq.remove(conn, normalise_email(email))
    finally:
        conn.close()


def import_csv(store: Store, path: Path, *, reason: str = "imported") -> ImportResult:
    """Suppress every address in a CSV file (see the module doc for the columns)."""
    _check_reason(reason)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", file=str(path)) from None
    text = raw.decode("utf-8-sig", errors="replace")
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        raise InputError("the file is empty", file=str(path))
    header = [h.strip().lower() for h in rows[0]]
    column = next((i for i, h in enumerate(header) if h in _EMAIL_HEADERS), None)
    start = 1 if column is not None or "@" not in "".join(rows[0]) else 0
    column = column or 0
    result = ImportResult()
    emails = []
    for number, row in enumerate(rows[start:], start=start + 1):
        value = row[column].strip() if len(row) > column else ""
        if not value:
            continue
        if "@" not in value or " " in value:
            result.rejected.append((number, value[:80]))
            continue
        emails.append(normalise_email(value))
    unique = sorted(set(emails))
    at = clock.to_text(clock.utc_now())
    conn = store.connect()
    try:
        with transaction(conn):
            result.added = sq.add(conn, [(e, reason, Path(path).name, at) for e in unique])
    finally:
        conn.close()
    result.already = len(unique) - result.added
    return result


def load(store: Store) -> pd.DataFrame:
    """The list: email, reason, source, created_at (newest first)."""
    conn = store.connect()
    try:
        return sq.load(conn)
    finally:
        conn.close()

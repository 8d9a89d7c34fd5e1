"""Opening the store: one SQLite file per home, WAL mode, foreign keys on, migrated on open.

Each thread opens its own connection (sqlite3 connections are not shared
across threads); writes go through ``transaction()`` so a failure or a
cancel rolls everything back.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ppdesk.core import paths
from ppdesk.core.errors import EnvironmentProblem
from ppdesk.core.store import migrations


@dataclass(frozen=True)
class Store:
    """Where one store lives: its home folder and SQLite file."""

    home: Path

    @property
    def db_path(self) -> Path:
        return paths.store_path(self.home)

    @property
    def columnar_dir(self) -> Path:
        return paths.columnar_dir(self.home)

    def connect(self) -> sqlite3.Connection:
        """A new connection for the calling thread (migrations already ran in ``open_store``)."""
        return _connect(self.db_path)


def _connect(db_path: Path) -> sqlite3.Connection:
    try:
        conn = sqlite3.connect(db_path, timeout=30, isolation_level=None)
        conn.execute("PRAGMA foreign_keys = ON")
        # 16 KiB pages for a new store (a no-op on an existing one): a bulk import
        # commits and builds indexes faster, analytics scans fewer pages.
        conn.execute("PRAGMA page_size = 16384")  # must precede WAL to take effect
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA busy_timeout = 30000")
    except sqlite3.Error as exc:
        raise map_sqlite_error(exc, db_path) from exc
    conn.row_factory = sqlite3.Row
    return conn


def open_store(home: Path) -> Store:
    """Open (creating if needed) the store in ``home`` and bring its schema up to date."""
    store = Store(Path(home))
    conn = _connect(store.db_path)
    try:
        migrations.migrate(conn)
    except sqlite3.Error as exc:
        raise map_sqlite_error(exc, store.db_path) from exc
    finally:
        conn.close()
    return store


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """BEGIN IMMEDIATE ... COMMIT, rolled back on any exception (cancel included)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


def map_sqlite_error(exc: sqlite3.Error, db_path: Path) -> Exception:
    """Turn sqlite3 errors caused by the environment into ``EnvironmentProblem``.

    Anything else is a bug and is returned unchanged.
    """
    text = str(exc).lower()
    if "database or disk is full" in text:
        return EnvironmentProblem(
            f"The disk holding {db_path} is full; free some space and try again.")
    if "locked" in text or "busy" in text:
        return EnvironmentProblem(
            f"The store {db_path} is busy in another ppdesk window; try again.")
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return EnvironmentProblem(
            f"Cannot write the store {db_path}; check the folder's permissions.")
    if "malformed" in text or "not a database" in text:
        return EnvironmentProblem(f"The store {db_path} is damaged or is not a ppdesk store.")
    return exc

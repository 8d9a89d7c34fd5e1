"""Schema migrations, numbered, tracked in ``PRAGMA user_version``; run on every open.

Never edit a migration that has shipped: add the next number. Reserved numbers so
parallel work does not collide: 1 orders/import core, 2 flows/outbox/suppression,
3 offers and results.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

# A migration is an SQL script (run whole, atomically, with the version bump) or a
# function that uses ``conn.execute`` only (``executescript`` would commit early).
Migration = str | Callable[[sqlite3.Connection], None]

V1_ORDERS = """
        CREATE TABLE import_batches (
            id              INTEGER PRIMARY KEY,
            file_name       TEXT NOT NULL,
            file_path       TEXT NOT NULL,
            file_hash       TEXT NOT NULL,          -- sha256 of the file's bytes
            sheet           TEXT,
            platform        TEXT NOT NULL,
            imported_at     TEXT NOT NULL,          -- UTC ISO 8601
            rows_read       INTEGER NOT NULL DEFAULT 0,
            orders_added    INTEGER NOT NULL DEFAULT 0,
            orders_updated  INTEGER NOT NULL DEFAULT 0,
            lines_added     INTEGER NOT NULL DEFAULT 0,
            customers_added INTEGER NOT NULL DEFAULT 0,
            duplicates_skipped INTEGER NOT NULL DEFAULT 0,
            rows_rejected   INTEGER NOT NULL DEFAULT 0,
            mapping_json    TEXT                    -- canonical field -> source column used
        );
        CREATE TABLE import_rejects (
            id        INTEGER PRIMARY KEY,
            batch_id  INTEGER NOT NULL REFERENCES import_batches(id) ON DELETE CASCADE,
            file      TEXT NOT NULL,
            row       INTEGER,
            column    TEXT,
            reason    TEXT NOT NULL
        );
        CREATE TABLE customers (
            id                INTEGER PRIMARY KEY,
            customer_key      TEXT NOT NULL UNIQUE,  -- platform customer id, else lower-cased email
            email             TEXT,
            first_name        TEXT,
            accepts_marketing INTEGER,               -- 1/0, NULL when the export does not say
            platform          TEXT NOT NULL,
            first_batch_id    INTEGER REFERENCES import_batches(id)
        );
        CREATE TABLE products (
            id            INTEGER PRIMARY KEY,
            product_key   TEXT NOT NULL UNIQUE,      -- trimmed SKU, else trimmed name
            sku           TEXT,
            name          TEXT NOT NULL,
            last_price    REAL,
            currency      TEXT,
            image_url     TEXT,
            url           TEXT,
            unit_cost     REAL,                      -- cost of goods, entered by the merchant
            consumable_override INTEGER              -- NULL = automatic, 1 = consumable, 0 = not
        );
        CREATE TABLE orders (
            id               INTEGER PRIMARY KEY,
            platform         TEXT NOT NULL,
            store_order_id   TEXT NOT NULL,          -- the platform's order number/name
            customer_id      INTEGER REFERENCES customers(id),
            email            TEXT,
            first_name       TEXT,
            ordered_at       TEXT NOT NULL,          -- local time as exported, 'YYYY-MM-DD HH:MM:SS'
            order_date       TEXT NOT NULL,          -- local calendar date 'YYYY-MM-DD'
            utc_offset_min   INTEGER,                -- offset written in the export, NULL if none
            currency         TEXT,
            financial_status TEXT,
            cancelled        INTEGER NOT NULL DEFAULT 0,
            discount_code    TEXT,
            accepts_marketing INTEGER,
            marketing_allowed INTEGER NOT NULL DEFAULT 1, -- 0 for marketplaces (Amazon, Etsy)
            total            REAL,
            batch_id         INTEGER NOT NULL REFERENCES import_batches(id),
            updated_batch_id INTEGER REFERENCES import_batches(id),
            UNIQUE (platform, store_order_id)
        );
        CREATE INDEX orders_customer ON orders(customer_id, order_date);
        CREATE INDEX orders_date ON orders(order_date);
        CREATE TABLE order_lines (
            id          INTEGER PRIMARY KEY,
            order_id    INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
            line_no     INTEGER NOT NULL,            -- position of the line within its order
            product_id  INTEGER NOT NULL REFERENCES products(id),
            quantity    REAL NOT NULL,
            unit_price  REAL,
            batch_id    INTEGER NOT NULL REFERENCES import_batches(id),
            UNIQUE (order_id, line_no)
        );
        CREATE INDEX order_lines_product ON order_lines(product_id);
        CREATE TABLE settings (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL                      -- JSON
        );
"""


MIGRATIONS: list[Migration] = [V1_ORDERS]


def current_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Apply every migration newer than the store's ``user_version``, each in its own transaction."""
    version = current_version(conn)
    if version > len(MIGRATIONS):
        from ppdesk.core.errors import EnvironmentProblem

        raise EnvironmentProblem(
            f"This store was written by a newer ppdesk (schema {version}); update ppdesk to open it."
        )
    for number, migration in enumerate(MIGRATIONS[version:], start=version + 1):
        try:
            if isinstance(migration, str):
                conn.executescript(
                    f"BEGIN IMMEDIATE;\n{migration}\nPRAGMA user_version = {number};\nCOMMIT;"
                )
            else:
                conn.execute("BEGIN IMMEDIATE")
                migration(conn)
                conn.execute(f"PRAGMA user_version = {number}")
                conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
    return current_version(conn)

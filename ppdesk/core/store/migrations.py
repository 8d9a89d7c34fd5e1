"""Schema migrations, numbered, tracked in ``PRAGMA user_version``; run on every open.

Never edit a migration that has shipped: add the next number. Each migration's
comment says what it adds; ``MIGRATIONS`` at the bottom lists them in order.
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


V2_FLOWS = """
CREATE TABLE outbox (
    id               INTEGER PRIMARY KEY,
    plan_key         TEXT NOT NULL UNIQUE,   -- flow|customer|trigger order|product: planned once
    flow             TEXT NOT NULL,          -- cross_sell | replenishment | review | loyalty
    customer_id      INTEGER NOT NULL REFERENCES customers(id),
    email            TEXT NOT NULL,
    trigger_order_id INTEGER REFERENCES orders(id),
    product_ids      TEXT NOT NULL,          -- JSON list of products.id featured
    template         TEXT NOT NULL,
    due_at           TEXT NOT NULL,          -- UTC ISO 8601
    state            TEXT NOT NULL CHECK (state IN
                     ('planned', 'due', 'sending', 'sent', 'failed', 'cancelled', 'unknown')),
    reason           TEXT,                   -- why cancelled / failed / not sent, plain words
    holdout          INTEGER NOT NULL DEFAULT 0, -- 1: would have been sent, held out for lift
    subject          TEXT,
    message_id       TEXT UNIQUE,            -- stable, derived from the outbox id
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT,
    planned_at       TEXT NOT NULL,
    sent_at          TEXT,
    updated_at       TEXT NOT NULL
);
CREATE INDEX outbox_state_due ON outbox(state, due_at);
CREATE INDEX outbox_customer ON outbox(customer_id, state);
CREATE TABLE outbox_events (
    id         INTEGER PRIMARY KEY,
    outbox_id  INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
    at         TEXT NOT NULL,
    from_state TEXT,
    to_state   TEXT NOT NULL,
    detail     TEXT                          -- SMTP reply code and text, never secrets
);
CREATE TABLE suppressions (
    email      TEXT PRIMARY KEY,             -- lower-cased, trimmed
    reason     TEXT NOT NULL CHECK (reason IN
               ('unsubscribe', 'hard_bounce', 'complaint', 'manual', 'imported')),
    source     TEXT,
    created_at TEXT NOT NULL
);
CREATE TABLE holdout (
    customer_id INTEGER PRIMARY KEY REFERENCES customers(id),
    in_holdout  INTEGER NOT NULL,
    assigned_at TEXT NOT NULL
);
"""

V3_OFFERS_RESULTS = """
CREATE TABLE offers (
    id                    INTEGER PRIMARY KEY,
    trigger_product_id    INTEGER NOT NULL REFERENCES products(id),
    complement_product_id INTEGER NOT NULL REFERENCES products(id),
    window_minutes        INTEGER NOT NULL,
    headline              TEXT NOT NULL,
    call_to_action        TEXT NOT NULL,
    platform              TEXT NOT NULL,
    active                INTEGER NOT NULL DEFAULT 1,
    live_since            TEXT,                  -- local date the merchant pasted it live
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL,
    UNIQUE (trigger_product_id)
);
CREATE TABLE offer_variants (
    id               INTEGER PRIMARY KEY,
    offer_id         INTEGER NOT NULL REFERENCES offers(id) ON DELETE CASCADE,
    position         INTEGER NOT NULL,           -- variant = order number mod count (see offers.variants)
    discount_percent REAL NOT NULL,
    discount_code    TEXT NOT NULL UNIQUE,
    UNIQUE (offer_id, position)
);
"""

# Merchant-entered platform ids (exports do not carry them): the Shopify variant id for
# cart permalinks, the WooCommerce product id for ?add-to-cart=.
V4_PRODUCT_PLATFORM_IDS = """
ALTER TABLE products ADD COLUMN platform_product_id TEXT;
ALTER TABLE products ADD COLUMN platform_variant_id TEXT;
"""

# Flows: a machine code beside the plain-words reason (the planner revives a message it
# cancelled itself, never one the merchant cancelled) and flow facts for the email
# (reviewed products vs complements, the customer's cadence) as JSON.
V5_OUTBOX_REASON_DETAILS = """
ALTER TABLE outbox ADD COLUMN reason_code TEXT;
ALTER TABLE outbox ADD COLUMN details TEXT;
CREATE INDEX outbox_events_outbox ON outbox_events(outbox_id);
"""

# What analytics needs from the catalogue: which ordered products are variants of one
# parent (Shopify handle, WooCommerce parent id) and their type/category (substitutes,
# non-products). NULL until a catalogue that matches the product is imported.
V6_PRODUCT_PARENTS = """
ALTER TABLE products ADD COLUMN parent_key TEXT;
ALTER TABLE products ADD COLUMN product_type TEXT;
ALTER TABLE products ADD COLUMN category TEXT;
"""

# A customer's phone in E.164 (+923001234567): the identity of cash-on-delivery buyers who
# leave no e-mail (cli-contract.md, "Customer"), and the number a merchant calls or messages.
V7_CUSTOMER_PHONE = """
ALTER TABLE customers ADD COLUMN phone TEXT;
"""

# The imported catalogue, one row per sellable variant (docs/catalogue.md), its parents
# and images; each ordered product points at its catalogue variant. ``*_source`` says
# who set a product's cost and details: the merchant's values are never overwritten by
# a catalogue ('merchant'), the catalogue's are refreshed by the next import. Values
# that existed before this migration were typed in by the merchant.
V8_CATALOGUE = """
CREATE TABLE catalogue_variants (
    id                  INTEGER PRIMARY KEY,
    platform            TEXT NOT NULL,
    variant_key         TEXT NOT NULL,   -- Shopify handle/options, WooCommerce ID, ...
    parent_key          TEXT NOT NULL,   -- Shopify handle, WooCommerce parent ID, ...
    handle              TEXT,            -- Shopify handle (links, fetch-ids)
    sku                 TEXT,
    title               TEXT NOT NULL,
    variant_title       TEXT,            -- "Blue / M"; NULL for a product's only variant
    full_name           TEXT NOT NULL,   -- as an order line names it: "Title - Blue / M"
    price               REAL,
    compare_at_price    REAL,
    cost                REAL,
    currency            TEXT,
    image_url           TEXT,            -- absolute https only
    product_url         TEXT,            -- absolute https only
    category            TEXT,
    product_type        TEXT,
    tags                TEXT,
    status              TEXT,
    platform_product_id TEXT,
    platform_variant_id TEXT,
    market_prices       TEXT,            -- JSON {market: price} of per-market price columns
    batch_id            INTEGER NOT NULL REFERENCES import_batches(id),
    updated_batch_id    INTEGER REFERENCES import_batches(id),
    UNIQUE (platform, variant_key)
);
CREATE TABLE catalogue_parents (
    platform   TEXT NOT NULL,
    parent_key TEXT NOT NULL,
    batch_id   INTEGER NOT NULL REFERENCES import_batches(id),
    PRIMARY KEY (platform, parent_key)
);
CREATE TABLE catalogue_images (
    platform   TEXT NOT NULL,
    parent_key TEXT NOT NULL,
    position   REAL NOT NULL,
    url        TEXT NOT NULL,
    PRIMARY KEY (platform, parent_key, url)
);
ALTER TABLE products ADD COLUMN catalogue_variant_id INTEGER REFERENCES catalogue_variants(id);
ALTER TABLE products ADD COLUMN catalogue_match TEXT;   -- sku | name | handle
ALTER TABLE products ADD COLUMN unit_cost_source TEXT;  -- merchant | catalogue
ALTER TABLE products ADD COLUMN details_source TEXT;    -- merchant once typed in
UPDATE products SET unit_cost_source = 'merchant' WHERE unit_cost IS NOT NULL;
UPDATE products SET details_source = 'merchant'
 WHERE COALESCE(image_url, url, platform_product_id, platform_variant_id) IS NOT NULL;
"""

# The merchant's word on what analytics recognised as "not a product" (tips, shipping
# protection, gift cards...): 1 = it is a product after all (put back), 0 = treat it as
# not a product although its name was not recognised. A table of its own, so that the
# importer's writes to products never touch it.
V9_PRODUCT_KIND_OVERRIDES = """
CREATE TABLE product_kind_overrides (
    product_id  INTEGER PRIMARY KEY REFERENCES products(id) ON DELETE CASCADE,
    is_product  INTEGER NOT NULL CHECK (is_product IN (0, 1)),
    changed_at  TEXT NOT NULL
);
"""

# Flow states a merchant chooses: Draft (no row: every flow of a new store), Live (plans
# and sends), Paused (keeps its planned emails, sends nothing). Existing stores start all
# Draft too: before this, merely opening the Flows page planned every flow (79 rows, 73
# already overdue), so a planned or even a sent row is no proof the merchant chose that
# flow. Their waiting emails are parked as cancelled with the revivable 'flow_off' code,
# with an event saying why; going Live revives them and asks about the overdue ones.
# Sent, failed and unknown rows (the history) are untouched.
V10_FLOW_STATES = """
CREATE TABLE flow_states (
    flow       TEXT PRIMARY KEY,
    state      TEXT NOT NULL CHECK (state IN ('draft', 'live', 'paused')),
    changed_at TEXT NOT NULL                  -- UTC ISO 8601
);
INSERT INTO outbox_events(outbox_id, at, from_state, to_state, detail)
    SELECT id, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), state, 'cancelled',
           'this flow is in Draft until you make it Live'
    FROM outbox WHERE state IN ('planned', 'due');
UPDATE outbox SET state = 'cancelled', reason_code = 'flow_off',
                  reason = 'this flow is in Draft until you make it Live',
                  updated_at = strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
    WHERE state IN ('planned', 'due');
"""

# The mailbox (issue 13): where each IMAP folder was read up to, the log of every
# processed message (unique per folder/UIDVALIDITY/UID, so a rerun after a kill
# cannot process one twice; ``moved`` = filed into the ppdesk folder), and each
# scheduled/background run's outcome so a failure is seen, not lost.
V11_INBOX_RUNS = """
CREATE TABLE inbox_folders (
    folder      TEXT PRIMARY KEY,
    uidvalidity INTEGER NOT NULL,
    last_uid    INTEGER NOT NULL,
    checked_at  TEXT NOT NULL
);
CREATE TABLE inbox_log (
    id           INTEGER PRIMARY KEY,
    folder       TEXT NOT NULL,
    uidvalidity  INTEGER NOT NULL,
    uid          INTEGER NOT NULL,
    message_id   TEXT,
    received_at  TEXT,
    sender       TEXT,
    subject      TEXT,
    kind         TEXT NOT NULL,          -- unsubscribe|hard_bounce|soft_bounce|complaint|...
    email        TEXT,                   -- the address it is about (lower-cased)
    outbox_id    INTEGER REFERENCES outbox(id) ON DELETE SET NULL,
    action       TEXT NOT NULL,          -- suppressed | noted | ignored | skipped
    detail       TEXT,
    moved        INTEGER NOT NULL DEFAULT 0,
    processed_at TEXT NOT NULL,
    UNIQUE (folder, uidvalidity, uid)
);
CREATE INDEX inbox_log_email ON inbox_log(email);
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,           -- send-due | inbox-check
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    ok          INTEGER NOT NULL DEFAULT 0,
    sent        INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    error       TEXT,
    details     TEXT                     -- JSON summary of the run
);
CREATE INDEX runs_kind ON runs(kind, started_at);
"""

# The words of each flow's email as fields (subject, preheader, heading, ...), edited by
# the merchant as a form: one JSON object of field -> text per flow, so a field added
# later needs no migration (missing fields fall back to ppdesk's defaults).
V12_EMAIL_CONTENT = """
CREATE TABLE email_content (
    flow        TEXT PRIMARY KEY,      -- cross_sell | replenishment | review | loyalty
    fields_json TEXT NOT NULL,         -- {"subject": "...", "discount_code": "", ...}
    updated_at  TEXT NOT NULL          -- UTC ISO 8601
);
"""

# No query reads order lines by product (analytics reads the columnar copy of the
# lines frame), and building this index was the largest single step of a
# 1,000,000-line import (~1.5 CPU-seconds of sorting; issue 16).
V13_DROP_ORDER_LINES_PRODUCT = """
DROP INDEX IF EXISTS order_lines_product;
"""

# Offers editor (issue 14): the offer's body text under the headline, and each pause
# (UTC, naive ISO) so Results stops counting views from the moment an offer is paused.
V14_OFFER_BODY_PAUSES = """
ALTER TABLE offers ADD COLUMN body TEXT NOT NULL DEFAULT '';
CREATE TABLE offer_pauses (
    id         INTEGER PRIMARY KEY,
    offer_id   INTEGER NOT NULL REFERENCES offers(id) ON DELETE CASCADE,
    paused_at  TEXT NOT NULL,
    resumed_at TEXT
);
CREATE INDEX offer_pauses_offer ON offer_pauses(offer_id);
"""

MIGRATIONS: list[Migration] = [V1_ORDERS, V2_FLOWS, V3_OFFERS_RESULTS, V4_PRODUCT_PLATFORM_IDS,
                               V5_OUTBOX_REASON_DETAILS, V6_PRODUCT_PARENTS, V7_CUSTOMER_PHONE,
                               V8_CATALOGUE, V9_PRODUCT_KIND_OVERRIDES, V10_FLOW_STATES,
                               V11_INBOX_RUNS, V12_EMAIL_CONTENT, V13_DROP_ORDER_LINES_PRODUCT,
                               V14_OFFER_BODY_PAUSES]


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

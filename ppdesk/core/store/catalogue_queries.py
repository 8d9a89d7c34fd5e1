"""The imported catalogue: variants, parents, images, and their link to ordered products.

Written inside the importer's transaction (the caller owns it). A variant is
(platform, variant key): importing a catalogue again updates its rows in place;
platform ids and links that a later export lacks (Shopify exports never carry the
variant id that ``catalogue fetch-ids`` stored) are kept. Images of a parent are
replaced by the newest file's. See ``core/catalogue`` for what the columns mean.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# Rows per INSERT: a VALUES list of many rows pays SQLite's and Python's per-statement
# cost once (see store.orders); 200 rows x 24 parameters stays far below SQLite's limit.
ROWS_PER_STATEMENT = 200


def _insert_columns(conn: sqlite3.Connection, head: str, row_sql: str,
                    columns: list[list[Any]], suffix: str = "") -> None:
    """``head VALUES row, row, ... suffix`` for rows given as equally long columns.

    ``row_sql`` numbers its parameters ``?1 .. ?width``."""
    width, n = len(columns), len(columns[0])
    if n == 0:
        return
    grid = np.empty((n, width), dtype=object)
    for j, column in enumerate(columns):
        grid[:, j] = np.fromiter(column, dtype=object, count=n)
    k = ROWS_PER_STATEMENT

    pieces = re.split(r"\?(\d+)", row_sql)  # text, number, text, number, ..., text

    def numbered(offset: int) -> str:
        return "".join(p if i % 2 == 0 else f"?{int(p) + offset}" for i, p in enumerate(pieces))

    full = n // k * k
    if full:
        many = f"{head} VALUES " + ", ".join(numbered(i * width) for i in range(k)) + suffix
        conn.executemany(many, grid[:full].reshape(-1, width * k).tolist())
    if full < n:
        conn.executemany(f"{head} VALUES {row_sql}{suffix}", grid[full:].tolist())


def _literal(text: str) -> str:
    """``text`` as an SQL string literal (for values written once into a statement)."""
    return "'" + text.replace("'", "''") + "'"


_VARIANT_COLUMNS = (
    "variant_key", "parent_key", "handle", "sku", "title", "variant_title", "full_name", "price",
    "compare_at_price", "cost", "currency", "image_url", "product_url", "category",
    "product_type", "tags", "status", "platform_product_id", "platform_variant_id",
    "market_prices",
)
_KEEP_IF_MISSING = ("product_url", "platform_product_id", "platform_variant_id")


def _text_or_number(frame: pd.DataFrame, column: str) -> list[Any]:
    """A column as Python values: NaN floats bind as NULL (SQLite stores a bound NaN as
    NULL); empty (or missing) text becomes None, in pyarrow (no Python object per cell
    until the list handed to SQLite)."""
    series = frame[column]
    if series.dtype.kind in "fiu":
        return list(series.tolist())
    text = pa.array(series, type=pa.large_string(), from_pandas=True)
    return list(pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.large_string()),
                           text).to_pylist())


def _row_sql(columns: tuple[str, ...], extra: int = 0) -> str:
    return "(" + ", ".join(f"?{i}" for i in range(1, len(columns) + extra + 1)) + ")"


def _stage(conn: sqlite3.Connection, frame: pd.DataFrame, columns: tuple[str, ...],
           table: str = "_cat_in", *, keyed: bool = False) -> None:
    """The rows into the TEMP table ``table`` ("" and NaN as NULL), many rows per INSERT;
    ``keyed``: the first column is an integer key (the rowid, so a join on it is a lookup)."""
    conn.execute(f"DROP TABLE IF EXISTS temp.{table}")
    ddl = ", ".join((f"{c} INTEGER PRIMARY KEY" if keyed and i == 0 else c)
                    for i, c in enumerate(columns))
    conn.execute(f"CREATE TEMP TABLE {table} ({ddl})")
    _insert_columns(conn, f"INSERT INTO {table}({', '.join(columns)})",
                    _row_sql(columns), [_text_or_number(frame, c) for c in columns])


class _Bound:
    """One variant column as it will be bound: numbers as they are (a NaN binds as NULL),
    text in pyarrow with "" and missing as NULL (no Python object per cell until the
    list handed to SQLite)."""

    def __init__(self, series: pd.Series) -> None:
        self.numbers: pd.Series | None = series if series.dtype.kind in "fiu" else None
        self.text: pa.Array | None = None
        if self.numbers is None:
            text = pc.fill_null(pa.array(series, type=pa.large_string(), from_pandas=True), "")
            self.text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.large_string()), text)

    def all_null(self) -> bool:
        if self.text is not None:
            return self.text.null_count == len(self.text)
        assert self.numbers is not None
        return bool(self.numbers.isna().all())

    def same_within(self, at: np.ndarray | None, boundary: np.ndarray) -> bool:
        """Whether every row holds its parent's first value (NULL equals NULL).

        ``at``: each row's parent's first row; None when each parent's rows are
        consecutive, then each row is compared with the row before (``boundary``:
        where a parent starts), which needs no copy of the column."""
        if self.text is not None:
            text = pc.fill_null(self.text, "")
            if at is None:
                same = pc.equal(text[1:], text[:-1]).to_numpy(zero_copy_only=False)
                return bool((same | boundary).all())
            return bool(pc.all(pc.equal(pc.take(text, pa.array(at)), text)).as_py())
        assert self.numbers is not None
        values = self.numbers.to_numpy(dtype="float64")
        if at is None:
            a, b = values[1:], values[:-1]
            return bool(((a == b) | (np.isnan(a) & np.isnan(b)) | boundary).all())
        return bool(np.array_equal(values[at], values, equal_nan=True))

    def values(self, at: np.ndarray | None = None) -> list[Any]:
        """The column's values (at positions ``at`` when given) as Python objects."""
        if self.text is not None:
            text = self.text if at is None else pc.take(self.text, pa.array(at))
            return list(text.to_pylist())
        assert self.numbers is not None
        values = self.numbers if at is None else self.numbers.iloc[at]
        return list(values.tolist())


def _first_of_each(codes: np.ndarray) -> np.ndarray:
    """Position of each code's first row (codes from ``pd.factorize``: 0..k-1)."""
    first = np.empty(int(codes.max()) + 1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # written last: the first row
    return first


def _platform_size(conn: sqlite3.Connection, platform: str) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM catalogue_variants WHERE platform = ?",
                            (platform,)).fetchone()[0])


def write_variants(conn: sqlite3.Connection, platform: str, variants: pd.DataFrame,
                   batch_id: int) -> tuple[int, int]:
    """Insert or update the variants; returns (added, updated).

    Binding parameters is most of the cost of writing 50,000 variants, and a product's
    variants repeat its title, category, tags, link... So the columns that hold one
    value per parent are staged once per parent (``_cat_p``, keyed by the parent's
    position), and the variants' own columns go straight into the INSERT as many-row
    ``VALUES`` lists joined to their parent's staged row: less than half the parameters
    of a row-per-variant insert, same rows, same file order of ids. Columns that are
    NULL on every row are written as NULL without binding anything. Variant keys are
    unique within ``variants``, so each row either adds or updates: added = growth of
    the platform's count."""
    if variants.empty:
        return 0, 0
    before = _platform_size(conn, platform)
    codes = pd.factorize(variants["parent_key"], sort=False)[0]
    first = _first_of_each(codes)
    step = np.diff(codes)
    # Exports list a parent's variants together: then each row is checked against the
    # one before it (codes number parents in order of first appearance).
    at = None if bool((step >= 0).all()) else first[codes]
    bound = {c: _Bound(variants[c]) for c in _VARIANT_COLUMNS}
    empty = {c for c in _VARIANT_COLUMNS if c != "variant_key" and bound[c].all_null()}
    shared = tuple(c for c in _VARIANT_COLUMNS if c != "variant_key" and c not in empty
                   and bound[c].same_within(at, step != 0))
    own = tuple(c for c in _VARIANT_COLUMNS if c not in shared and c not in empty)
    conn.execute("DROP TABLE IF EXISTS temp._cat_p")
    conn.execute(f"CREATE TEMP TABLE _cat_p (pid INTEGER PRIMARY KEY, {', '.join(shared)})"
                 if shared else "CREATE TEMP TABLE _cat_p (pid INTEGER PRIMARY KEY)")
    _insert_columns(conn, f"INSERT INTO _cat_p(pid{''.join(', ' + c for c in shared)})",
                    _row_sql(("pid", *shared)),
                    [list(range(len(first))), *(bound[c].values(first) for c in shared)])
    names = ", ".join(_VARIANT_COLUMNS)
    column = {c: f"v.column{i}" for i, c in enumerate(own, start=2)}  # column1: the pid
    picked = ", ".join("NULL" if c in empty else f"p.{c}" if c in shared else column[c]
                       for c in _VARIANT_COLUMNS)
    updates = ", ".join(
        f"{c} = COALESCE(excluded.{c}, {c})" if c in _KEEP_IF_MISSING else f"{c} = excluded.{c}"
        for c in _VARIANT_COLUMNS if c != "variant_key")
    # CROSS JOIN keeps the VALUES rows outermost (file order of ids); the WHERE keeps
    # SQLite from reading ON CONFLICT as a join's ON. The first catalogue of a platform
    # cannot conflict, so it takes the cheaper plain INSERT.
    _insert_columns(
        conn, f"INSERT INTO catalogue_variants({names}, platform, batch_id) SELECT {picked}, "
        f"{_literal(platform)}, {int(batch_id)} FROM (", _row_sql(own, extra=1),
        [codes.tolist(), *(bound[c].values() for c in own)],
        ") v CROSS JOIN _cat_p p WHERE p.pid = v.column1"
        + ("" if before == 0 else
           f" ON CONFLICT(platform, variant_key) DO UPDATE SET {updates}, "
           "updated_batch_id = excluded.batch_id"))
    conn.execute("DROP TABLE temp._cat_p")
    added = _platform_size(conn, platform) - before
    return added, len(variants) - added


def write_parents(conn: sqlite3.Connection, platform: str, keys: pd.Index,
                  batch_id: int) -> None:
    _insert_columns(conn, "INSERT OR IGNORE INTO catalogue_parents(platform, parent_key, "
                    "batch_id)", f"({_literal(platform)}, ?1, {int(batch_id)})",
                    [keys.to_numpy(dtype=object).tolist()])


def replace_images(conn: sqlite3.Connection, platform: str, parents: pd.Index,
                   images: pd.DataFrame) -> None:
    """The images of ``parents`` become exactly ``images`` (parent_key, position, url)."""
    if conn.execute("SELECT 1 FROM catalogue_images WHERE platform = ? LIMIT 1",
                    (platform,)).fetchone() is not None:
        _stage(conn, pd.DataFrame({"parent_key": parents.to_numpy(dtype=object)}),
               ("parent_key",))
        conn.execute("DELETE FROM catalogue_images WHERE platform = ? AND parent_key IN "
                     "(SELECT parent_key FROM _cat_in)", (platform,))
        conn.execute("DROP TABLE temp._cat_in")
    if len(images):
        _insert_columns(conn, "INSERT OR IGNORE INTO catalogue_images(platform, parent_key, "
                        "position, url)", f"({_literal(platform)}, ?1, ?2, ?3)",
                        [_text_or_number(images, c) for c in ("parent_key", "position", "url")])


def has_products(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM products LIMIT 1").fetchone() is not None


def fill_shopify_links(conn: sqlite3.Connection, base: str) -> None:
    """Shopify product links for variants imported before the store URL was set."""
    if base:
        conn.execute("UPDATE catalogue_variants SET product_url = ? || '/products/' || handle "
                     "WHERE product_url IS NULL AND handle IS NOT NULL AND platform = 'shopify'",
                     (base,))


def catalogue_size(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM catalogue_variants").fetchone()[0])


def catalogue_counts(conn: sqlite3.Connection, platform: str | None = None) -> dict[str, int]:
    """Parents, variants and images stored (of one platform when given)."""
    where, args = ("WHERE platform = ?", (platform,)) if platform else ("", ())
    return {name: int(conn.execute(f"SELECT COUNT(*) FROM {table} {where}", args).fetchone()[0])
            for name, table in (("parents", "catalogue_parents"),
                                ("variants", "catalogue_variants"),
                                ("images", "catalogue_images"))}


def variants_for_matching(conn: sqlite3.Connection) -> pd.DataFrame:
    return pd.read_sql_query(
        "SELECT id AS variant_id, platform, parent_key, COALESCE(handle, '') AS handle, "
        "COALESCE(sku, '') AS sku, title, COALESCE(variant_title, '') AS variant_title, "
        "full_name FROM catalogue_variants ORDER BY id", conn)


def ordered_products(conn: sqlite3.Connection) -> pd.DataFrame:
    """Every product with its orders and revenue (quantity x unit price over its lines)."""
    return pd.read_sql_query(
        "SELECT p.id AS product_id, p.product_key, COALESCE(p.sku, '') AS sku, p.name, "
        "COUNT(DISTINCT l.order_id) AS orders, "
        "COALESCE(SUM(l.quantity * COALESCE(l.unit_price, 0)), 0) AS revenue "
        "FROM products p LEFT JOIN order_lines l ON l.product_id = p.id "
        "GROUP BY p.id ORDER BY p.id", conn)


def apply_matches(conn: sqlite3.Connection, matches: pd.DataFrame) -> None:
    """Point each matched product at its variant and take over the catalogue's details.

    The merchant's own values win: a cost they entered stays, and details they typed
    in are only filled where empty; catalogue values refresh the rest."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS _cat_match "
                 "(product_id INTEGER PRIMARY KEY, variant_id INTEGER, rule TEXT)")
    conn.execute("DELETE FROM _cat_match")
    conn.executemany("INSERT INTO _cat_match VALUES (?, ?, ?)",
                     zip(matches["product_id"].astype(int).tolist(),
                         matches["variant_id"].astype(int).tolist(),
                         matches["rule"].tolist(), strict=True))

    def detail(own: str, theirs: str) -> str:
        return (f"{own} = CASE WHEN products.details_source = 'merchant' "
                f"THEN COALESCE(products.{own}, v.{theirs}) ELSE COALESCE(v.{theirs}, "
                f"products.{own}) END")

    conn.execute(
        "UPDATE products SET catalogue_variant_id = m.variant_id, catalogue_match = m.rule, "
        "parent_key = v.parent_key, product_type = v.product_type, category = v.category, "
        f"{detail('image_url', 'image_url')}, {detail('url', 'product_url')}, "
        f"{detail('platform_product_id', 'platform_product_id')}, "
        f"{detail('platform_variant_id', 'platform_variant_id')}, "
        "unit_cost = CASE WHEN products.unit_cost_source = 'merchant' THEN products.unit_cost "
        "ELSE COALESCE(v.cost, products.unit_cost) END, "
        "unit_cost_source = CASE WHEN products.unit_cost_source = 'merchant' THEN 'merchant' "
        "WHEN v.cost IS NOT NULL THEN 'catalogue' ELSE products.unit_cost_source END "
        "FROM _cat_match m JOIN catalogue_variants v ON v.id = m.variant_id "
        "WHERE products.id = m.product_id")


_LISTING_SQL = """
SELECT COALESCE(p.product_key, COALESCE(v.sku, v.full_name)) AS product_key,
       v.parent_key AS parent, v.title, COALESCE(v.variant_title, '') AS variant_title,
       COALESCE(v.sku, p.sku) AS sku, v.price, v.compare_at_price,
       COALESCE(p.unit_cost, v.cost) AS cost, COALESCE(v.currency, p.currency) AS currency,
       COALESCE(p.image_url, v.image_url) AS image_url, COALESCE(p.url, v.product_url)
       AS product_url, COALESCE(p.platform_variant_id, v.platform_variant_id)
       AS platform_variant_id, v.category, v.platform, v.handle, v.id AS variant_id,
       p.id AS product_id
FROM catalogue_variants v LEFT JOIN products p ON p.catalogue_variant_id = v.id
UNION ALL
SELECT p.product_key, p.parent_key, p.name, '', p.sku, p.last_price, NULL, p.unit_cost,
       p.currency, p.image_url, p.url, p.platform_variant_id, p.category, NULL, NULL, NULL,
       p.id
FROM products p WHERE p.catalogue_variant_id IS NULL
"""


def listing(conn: sqlite3.Connection) -> pd.DataFrame:
    """One row per catalogue variant (with its ordered product when matched) plus every
    ordered product the catalogue does not hold; ``orders`` counts distinct orders."""
    frame = pd.read_sql_query(_LISTING_SQL, conn)
    orders = pd.read_sql_query("SELECT product_id, COUNT(DISTINCT order_id) AS orders "
                               "FROM order_lines GROUP BY product_id", conn)
    counts = pd.Series(orders["orders"].to_numpy(), index=orders["product_id"].to_numpy())
    frame["orders"] = frame["product_id"].map(counts).fillna(0).astype(np.int64)
    return frame


def shopify_handles(conn: sqlite3.Connection) -> pd.DataFrame:
    return pd.read_sql_query(
        "SELECT id AS variant_id, handle, COALESCE(variant_title, '') AS variant_title, "
        "COALESCE(sku, '') AS sku FROM catalogue_variants WHERE platform = 'shopify' "
        "AND handle IS NOT NULL ORDER BY handle, id", conn)


def shopify_variants_without_ids(conn: sqlite3.Connection) -> set[int]:
    """Ids of the Shopify variants (with a handle) that have no platform variant id yet."""
    return {int(r[0]) for r in conn.execute(
        "SELECT id FROM catalogue_variants WHERE platform = 'shopify' AND handle IS NOT NULL "
        "AND platform_variant_id IS NULL")}


def set_platform_ids(conn: sqlite3.Connection, ids: Iterable[tuple[int, str, str]]) -> int:
    """(variant id, platform product id, platform variant id) from the store's JSON."""
    cur = conn.executemany("UPDATE catalogue_variants SET platform_product_id = ?, "
                           "platform_variant_id = ? WHERE id = ?",
                           [(pp, pv, vid) for vid, pp, pv in ids])
    return int(cur.rowcount)


def set_variant_details(conn: sqlite3.Connection, variant_id: int, *, image_url: str | None,
                        product_url: str | None, platform_variant_id: str | None) -> bool:
    """The merchant's corrections of a catalogue variant no order has named yet."""
    cur = conn.execute("UPDATE catalogue_variants SET image_url = ?, product_url = ?, "
                       "platform_variant_id = ? WHERE id = ?",
                       (image_url or None, product_url or None, platform_variant_id or None,
                        variant_id))
    return cur.rowcount > 0

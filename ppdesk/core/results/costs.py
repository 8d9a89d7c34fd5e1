"""Cost of goods per product: typed in the app, or imported from a two-column CSV.

The CSV has a header row; one column names the product (``sku``, ``product``,
``product_key`` or ``name``), another its cost (``cost``, ``unit_cost``, ``unit cost``
or ``cogs``). Products are matched on product key, then SKU, then name (trimmed,
case-insensitive). The import is all-or-nothing: a row with no product or a cost
that is not a non-negative number stops it with an ``InputError`` naming the file,
row (as a spreadsheet numbers it, header = 1) and column. Rows naming a product the
store does not know are reported back, not fatal (cost lists often hold retired SKUs).
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ppdesk.core.errors import InputError
from ppdesk.core.store import Store, transaction
from ppdesk.core.store import results_queries as q

PRODUCT_HEADERS = ("sku", "product", "product_key", "product key", "name", "product name")
COST_HEADERS = ("cost", "unit_cost", "unit cost", "cogs", "cost of goods")


@dataclass
class CostImport:
    """What a cost import did: rows read, products updated, names it could not match."""

    file: str
    rows_read: int
    updated: int
    unknown: list[tuple[int, str]] = field(default_factory=list)  # (row, product as written)


def _read(path: Path) -> pd.DataFrame:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", file=path.name) from exc
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252", errors="replace")
    if not text.strip():
        raise InputError("the file is empty", file=path.name)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows = list(csv.reader(text.splitlines(), delimiter=delimiter))
    header = [h.strip() for h in rows[0]]
    width = len(header)
    body = [(r + [""] * width)[:width] for r in rows[1:]]
    return pd.DataFrame(body, columns=header, dtype=str)


def _pick(header: list[str], names: tuple[str, ...], what: str, file: str) -> str:
    lowered = {h.lower(): h for h in header}
    for name in names:
        if name in lowered:
            return lowered[name]
    raise InputError(f"no {what} column (expected one of: {', '.join(names)})", file=file, row=1)


def parse_costs(text: pd.Series) -> np.ndarray:
    """Numbers from cost cells: currency signs and spaces dropped, "12,50" read as 12.50."""
    s = text.fillna("").str.strip().str.replace(r"[^\d,.\-]", "", regex=True)
    # "12,50" is a decimal comma; "1,250" (three digits after) is a thousands separator
    decimal_comma = s.str.fullmatch(r"-?\d*,\d{1,2}")
    s = s.where(~decimal_comma, s.str.replace(",", ".", regex=False))
    s = s.str.replace(",", "", regex=False)
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64")


def import_costs(store: Store, path: Path) -> CostImport:
    """Read a cost CSV and store each known product's cost (see module doc)."""
    path = Path(path)
    frame = _read(path)
    header = list(frame.columns)
    pcol = _pick(header, PRODUCT_HEADERS, "product/SKU", path.name)
    ccol = _pick(header, COST_HEADERS, "cost", path.name)
    products = frame[pcol].fillna("").str.strip()
    blank_rows = frame.index[(products == "") & (frame[ccol].fillna("").str.strip() == "")]
    frame, products = frame.drop(index=blank_rows), products.drop(index=blank_rows)
    costs = parse_costs(frame[ccol])
    rows = frame.index.to_numpy() + 2  # header is row 1
    missing = (products == "").to_numpy()
    if missing.any():
        raise InputError("no product or SKU given", file=path.name, row=int(rows[missing][0]),
                         column=pcol)
    bad = ~np.isfinite(costs) | (costs < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        shown = str(frame[ccol].iloc[i]).strip() or "(empty)"
        raise InputError(f"the cost {shown!r} is not a number of zero or more", file=path.name,
                         row=int(rows[i]), column=ccol)

    conn = store.connect()
    try:
        known = q.product_lookup(conn)
        ids = pd.Series(np.nan, index=frame.index)
        key = products.str.lower()
        for col in ("product_key", "sku", "name"):  # three lookups, each vectorised
            lookup = known.assign(k=known[col].astype(str).str.strip().str.lower())
            lookup = lookup[lookup["k"] != ""].drop_duplicates("k").set_index("k")["product_id"]
            ids = ids.fillna(key.map(lookup))
        found = ids.notna().to_numpy()
        updates = {int(pid): float(cost) for pid, cost in zip(ids[found], costs[found],
                                                              strict=True)}
        with transaction(conn):
            q.set_unit_costs(conn, updates)
    finally:
        conn.close()
    unknown = [(int(r), str(p)) for r, p in zip(rows[~found], products[~found], strict=True)]
    return CostImport(path.name, int(len(frame)), len(updates), unknown)


def set_unit_cost(store: Store, product_key: str, cost: float | None) -> None:
    """Set (or with ``None`` clear) one product's cost, as the app's cost editor does."""
    if cost is not None and (not math.isfinite(cost) or cost < 0):
        raise InputError(f"the cost {cost!r} of {product_key!r} is not a number of zero or more")
    conn = store.connect()
    try:
        known = q.product_lookup(conn)
        match = known.loc[known["product_key"] == product_key, "product_id"]
        if match.empty:
            raise InputError(f"no product with the key {product_key!r} in this store")
        with transaction(conn):
            q.set_unit_costs(conn, {int(match.iloc[0]): cost})
    finally:
        conn.close()

"""Catalogue writing: ``write_variants`` stores each variant's own values whether or not
the rows of a parent are next to each other (it stages per-parent values once when they
agree); the per-market price JSON."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ppdesk.core.catalogue.built import market_prices, variant_frame
from ppdesk.core.store import catalogue_queries as q
from ppdesk.core.store import open_store
from ppdesk.core.store import orders as store_orders
from ppdesk.core.store.connection import transaction

COLUMNS = "variant_key, parent_key, title, category, tags, price, cost, image_url"


Row = tuple[str, str, str, str, str, float, float, str]


def _frame(rows: list[Row]) -> pd.DataFrame:
    cols = list(zip(*rows, strict=True))
    names = COLUMNS.split(", ")
    text = {n: list(c) for n, c in zip(names, cols, strict=True) if n not in ("price", "cost")}
    values: dict[str, object] = {n: pd.Series(v, dtype="str") for n, v in text.items()}
    values["price"] = np.array(cols[5], dtype=float)
    values["cost"] = np.array(cols[6], dtype=float)
    values["full_name"] = values["title"]
    return variant_frame(values, np.arange(2, len(rows) + 2))


@pytest.mark.parametrize("rows", [
    # A's rows apart; A's second row differs in category and cost from its first.
    [("a/1", "A", "Mug", "Home", "t1", 5.0, 1.0, ""),
     ("b/1", "B", "Cup", "Kitchen", "t2", 6.0, np.nan, "https://x.test/b.png"),
     ("a/2", "A", "Mug", "Garden", "t1", 5.0, 2.0, "")],
    # Rows of each parent together; B's last row differs in tags and price.
    [("a/1", "A", "Mug", "Home", "t1", 5.0, 1.0, ""),
     ("b/1", "B", "Cup", "Kitchen", "t2", 6.0, np.nan, "https://x.test/b.png"),
     ("b/2", "B", "Cup", "Kitchen", "t3", 7.0, np.nan, "")],
    # Every column agrees within each parent.
    [("a/1", "A", "Mug", "Home", "t1", 5.0, 1.0, ""),
     ("a/2", "A", "Mug", "Home", "t1", 5.0, 1.0, ""),
     ("b/1", "B", "Cup", "", "", 6.0, np.nan, "")],
])
def test_each_variant_keeps_its_own_values(tmp_path: Path, rows: list[Row]) -> None:
    store = open_store(tmp_path)
    conn = store.connect()
    try:
        with transaction(conn):
            batch = store_orders.begin_batch(
                conn, file_name="p.csv", file_path="p.csv", file_hash="", sheet=None,
                platform="shopify", imported_at=datetime.now(UTC).isoformat(), mapping={})
            assert q.write_variants(conn, "shopify", _frame(rows), batch) == (len(rows), 0)
            # Written again: every row updates in place, none is added.
            assert q.write_variants(conn, "shopify", _frame(rows), batch) == (0, len(rows))
        got = conn.execute(f"SELECT {COLUMNS} FROM catalogue_variants ORDER BY id").fetchall()
    finally:
        conn.close()
    want = [tuple(None if (isinstance(v, float) and np.isnan(v)) or v == "" else v for v in r)
            for r in rows]
    assert [tuple(r) for r in got] == want


def test_market_prices_json_per_row() -> None:
    # Hand-written expectations; each row's text must also be valid JSON.
    poland = pd.Series(["99.00", "", 'a"b\\c', ""], dtype="str")
    world = pd.Series(["12", "13", "", ""], dtype="str")
    nowhere = pd.Series(["", "", "", ""], dtype="str")
    got = market_prices([("Poland", poland), ("Świat", world), ("None", nowhere)],
                        poland.index).tolist()
    assert got == ['{"Poland": "99.00", "Świat": "12"}', '{"Świat": "13"}',
                   '{"Poland": "a\\"b\\\\c"}', ""]
    assert [json.loads(t) for t in got[:3]] == [{"Poland": "99.00", "Świat": "12"},
                                               {"Świat": "13"}, {"Poland": 'a"b\\c'}]
    assert market_prices([("None", nowhere)], poland.index).tolist() == [""] * 4

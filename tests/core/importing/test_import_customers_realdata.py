"""Customers of the cash-on-delivery Pakistani Shopify stores, counted independently.

The expected figures are computed here from the raw files with the csv module or
openpyxl and the ``phonenumbers`` library, following the contract's definition
(cli-contract.md, "Customer") step by step, without ppdesk's importer: per order
(grouped by ``Name``), the first e-mail written on any of its rows, lower-cased and
trimmed; else the customer's ``Phone``, else ``Billing Phone``, else ``Shipping
Phone`` (first row holding a usable one) in E.164 with the country the billing
country cells name (PK); numbers Excel turned into ``4.3E+11`` and numbers of
impossible length are not usable. Orders with none of these are guests.
"""

from __future__ import annotations

import csv
import sqlite3
from collections import Counter
from pathlib import Path

import openpyxl
import phonenumbers
import pytest

from ppdesk.core.importing import import_files
from ppdesk.core.store import open_store

STORES = ("shopify_gemstrack_pk", "shopify_shopping_at_door_pk_xlsx", "shopify_signal_pk_crlf")
PHONES = ("Phone", "Billing Phone", "Shipping Phone")


def _rows(path: Path) -> list[dict[str, str]]:
    if path.suffix == ".xlsx":
        wb = openpyxl.load_workbook(path, read_only=True)
        values = list(wb.worksheets[0].iter_rows(values_only=True))
        wb.close()
        header = [str(h) for h in values[0]]
        return [{h: "" if v is None else str(v) for h, v in zip(header, row, strict=False)}
                for row in values[1:]]
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _usable_phone(text: str, region: str) -> str | None:
    text = text.strip().lstrip("'")
    if not text or "E+" in text.upper():
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _expected_keys(rows: list[dict[str, str]]) -> dict[str, str | None]:
    countries = Counter(r.get(c, "").strip() for r in rows
                        for c in ("Billing Country", "Shipping Country"))
    countries.pop("", None)
    region = countries.most_common(1)[0][0]
    by_order: dict[str, list[dict[str, str]]] = {}
    for r in rows:
        by_order.setdefault(r["Name"], []).append(r)
    keys: dict[str, str | None] = {}
    for name, lines in by_order.items():
        emails = [r.get("Email", "").strip().lower() for r in lines]
        key = next((e for e in emails if e), None)
        for column in PHONES:
            if key is not None:
                break
            key = next((p for r in lines if (p := _usable_phone(r.get(column, ""), region))),
                       None)
        keys[name] = key
    return keys


@pytest.mark.parametrize("folder", STORES)
def test_cod_store_customers_match_an_independent_count(real_exports: Path, tmp_path: Path,
                                                        folder: str) -> None:
    files = sorted(p for p in (real_exports / folder).iterdir() if p.name != "SOURCE.md")
    expected: dict[str, str | None] = {}
    for path in files:
        expected.update(_expected_keys(_rows(path)))
    store = open_store(tmp_path)
    import_files(store, files)
    conn = sqlite3.connect(store.db_path)
    try:
        stored = dict(conn.execute(
            "SELECT o.store_order_id, c.customer_key FROM orders o "
            "LEFT JOIN customers c ON c.id = o.customer_id").fetchall())
        customers = conn.execute("SELECT COUNT(*) FROM customers").fetchone()[0]
    finally:
        conn.close()
    assert stored == expected
    assert customers == len({k for k in expected.values() if k is not None})

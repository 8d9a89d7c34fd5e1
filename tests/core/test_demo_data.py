"""The demo export generator: Shopify layout and quirks, exact sizes, determinism, planted truth.

Expected values are computed here from the written file with the csv module and plain
Python (or zoneinfo for daylight saving), never by calling the generator's helpers.
"""

from __future__ import annotations

import csv
import re
import statistics
from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import openpyxl
import pytest

from ppdesk.core.demo_data import generate_shopify_rows, write_shopify_export
from ppdesk.core.errors import Cancelled
from ppdesk.core.progress import CancelToken

# Copied from the real export description (FORMATS.md section 1), not from the generator.
REAL_HEADER = [
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at",
    "Accepts Marketing", "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code",
    "Discount Amount", "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name",
    "Lineitem price", "Lineitem compare at price", "Lineitem sku", "Lineitem requires shipping",
    "Lineitem taxable", "Lineitem fulfillment status", "Billing Name", "Billing Street",
    "Billing Address1", "Billing Address2", "Billing Company", "Billing City", "Billing Zip",
    "Billing Province", "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street",
    "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City", "Shipping Zip",
    "Shipping Province", "Shipping Country", "Shipping Phone", "Notes", "Note Attributes",
    "Cancelled at", "Payment Method", "Payment Reference", "Refunded Amount", "Vendor",
    "Outstanding Balance", "Employee", "Location", "Device ID", "Id", "Tags", "Risk Level",
    "Source", "Lineitem discount", "Tax 1 Name", "Tax 1 Value", "Tax 2 Name", "Tax 2 Value",
    "Tax 3 Name", "Tax 3 Value", "Tax 4 Name", "Tax 4 Value", "Tax 5 Name", "Tax 5 Value", "Phone",
    "Receipt Number", "Duties", "Billing Province Name", "Shipping Province Name", "Payment ID",
    "Payment Terms Name", "Next Payment Due At", "Payment References",
]
ORDER_LEVEL = ["Financial Status", "Accepts Marketing", "Currency", "Subtotal", "Total",
               "Discount Amount", "Billing Name", "Billing City", "Id", "Risk Level",
               "Payment Method", "Refunded Amount", "Taxes", "Shipping"]
MONEY = re.compile(r"^\d+\.\d\d$")
CREATED = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}$")


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = [dict(zip(header, r, strict=True)) for r in reader]
    return header, rows


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, list[dict[str, str]]]:
    path = tmp_path_factory.mktemp("demo") / "orders_export.csv"
    truth = write_shopify_export(path, orders=5000, seed=7)
    _, rows = _read(path)
    return path, truth, rows


def _orders(rows: list[dict[str, str]]) -> dict[str, list[dict[str, str]]]:
    grouped: dict[str, list[dict[str, str]]] = defaultdict(list)
    for r in rows:
        grouped[r["Name"]].append(r)
    return grouped


def _key(r: dict[str, str]) -> str:
    return r["Lineitem sku"].strip() or r["Lineitem name"].strip()


def test_header_is_the_real_shopify_header(demo) -> None:
    path, _, _ = demo
    first_line = path.read_text(encoding="utf-8").split("\n", 1)[0]
    assert first_line.split(",") == REAL_HEADER
    assert len(REAL_HEADER) == 79


def test_header_matches_a_real_export_file(demo, real_exports: Path) -> None:
    real = real_exports / "shopify_danilo_us" / "orders_export_1.csv"
    with real.open(newline="", encoding="utf-8") as fh:
        real_header = next(csv.reader(fh))
    header, _ = _read(demo[0])
    assert header == real_header


def test_exact_sizes_and_truth_counts(demo, tmp_path: Path) -> None:
    _, truth, rows = demo
    orders = _orders(rows)
    assert len(orders) == 5000 == truth.orders
    assert len(rows) == truth.lines
    assert set(orders) == {f"#{n}" for n in range(1001, 6001)}
    truth_lines = write_shopify_export(tmp_path / "l.csv", lines=1234, seed=3)
    _, rows_l = _read(tmp_path / "l.csv")
    assert len(rows_l) == 1234 == truth_lines.lines
    emails = {r["Email"].lower() for r in rows if r["Email"]}
    assert len(emails) == truth.customers


def test_rows_of_an_order_are_contiguous_newest_first(demo) -> None:
    _, _, rows = demo
    names = [int(r["Name"][1:]) for r in rows]
    assert all(a >= b for a, b in pairwise(names))
    created = [datetime.strptime(r["Created at"], "%Y-%m-%d %H:%M:%S %z")
               for r in rows if r["Financial Status"]]
    assert all(a >= b for a, b in pairwise(created))


def test_order_level_fields_only_on_first_rows(demo) -> None:
    _, _, rows = demo
    multi = 0
    for _name, lines in _orders(rows).items():
        first, rest = lines[0], lines[1:]
        assert all(first[c] for c in ORDER_LEVEL), first["Name"]
        for r in rest:
            multi += 1
            assert not any(r[c] for c in ORDER_LEVEL), r["Name"]
            assert r["Created at"] == first["Created at"]
            assert r["Email"] == first["Email"]
            assert r["Lineitem name"] and r["Lineitem quantity"] and r["Vendor"]
    assert multi > 2000  # several lines per order are common


def test_money_and_totals_add_up(demo) -> None:
    _, _, rows = demo
    for lines in _orders(rows).values():
        first = lines[0]
        for c in ("Subtotal", "Shipping", "Taxes", "Total", "Discount Amount",
                  "Refunded Amount"):
            assert MONEY.match(first[c]), (c, first[c])
        gross = sum(Decimal(r["Lineitem price"]) * int(r["Lineitem quantity"]) for r in lines)
        assert gross - Decimal(first["Discount Amount"]) == Decimal(first["Subtotal"])
        assert (Decimal(first["Subtotal"]) + Decimal(first["Shipping"])
                + Decimal(first["Taxes"]) == Decimal(first["Total"]))
        for r in lines:
            assert MONEY.match(r["Lineitem price"])


def test_created_at_offsets_follow_eastern_daylight_saving(demo) -> None:
    _, _, rows = demo
    eastern = ZoneInfo("America/New_York")
    offsets = set()
    for r in rows:
        assert CREATED.match(r["Created at"]), r["Created at"]
        local = datetime.strptime(r["Created at"][:19], "%Y-%m-%d %H:%M:%S")
        expected = local.replace(tzinfo=eastern).strftime("%z")
        assert r["Created at"][20:] == expected, r["Created at"]
        offsets.add(expected)
    assert offsets == {"-0400", "-0500"}


def test_shopify_quirks_present(demo) -> None:
    path, truth, rows = demo
    firsts = [lines[0] for lines in _orders(rows).values()]
    assert {r["Accepts Marketing"] for r in firsts} == {"yes", "no"}
    assert any("\n" in r["Notes"] for r in firsts)  # quoted multi-line gift notes
    blank_sku = [r for r in rows if not r["Lineitem sku"]]
    assert 0 < len(blank_sku) < len(rows) / 10
    cancelled = [r for r in firsts if r["Cancelled at"]]
    assert len(cancelled) == truth.cancelled_orders > 20
    assert {r["Financial Status"] for r in cancelled} <= {"voided", "refunded"}
    refunded = [r for r in firsts if r["Financial Status"] == "refunded" and not r["Cancelled at"]]
    assert len(refunded) == truth.refunded_orders > 10
    assert all(r["Refunded Amount"] == r["Total"] for r in refunded)
    assert any(not r["Email"] for r in firsts)  # guests
    assert any(r["Email"] != r["Email"].lower() for r in firsts)  # capitals typed sometimes
    assert any(r["Billing Zip"].startswith("'0") for r in firsts)
    assert all(r["Email"].endswith("@example.com") for r in rows if r["Email"])
    raw = path.read_text(encoding="utf-8")
    assert ',"",' in raw  # empty strings written quoted, like Shopify
    lines_per_order = [len(v) for v in _orders(rows).values()]
    assert max(lines_per_order) >= 4
    distinct_products = {_key(r) for r in rows}
    assert len(distinct_products) > 150


def test_deterministic_for_a_seed() -> None:
    a, ta = generate_shopify_rows(orders=400, seed=11)
    b, tb = generate_shopify_rows(orders=400, seed=11)
    c, _ = generate_shopify_rows(orders=400, seed=12)
    assert a.equals(b)
    assert ta == tb
    assert not a.equals(c)
    assert list(a.columns) == REAL_HEADER


def test_planted_pairs_far_above_chance(demo) -> None:
    _, truth, rows = demo
    baskets = [{_key(r) for r in lines} for lines in _orders(rows).values()
               if lines[0]["Financial Status"] not in ("refunded", "voided")]
    total = len(baskets)
    with_product: dict[str, int] = defaultdict(int)
    for basket in baskets:
        for k in basket:
            with_product[k] += 1
    assert len(truth.planted_pairs) >= 5
    for a, b in truth.planted_pairs:
        together = sum(1 for basket in baskets if a in basket and b in basket)
        expected_by_chance = with_product[a] * with_product[b] / total
        assert together >= 8, (a, b, together)
        assert together > 5 * expected_by_chance, (a, b, together, expected_by_chance)
        # confidence A -> B; diluted by reorders of A alone when A is a consumable
        assert together / with_product[a] > 0.2


def test_reorder_gaps_match_the_planted_cycles(demo) -> None:
    _, truth, rows = demo
    dates: dict[tuple[str, str], set[date]] = defaultdict(set)
    cancelled = {r["Name"] for r in rows if r["Financial Status"] in ("refunded", "voided")}
    for r in rows:
        if r["Email"] and r["Name"] not in cancelled:
            day = date.fromisoformat(r["Created at"][:10])
            dates[(_key(r), r["Email"].lower())].add(day)
    gaps: dict[str, list[int]] = defaultdict(list)
    for (product, _), days in dates.items():
        ordered = sorted(days)
        gaps[product] += [(b - a).days for a, b in pairwise(ordered)]
    checked = 0
    for product, cycle in truth.cycles.items():
        if len(gaps[product]) >= 25:
            checked += 1
            assert statistics.median(gaps[product]) == pytest.approx(cycle, rel=0.2), product
    assert checked >= 5
    # Durable goods are not bought on a cycle: hardly anyone buys them twice.
    durable_repeats = sum(len(gaps[k]) for k in truth.non_consumables)
    assert durable_repeats < sum(len(v) for v in gaps.values()) / 10


def test_xlsx_output(tmp_path: Path) -> None:
    path = tmp_path / "orders_export_1.xlsx"
    truth = write_shopify_export(path, orders=60, seed=5, fmt="xlsx")
    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book["orders_export_1"]
    values = list(sheet.iter_rows(values_only=True))
    book.close()
    assert list(values[0]) == REAL_HEADER
    assert len(values) - 1 == truth.lines
    assert len({row[0] for row in values[1:]}) == 60


def test_progress_and_cancel(tmp_path: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    write_shopify_export(tmp_path / "p.csv", orders=50, progress=lambda d, t, m: seen.append(
        (d, t, m)))
    assert seen[-1][0] == seen[-1][1]
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        write_shopify_export(tmp_path / "c.csv", orders=50, cancel=token)
    assert not (tmp_path / "c.csv").exists()
    with pytest.raises(ValueError, match="not both"):
        write_shopify_export(tmp_path / "x.csv", orders=5, lines=5)


def test_committed_demo_export_is_what_make_demo_writes(tmp_path: Path) -> None:
    from ppdesk.core import paths

    committed = paths.resources_dir() / "demo" / "orders_export_demo.csv"
    fresh = tmp_path / "fresh.csv"
    # The same arguments as scripts/make_demo.py.
    write_shopify_export(fresh, orders=5000, seed=7, start=date(2025, 5, 1), months=18)
    assert committed.read_bytes() == fresh.read_bytes()
    assert committed.stat().st_size < 8_000_000

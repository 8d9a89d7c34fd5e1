"""A small Shopify-format orders export for tests that need a store with real data.

Imported through the real importer. The figures are chosen so they can be worked by
hand: 29 included orders; MUG-1 and BEANS-1 together in 8 of them (every mug order),
PAPER-1 in 6 of those 8 and in 3 more orders of one customer (alice), TEA-1 alone in
16. alice@example.com orders on 2026-01-01, 2026-01-29 and 2026-02-26 (every 28 days);
the newest order is #1008 (2026-03-08) by c8@example.com, first name Hana.
"""

from __future__ import annotations

import csv
from pathlib import Path

from ppdesk.core.importing import import_files
from ppdesk.core.store import Store, open_store

HEADER = ["Name", "Email", "Financial Status", "Accepts Marketing", "Currency", "Created at",
          "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem sku",
          "Billing Name", "Cancelled at"]
FIRST_NAMES = ["Ann", "Bob", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana"]


def write_export(path: Path, *, beans_name: str = "Coffee beans") -> Path:
    rows: list[list[str]] = []

    def order(number: int, email: str, first: str, when: str,
              lines: list[tuple[str, str, str]]) -> None:
        for i, (sku, name, price) in enumerate(lines):
            head = i == 0
            rows.append([f"#{number}", email, "paid" if head else "", "yes" if head else "",
                         "USD" if head else "", when, "1", name, price, sku,
                         f"{first} Tester" if head else "", ""])

    mug, beans = ("MUG-1", "Ceramic mug", "12.00"), ("BEANS-1", beans_name, "24.90")
    paper = ("PAPER-1", "Paper filters", "5.00")
    for i in range(8):  # #1001..#1008, 2026-03-01..08; the first six also hold filters
        lines = [mug, beans] + ([paper] if i < 6 else [])
        order(1001 + i, f"c{i + 1}@example.com", FIRST_NAMES[i],
              f"2026-03-0{i + 1} 10:00:00 -0500", lines)
    order(1009, "c9@example.com", "Ivy", "2026-02-10 09:00:00 -0500", [beans])
    order(1010, "c10@example.com", "Jo", "2026-02-11 09:00:00 -0500", [beans])
    for i in range(16):
        order(1011 + i, f"t{i}@example.com", "Tea", f"2026-02-{i + 1:02d} 08:00:00 -0500",
              [("TEA-1", "Green tea", "8.00")])
    for number, day in ((1027, "2026-01-01"), (1028, "2026-01-29"), (1029, "2026-02-26")):
        order(number, "alice@example.com", "Alice", f"{day} 12:00:00 -0500", [paper, beans])
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def shop_store(home: Path, *, beans_name: str = "Coffee beans", store_url: str = "") -> Store:
    """The 29-order coffee shop, imported; ``store_url`` set when given (offer links)."""
    store = open_store(home)
    export = write_export(home / "orders_export.csv", beans_name=beans_name)
    summary = import_files(store, [export], platform="shopify")
    assert summary.orders_added == 29, summary
    if store_url:
        from ppdesk.core.settings import load_settings, save_settings

        settings = load_settings(store)
        settings.store.store_url = store_url
        save_settings(store, settings)
    return store

"""Small hand-written catalogue and order files for the catalogue tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from csv_files import write_csv

SHOPIFY_HEADER = ["Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags",
                  "Published", "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value",
                  "Option3 Name", "Option3 Value", "Variant SKU", "Variant Price",
                  "Variant Compare At Price", "Image Src", "Image Position", "Gift Card",
                  "Variant Image", "Cost per item", "Price / Poland", "Status"]


def shopify_products(path: Path) -> Path:
    """Two products: a mug in two colours (one with its own image), a single-variant
    scarf without SKU; an image-only row; an http image that must be dropped."""
    img = "https://cdn.example.com/"
    return write_csv(path, SHOPIFY_HEADER, [
        {"Handle": "mug", "Title": "Travel Mug", "Vendor": "V", "Type": "Mugs",
         "Product Category": "Home > Mugs", "Tags": "a, b", "Published": "true",
         "Option1 Name": "Colour", "Option1 Value": "Sage", "Variant SKU": "MUG-SAGE",
         "Variant Price": "24.00", "Variant Compare At Price": "30.00",
         "Image Src": img + "mug-2.png", "Image Position": "2", "Cost per item": "9.50",
         "Price / Poland": "99.00", "Status": "active"},
        {"Handle": "mug", "Option1 Value": "Sand", "Variant SKU": "'MUG-SAND",
         "Variant Price": "24.00", "Variant Image": img + "mug-sand.png",
         "Cost per item": "9.50"},
        {"Handle": "mug", "Image Src": img + "mug-1.png", "Image Position": "1"},
        {"Handle": "mug", "Image Src": "http://insecure.example.com/x.png",
         "Image Position": "3"},
        {"Handle": "scarf", "Title": "Wool Scarf", "Option1 Name": "Title",
         "Option1 Value": "Default Title", "Variant Price": "45", "Status": "draft",
         "Image Src": img + "scarf.png", "Image Position": "1", "Gift Card": "false"},
    ])


ORDERS_HEADER = ["Name", "Email", "Financial Status", "Created at", "Lineitem quantity",
                 "Lineitem name", "Lineitem price", "Lineitem sku"]


def shopify_orders(path: Path, lines: list[tuple[str, str, str, str, str]]) -> Path:
    """lines: (order name, quantity, line name, price, sku)."""
    rows = [{"Name": o, "Email": f"{o.strip('#')}@x.test", "Financial Status": "paid",
             "Created at": "2024-01-02 10:00:00 +0100", "Lineitem quantity": q,
             "Lineitem name": n, "Lineitem price": p, "Lineitem sku": s}
            for o, q, n, p, s in lines]
    return write_csv(path, ORDERS_HEADER, rows)


def query(home: Path, sql: str, args: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(home / "store.sqlite3")
    try:
        return [tuple(r) for r in conn.execute(sql, args).fetchall()]
    finally:
        conn.close()

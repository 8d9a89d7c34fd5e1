"""Regenerates ``orders_export_demo.csv``, the demo store's Shopify orders export, and
``products_export_demo.csv``, its matching Shopify products export (with ``images/``).

    .venv/bin/python scripts/make_demo.py

Seeded, so the file is the same on every run; see README.md beside it for what is planted.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from ppdesk.core.demo_data import write_shopify_export
from ppdesk.core.demo_products import write_products_export

DEMO = Path(__file__).resolve().parents[1] / "ppdesk" / "resources" / "demo"
OUT = DEMO / "orders_export_demo.csv"
PRODUCTS = DEMO / "products_export_demo.csv"
IMAGES = DEMO / "images"
ORDERS = 5000
SEED = 7
START = date(2025, 5, 1)
MONTHS = 18


def main() -> int:
    truth = write_shopify_export(OUT, orders=ORDERS, seed=SEED, start=START, months=MONTHS)
    size_mb = OUT.stat().st_size / 1e6
    print(f"wrote {OUT.name}: {truth.orders} orders, {truth.lines} lines, "
          f"{truth.customers} customers with an email, {size_mb:.1f} MB, "
          f"{truth.start} .. {truth.end}")
    for a, b in truth.planted_pairs:
        print(f"  planted pair: {a} + {b}")
    rows = write_products_export(PRODUCTS, IMAGES, seed=SEED)
    print(f"wrote {PRODUCTS.name}: {rows} rows; {len(list(IMAGES.glob('*.png')))} images")
    return 0


if __name__ == "__main__":
    sys.exit(main())

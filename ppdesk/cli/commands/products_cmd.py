"""``ppdesk products [--missing] [--format table|json|csv]``: the imported catalogue.

One row per variant (docs/catalogue.md): the catalogue's variants, each with the
ordered product it matched, and the ordered products the catalogue lacks.
``--missing`` keeps the ordered products without a photo, a link or a platform id.
CSV cells are guarded against spreadsheet formulas (``output.print_csv``).
"""

from __future__ import annotations

import argparse
from typing import Any

from ppdesk.cli import output

TABLE_COLUMNS = ("product_key", "title", "variant_title", "price", "cost", "orders", "photo",
                 "link", "id")


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "products", help="the imported catalogue, one row per variant",
        description="List the catalogue (imported with 'ppdesk import products_export.csv') "
        "and the ordered products, one row per variant.")
    parser.add_argument("--missing", action="store_true",
                        help="only ordered products lacking a photo, a link or a platform id")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ppdesk.core.catalogue import listing
    from ppdesk.core.store import open_store

    frame = listing.products_frame(open_store(args.home_path), missing=args.missing)
    document = listing.to_json(frame)
    if args.format == "json":
        output.print_json(document)
        return 0
    if args.format == "csv":
        output.print_csv(document["products"], list(listing.COLUMNS))
        return 0
    if frame.empty:
        output.print_lines(["No product lacks a photo, link or id." if args.missing else
                            "No products yet: import a catalogue or orders first."])
        return 0
    rows = [{**p, "photo": "yes" if p["image_url"] else "-",
             "link": "yes" if p["product_url"] else "-",
             "id": p["platform_variant_id"] or "-"} for p in document["products"]]
    output.print_table(rows, list(TABLE_COLUMNS), max_width=40)
    output.print_lines([f"{len(rows)} products"])
    return 0

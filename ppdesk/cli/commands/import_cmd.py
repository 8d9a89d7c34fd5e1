"""``ppdesk import FILE... [--platform P] [--map FIELD=COLUMN,...] [--sheet NAME] [--dry-run]``.

Imports order exports (CSV, TSV, XLSX) into the store; auto-detects platform,
encoding and delimiter. The table output shows what was recognised (platform,
encoding, the mapping guessed for generic tables), the counts and the first
rejected rows; ``--format json`` prints the contract's document. An unusable file
exits with code 2 and one sentence naming file, row and column (the dispatcher
renders ``InputError``); nothing is written then.
"""

from __future__ import annotations

import argparse
from typing import Any

from ppdesk.cli import output
from ppdesk.core.errors import InputError
from ppdesk.core.importing.platforms import PLATFORMS

REJECTS_SHOWN = 10


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "import", help="import order and catalogue exports (CSV, TSV, XLSX)",
        description="Import order exports and catalogue exports (Shopify products, WooCommerce "
        "products, Etsy listings, Square item library, BigCommerce products). Platform, "
        "encoding and delimiter are detected (also gzip files, UTF-16 and old Mac line ends); "
        "importing the same or an overlapping export again adds nothing twice. Who counts as "
        "a customer: the platform's customer id when the export has one, else the e-mail "
        "address (lower-cased, spaces trimmed), else the phone number written in full "
        "international form (+923001234567); a number written without its country code "
        "is read as a number of the store's country (setting store.country, else the "
        "country most of the export's billing/shipping country cells name). An order with "
        "none of these is a guest's: it counts for products bought together, not for "
        "anything per customer (reorder timing, emails). A file ppdesk cannot use is "
        "refused with one sentence saying why, and nothing is saved.")
    parser.add_argument("files", nargs="+", metavar="FILE", help="export files to import")
    parser.add_argument("--platform", default="auto", choices=("auto", *PLATFORMS),
                        help="the platform that wrote the files (default: detect)")
    parser.add_argument("--map", dest="mapping", metavar="FIELD=COLUMN,...", action="append",
                        help="use COLUMN for FIELD (order_id, order_date, customer_id, email, "
                        "sku, product_name, quantity, unit_price, currency, financial_status, "
                        "cancelled, discount_code, accepts_marketing, first_name, phone); for a "
                        "catalogue table: product_id, parent, sku, title, variant_title, price, "
                        "compare_at_price, cost, currency, image_url, product_url, category, "
                        "tags, status, platform_variant_id; "
                        "FIELD= (nothing after =) drops a wrong guess")
    parser.add_argument("--sheet", metavar="NAME", help="workbook sheet to read "
                        "(default: the first sheet with data)")
    parser.add_argument("--dry-run", action="store_true",
                        help="read and check everything, report the counts, change nothing")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(func=run)


def parse_mapping(values: list[str] | None) -> dict[str, str]:
    """``["order_id=Invoice,sku=Code,customer_id="]`` -> ``{"order_id": "Invoice",
    "sku": "Code", "customer_id": ""}`` (an empty column drops that field's guess)."""
    mapping: dict[str, str] = {}
    for value in values or []:
        for pair in value.split(","):
            if not pair.strip():
                continue
            field, sep, column = pair.partition("=")
            if not sep or not field.strip():
                raise InputError(f"--map expects FIELD=COLUMN, got '{pair.strip()}'")
            mapping[field.strip()] = column.strip()  # "FIELD=" drops a wrong guess
    return mapping


def run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: `ppdesk --help` must not pay for them (cli/main.py).
    from ppdesk.core.importing import import_files
    from ppdesk.core.store import open_store

    mapping = parse_mapping(args.mapping)
    store = open_store(args.home_path)
    progress = output.StderrProgress("Importing") if args.format == "table" else None
    summary = import_files(store, args.files, platform=args.platform, mapping=mapping or None,
                           sheet=args.sheet, dry_run=args.dry_run, progress=progress)
    for item in summary.files:
        if item.rows_read == 0:  # a header-only export is not an error, but say it plainly
            output.info(f"Warning: {item.file} has a header but no order rows; nothing to import.")
    if args.format == "json":
        output.print_json(summary.to_json())
        return 0
    for f in summary.files:
        where = f"sheet {f.sheet}" if f.sheet else f"{f.encoding}, delimiter {f.delimiter!r}"
        output.print_lines([f"{f.file}: {f.label} ({where})"])
        if f.profile == "generic":
            output.print_lines(["  columns used (fix with --map FIELD=COLUMN):"] + [
                f"    {field:<18} <- {column}" for field, column in f.mapping.items()])
        if f.dayfirst is not None:
            output.print_lines([f"  dates read as {'day/month' if f.dayfirst else 'month/day'}"])
        if not f.marketing_allowed:
            output.print_lines(["  marketplace orders: used for analytics, never for emails"])
        if f.phone_country:
            output.print_lines([f"  phone numbers without a country code read as {f.phone_country}"
                                " numbers (to change: ppdesk settings set store.country=XX)"])
    rows = [{"file": f.file, "platform": f.platform, "rows": f.rows_read,
             "orders added": f.orders_added, "orders updated": f.orders_updated,
             "lines added": f.lines_added, "customers added": f.customers_added,
             "duplicates": f.duplicates_skipped, "rejected": f.rows_rejected}
            for f in summary.files]
    if rows:
        output.print_table(rows, list(rows[0].keys()))
    _print_catalogue(summary)
    if summary.rejected:
        output.print_lines([f"{summary.rows_rejected} rows were skipped; the first ones:"])
        output.print_table([r.to_json() for r in summary.rejected[:REJECTS_SHOWN]],
                           ["file", "row", "column", "reason"], max_width=70)
    if summary.dry_run:
        output.print_lines(["Dry run: nothing was saved."])
    return 0


UNMATCHED_SHOWN = 15


def _print_catalogue(summary: Any) -> None:
    """The catalogue files' counts and how the ordered products matched the catalogue."""
    for c in summary.catalogue:
        output.print_lines([
            f"{c.file}: {c.label}: {c.parents} products, {c.variants} variants "
            f"({c.variants_added} new, {c.variants_updated} updated), {c.images} images"
            + (f", {c.rows_rejected} rows rejected" if c.rows_rejected else "")
            + (f", {c.cells_dropped} cells left out" if c.cells_dropped else "")])
    if summary.dropped:
        output.print_lines([f"{len(summary.dropped)} cells were left out; the first ones:"])
        output.print_table([r.to_json() for r in summary.dropped[:REJECTS_SHOWN]],
                           ["file", "row", "column", "reason"], max_width=70)
    m = summary.matching
    if m is None:
        return
    if m.message:
        output.print_lines([m.message])
    if m.ordered_products:
        output.print_lines([f"Catalogue: {m.matched} of {m.ordered_products} ordered products "
                            "matched" + (f"; {m.unmatched_total} not in the catalogue, largest "
                                         "revenue first:" if m.unmatched_total else ".")])
    if m.unmatched:
        output.print_table([{**u, "revenue": f"{u['revenue']:,.2f}"}
                            for u in m.unmatched[:UNMATCHED_SHOWN]],
                           ["product_key", "name", "orders", "revenue"], max_width=50)

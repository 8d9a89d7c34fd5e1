"""``ppdesk catalogue fetch-ids``: Shopify variant ids from the store's public product JSON.

Needs the internet and ``store.store_url``; reads ``{store_url}/products/{handle}.js``
for each imported handle at a polite pace. Offline or refused: one sentence, exit 2,
nothing stored (the dispatcher renders ``EnvironmentProblem``).
"""

from __future__ import annotations

import argparse
from typing import Any

from ppdesk.cli import output


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("catalogue", help="catalogue tools (fetch-ids)")
    sub = parser.add_subparsers(dest="catalogue_command", metavar="ACTION", required=True)
    fetch = sub.add_parser(
        "fetch-ids", help="store the Shopify variant ids from the store's public product JSON",
        description="Read {store_url}/products/{handle}.js for every imported Shopify product "
        "and store its variant ids (needed for cart links). Needs the internet.")
    fetch.add_argument("--format", choices=("table", "json"), default="table")
    fetch.set_defaults(func=run_fetch_ids)


def run_fetch_ids(args: argparse.Namespace) -> int:
    from ppdesk.core.catalogue.fetch_ids import fetch_variant_ids
    from ppdesk.core.settings import load_settings
    from ppdesk.core.store import open_store

    store = open_store(args.home_path)
    store_url = load_settings(store).store.store_url or ""
    progress = output.StderrProgress("Fetching ids") if args.format == "table" else None
    result = fetch_variant_ids(store, store_url, progress=progress)
    if args.format == "json":
        output.print_json(result.to_json())
        return 0
    output.print_lines([f"{result.products} products read, {result.variants_updated} variant "
                        "ids stored."])
    if result.not_found:
        output.print_lines([f"Not on the store ({len(result.not_found)}): "
                            + ", ".join(result.not_found[:20])])
    if result.unmatched:
        output.print_lines([f"Variants without an id ({len(result.unmatched)}): "
                            + ", ".join(result.unmatched[:20])])
    return 0

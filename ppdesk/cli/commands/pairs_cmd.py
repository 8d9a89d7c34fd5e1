"""``ppdesk pairs``: products bought together (same order) or one after the other (--sequential)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ppdesk.cli import output

if TYPE_CHECKING:
    import pandas as pd

DESCRIPTION = """\
Product pairs from the included orders of the window (orders neither cancelled nor
refunded/voided; lines with quantity 0 or less ignored; an order counts once per
product). Window: --since/--until are inclusive order dates; by default the 365
days ending on the newest imported order's date.

Products: by default variants of one product count as that product (--level
product): the catalogue's parent when a catalogue is imported, else the product
part of a Shopify line name "Title - Variant" (when several lines share the title
or the rest is clearly sizes/options), else the product key. --level variant
keeps every product key; a variant is never recommended with another variant of
the same product. Tips, shipping protection, gift wrap, gift cards and discount
lines are not products: they are left out of every figure and listed by
--not-products (put one back with --put-back KEY, take a line out with --take-out KEY).

Same order: orders_together = orders holding both products; support = together /
all orders; confidence_a_b = together / orders with A; lift = how many times more
often the two are bought together than if customers picked them independently.

Fluke guard: with many products, a pair seen together twice can show a huge lift
by pure chance. p_value is the probability of seeing the pair together at least
this often if the two products had nothing to do with each other (a one-sided
hypergeometric test). But a store with 2,000 products tests about 20,000 pairs,
and about 1 in 20 of pairs that mean nothing would still get a p-value of 0.05 or
less. q_value corrects for that (Benjamini-Hochberg, over every pair bought
together at least once in the window): among pairs with a q-value of 0.05 or
less, at most about 1 in 20 is expected to be a coincidence. ppdesk recommends a
pair only when it was seen together in at least --min-orders orders (the "minimum
orders together" setting, 3 by default), sells together more often than chance
(lift above 1), its q-value is at most the "max q-value" setting (0.05 by
default) and it is not a pair of substitutes (same type or category in the
catalogue, bought instead of each other more than together); the column
"recommendable" says which pairs pass.

--sequential: customers_a_then_b = customers whose first purchase date of B is
later than their first purchase date of A (both in the window; guests do not
count); confidence = that number / customers who bought A and ordered again later.
Its q_value is corrected over every A -> B seen at least once.
"""

TABLE = [("name_a", "product A"), ("name_b", "product B"), ("orders_together", "together"),
         ("orders_with_a", "with A"), ("orders_with_b", "with B"),
         ("confidence_a_b", "conf A>B"), ("confidence_b_a", "conf B>A"), ("lift", "lift"),
         ("p_value", "p-value"), ("q_value", "q-value"), ("recommendable", "recommend")]
SEQ_TABLE = [("name_a", "first bought"), ("name_b", "then bought"),
             ("customers_a_then_b", "customers"), ("customers_a_returning", "A, came back"),
             ("confidence", "confidence"), ("lift", "lift"), ("p_value", "p-value"),
             ("q_value", "q-value"), ("recommendable", "recommend")]
NOT_PRODUCT_TABLE = [("product_key", "key"), ("name", "name"), ("lines", "lines"),
                     ("not_product", "left out"), ("reason", "why")]
TABLE_LIMIT = 30


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "pairs", help="products bought together (or one after the other with --sequential)",
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--since", metavar="DATE", help="first order date included (YYYY-MM-DD)")
    parser.add_argument("--until", metavar="DATE", help="last order date included (YYYY-MM-DD)")
    parser.add_argument("--min-orders", type=_positive, metavar="N",
                        help="list only pairs seen together at least N times "
                             "(default: the 'minimum orders together' setting, 3)")
    parser.add_argument("--sequential", action="store_true",
                        help="what customers buy in a later order after a product")
    parser.add_argument("--level", choices=("product", "variant"), default="product",
                        help="product: variants of one product count as one (default); "
                             "variant: every product key on its own")
    parser.add_argument("--not-products", action="store_true",
                        help="list the lines left out as not products (tips, shipping "
                             "protection, gift wrap, gift cards, discounts) and why")
    parser.add_argument("--put-back", metavar="KEY",
                        help="count a line left out as not a product as a product after all")
    parser.add_argument("--take-out", metavar="KEY",
                        help="leave a line out of the analyses as not a product")
    parser.add_argument("--sort", choices=("together", "lift", "evidence"), default="together",
                        help="most orders together first (default), highest lift first, or "
                             "strongest evidence (smallest p-value) first")
    parser.add_argument("--limit", type=_positive, metavar="N",
                        help=f"show at most N pairs (table default {TABLE_LIMIT}; json/csv: all)")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.set_defaults(func=run)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def run(args: argparse.Namespace) -> int:
    from ppdesk.core.analytics import not_products, pairs
    from ppdesk.core.analytics.evidence import evidence_for
    from ppdesk.core.settings import load_settings
    from ppdesk.core.store import open_store

    store = open_store(args.home_path)
    if args.put_back or args.take_out:
        key = args.put_back or args.take_out
        not_products.set_override(store, key, is_product=bool(args.put_back))
        output.info(f"'{key}' is now {'a product' if args.put_back else 'left out'} "
                    "in every analysis.")
        if not args.not_products:
            return 0
    evidence = evidence_for(store, load_settings(store).analytics)
    left_out = _records(evidence.not_products())
    if args.not_products:
        if args.format == "json":
            output.print_json({"not_products": left_out})
        elif args.format == "csv":
            output.print_csv(left_out, [c for c, _ in NOT_PRODUCT_TABLE])
        else:
            output.print_table(left_out, [c for c, _ in NOT_PRODUCT_TABLE],
                               [h for _, h in NOT_PRODUCT_TABLE])
        return 0
    settings = evidence.settings
    basket = evidence.basket(args.level, args.since, args.until)
    window = basket.window
    min_orders = args.min_orders or settings.min_orders_together
    document: dict[str, Any] = {"orders_total": basket.n_orders, **window.to_json(),
                                "level": args.level, "sequential": bool(args.sequential),
                                "min_orders": min_orders, "sort": args.sort,
                                "max_q_value": settings.max_q_value}
    if args.sequential:
        seq = evidence.sequential(args.level, window.since, window.until,
                                  min_customers=min_orders,
                                  progress=output.StderrProgress("sequential pairs"))
        frame = seq.pairs
        document.update(customers_total=seq.customers_total,
                        returning_customers=seq.returning_customers)
    else:
        frame = evidence.pairs(args.level, window.since, window.until,
                               min_orders=min_orders).pairs
    frame = pairs.sort_pairs(frame, args.sort)
    why = _why_empty(basket.n_orders, len(frame), min_orders, sequential=args.sequential)
    if why:
        output.info(why)
    limit = args.limit or (TABLE_LIMIT if args.format == "table" else None)
    shown = frame.head(limit) if limit else frame
    records = _records(shown)
    if args.format == "json":
        document["pairs"] = records
        document["not_products"] = left_out
        output.print_json(document)
    elif args.format == "csv":
        output.print_csv(records, list(frame.columns))
    else:
        columns = SEQ_TABLE if args.sequential else TABLE
        output.print_table(records, [c for c, _ in columns], [h for _, h in columns])
        if len(frame) > len(shown):
            output.info(f"Showing {len(shown)} of {len(frame)} pairs; use --limit N or "
                        "--format csv for more.")
        if left_out:
            output.info(f"{len(left_out)} line(s) left out as not products (tips, shipping "
                        "protection, gift cards...): see 'ppdesk pairs --not-products'.")
    return 0


def _why_empty(n_orders: int, n_pairs: int, min_orders: int, *, sequential: bool) -> str | None:
    """One plain sentence saying why the table is empty (None when it is not)."""
    if n_orders == 0:
        return ("No included orders in this window; import order exports with "
                "'ppdesk import FILE' or widen --since/--until.")
    if n_pairs > 0:
        return None
    if sequential:
        return (f"No product was bought after another by at least {min_orders} customers in "
                f"the {n_orders} included orders of this window; lower --min-orders or widen "
                "--since/--until.")
    return (f"No two products were bought together in at least {min_orders} of the {n_orders} "
            "included orders of this window; lower --min-orders or widen --since/--until.")


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.astype(object).where(frame.notna(), None).to_dict(orient="records")

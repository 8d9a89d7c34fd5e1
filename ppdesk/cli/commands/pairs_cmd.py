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

Same order: orders_together = orders holding both products; support = together /
all orders; confidence_a_b = together / orders with A; lift = how many times more
often the two are bought together than if customers picked them independently.

Fluke guard: with many products, a pair seen together twice can show a huge lift
by pure chance. p_value is the probability of seeing the pair together at least
this often if the two products had nothing to do with each other (a one-sided
hypergeometric test). The smaller it is, the less likely a coincidence; ppdesk only
recommends a complement seen together in at least --min-orders orders (the
"minimum orders together" setting, 3 by default), sold together more often than
chance, and with a p-value at most the "max p-value" setting (0.05 by default);
the column "recommendable" says which pairs pass.

--sequential: customers_a_then_b = customers whose first purchase date of B is
later than their first purchase date of A (both in the window; guests do not
count); confidence = that number / customers who bought A and ordered again later.
"""

TABLE = [("name_a", "product A"), ("name_b", "product B"), ("orders_together", "together"),
         ("orders_with_a", "with A"), ("orders_with_b", "with B"),
         ("confidence_a_b", "conf A>B"), ("confidence_b_a", "conf B>A"), ("lift", "lift"),
         ("p_value", "p-value"), ("recommendable", "recommend")]
SEQ_TABLE = [("name_a", "first bought"), ("name_b", "then bought"),
             ("customers_a_then_b", "customers"), ("customers_a_returning", "A, came back"),
             ("confidence", "confidence"), ("lift", "lift"), ("p_value", "p-value"),
             ("recommendable", "recommend")]
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
    # Imported here, not at the top: `ppdesk --help` must not pay for pandas (cli/main.py).
    from ppdesk.core.analytics import pairs
    from ppdesk.core.analytics.dataset import LINE_COLUMNS, build_basket, resolve_window
    from ppdesk.core.settings import load_settings
    from ppdesk.core.store import open_store
    from ppdesk.core.store.lines import load_lines, load_products

    store = open_store(args.home_path)
    settings = load_settings(store).analytics
    lines, products = load_lines(store, LINE_COLUMNS), load_products(store)
    window = resolve_window(lines, args.since, args.until, window_days=settings.window_days)
    basket = build_basket(lines, products, window)
    min_orders = args.min_orders or settings.min_orders_together
    document: dict[str, Any] = {"orders_total": basket.n_orders, **window.to_json(),
                                "sequential": bool(args.sequential), "min_orders": min_orders,
                                "sort": args.sort}
    if args.sequential:
        seq = pairs.sequential_from_basket(basket, min_customers=min_orders,
                                           progress=output.StderrProgress("sequential pairs"))
        frame = seq.pairs
        document.update(customers_total=seq.customers_total,
                        returning_customers=seq.returning_customers)
    else:
        frame = pairs.pairs_from_basket(basket, min_orders=min_orders).pairs
    frame = frame.assign(recommendable=pairs.recommendable(
        frame, min_together=settings.min_orders_together, max_p_value=settings.max_p_value))
    frame = pairs.sort_pairs(frame, args.sort)
    why = _why_empty(basket.n_orders, len(frame), min_orders, sequential=args.sequential)
    if why:
        output.info(why)
    limit = args.limit or (TABLE_LIMIT if args.format == "table" else None)
    shown = frame.head(limit) if limit else frame
    records = _records(shown)
    if args.format == "json":
        document["pairs"] = records
        output.print_json(document)
    elif args.format == "csv":
        output.print_csv(records, list(frame.columns))
    else:
        columns = SEQ_TABLE if args.sequential else TABLE
        output.print_table(records, [c for c, _ in columns], [h for _, h in columns])
        if len(frame) > len(shown):
            output.info(f"Showing {len(shown)} of {len(frame)} pairs; use --limit N or "
                        "--format csv for more.")
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

"""``ppdesk timing``: reorder timing per product (and per segment with --by)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ppdesk.cli import output

if TYPE_CHECKING:
    import pandas as pd

DESCRIPTION = """\
How long customers take to buy the same product again, for every product bought
in the window (included orders only; guests are not counted per customer).

A purchase occasion is a day on which a customer bought the product (two orders
on one day are one occasion); days are whole calendar days.
median_days_first_to_second: the median, over customers who bought it twice or
more, of the days from their first to their second occasion.
median_days_between (with the 25th/75th percentiles): over every gap between
consecutive occasions; median_ci_low/high: a 95% range for that median that
does not assume any shape of the data (needs 6 gaps or more).
trigger_day: the day after a purchase the replenishment reminder goes out:
round(0.75 x median_days_between) by default (the share is a setting from 0.70
to 0.80; or the rule "N days before the median").
enough_data is false, and trigger_day empty, below the minimum number of repeat
customers (setting, 5 by default): such figures are shown but not trusted.
replenishable: see replenishable_reason for the rule and the figures behind it.
"""

TABLE = [("product", "product"), ("name", "name"), ("customers", "customers"),
         ("repeat_customers", "repeat"), ("median_days_first_to_second", "1st>2nd"),
         ("median_days_between", "median gap"), ("p25_days_between", "p25"),
         ("p75_days_between", "p75"), ("trigger_day", "trigger day"),
         ("enough_data", "enough data"), ("replenishable", "replenishable")]
SEGMENT_TABLE = [("product", "product"), ("customers", "customers"),
                 ("repeat_customers", "repeat"), ("median_days_first_to_second", "1st>2nd"),
                 ("median_days_between", "median gap"), ("enough_data", "enough data")]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "timing", help="reorder timing per product: median days between purchases, trigger day",
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--since", metavar="DATE", help="first order date included (YYYY-MM-DD)")
    parser.add_argument("--until", metavar="DATE", help="last order date included (YYYY-MM-DD)")
    parser.add_argument("--by", choices=("customer-type", "first-product"),
                        help="split the figures: new vs returning customers, or by the "
                             "products of the customer's first order")
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: `ppdesk --help` must not pay for them (cli/main.py).
    from ppdesk.core.analytics import consumables, segments, timing
    from ppdesk.core.analytics.dataset import LINE_COLUMNS, build_basket, resolve_window
    from ppdesk.core.settings import load_settings
    from ppdesk.core.store import open_store
    from ppdesk.core.store.lines import load_lines, load_products

    store = open_store(args.home_path)
    settings = load_settings(store).analytics
    lines, products = load_lines(store, LINE_COLUMNS), load_products(store)
    window = resolve_window(lines, args.since, args.until, window_days=settings.window_days)
    if args.by:
        split = (segments.timing_by_customer_type if args.by == "customer-type"
                 else segments.timing_by_first_product)
        frame = split(lines, products, since=window.since, until=window.until, settings=settings)
        key = "segment" if args.by == "customer-type" else "first_product"
        table = [(key, key.replace("_", " "))] + SEGMENT_TABLE
        document: dict[str, Any] = {**window.to_json(), "by": args.by}
        return _emit(args, document, "segments", frame, table)
    basket = build_basket(lines, products, window)
    frame = timing.reorder_timing(lines, products, settings=settings, basket=basket)
    if basket.n_orders == 0:
        output.info("No included orders in this window; import order exports with "
                    "'ppdesk import FILE' or widen --since/--until.")
    document = {**window.to_json(), "trigger_rule": settings.trigger_rule,
                "trigger_share": settings.trigger_share,
                "trigger_days_before": settings.trigger_days_before,
                "min_repeat_customers": settings.min_repeat_customers,
                "replenishable_rule": consumables.rule_in_words(settings)}
    return _emit(args, document, "products", frame, TABLE)


def _emit(args: argparse.Namespace, document: dict[str, Any], key: str, frame: pd.DataFrame,
          table: list[tuple[str, str]]) -> int:
    records = frame.astype(object).where(frame.notna(), None).to_dict(orient="records")
    if args.format == "json":
        document[key] = records
        output.print_json(document)
    elif args.format == "csv":
        output.print_csv(records, list(frame.columns))
    else:
        output.print_table(records, [c for c, _ in table], [h for _, h in table])
    return 0

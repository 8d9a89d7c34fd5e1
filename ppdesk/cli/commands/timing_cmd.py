"""``ppdesk timing``: reorder timing per product (and per segment with --by)."""

from __future__ import annotations

import argparse
from typing import Any

from ppdesk.cli import output

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
trigger_day_first: the day after a customer's FIRST purchase of the product
when the replenishment reminder goes out: round(0.75 x median_days_first_to_second)
by default (the share is a setting from 0.70 to 0.80; or the rule "N days before
the median"). trigger_day_repeat: the same after later purchases, from
median_days_between. trigger_day is trigger_day_first.
Quantity: where the data show that larger purchases last longer (the gaps after
buying 2+ units are longer than after 1 unit, by a Mann-Whitney test at p <= 0.05
with at least 5 gaps of each), the reminder waits in proportion to the units
bought (quantity_scaled true); otherwise the quantity does not change it.
quantity_rule says which rule applies, in words.
Tips, shipping protection, gift wrap, gift cards and discount lines are left out.
enough_data is false, and trigger_day empty, below the minimum number of repeat
customers (setting, 5 by default): such figures are shown but not trusted.
replenishable: see replenishable_reason for the rule and the figures behind it.
"""

TABLE = [("product", "product"), ("name", "name"), ("customers", "customers"),
         ("repeat_customers", "repeat"), ("median_days_first_to_second", "1st>2nd"),
         ("median_days_between", "median gap"), ("p25_days_between", "p25"),
         ("p75_days_between", "p75"), ("trigger_day_first", "after 1st"),
         ("trigger_day_repeat", "after later"), ("quantity_scaled", "by units"),
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
    from ppdesk.core.analytics import consumables, segments
    from ppdesk.core.analytics.evidence import evidence_for
    from ppdesk.core.settings import load_settings
    from ppdesk.core.store import open_store

    store = open_store(args.home_path)
    evidence = evidence_for(store, load_settings(store).analytics)
    settings = evidence.settings
    basket = evidence.basket("variant", args.since, args.until)
    window = basket.window
    if args.by:
        split = (segments.timing_by_customer_type if args.by == "customer-type"
                 else segments.timing_by_first_product)
        frame = split(evidence.lines, evidence.products, since=window.since, until=window.until,
                      settings=settings)
        key = "segment" if args.by == "customer-type" else "first_product"
        table = [(key, key.replace("_", " "))] + SEGMENT_TABLE
        document: dict[str, Any] = {**window.to_json(), "by": args.by}
        return _emit(args, document, "segments", frame, table)
    frame = evidence.timing(window.since, window.until)
    if basket.n_orders == 0:
        output.info("No included orders in this window; import order exports with "
                    "'ppdesk import FILE' or widen --since/--until.")
    document = {**window.to_json(), "trigger_rule": settings.trigger_rule,
                "trigger_share": settings.trigger_share,
                "trigger_days_before": settings.trigger_days_before,
                "min_repeat_customers": settings.min_repeat_customers,
                "replenishable_rule": consumables.rule_in_words(settings)}
    return _emit(args, document, "products", frame, TABLE)


def _emit(args: argparse.Namespace, document: dict[str, Any], key: str, frame: Any,
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

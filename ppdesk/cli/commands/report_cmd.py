"""``ppdesk report``: what the post-purchase flows and offers earned, measured honestly."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ppdesk.cli import output
from ppdesk.cli.outfiles import OutputFiles
from ppdesk.core.errors import InputError

if TYPE_CHECKING:
    from ppdesk.core.results.report import Report

DESCRIPTION = """\
What each post-purchase layer brought, per flow and offer and per ISO week.

Emails: an order counts for an email when the same customer places it after the
email was sent and at most N days later (N = attribution window, 5 by default);
an order within reach of two emails counts once, for the last one. Offers: an
order counts for an offer when it uses one of the offer's discount codes. An order
counts once: an offer code beats an email. Revenue is the order total as exported.

Lift compares customers who received a flow with the holdout group that did not,
with a 95% interval; "not enough data yet" until the groups are big enough and
the interval leaves out zero. Discount tests compare margin per order that saw
each discount level. Margins need cost of goods: --import-costs FILE reads a CSV
with a product/SKU column and a cost column.

--format json prints one JSON document; csv prints the weekly table. --out FILE
writes that output (json, or csv for csv/table) to FILE instead; --xlsx and --html
write the full report as a workbook and a one-page summary with charts.
"""

FLOW_TABLE = [("flow", "flow"), ("sent", "sent"), ("delivered", "delivered"),
              ("conversions", "conv."), ("conversion_rate", "conv. rate"),
              ("revenue", "revenue"), ("revenue_per_recipient", "rev/recipient"),
              ("aov", "AOV"), ("margin", "margin")]
OFFER_TABLE = [("offer", "offer"), ("level", "level"), ("discount_code", "code"),
               ("orders_saw", "saw"),
               ("orders_took", "took"), ("take_rate", "take rate"), ("revenue", "revenue"),
               ("discount_cost", "discount cost"), ("margin", "margin"),
               ("margin_per_view", "margin/view")]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "report", help="what the flows and offers earned: attribution, lift, margins",
        description=DESCRIPTION, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--format", choices=("table", "json", "csv"), default="table")
    parser.add_argument("--out", metavar="FILE", help="write the output to FILE")
    parser.add_argument("--xlsx", metavar="FILE", help="also write the report as an XLSX workbook")
    parser.add_argument("--html", metavar="FILE",
                        help="also write a one-page HTML summary with charts")
    parser.add_argument("--now", metavar="ISO",
                        help="report as of this UTC time (default: now), e.g. 2026-03-31T12:00")
    parser.add_argument("--import-costs", metavar="FILE",
                        help="first import cost of goods from a CSV (product/SKU, cost)")
    parser.set_defaults(func=run)


def _now(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise InputError(f"--now {text!r} is not an ISO date-time such as 2026-03-31T12:00",
                         ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _print_table(report: Report) -> None:
    from ppdesk.core.results.report import records

    totals = report.flows[report.flows["week"] == "all"]
    output.print_lines([f"Results {report.period_text} "
                        f"(attribution window {report.attribution_days} days)", "", "Emails"])
    output.print_table(records(totals), [c for c, _ in FLOW_TABLE], [h for _, h in FLOW_TABLE])
    output.print_lines(["", "Offers"])
    offers = records(report.offers[report.offers["week"] == "all"])
    for row in offers:
        row["level"] = "all" if row["variant"] is None else f"{row['discount_percent']:g}%"
    output.print_table(offers, [c for c, _ in OFFER_TABLE], [h for _, h in OFFER_TABLE])
    output.print_lines(["", "Lift against the holdout"]
                       + [f"- {r['flow']}: {r['verdict']}" for r in records(report.lift)])
    tests = report.discount_tests.drop_duplicates("offer_id") if len(report.discount_tests) \
        else report.discount_tests
    output.print_lines(["", "Discount tests"]
                       + [f"- {r['offer']}: {r['verdict']}" for r in records(tests)]
                       + ([] if len(tests) else ["- no offer runs two discount levels"]))
    u = report.unit_economics
    output.print_lines(["", "Unit economics"])
    output.print_table([{"figure": k, "value": v} for k, v in u.items() if k != "rule"],
                       ["figure", "value"])
    for warning in report.warnings:
        output.info(f"Warning: {warning}")


def _write_out(report: Report, fmt: str, path: Path) -> None:
    from ppdesk.core.results import export

    if fmt == "json":
        try:
            path.write_text(json.dumps(report.to_json(), ensure_ascii=False, indent=2),
                            encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot write the file ({exc.strerror})", file=str(path)) from exc
    else:
        export.write_csv(report, path)


def run(args: argparse.Namespace) -> int:
    # Imported here, not at the top: `ppdesk --help` must not pay for them (cli/main.py).
    from ppdesk.core.results import export
    from ppdesk.core.results.costs import import_costs
    from ppdesk.core.results.report import build_report, records
    from ppdesk.core.store import open_store

    store = open_store(args.home_path)
    now = _now(args.now)
    if args.import_costs:
        done = import_costs(store, Path(args.import_costs))
        output.info(f"Costs: {done.updated} products updated from {done.file}.")
        for row, name in done.unknown[:10]:
            output.info(f"  row {row}: no product {name!r} in this store (skipped)")
    report = build_report(store, now=now, progress=output.StderrProgress("Report"))
    written = []
    # All or nothing: a failure in any file leaves none of them (cli/outfiles.py).
    with OutputFiles() as files:
        if args.xlsx:
            export.write_xlsx(report, files.stage(Path(args.xlsx)))
            written.append(args.xlsx)
        if args.html:
            export.write_html(report, files.stage(Path(args.html)), store)
            written.append(args.html)
        if args.out:
            _write_out(report, args.format, files.stage(Path(args.out)))
            written.append(args.out)
    for name in written:
        output.info(f"Wrote {name}")
    if args.out:
        return 0
    if args.format == "json":
        output.print_json(report.to_json())
    elif args.format == "csv":
        frame = report.weekly()
        output.print_csv(records(frame), list(frame.columns))
    else:
        _print_table(report)
    return 0


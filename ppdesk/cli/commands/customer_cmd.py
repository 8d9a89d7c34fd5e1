"""``ppdesk customer show|export|forget EMAIL``: one customer's record.

``show`` lists their orders, every email planned, sent or skipped (and why), their
unsubscribes, bounces and holdout membership. ``export`` writes everything the store
holds about them as JSON (GDPR article 15). ``forget`` erases their personal data
(article 17): orders stay as anonymous lines so the figures hold, and only a salted
hash of the address stays on the suppression list so a later import never mails
them again. ``forget`` asks for confirmation at a terminal unless ``--yes``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ppdesk.cli import output


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("customer", help="one customer's record (show, export, "
                                   "forget)", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="customer_command", metavar="ACTION", required=True)
    p = sub.add_parser("show", help="their orders, emails, unsubscribes, bounces, holdout")
    p.add_argument("email")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=run_show)
    p = sub.add_parser("export", help="everything the store holds about them, as JSON")
    p.add_argument("email")
    p.add_argument("--out", metavar="FILE", help="write to this file (default: stdout)")
    p.set_defaults(func=run_export)
    p = sub.add_parser("forget", help="erase their personal data (GDPR right to erasure)")
    p.add_argument("email")
    p.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=run_forget)


def _record(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    from ppdesk.core.customers.record import customer_record
    from ppdesk.core.errors import InputError
    from ppdesk.core.store import open_store

    record = customer_record(open_store(args.home_path), args.email)
    if not record.found:
        raise InputError(f"the store holds nothing about '{args.email}'")
    return record


def run_show(args: argparse.Namespace) -> int:
    record = _record(args)
    if args.format == "json":
        output.print_json(record.to_json())
        return 0
    output.print_lines([f"Customer {record.email}"])
    output.print_table([{"order": o["order_number"], "date": o["order_date"],
                         "status": o["financial_status"], "total": o["total"],
                         "products": ", ".join(str(ln["product_name"]) for ln in o["lines"])}
                        for o in record.orders], ["order", "date", "status", "total", "products"])
    output.print_table([{"flow": e["flow"], "state": e["state"], "due": e["due_at"],
                         "sent": e["sent_at"] or "", "holdout": bool(e["holdout"]),
                         "why": e["reason"] or ""} for e in record.emails],
                       ["flow", "state", "due", "sent", "holdout", "why"])
    if record.suppression:
        s = record.suppression
        output.print_lines([f"Suppressed: {s['reason']} since {s['created_at']} "
                            f"({s['source']})"])
    for m in record.mailbox:
        output.print_lines([f"Mailbox {m['processed_at']}: {m['kind']} ({m['action']})"])
    for h in record.holdout:
        output.print_lines(["In the holdout group (gets no flow emails, to measure lift)"
                            if h["in_holdout"] else "Not in the holdout group"])
    return 0


def run_export(args: argparse.Namespace) -> int:
    text = _record(args).export_text()
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
        output.info(f"Written to {args.out}.")
    else:
        output.print_lines([text])
    return 0


def run_forget(args: argparse.Namespace) -> int:
    from ppdesk.core.customers.erasure import forget_customer
    from ppdesk.core.store import open_store

    if not args.yes and sys.stdin.isatty():
        answer = input(f"Erase everything ppdesk holds about {args.email}? [y/N] ")
        if answer.strip().lower() not in ("y", "yes"):
            output.info("Nothing changed.")
            return 0
    summary = forget_customer(open_store(args.home_path), args.email)
    if args.format == "json":
        output.print_json(summary.to_json())
    else:
        output.info(f"Forgotten: {summary.customers} customer record(s), {summary.orders} "
                    f"order(s) kept as anonymous lines, {summary.emails} email(s); the address "
                    "stays on the suppression list only as a salted hash.")
    return 0

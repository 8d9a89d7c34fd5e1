"""``ppdesk suppress``: the do-not-email list (add, import a CSV, list, remove)."""

from __future__ import annotations

import argparse
from pathlib import Path

from ppdesk.cli import output

REASON_HELP = "unsubscribe, hard_bounce, complaint, manual or imported (default: %(default)s)"


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("suppress", help="addresses that must never get an email")
    sub = parser.add_subparsers(dest="suppress_command", metavar="ACTION", required=True)
    p = sub.add_parser("add", help="suppress addresses")
    p.add_argument("emails", nargs="+", metavar="EMAIL")
    # No choices=: REASONS lives in flows.suppressions (pandas), which refuses an unknown one.
    p.add_argument("--reason", default="unsubscribe", help=REASON_HELP)
    p.set_defaults(func=run_add)
    p = sub.add_parser("import", help="suppress every address in a CSV (column 'email', "
                       "else the first)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--reason", default="imported", help=REASON_HELP)
    p.set_defaults(func=run_import)
    p = sub.add_parser("list", help="the suppression list")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table")
    p.set_defaults(func=run_list)
    p = sub.add_parser("remove", help="take an address off the list")
    p.add_argument("email", metavar="EMAIL")
    p.set_defaults(func=run_remove)


def run_add(args: argparse.Namespace) -> int:
    # Imported when run: suppressions loads pandas, not needed for `--help`.
    from ppdesk.core.flows import suppressions
    from ppdesk.core.store import open_store

    added = suppressions.add(open_store(args.home_path), args.emails, reason=args.reason,
                             source="cli")
    output.info(f"{added} address(es) added; {len(set(args.emails)) - added} already listed.")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from ppdesk.core.flows import suppressions
    from ppdesk.core.store import open_store

    result = suppressions.import_csv(open_store(args.home_path), Path(args.file),
                                     reason=args.reason)
    output.info(f"{result.added} address(es) added, {result.already} already listed.")
    for row, text in result.rejected[:20]:
        output.info(f"{args.file}, row {row}: '{text}' is not an email address; skipped.")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from ppdesk.core.flows import suppressions
    from ppdesk.core.store import open_store

    frame = suppressions.load(open_store(args.home_path))
    rows = frame.to_dict(orient="records")
    columns = ["email", "reason", "source", "created_at"]
    if args.format == "json":
        output.print_json({"suppressions": rows})
    elif args.format == "csv":
        output.print_csv(rows, columns)
    else:
        output.print_table(rows, columns)
    return 0


def run_remove(args: argparse.Namespace) -> int:
    from ppdesk.core.flows import suppressions
    from ppdesk.core.store import open_store

    removed = suppressions.remove(open_store(args.home_path), args.email)
    output.info("Removed." if removed else f"{args.email} was not on the list.")
    return 0

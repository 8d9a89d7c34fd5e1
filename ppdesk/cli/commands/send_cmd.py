"""``ppdesk send-due``: plan the Live flows, then send every due email through the SMTP account.

This is what a cron / launchd / Task Scheduler entry runs (``ppdesk flows schedule``
prints one). It is safe to run often: one sender at a time per store, nothing in
quiet hours, per-minute and per-day caps kept, nothing sent twice, nothing of a
flow that is not Live (``ppdesk flows status``), nothing while all sending is paused
(``ppdesk settings``' sending.paused, the Outbox page's button). ``--dry-run``
writes the due emails as ``.eml`` files (default: ``outbox-preview/`` in the home)
and changes nothing.

Exit codes: 0 done (also when another sender was already running or it is quiet
hours); 2 the SMTP account is not set up or the server refused it.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ppdesk.cli import output

if TYPE_CHECKING:  # imported where used: `ppdesk --help` must not pay for them (cli/main.py)
    from ppdesk.core.sending.summary import SendSummary
    from ppdesk.core.store import Store


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("send-due", help="send the emails that are due",
                                   description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--now", metavar="ISO", help="act as if it were this time (UTC if no "
                        "offset)")
    parser.add_argument("--dry-run", action="store_true",
                        help="plan as usual, then write the due emails as .eml files instead "
                             "of sending them")
    parser.add_argument("--out", metavar="DIR", help="folder for --dry-run files")
    parser.add_argument("--no-plan", action="store_true",
                        help="send what the outbox holds without planning first")
    parser.add_argument("--format", choices=("table", "json"), default="table")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ppdesk.core.schedule_runs import recorded_run
    from ppdesk.core.store import open_store

    store = open_store(args.home_path)
    if args.dry_run:
        return _report(args, _send(args, store))
    # A scheduled run's output goes nowhere: its outcome is kept in the store instead.
    with recorded_run(store, "send-due") as record:
        summary = _send(args, store)
        record.finish(summary.to_json(), sent=summary.sent, failed=summary.failed,
                      error=summary.stopped if summary.stopped.startswith("the server refused")
                      else None)
    code = _report(args, summary)
    _check_inbox_too(store)
    return code


def _send(args: argparse.Namespace, store: Store) -> SendSummary:
    from ppdesk.core.flows.planner import plan
    from ppdesk.core.sending.sender import send_due

    if not args.dry_run:   # refuse before planning, so a refusal changes nothing
        from ppdesk.core.flows.states import live_flows
        from ppdesk.core.sending.sender import require_sender_identity
        from ppdesk.core.settings import load_settings

        if live_flows(store):   # with no flow Live, the run only says so
            require_sender_identity(load_settings(store))
    if not args.no_plan:
        result = plan(store, now=args.now)
        for warning in result.warnings:
            output.info(f"Warning: {warning}")
    return send_due(store, now=args.now, dry_run=args.dry_run,
                    out_dir=Path(args.out) if args.out else None,
                    progress=output.StderrProgress("Sending"))


def _check_inbox_too(store: Store) -> None:
    """The schedule also reads the mailbox when one is set up; its failure is recorded, and
    does not turn a good send into a failed run."""
    from ppdesk.core.errors import PpdeskError
    from ppdesk.core.inbox.check import check_inbox
    from ppdesk.core.schedule_runs import recorded_run
    from ppdesk.core.settings import load_settings

    if not load_settings(store).inbox.host:
        return
    try:
        with recorded_run(store, "inbox-check") as record:
            found = check_inbox(store)
            record.finish(found.to_json(), error="; ".join(found.errors[:3]) or None)
    except PpdeskError as exc:
        output.info(f"Inbox check failed: {exc}")


def _report(args: argparse.Namespace, summary: SendSummary) -> int:
    if args.format == "json":
        output.print_json(summary.to_json())
    elif args.dry_run:
        output.print_lines([f"{len(summary.files)} due email(s) written (nothing sent):"]
                           + summary.files)
    else:
        output.print_lines([
            f"Sent {summary.sent}, retry later {summary.retry_later}, failed {summary.failed}, "
            f"unknown {summary.unknown}, still due {summary.waiting}."])
        if summary.recovered_unknown:
            output.info(f"{summary.recovered_unknown} message(s) were being sent when ppdesk "
                        "stopped; their fate is unknown. Check your Sent folder, then run "
                        "'ppdesk flows resolve ID --sent' or '--not-sent' "
                        "('ppdesk flows outbox --state unknown' lists them).")
        if summary.suppressed:
            output.info(f"{summary.suppressed} address(es) bounced and were suppressed.")
    if summary.stopped:
        output.info(f"Stopped: {summary.stopped}.")
    if summary.stopped.startswith("no flow is Live"):
        output.info("'ppdesk flows status' shows the flows; 'ppdesk flows live NAME --dry-run' "
                    "says what one would send.")
    return 2 if summary.stopped.startswith("the server refused") else 0

"""``ppdesk flows``: plan the post-purchase emails, look at the outbox, act on messages.

- ``flows status [--format table|json]``: each flow's state (Draft, Live, Paused) with
  what it has planned, due in the next 24 hours, overdue and sent.
- ``flows live NAME... [--overdue skip|send] [--dry-run]``: make flows Live (also
  resumes paused ones). Says what happens: emails in the next 24 hours, later, and
  the overdue ones, which are skipped (the default: nothing goes out late by
  surprise) or sent with ``--overdue send``. ``--dry-run`` only says it.
- ``flows pause NAME...``: keep the flow's planned emails but send nothing.
- ``flows plan [--now ISO] [--format table|json] [--write]``: what the Live flows will
  send, to whom, when, and every candidate that will not be sent with the reason;
  changes nothing unless ``--write`` (then it updates the outbox, as ``send-due``
  does before sending; running it twice changes nothing).
- ``flows outbox [--state S]``, ``flows history ID``: the outbox and one message's events.
- ``flows resolve ID --sent|--not-sent``: decide a message whose fate is unknown.
- ``flows cancel ID``: stop a planned message for good.
- ``flows retry ID``: send a failed message again once the cause is fixed.
- ``flows content NAME [--set FIELD=TEXT ...] [--reset] [--format table|json]``: the
  words of a flow's email (what the app's form edits): subject, preheader, heading,
  intro, button texts, sign-off and the rest, with tokens such as ``{first_name}``.
  ``--set`` changes fields (checked, then saved; nothing is saved if one is refused);
  ``--reset`` puts ppdesk's words back first.
- ``flows schedule [--every N] [--os linux|macos|windows]``: the cron line, launchd
  plist or Task Scheduler command that runs ``ppdesk send-due``; with ``--install``,
  ``--remove`` or ``--status [--format json]`` it installs, removes or reports this
  home's entry on this computer (as the Settings page's buttons do).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from ppdesk.cli import output

if TYPE_CHECKING:
    import pandas as pd

PLAN_TABLE = [("outbox_id", "id"), ("flow", "flow"), ("email", "to"), ("store_order_id", "order"),
              ("products", "products"), ("due_local", "due (store time)"), ("note", "note")]
SKIP_TABLE = [("flow", "flow"), ("email", "to"), ("store_order_id", "order"),
              ("products", "products"), ("due_local", "would be due"), ("reason", "why not")]
OUTBOX_TABLE = [("id", "id"), ("flow", "flow"), ("email", "to"), ("state", "state"),
                ("due_at", "due (UTC)"), ("sent_at", "sent (UTC)"), ("attempts", "tries"),
                ("products", "products"), ("reason", "reason")]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("flows", help="plan the post-purchase emails and manage "
                                   "the outbox", description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="flows_command", metavar="ACTION", required=True)
    names = "cross_sell, replenishment, review, loyalty"   # flows.model.FLOWS, not imported here
    p = sub.add_parser("status", help="each flow's state (Draft, Live, Paused) and its emails")
    p.add_argument("--now", metavar="ISO", help="count as if it were this time")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=run_status)
    p = sub.add_parser("live", help="make flows Live (or resume paused ones)")
    p.add_argument("names", nargs="+", metavar="NAME", help=f"flows: {names}")
    p.add_argument("--overdue", choices=("skip", "send"), default="skip",
                   help="emails whose time has already passed: skip them (default) or send "
                        "them with the next send")
    p.add_argument("--dry-run", action="store_true",
                   help="only say what going Live would do; change nothing")
    p.add_argument("--now", metavar="ISO", help="act as if it were this time")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=run_live)
    p = sub.add_parser("pause", help="pause flows: keep their planned emails, send nothing")
    p.add_argument("names", nargs="+", metavar="NAME", help=f"flows: {names}")
    p.set_defaults(func=run_pause)
    p = sub.add_parser("plan", help="what the Live flows will send, with every reason why not")
    p.add_argument("--now", metavar="ISO", help="plan as if it were this time (UTC if no offset)")
    p.add_argument("--write", action="store_true",
                   help="also update the outbox (otherwise nothing changes)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--limit", type=int, default=200,
                   help="table rows shown per section (json always has all)")
    p.set_defaults(func=run_plan)
    p = sub.add_parser("outbox", help="list outbox messages")
    # No choices=: the list lives in flows.outbox (pandas); it refuses an unknown state (exit 2).
    p.add_argument("--state", action="append", metavar="STATE",
                   help="only this state (repeatable): planned, due, sending, sent, failed, "
                   "cancelled or unknown")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=run_outbox)
    p = sub.add_parser("history", help="the events of one message, with the SMTP replies")
    p.add_argument("id", type=int)
    p.set_defaults(func=run_history)
    p = sub.add_parser("resolve", help="decide a message whose fate is unknown")
    p.add_argument("id", type=int)
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--sent", action="store_true", help="it did arrive: mark it sent")
    group.add_argument("--not-sent", action="store_true", help="it did not: send it again")
    p.set_defaults(func=run_resolve)
    p = sub.add_parser("cancel", help="cancel a planned message for good")
    p.add_argument("id", type=int)
    p.set_defaults(func=run_cancel)
    p = sub.add_parser("retry", help="send a failed message again (not to a suppressed address)")
    p.add_argument("id", type=int)
    p.set_defaults(func=run_retry)
    p = sub.add_parser("content", help="show or change the words of a flow's email",
                       description="The words of a flow's email, as the app's form edits "
                       "them. Tokens such as {first_name} or {product} are filled in for "
                       "each customer.")
    p.add_argument("name", metavar="NAME", help=f"the flow: {names}")
    p.add_argument("--set", action="append", default=[], metavar="FIELD=TEXT",
                   help="change one field (repeatable), e.g. --set 'subject=Hi {first_name}'")
    p.add_argument("--reset", action="store_true",
                   help="put ppdesk's words back (before any --set)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=run_content)
    p = sub.add_parser("schedule", help="print the OS schedule entry that runs send-due")
    p.add_argument("--every", type=int, default=5, metavar="MINUTES")
    p.add_argument("--os", choices=("linux", "macos", "windows"),
                   help="whose entry to print (default: this computer's; --install/--remove/"
                   "--status act on this computer)")
    action = p.add_mutually_exclusive_group()
    action.add_argument("--install", action="store_true",
                        help="install (or replace) this home's entry on this computer")
    action.add_argument("--remove", action="store_true", help="remove this home's entry")
    action.add_argument("--status", action="store_true", help="say whether it is installed")
    p.add_argument("--format", choices=("text", "json"), default="text",
                   help="with --status/--install: the status as text or JSON")
    p.set_defaults(func=run_schedule)


def _rows(frame: pd.DataFrame, limit: int | None) -> list[dict[str, Any]]:
    shown = frame if limit is None else frame.head(limit)
    rows: list[dict[str, Any]] = shown.to_dict(orient="records")
    return rows


def _section(title: str, frame: pd.DataFrame, columns: list[tuple[str, str]],
             limit: int) -> None:
    output.print_lines(["", f"{title} ({len(frame)})"])
    if frame.empty:
        return
    if "flow" in frame:   # the merchant's words in the table; JSON keeps the machine names
        from ppdesk.core.flows.model import FLOW_LABELS

        frame = frame.assign(flow=frame["flow"].map(FLOW_LABELS).fillna(frame["flow"]))
    output.print_table(_rows(frame, limit), [c for c, _ in columns], [h for _, h in columns])
    if len(frame) > limit:
        output.print_lines([f"... {len(frame) - limit} more (--limit, or --format json)"])


def run_plan(args: argparse.Namespace) -> int:
    # Imported when run: the planner and the outbox load pandas (cli/main.py).
    from ppdesk.core.flows.planner import plan
    from ppdesk.core.store import open_store

    store = open_store(args.home_path)
    progress = output.StderrProgress("Planning") if args.format == "table" else None
    from ppdesk.core.flows import states

    result = plan(store, now=args.now, progress=progress, write=args.write)
    for warning in result.warnings:
        output.info(f"Warning: {warning}")
    live = states.live_flows(store)
    if not live:
        output.info("No flow is Live, so nothing is planned: 'ppdesk flows status' shows the "
                    "flows, 'ppdesk flows live NAME' makes one Live.")
    if args.format == "json":
        output.print_json(result.to_json())
        return 0
    s = result.summary()
    changes = (f"outbox: {s['inserted']} new, {s['updated']} updated, {s['revived']} back, "
               f"{s['cancelled']} cancelled" if args.write else
               f"nothing changed (--write would add {s['inserted']}, update {s['updated']}, "
               f"bring back {s['revived']}, cancel {s['cancelled']})")
    output.print_lines([f"Plan at {result.now}: {s['planned']} planned, {s['held_out']} held out, "
                        f"{s['skipped']} not sent; {changes}."])
    _section("Planned", result.messages, PLAN_TABLE, args.limit)
    _section("Held out (holdout group, for measuring lift)", result.held_out, PLAN_TABLE,
             args.limit)
    _section("Not sent", result.skipped, SKIP_TABLE, args.limit)
    if not result.cancelled.empty:
        _section("Cancelled now", result.cancelled,
                 [("outbox_id", "id"), ("flow", "flow"), ("email", "to"), ("reason", "why")],
                 args.limit)
    return 0


STATUS_TABLE = [("label", "flow"), ("name", "name"), ("state", "state"),
                ("planned", "planned"), ("due_next_24h", "next 24 h"), ("overdue", "overdue"),
                ("sent", "sent"), ("last_sent", "last sent (UTC)")]


def run_status(args: argparse.Namespace) -> int:
    from ppdesk.core.flows import states
    from ppdesk.core.store import open_store

    rows = [s.to_json() for s in states.status(open_store(args.home_path), now=args.now)]
    if args.format == "json":
        output.print_json({"flows": rows})
        return 0
    shown = [{**r, "state": states.STATE_WORDS[r["state"]]
              + ("" if r["enabled"] else " (switched off in the settings)")} for r in rows]
    output.print_table(shown, [c for c, _ in STATUS_TABLE], [h for _, h in STATUS_TABLE])
    return 0


def run_live(args: argparse.Namespace) -> int:
    from ppdesk.core.flows import states
    from ppdesk.core.store import open_store

    store = open_store(args.home_path)
    flows = states.flow_names(args.names)
    progress = output.StderrProgress("Planning") if args.format == "table" else None
    if args.dry_run:
        preview = states.preview_go_live(store, flows, now=args.now, progress=progress)
        if args.format == "json":
            output.print_json(preview.to_json())
            return 0
        names = ", ".join(f.label for f in preview.flows)
        per_flow = [f"  {f.label} ({states.STATE_WORDS[f.state]} now): {f.due_next_24h:,} in "
                    f"the next 24 hours, {f.later:,} later, {f.overdue:,} overdue"
                    for f in preview.flows] if len(preview.flows) > 1 else []
        output.print_lines([f"Making {names} Live would plan: {preview.sentence()}", *per_flow,
                            "Nothing changed. Run it without --dry-run to go Live; overdue "
                            "emails are skipped unless you add --overdue send."])
        return 0
    done = states.go_live(store, flows, overdue=args.overdue, now=args.now, progress=progress)
    for warning in done.warnings:
        output.info(f"Warning: {warning}")
    if args.format == "json":
        output.print_json(done.to_json())
    else:
        output.print_lines([done.sentence()])
    return 0


def run_pause(args: argparse.Namespace) -> int:
    from ppdesk.core.flows import model as fm
    from ppdesk.core.flows import states
    from ppdesk.core.store import open_store

    after = states.pause(open_store(args.home_path), args.names)
    for flow, state in after.items():
        label = fm.FLOW_LABELS[flow]
        output.info(f"{label} is paused: its planned emails wait, nothing is sent."
                    if state == states.PAUSED else
                    f"{label} is {states.STATE_WORDS[state]}: nothing to pause.")
    return 0


def run_outbox(args: argparse.Namespace) -> int:
    from ppdesk.core.flows import outbox as ob
    from ppdesk.core.store import open_store

    frame = ob.list_messages(open_store(args.home_path), states=args.state, limit=args.limit)
    if args.format == "json":
        output.print_json({"messages": frame.drop(columns=["details"]).to_dict("records")})
    else:
        output.print_table(_rows(frame, None), [c for c, _ in OUTBOX_TABLE],
                           [h for _, h in OUTBOX_TABLE])
    return 0


def run_history(args: argparse.Namespace) -> int:
    from ppdesk.core.flows import outbox as ob
    from ppdesk.core.store import open_store

    events = ob.history(open_store(args.home_path), args.id)
    output.print_table(events, ["at", "from_state", "to_state", "detail"],
                       ["at (UTC)", "from", "to", "detail"], max_width=100)
    return 0


def run_resolve(args: argparse.Namespace) -> int:
    from ppdesk.core.flows import outbox as ob
    from ppdesk.core.store import open_store

    state = ob.resolve_unknown(open_store(args.home_path), args.id, delivered=bool(args.sent))
    output.info(f"Message {args.id} is now {state}.")
    return 0


def run_cancel(args: argparse.Namespace) -> int:
    from ppdesk.core.flows import outbox as ob
    from ppdesk.core.store import open_store

    ob.cancel(open_store(args.home_path), args.id)
    output.info(f"Message {args.id} cancelled.")
    return 0


def run_schedule(args: argparse.Namespace) -> int:
    from ppdesk.core import schedule  # its plist writer pulls in xml/urllib: not for `--help`

    user = schedule.target_user()   # None except in the tests (a throwaway crontab user)
    if args.remove:
        removed = schedule.remove_schedule(args.home_path, user=user)
        output.info("Background schedule removed." if removed
                    else "There was no background schedule for this home; nothing changed.")
        return 0
    if args.install or args.status:
        if args.install:
            status = schedule.install_schedule(args.home_path, every_minutes=args.every,
                                               executable=sys.executable, user=user)
        else:
            status = schedule.schedule_status(args.home_path, user=user)
        from ppdesk.core.schedule_runs import latest_runs
        from ppdesk.core.store import open_store

        runs = latest_runs(open_store(args.home_path)) if args.status else []
        switch = _switch_facts(args.home_path, user) if args.status else {}
        if args.format == "json":
            output.print_json({**status.to_json(), "last_runs": [r.to_json() for r in runs],
                               **switch})
        else:
            output.print_lines([status.sentence()]
                               + ([f"Runs: {status.command}"] if status.command else [])
                               + [r.sentence for r in runs]
                               + ([f"Automatic sending: {switch['in_words']}"] if switch else [])
                               + [f"Missing: {b}" for b in switch.get("blockers", [])])
        return 0
    entry = schedule.entry_for(args.os or schedule.current_os(), args.home_path,
                               every_minutes=args.every, executable=sys.executable)
    output.print_lines([entry.instructions, "", entry.text])
    return 0


def _switch_facts(home: Any, user: str | None) -> dict[str, Any]:
    """What the app's "Send automatically" switch shows (core.schedule_switch), for --status."""
    from ppdesk.core.schedule_switch import switch_status
    from ppdesk.core.settings import load_settings
    from ppdesk.core.store import open_store

    store = open_store(home)
    facts = switch_status(store, user=user)
    return {"next_run_at": facts.next_run_at, "last_error": facts.last_error,
            "blockers": list(facts.blockers),
            "in_words": facts.words(load_settings(store).store.time_zone)}


def run_retry(args: argparse.Namespace) -> int:
    from ppdesk.core.flows import outbox as ob
    from ppdesk.core.store import open_store

    ob.retry_failed(open_store(args.home_path), args.id)
    output.info(f"Message {args.id} is due again; it goes out with the next send-due.")
    return 0


def _changes(flow: str, pairs: list[str]) -> dict[str, str]:
    """``FIELD=TEXT`` options as a dict; InputError (exit 2) for a field the flow lacks."""
    from ppdesk.core.emails.content import USED
    from ppdesk.core.errors import InputError

    changes: dict[str, str] = {}
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = name.strip()
        if not sep or name not in USED[flow]:
            raise InputError(f"--set {pair!r}: use FIELD=TEXT with a field of the {flow} "
                             f"email: {', '.join(USED[flow])}")
        changes[name] = text
    return changes


def run_content(args: argparse.Namespace) -> int:
    from dataclasses import asdict, replace

    from ppdesk.core.emails import content as ec
    from ppdesk.core.emails.context import normalise_kind
    from ppdesk.core.flows.model import FLOW_LABELS
    from ppdesk.core.store import open_store

    flow = normalise_kind(args.name)
    changes = _changes(flow, args.set)
    store = open_store(args.home_path)
    current = ec.default_content(flow) if args.reset else ec.load_content(store, flow)
    if changes:
        current = ec.checked(flow, replace(current, **changes))   # refused: nothing saved
    if changes:
        ec.save_content(store, flow, current)
    elif args.reset:
        ec.reset_content(store, flow)
    words, defaults = asdict(current), asdict(ec.default_content(flow))
    edited = [n for n in ec.USED[flow] if words[n] != defaults[n]]
    if args.format == "json":
        output.print_json({"flow": flow, "label": FLOW_LABELS[flow],
                           "fields": {n: words[n] for n in ec.USED[flow]}, "edited": edited,
                           "tokens": ec.TOKENS})
        return 0
    # Whole texts, not a table's cut-off cells: the merchant reads the words themselves.
    width = max(len(n) for n in ec.USED[flow]) + 2
    output.print_lines([f"{FLOW_LABELS[flow]} ({flow})"
                        + (": saved." if changes else ": back to ppdesk's words."
                           if args.reset else ""), ""]
                       + [f"{n.ljust(width)}{words[n] or '(empty)'}"
                          + ("   [yours]" if n in edited else "") for n in ec.USED[flow]])
    output.print_lines(["", "Tokens: " + ", ".join(f"{{{t}}}" for t in ec.TOKENS)])
    return 0

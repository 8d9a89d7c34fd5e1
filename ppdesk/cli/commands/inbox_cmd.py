"""``ppdesk inbox set|check|log|show``: read the sending account's mailbox (IMAP).

``inbox check`` reads new mail in the inbox folder: unsubscribe replies and
complaints suppress the address, hard bounces suppress the failed recipient,
temporary failures and auto-replies are noted, and processed messages are moved
into a ``ppdesk`` folder (never deleted). Messages of unknown delivery are looked
up in the Sent folder. The password is read like ``smtp set``'s: from a hidden
prompt or ``--password-stdin``; it goes into the keyring only.
"""

from __future__ import annotations

import argparse

from ppdesk.cli import output
from ppdesk.cli.mail_account import add_account_options, read_password
from ppdesk.core.inbox.presets import IMAP_PRESETS  # a light table: dataclasses only


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("inbox", help="read unsubscribes, bounces and complaints "
                                   "from the sending mailbox (set, check, log, show)",
                                   description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="inbox_command", metavar="ACTION", required=True)
    p = sub.add_parser("set", help="save the IMAP settings (password into the keyring)")
    add_account_options(p, presets=sorted(IMAP_PRESETS), preset_help="fill host, port and security",
                        username_help="default: the SMTP username")
    p.add_argument("--folder", help="where replies arrive (default INBOX)")
    p.add_argument("--sent-folder", help="the Sent folder (default: found automatically)")
    p.add_argument("--processed-folder", help="where processed mail is moved (default ppdesk)")
    p.set_defaults(func=run_set)
    p = sub.add_parser("check", help="read new mail and act on it")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--batch", type=int, default=500, help=argparse.SUPPRESS)  # tests: kill points
    p.set_defaults(func=run_check)
    p = sub.add_parser("log", help="what the checks found and did, newest first")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=run_log)
    p = sub.add_parser("show", help="the saved IMAP settings (never the password)")
    p.set_defaults(func=run_show)


def run_set(args: argparse.Namespace) -> int:
    from ppdesk.core import secrets
    from ppdesk.core.errors import InputError
    from ppdesk.core.inbox.presets import get_imap_preset
    from ppdesk.core.settings import load_settings, save_settings
    from ppdesk.core.store import open_store

    store = open_store(args.home_path)
    settings = load_settings(store)
    i = settings.inbox
    preset_name = args.preset or (settings.sending.preset if not i.host else None)
    if preset_name:
        preset = get_imap_preset(preset_name)
        i.preset = preset.name
        if preset.host:
            i.host = preset.host
        i.port, i.security = preset.port, preset.security
        if preset.note:
            output.info(f"{preset.label}: {preset.note}")
        if not preset.password_login:
            raise InputError(f"the {preset.label} preset cannot be used: {preset.note}")
    for name in ("host", "port", "security", "username", "folder", "sent_folder",
                 "processed_folder"):
        value = getattr(args, name)
        if value is not None:
            setattr(i, name, value.strip() if isinstance(value, str) else value)
    if not i.host:
        raise InputError("--host is required (or a --preset that has one)")
    if not 0 < i.port < 65536:
        raise InputError(f"--port {i.port} is not a TCP port")
    username = i.username or settings.sending.username
    if not username:
        raise InputError("--username is required (no SMTP username to reuse either)")
    password = read_password(args, "IMAP")
    allow = settings.sending.allow_plaintext_keyring
    if password is not None:
        secrets.store_password(i.host, username, password, allow_plaintext=allow,
                               service=secrets.IMAP_SERVICE)
        output.info(f"IMAP password saved in the keyring ({secrets.backend_name()}).")
    elif secrets.get_password(i.host, username, allow_plaintext=allow,
                              service=secrets.IMAP_SERVICE) is None:
        output.info("No IMAP password saved yet: run again with --password-stdin or at a "
                    "terminal.")
    save_settings(store, settings)
    output.info(f"Inbox settings saved: {username} at {i.host}:{i.port} ({i.security}), "
                f"folder {i.folder}. Try 'ppdesk inbox check'.")
    return 0


def run_check(args: argparse.Namespace) -> int:
    from ppdesk.core.inbox.check import account_from, check_inbox
    from ppdesk.core.schedule_runs import recorded_run
    from ppdesk.core.settings import load_settings
    from ppdesk.core.store import open_store

    store = open_store(args.home_path)
    account_from(load_settings(store))   # not set up: exit 2 before anything is recorded
    with recorded_run(store, "inbox-check") as run:
        summary = check_inbox(store, batch=max(1, args.batch))
        run.finish(summary.to_json(), error="; ".join(summary.errors[:3]) or None)
    if args.format == "json":
        output.print_json(summary.to_json())
        return 0
    doc = summary.to_json()
    output.print_table([{"what": k.replace("_", " "), "count": doc[k]} for k in (
        "checked", "unsubscribes", "bounces", "soft_bounces", "complaints", "ignored", "forged",
        "resolved_unknown", "unresolved_unknown")], ["what", "count"])
    for line in summary.errors + summary.notes:
        output.info(line)
    return 0


def run_log(args: argparse.Namespace) -> int:
    from ppdesk.core.inbox.journal import recent
    from ppdesk.core.store import open_store

    frame = recent(open_store(args.home_path), limit=args.limit)
    columns = ["processed_at", "kind", "action", "email", "sender", "subject", "detail"]
    rows = frame[columns].to_dict(orient="records")
    if args.format == "json":
        output.print_json({"messages": rows})
    else:
        output.print_table(rows, columns)
    return 0


def run_show(args: argparse.Namespace) -> int:
    from ppdesk.core.settings import load_settings
    from ppdesk.core.store import open_store

    settings = load_settings(open_store(args.home_path))
    i = settings.inbox
    output.print_table([{"setting": k, "value": v} for k, v in (
        ("preset", i.preset), ("host", i.host), ("port", i.port), ("security", i.security),
        ("username", i.username or settings.sending.username), ("folder", i.folder),
        ("sent folder", i.sent_folder or "(automatic)"),
        ("processed folder", i.processed_folder))], ["setting", "value"])
    return 0

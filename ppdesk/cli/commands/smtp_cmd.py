"""``ppdesk smtp set|test|show``: the SMTP account the flows send through.

The password goes into the operating system's keyring, never into the store, the
settings or a log. It is read from a hidden prompt, or with ``--password-stdin``
from the first line of standard input (for scripts: ``printf %s "$PW" | ppdesk smtp
set ... --password-stdin``); it is never a command-line option, because command
lines are visible to other users and kept in shell history.
"""

from __future__ import annotations

import argparse

from ppdesk.cli import output
from ppdesk.cli.mail_account import add_account_options, read_password
from ppdesk.core.errors import InputError
from ppdesk.core.sending.presets import PRESETS, get_preset


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("smtp", help="the SMTP account used to send (set, test, show)",
                                   description=__doc__,
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="smtp_command", metavar="ACTION", required=True)
    p = sub.add_parser("set", help="save the SMTP settings (password into the keyring)")
    add_account_options(p, presets=sorted(PRESETS),
                        preset_help="fill host, port, security and caps for a provider")
    p.add_argument("--from", dest="from_address", metavar="ADDRESS", help="sender address")
    p.add_argument("--per-minute", type=int, help="at most this many emails a minute")
    p.add_argument("--per-day", type=int, help="at most this many emails a day")
    p.add_argument("--unsubscribe-url", help="https page for one-click unsubscribe ({email} "
                   "is replaced by the address)")
    p.add_argument("--allow-plaintext-keyring", action="store_true",
                   help="accept a keyring that stores the password unencrypted (not advised)")
    p.set_defaults(func=run_set)
    p = sub.add_parser("test", help="connect and log in; --send-to also sends a test email")
    p.add_argument("--send-to", metavar="ADDRESS",
                   help="send one rendered flow email to this address (e.g. your own)")
    p.add_argument("--kind", default="cross_sell",
                   choices=("cross_sell", "replenishment", "review", "loyalty"))
    p.set_defaults(func=run_test)
    p = sub.add_parser("show", help="the saved SMTP settings (never the password)")
    p.set_defaults(func=run_show)


def run_set(args: argparse.Namespace) -> int:
    # Imported when run: keyring and the store are not needed for `--help`.
    from ppdesk.core import secrets
    from ppdesk.core.sending.message import check_address
    from ppdesk.core.settings import load_settings, save_settings
    from ppdesk.core.store import open_store

    store = open_store(args.home_path)
    settings = load_settings(store)
    s = settings.sending
    if args.preset:
        preset = get_preset(args.preset)
        s.preset = preset.name
        if preset.host:
            s.host = preset.host
        s.port, s.security = preset.port, preset.security
        s.per_minute, s.per_day = preset.per_minute, preset.per_day
        if preset.note:
            output.info(f"{preset.label}: {preset.note}")
        if not preset.password_login:
            raise InputError(f"the {preset.label} preset cannot be used: {preset.note}")
    for name in ("host", "port", "security", "username", "from_address", "per_minute",
                 "per_day", "unsubscribe_url"):
        value = getattr(args, name)
        if value is not None:
            setattr(s, name, value.strip() if isinstance(value, str) else value)
    if args.allow_plaintext_keyring:
        s.allow_plaintext_keyring = True
    if not s.host:
        raise InputError("--host is required (or a --preset that has one)")
    if not 0 < s.port < 65536:
        raise InputError(f"--port {s.port} is not a TCP port")
    if not s.from_address:
        raise InputError("--from (the sender address) is required")
    check_address(s.from_address, "--from address")
    if s.per_minute < 1 or s.per_day < 1:
        raise InputError("--per-minute and --per-day must be at least 1")
    password = read_password(args, "SMTP")
    if password is not None:
        if not s.username:
            raise InputError("--username is required to save a password")
        secrets.store_password(s.host, s.username, password,
                               allow_plaintext=s.allow_plaintext_keyring)
        if secrets.is_plaintext():
            output.info("Warning: the keyring in use stores the password in a plain-text file.")
        output.info(f"Password saved in the keyring ({secrets.backend_name()}).")
    elif s.username and secrets.get_password(
            s.host, s.username, allow_plaintext=s.allow_plaintext_keyring) is None:
        output.info("No password saved yet: run again with --password-stdin or at a terminal.")
    save_settings(store, settings)
    output.info(f"SMTP settings saved: {s.host}:{s.port} ({s.security}), from {s.from_address}, "
                f"at most {s.per_minute}/minute and {s.per_day}/day. Try 'ppdesk smtp test'.")
    return 0


def run_test(args: argparse.Namespace) -> int:
    from ppdesk.core.sending import check
    from ppdesk.core.settings import load_settings
    from ppdesk.core.store import open_store

    store = open_store(args.home_path)
    settings = load_settings(store)
    output.info(check.check_account(settings))
    if args.send_to:
        outcome = check.send_test(store, args.send_to, kind=args.kind, settings=settings)
        output.info(f"Test email sent to {args.send_to}: {outcome.detail}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    from ppdesk.core import secrets
    from ppdesk.core.settings import load_settings
    from ppdesk.core.store import open_store

    s = load_settings(open_store(args.home_path)).sending
    output.print_table([{"setting": k, "value": v} for k, v in (
        ("preset", s.preset), ("host", s.host), ("port", s.port), ("security", s.security),
        ("username", s.username), ("from", s.from_address), ("per minute", s.per_minute),
        ("per day", s.per_day), ("unsubscribe url", s.unsubscribe_url),
        ("paused", s.paused), ("keyring", secrets.backend_name()))], ["setting", "value"])
    return 0

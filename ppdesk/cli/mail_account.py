"""What `smtp set` and `inbox set` share: the account options and the one password reader.

Both accounts are a server (preset, host, port, security) and a login (username, password).
The password is read from standard input (``--password-stdin``, for scripts), else from a
hidden prompt on a terminal, and then goes straight to the keyring (``core/secrets.py``).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from ppdesk.core.errors import InputError


def add_account_options(parser: argparse.ArgumentParser, *, presets: list[str], preset_help: str,
                        username_help: str | None = None) -> None:
    """The server and login options of a mail account (the password is never an option)."""
    parser.add_argument("--preset", choices=presets, help=preset_help)
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--security", choices=("ssl", "starttls"))
    parser.add_argument("--username", help=username_help)
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of standard input")


def read_password(args: argparse.Namespace, account: str) -> str | None:
    """The password given for ``account`` ("SMTP", "IMAP"); None keeps the saved one."""
    if args.password_stdin:
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            raise InputError("--password-stdin was given but standard input held no password")
        return line
    if sys.stdin.isatty():
        typed = getpass.getpass(f"{account} password (hidden; press Enter to keep the saved one): ")
        return typed or None
    return None

"""The one way a command reads a password: from standard input, else a hidden prompt.

``smtp set`` and ``inbox set`` both take ``--password-stdin`` (scripts) or ask on a
terminal; the password then goes straight to the keyring (``core/secrets.py``).
"""

from __future__ import annotations

import argparse
import getpass
import sys

from ppdesk.core.errors import InputError


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

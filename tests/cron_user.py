"""A throwaway system user whose crontab the schedule tests may change (never the real user's).

The tests run as root (CI and this machine): ``useradd`` makes a user without a
home folder, ``crontab -u USER`` edits only that user's crontab, and on exit the
crontab and the user are removed. Without root, ``useradd`` or ``crontab`` the
caller is skipped with the reason, since writing the real crontab is not an option.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import pytest


def _skip_reason() -> str | None:
    if not sys.platform.startswith("linux"):
        return "the crontab tests run on Linux only (launchd/schtasks cannot be tested here)"
    if os.geteuid() != 0:
        return "needs root to create a throwaway user for 'crontab -u' (never the real crontab)"
    for tool in ("useradd", "userdel", "crontab"):
        if shutil.which(tool) is None:
            return f"'{tool}' is not installed (apt-get install cron passwd)"
    return None


@contextmanager
def throwaway_cron_user() -> Iterator[str]:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    user = f"ppdesk-test-{secrets.token_hex(4)}"
    subprocess.run(["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", user],
                   check=True, capture_output=True)
    try:
        yield user
    finally:
        # "no crontab for USER" when the test left none: fine
        subprocess.run(["crontab", "-u", user, "-r"], capture_output=True, check=False)
        subprocess.run(["userdel", user], check=True, capture_output=True)


def read_crontab(user: str) -> bytes:
    """The user's crontab as ``crontab -l`` prints it (b"" when there is none)."""
    done = subprocess.run(["crontab", "-u", user, "-l"], capture_output=True, check=False)
    if done.returncode != 0:
        assert b"no crontab for" in done.stderr, done.stderr
        return b""
    return done.stdout


def write_crontab(user: str, content: bytes) -> None:
    subprocess.run(["crontab", "-u", user, "-"], input=content, check=True, capture_output=True)

"""``ppdesk self-test``: the same end-to-end check as ``ppdesk --self-test``."""

from __future__ import annotations

import argparse
from typing import Any

from ppdesk.cli import output


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "self-test", help="check this installation end to end in a temporary folder",
        description="Import the demo export into a temporary store, run the analytics, build "
        "an offer and render an email; exits 0 when everything works, 1 naming the step "
        "that failed. Your own store is not touched.")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ppdesk.core.selftest import run_self_test  # heavy: imported when run, not on --help

    return run_self_test(report=output.info)

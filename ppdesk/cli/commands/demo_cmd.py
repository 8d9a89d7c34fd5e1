"""``ppdesk demo [--reset]``: build the demo store in its own home and say where it is.

The GUI's ``ppdesk app --demo`` calls the same :func:`ppdesk.core.demo_store.ensure_demo_store`.
"""

from __future__ import annotations

import argparse
from typing import Any

from ppdesk.cli import output


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "demo", help="build the demo store (a made-up shop) in its own folder, apart from yours",
        description="Import the bundled demo export into the separate demo home (or into "
        "the folder given with --home, when it holds no other store). Your own store is never "
        "touched. Run again to reuse it; --reset rebuilds it from scratch.")
    parser.add_argument("--reset", action="store_true",
                        help="delete the demo store and build it again")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ppdesk.core.demo_store import ensure_demo_store  # heavy: imported when run

    # Only an explicit --home moves the demo; PPDESK_HOME names the merchant's own store,
    # which the demo never touches (cli-contract).
    home = args.home_path if getattr(args, "home", None) else None
    store = ensure_demo_store(home=home, reset=args.reset,
                              progress=output.StderrProgress("Demo store"))
    output.info(f"The demo store is ready in {store.home}")
    output.info("Open it with:        ppdesk app --demo")
    output.info(f"Query it with, e.g.: ppdesk --home \"{store.home}\" pairs")
    return 0

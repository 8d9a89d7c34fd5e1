"""Argument parsing, exit codes and error rendering for every ``ppdesk`` subcommand.

Exit codes (../shared/guide/cli-contract.md): 0 success; 1 a bug (short message
and where the log is); 2 unusable input (one sentence naming file, row, column).

Adding a command (keep ``ppdesk --help`` quick: it imports every command module):

1. Write ``ppdesk/cli/commands/<name>_cmd.py`` with ``register(subparsers)``, which adds
   the parser and ``set_defaults(func=run)``; ``run(args) -> int`` does the work.
2. The module's top level imports only the standard library, ``ppdesk.cli.output``,
   ``ppdesk.core.errors`` and light constant modules (``ppdesk.core.importing.platforms``,
   ``ppdesk.core.offers.links``, ``ppdesk.core.sending.presets``). Everything else (the
   store, settings, analytics, pandas, jinja2, keyring, ...) is imported inside ``run``;
   types for annotations go under ``if TYPE_CHECKING:``. Argument ``choices`` that live in
   a heavy module are left to the core's own check (it raises ``InputError``: exit 2).
3. Add ``"<name>_cmd"`` to ``COMMAND_MODULES`` below (the order of ``ppdesk --help``).

tests/cli/test_startup.py builds the parser of every module in ``ppdesk/cli/commands`` in
a fresh interpreter and fails when pandas, numpy, scipy, pyarrow, jinja2 or keyring got
loaded. ``run(args)`` gets ``args.home_path`` (the resolved home) set by the dispatcher.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path
from typing import TYPE_CHECKING

from ppdesk import __version__
from ppdesk.cli import output

if TYPE_CHECKING:
    from collections.abc import Callable

# Order here is the order in ``ppdesk --help``.
COMMAND_MODULES = [
    "import_cmd",
    "products_cmd",
    "catalogue_cmd",
    "pairs_cmd",
    "timing_cmd",
    "offer_cmd",
    "flows_cmd",
    "send_cmd",
    "smtp_cmd",
    "suppress_cmd",
    "inbox_cmd",
    "customer_cmd",
    "report_cmd",
    "settings_cmd",
    "demo_cmd",
    "selftest_cmd",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ppdesk",
        description="Post-purchase revenue desk: import order exports, find what sells together "
        "and when customers reorder, and run the post-purchase offers and emails.",
    )
    parser.add_argument("--home", metavar="DIR",
                        help="folder holding the store "
                        "(default: $PPDESK_HOME, else your user data folder)")
    parser.add_argument("--version", action="version", version=f"ppdesk {__version__}")
    parser.add_argument("--self-test", action="store_true",
                        help="run a quick end-to-end check in a temporary home and exit")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    app = sub.add_parser("app", help="open the desktop app (--demo for the demo store)",
                         description="Open the desktop app on the store in --home (default: "
                         "$PPDESK_HOME, else your user data folder). `ppdesk` alone does "
                         "the same.")
    app.add_argument("--demo", action="store_true",
                     help="open the demo store (a made-up shop in its own folder) instead")
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"ppdesk.cli.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"ppdesk.cli.commands.{name}":
                continue  # command not built yet in this tree
            raise
        module.register(sub)
    return parser


def resolve_home(args: argparse.Namespace) -> Path:
    from ppdesk.core import paths

    return paths.home_dir(getattr(args, "home", None))


def run_cli(argv: list[str]) -> int:
    if argv == ["--version"]:  # answer before build_parser imports every command (seconds)
        output.print_lines([f"ppdesk {__version__}"])
        return 0
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 2 for bad options, 0 for --help
        return int(exc.code or 0)
    # Imported after parsing: `--help` and a usage error never need logging or the paths.
    import logging

    from ppdesk.core import paths
    from ppdesk.core.errors import Cancelled, EnvironmentProblem, InputError
    from ppdesk.core.logsetup import setup_logging

    home = resolve_home(args)
    log_file = setup_logging(paths.log_dir(home))
    if getattr(args, "self_test", False):
        from ppdesk.core.selftest import run_self_test

        return run_self_test(report=output.info)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0
    args.home_path = home
    try:
        return int(func(args) or 0)
    except InputError as exc:
        output.error(str(exc))
        return 2
    except Cancelled as exc:
        output.error(str(exc))
        return 130
    except EnvironmentProblem as exc:
        output.error(str(exc))
        return 2
    except KeyboardInterrupt:
        output.error("Interrupted; nothing was changed.")
        return 130
    except BrokenPipeError:
        # `ppdesk report | head` closed stdout early: not an error worth a message.
        import os
        import sys

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception:
        logging.getLogger("ppdesk.cli").exception("unexpected error in ppdesk %s", " ".join(argv))
        output.error(f"ppdesk hit an internal error (a bug). Details are in {log_file}.")
        return 1

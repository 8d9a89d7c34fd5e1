"""Entry point: ``ppdesk app`` (or no command) opens the GUI, every other command is the CLI.

This is the only module that sees both ``ppdesk.ui`` and ``ppdesk.cli``; each is
imported lazily so the CLI never loads Qt.
"""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    if getattr(sys, "frozen", False):
        import multiprocessing

        # The GUI runs imports in a spawned child process; a frozen app must let the
        # child start as that child instead of as a second copy of the app.
        multiprocessing.freeze_support()
    args = list(sys.argv[1:] if argv is None else argv)
    if _wants_gui(args):
        from ppdesk.ui.app import run_app

        return run_app(args)
    from ppdesk.cli.main import run_cli

    return run_cli(args)


def _wants_gui(args: list[str]) -> bool:
    """True for ``ppdesk``, ``ppdesk app ...`` and ``ppdesk --home DIR app ...``."""
    rest = list(args)
    while rest and rest[0] == "--home" and len(rest) >= 2:
        rest = rest[2:]
    rest = [a for a in rest if not a.startswith("--home=")]
    if not rest:
        return True
    # `ppdesk app --help` is answered by the CLI's parser: printing help must never open a
    # window (nor hang without a display).
    return rest[0] == "app" and not any(a in ("-h", "--help") for a in rest[1:])


if __name__ == "__main__":
    sys.exit(main())

"""``ppdesk settings show|set``: the merchant's settings from the command line.

The same typed settings the GUI's Settings page edits (store profile, analytics,
flows, sending caps, offers, results). The SMTP password is not a setting: use
``ppdesk smtp set``.
"""

from __future__ import annotations

import argparse

from ppdesk.cli import output
from ppdesk.core.errors import InputError


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "settings", help="show or change settings (store profile, flows, caps...)",
        description="Show or change the settings the app's Settings page edits. "
        "Names are section.field, e.g. store.store_url, store.time_zone, "
        "flows.holdout_share, flows.review_enabled, sending.per_day.")
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = sub.add_parser("show", help="list every setting and its value")
    show.add_argument("--format", choices=["table", "json"], default="table")
    show.set_defaults(func=run_show)
    change = sub.add_parser("set", help="change settings: section.field=value ...")
    change.add_argument("assignments", nargs="+", metavar="NAME=VALUE")
    change.set_defaults(func=run_set)


def run_show(args: argparse.Namespace) -> int:
    # Imported when run, not on `ppdesk --help` (cli/main.py).
    from ppdesk.core.settings import load_settings
    from ppdesk.core.settings_edit import flat_items
    from ppdesk.core.store import open_store

    items = flat_items(load_settings(open_store(args.home_path)))
    if args.format == "json":
        output.print_json(items)
    else:
        output.print_table([{"setting": k, "value": v} for k, v in items.items()],
                           ["setting", "value"], max_width=60)
    return 0


def run_set(args: argparse.Namespace) -> int:
    from ppdesk.core.settings import load_settings, save_settings
    from ppdesk.core.settings_edit import apply_changes
    from ppdesk.core.store import open_store

    changes: dict[str, str] = {}
    for item in args.assignments:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"'{item}' is not NAME=VALUE (for example flows.holdout_share=0.1)")
        changes[name.strip()] = value
    store = open_store(args.home_path)
    save_settings(store, apply_changes(load_settings(store), changes))
    output.info("Saved: " + ", ".join(f"{k} = {v}" for k, v in changes.items()))
    return 0

"""Plays a simulated month of offers and emails on the demo store, for the Results page.

    .venv/bin/python scripts/simulate_month.py

Builds the demo store first if needed (in the demo home, never the merchant's), then
runs ``ppdesk.core.results.simulate.simulate_month`` once (later runs change nothing).
Afterwards ``ppdesk --home DEMO_HOME report`` and the app's Results page (``ppdesk app
--demo``) show every figure: flows per week, offers and their discount tests, lift
against the holdout, margins and the unit-economics view.
"""

from __future__ import annotations

import sys

from ppdesk.core.demo_store import ensure_demo_store
from ppdesk.core.results.simulate import simulate_month


def main() -> int:
    store = ensure_demo_store()
    month = simulate_month(store)
    if month.already:
        print("The demo store already holds its simulated month "
              f"({month.start}, {month.days} days).")
    else:
        print(f"Simulated {month.days} days from {month.start}: {month.sent} emails sent "
              f"({month.bounced} bounced), {month.held_out} held out, {month.orders} new orders "
              f"of which {month.offer_orders} used an offer code.")
    print(f"See it with: ppdesk --home \"{store.home}\" report")
    return 0


if __name__ == "__main__":
    sys.exit(main())

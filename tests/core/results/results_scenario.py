"""The small store most results tests share, with every edge the rules name.

Dates: 2026-03-01 is a Sunday (ISO week 9); 03-02..03-08 is week 10; 03-09.. week 11.
Products: SKU-A (trigger, 20.00, cost 8), SKU-B (complement, 10.00, cost 3), SKU-C (30.00, cost 12).
Offer A -> B live since 03-01, variant 0 = 15% THANKS15, variant 1 = 10% THANKS10B.

Who does what (UTC unless noted):
- c1: cross-sell sent 03-04 10:00; orders C exactly 5 days later (03-09 10:00) -> credited.
- c2: same send; orders 5 days + 1 second later -> not credited.
- c3: same send; an order an hour before it (not credited), a cancelled and a refunded one
  after (excluded), and one at 06:00 -0500 on 03-04 = 11:00 UTC, after the send -> credited.
- c4: cross-sell 03-04, replenishment 03-06; orders 03-07 -> last touch: replenishment.
- c5: cross-sell rejected "550 5.1.1" (bounced); orders later -> not credited.
- c6: cross-sell sent, hard-bounce suppression an hour later (bounced); orders -> not credited.
- c7: cross-sell sent; orders B with "WELCOME5, THANKS15" -> credited to the offer, not email.
- c8: cross-sell held out (holdout); orders C 03-06 -> only in the lift's holdout group.
- c9: cross-sell sent 03-10 (week 11); orders B 03-11 10:00 (the newest order).
- c10: orders B with "THANKS10B, THANKS15" -> offer variant 1 (first code), counted once.
- c11: cross-sell failed with 421 after retries -> never sent, not counted.
- c12: orders A on 02-27, before the offer went live -> not a view.
"""

from __future__ import annotations

from pathlib import Path

from results_builders import (
    OfferSpec,
    Order,
    Send,
    Variant,
    add_offer,
    add_sends,
    add_suppression,
    load_orders,
    set_costs,
)

from ppdesk.core.settings import load_settings, save_settings
from ppdesk.core.store import Store, open_store

A = ("SKU-A", "Alpha", 1, 20.0)
B = ("SKU-B", "Beta", 1, 10.0)
C = ("SKU-C", "Gamma", 1, 30.0)
COSTS = {"SKU-A": 8.0, "SKU-B": 3.0, "SKU-C": 12.0}
CAC = 5.0


def e(n: int) -> str:
    return f"c{n}@example.com"


ORDERS = [
    Order("#1000", e(12), "2026-02-27 10:00:00 +0000", [A], 20.0),
    Order("#1001", e(1), "2026-03-02 10:00:00 +0000", [A], 20.0),
    Order("#1002", e(2), "2026-03-02 11:00:00 +0000", [A], 20.0),
    Order("#1003", e(3), "2026-03-04 09:00:00 +0000", [A], 20.0),
    Order("#1004", e(4), "2026-03-01 10:00:00 +0000", [A], 20.0),
    Order("#1005", e(5), "2026-03-01 10:00:00 +0000", [A], 20.0),
    Order("#1006", e(6), "2026-03-01 10:00:00 +0000", [A], 20.0),
    Order("#1007", e(7), "2026-03-01 10:00:00 +0000", [A], 20.0),
    Order("#1008", e(8), "2026-03-01 10:00:00 +0000", [A], 20.0),
    Order("#1009", e(9), "2026-03-08 10:00:00 +0000", [A], 20.0),
    Order("#1010", e(10), "2026-03-08 10:00:00 +0000", [A], 20.0),
    Order("#1020", e(1), "2026-03-09 10:00:00 +0000", [C], 30.0),
    Order("#1021", e(2), "2026-03-09 10:00:01 +0000", [C], 30.0),
    Order("#1022", e(3), "2026-03-05 12:00:00 -0500", [C], 30.0, cancelled=True),
    Order("#1023", e(3), "2026-03-05 13:00:00 +0000", [C], 30.0, status="refunded"),
    Order("#1024", e(3), "2026-03-04 06:00:00 -0500", [B], 12.0),
    Order("#1025", e(4), "2026-03-07 10:00:00 +0000", [C, B], 40.0),
    Order("#1026", e(5), "2026-03-05 10:00:00 +0000", [C], 30.0),
    Order("#1027", e(6), "2026-03-05 10:00:00 +0000", [C], 30.0),
    Order("#1028", e(7), "2026-03-06 10:00:00 +0000", [B], 8.5, code="WELCOME5, THANKS15"),
    Order("#1029", e(8), "2026-03-06 10:00:00 +0000", [C], 30.0),
    Order("#1030", e(9), "2026-03-11 10:00:00 +0000", [B], 10.0),
    Order("#1031", e(10), "2026-03-08 12:00:00 +0000", [B], 9.0, code="THANKS10B, THANKS15"),
    Order("#1032", e(11), "2026-03-02 10:00:00 +0000", [A], 20.0),
]

SENT = "2026-03-04T10:00:00+00:00"
SENDS = [
    Send("cross_sell", e(1), SENT),
    Send("cross_sell", e(2), SENT),
    Send("cross_sell", e(3), SENT),
    Send("cross_sell", e(4), SENT),
    Send("replenishment", e(4), "2026-03-06T10:00:00+00:00"),
    Send("cross_sell", e(5), None, state="failed", due_at=SENT, reason="rejected by the server",
         detail="550 5.1.1 <c5@example.com>: Recipient address rejected"),
    Send("cross_sell", e(6), SENT),
    Send("cross_sell", e(7), SENT),
    Send("cross_sell", e(8), None, holdout=True, due_at=SENT),
    Send("cross_sell", e(9), "2026-03-10T10:00:00+00:00"),
    Send("cross_sell", e(11), None, state="failed", due_at=SENT,
         reason="gave up after 5 attempts", detail="421 4.7.0 Try again later"),
]

OFFER = OfferSpec("SKU-A", "SKU-B", "2026-03-01",
                  [Variant(15.0, "THANKS15"), Variant(10.0, "THANKS10B")])


def build(home: Path, tmp: Path) -> Store:
    store = open_store(home)
    load_orders(store, tmp, ORDERS)
    set_costs(store, COSTS)
    add_sends(store, SENDS)
    add_suppression(store, e(6), "hard_bounce", "2026-03-04T11:00:00+00:00")
    add_offer(store, OFFER)
    settings = load_settings(store)
    settings.results.cac = CAC
    settings.results.attribution_days = 5
    settings.store.time_zone = "UTC"
    save_settings(store, settings)
    return store

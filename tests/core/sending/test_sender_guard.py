"""No email goes out without a From address and the store's postal address (CAN-SPAM)."""

from __future__ import annotations

import numpy as np
import pytest
from flow_builders import StoreBuilder, fixed_complements, timing_frame
from loopback_smtp import LoopbackSmtp

from ppdesk.core.errors import InputError
from ppdesk.core.flows.planner import plan
from ppdesk.core.sending.sender import send_due

NOW = "2026-03-03T11:00:00Z"


@pytest.mark.parametrize(("section", "field", "words"), [
    ("store", "postal_address", "postal address"),
    ("sending", "from_address", "From"),
])
def test_missing_identity_refuses_before_anything_changes(
        shop: StoreBuilder, smtp_server: LoopbackSmtp, section: str, field: str,
        words: str) -> None:
    for key in "abcd":
        shop.product(key)
    shop.order("ann@example.org", "2026-03-01 10:00", ["a"])
    plan(shop.store, now=NOW, timing=timing_frame({}),
         complements=fixed_complements({"a": [2, 3, 4]}), rng=np.random.default_rng(0))
    shop.settings(**{f"{section}__{field}": "  "})
    before = shop.outbox().to_dict(orient="records")
    with pytest.raises(InputError, match=words):
        send_due(shop.store, now=NOW, ssl_context=smtp_server.client_ctx)
    assert smtp_server.received == []
    assert shop.outbox().to_dict(orient="records") == before   # not even promoted to due
    shop.settings(**{f"{section}__{field}": "1 Tea St, Leeds" if field == "postal_address"
                     else "shop@example.com"})
    assert send_due(shop.store, now=NOW, ssl_context=smtp_server.client_ctx).sent == 1

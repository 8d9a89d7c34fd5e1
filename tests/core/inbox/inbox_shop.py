"""Helpers of the inbox tests: a store that sent real messages through the loopback SMTP
server, pointed at a Dovecot mailbox it reads them back from."""

from __future__ import annotations

import numpy as np
from flow_builders import StoreBuilder, fixed_complements, timing_frame
from imap_server import PASSWORD, USER, Dovecot
from loopback_smtp import LoopbackSmtp

from ppdesk.core import secrets
from ppdesk.core.flows.planner import plan
from ppdesk.core.sending.sender import send_due
from ppdesk.core.settings import load_settings, save_settings

PLAN_AT = "2026-03-03T11:00:00Z"


def point_inbox_at(shop: StoreBuilder, server: Dovecot) -> None:
    settings = load_settings(shop.store)
    settings.inbox.host = "127.0.0.1"
    settings.inbox.port = server.port
    settings.inbox.security = "ssl"
    settings.inbox.username = USER
    save_settings(shop.store, settings)
    secrets.store_password("127.0.0.1", USER, PASSWORD, allow_plaintext=True,
                           service=secrets.IMAP_SERVICE)


def send_to(shop: StoreBuilder, server: LoopbackSmtp, emails: list[str]) -> dict[str, bytes]:
    """Plan and send one cross-sell to each address; recipient -> raw message received."""
    for key in "abcd":
        shop.product(key)
    shop.bulk_orders([(e, "2026-03-01 10:00", ["a"]) for e in emails])
    plan(shop.store, now=PLAN_AT, timing=timing_frame({}),
         complements=fixed_complements({"a": [2, 3, 4]}), rng=np.random.default_rng(0))
    summary = send_due(shop.store, now=PLAN_AT, ssl_context=server.client_ctx)
    assert summary.sent == len(emails)
    return {r.rcpt_tos[0]: r.content for r in server.received}

"""The sender sends Live flows only, and obeys a pause made while a paced run is waiting.

Three customers ordered at 2026-03-01 10:00; their cross-sell emails are all due at 10:00
on 03-03. At one email a minute, the run waits (``sleep``) before the second one: that is
when the merchant acts, through the same core calls the app makes.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from flow_builders import StoreBuilder, fixed_complements, timing_frame
from loopback_smtp import LoopbackSmtp

from ppdesk.core.flows import states
from ppdesk.core.flows.planner import plan
from ppdesk.core.sending.sender import send_due
from ppdesk.core.settings import load_settings, save_settings

NOW = "2026-03-03T11:00:00Z"
EMAILS = ["ann@example.org", "bob@example.org", "cy@example.org"]


def _setup(shop: StoreBuilder) -> None:
    for key in "abcd":
        shop.product(key)
    for address in EMAILS:
        shop.order(address, "2026-03-01 10:00", ["a"])
    shop.settings(sending__per_minute=1)
    plan(shop.store, now=NOW, timing=timing_frame({}),
         complements=fixed_complements({"a": [2, 3, 4]}), rng=np.random.default_rng(0))
    assert sorted(shop.outbox()["state"]) == ["planned"] * 3


def _run_with(shop: StoreBuilder, server: LoopbackSmtp, during_wait):  # type: ignore[no-untyped-def]
    clock = {"t": 0.0, "acted": False}

    def sleep(seconds: float) -> None:
        if not clock["acted"]:
            clock["acted"] = True
            during_wait()
        clock["t"] += seconds

    return send_due(shop.store, now=NOW, ssl_context=server.client_ctx,
                    monotonic=lambda: clock["t"], sleep=sleep)


def test_pause_all_while_the_run_waits_stops_it(shop: StoreBuilder,
                                                smtp_server: LoopbackSmtp) -> None:
    _setup(shop)

    def pause_all() -> None:
        settings = load_settings(shop.store)
        save_settings(shop.store, replace(settings, sending=replace(settings.sending,
                                                                    paused=True)))

    summary = _run_with(shop, smtp_server, pause_all)
    assert (summary.sent, summary.stopped) == (1, "sending was paused")
    assert len(smtp_server.received) == 1
    assert sorted(shop.outbox()["state"]) == ["due", "due", "sent"]


def test_pausing_the_flow_while_the_run_waits_sends_no_more_of_it(
        shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    _setup(shop)
    summary = _run_with(shop, smtp_server, lambda: states.pause(shop.store, ["cross_sell"]))
    assert summary.sent == 1 and len(smtp_server.received) == 1
    assert sorted(shop.outbox()["state"]) == ["due", "due", "sent"]
    again = send_due(shop.store, now=NOW, ssl_context=smtp_server.client_ctx)
    assert again.sent == 0 and len(smtp_server.received) == 1   # other flows are still Live


def test_only_live_flows_are_sent(shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    _setup(shop)
    shop.settings(sending__per_minute=100)
    states.pause(shop.store, ["cross_sell"])
    summary = send_due(shop.store, now=NOW, ssl_context=smtp_server.client_ctx)
    assert summary.sent == 0 and smtp_server.received == []
    assert sorted(shop.outbox()["state"]) == ["planned"] * 3     # not even promoted
    states.go_live(shop.store, ["cross_sell"], overdue="send", now=NOW, timing=timing_frame({}),
                   complements=fixed_complements({"a": [2, 3, 4]}))
    summary = send_due(shop.store, now=NOW, ssl_context=smtp_server.client_ctx)
    assert summary.sent == 3
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == EMAILS

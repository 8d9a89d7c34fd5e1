"""Outbox "Send now" against the loopback SMTP server: exactly the Live flows' due emails go out,
in the background; "Pause all sending" stops it.

The store: ann and bob ordered 3 days ago, cy an hour ago (UTC, no quiet hours, no cap
collisions). The cross-sell flow (48 h) is Live: ann's and bob's are due (a day late, sent
as chosen), cy's is due tomorrow. The review flow (1 day) is Paused with ann's, bob's and
cy's... planned rows of the days before: due, but a paused flow sends nothing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from flow_builders import NO_TIMING, StoreBuilder, fixed_complements, utc_minutes
from loopback_smtp import LoopbackSmtp, configure, file_keyring, smtp_server  # noqa: F401
from page_helpers import show_page

from ppdesk.core.flows import states
from ppdesk.core.settings import load_settings
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.outbox_page import OutboxPage
from ppdesk.ui.tasks import running_tasks

OPTIONS = {"timing": NO_TIMING, "complements": fixed_complements({"a": [2, 3, 4]})}


@pytest.fixture
def shop(home: Path, smtp_server: LoopbackSmtp, file_keyring: object,  # noqa: F811
         monkeypatch: pytest.MonkeyPatch) -> StoreBuilder:
    monkeypatch.setenv("SSL_CERT_FILE", str(smtp_server.ca_file))   # verification stays on
    builder = StoreBuilder(home, live=False)
    for key in "abcd":
        builder.product(key)
    configure(builder, smtp_server)
    builder.settings(review_enabled=True, review_delay_days=1, frequency_cap_emails=10,
                     same_product_days=0, quiet_start_hour=0, quiet_end_hour=0)
    for email in ("ann@example.org", "bob@example.org"):
        builder.order(email, utc_minutes(-dt.timedelta(days=3)), ["a"])
    builder.order("cy@example.org", utc_minutes(-dt.timedelta(hours=1)), ["a"])
    states.go_live(builder.store, ["cross_sell", "review"], overdue="send", **OPTIONS)
    states.pause(builder.store, ["review"])
    return builder


def _open(qtbot, ctx: AppContext) -> OutboxPage:
    return show_page(qtbot, OutboxPage(ctx))


def _due_rows(shop: StoreBuilder, flow: str) -> set[str]:
    frame = shop.outbox()
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    mine = frame[(frame["flow"] == flow) & frame["state"].isin(["planned", "due"])
                 & (frame["due_at"] <= now)]
    return set(mine["email"])


def test_send_now_delivers_exactly_the_live_flows_due_emails(
        qtbot, shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:  # noqa: F811
    assert _due_rows(shop, "cross_sell") == {"ann@example.org", "bob@example.org"}
    paused_due = _due_rows(shop, "review")
    assert paused_due >= {"ann@example.org", "bob@example.org"}   # due, but its flow is paused
    ctx = AppContext(shop.store)
    page = _open(qtbot, ctx)
    assert page.send_button.text() == "Send now (2 due)"
    with qtbot.waitSignal(ctx.outbox_changed, timeout=60000):
        page.send_button.click()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        "ann@example.org", "bob@example.org"]
    frame = shop.outbox()
    sent = frame[frame["state"] == "sent"]
    assert set(sent["flow"]) == {"cross_sell"} and len(sent) == 2
    assert _due_rows(shop, "review") == paused_due                # untouched
    assert set(frame.loc[frame["email"] == "cy@example.org", "state"]) == {"planned"}
    assert any(t.startswith("Sent 2 emails.") for t in page.messages.texts())
    assert page.send_button.isEnabled()


def test_pause_all_sending_is_obeyed_by_send_now(
        qtbot, shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:  # noqa: F811
    ctx = AppContext(shop.store)
    page = _open(qtbot, ctx)
    with qtbot.waitSignal(ctx.settings_changed, timeout=10000):
        page.pause_button.click()
    assert load_settings(shop.store).sending.paused is True
    qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
    with qtbot.waitSignal(ctx.outbox_changed, timeout=60000):
        page.send_button.click()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
    assert smtp_server.received == []
    assert any("Stopped: sending is paused" in t for t in page.messages.texts())
    assert _due_rows(shop, "cross_sell") == {"ann@example.org", "bob@example.org"}


def test_cancel_stops_sending_and_keeps_what_was_sent(
        qtbot, shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:  # noqa: F811
    """At 1 email a minute the second waits for the pace; Cancel ends the run there."""
    shop.settings(sending__per_minute=1)
    ctx = AppContext(shop.store)
    page = _open(qtbot, ctx)
    page.send_button.click()
    qtbot.waitUntil(lambda: len(smtp_server.received) == 1, timeout=60000)
    qtbot.waitUntil(lambda: page.send_progress.isVisible(), timeout=10000)  # bar with Cancel
    with qtbot.waitSignal(ctx.outbox_changed, timeout=60000):
        page.send_progress.cancel_button.click()
    qtbot.waitUntil(lambda: not running_tasks(), timeout=60000)
    assert len(smtp_server.received) == 1
    frame = shop.outbox()
    cross = frame[frame["flow"] == "cross_sell"]
    assert sorted(cross["state"]) == ["due", "planned", "sent"]   # cy's is not due yet
    assert any("Sending stopped; what was sent stays sent." in t for t in page.messages.texts())
    assert page.send_button.isEnabled()

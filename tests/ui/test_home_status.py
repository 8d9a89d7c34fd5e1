"""Home after the first send (issue 14): a status line says what is Live, how many emails
went out and when the last did (store time), and what is due; done checklist steps stay
readable (not the pale grey of a disabled label)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flow_builders import NO_TIMING, StoreBuilder, fixed_complements, utc_minutes
from loopback_smtp import LoopbackSmtp, configure, file_keyring, smtp_server  # noqa: F401
from page_helpers import show_page
from PySide6.QtWidgets import QLabel

from ppdesk.core.flows import states
from ppdesk.core.sending.sender import send_due
from ppdesk.ui.context import AppContext
from ppdesk.ui.pages.home_page import HomePage
from ppdesk.ui.tasks import running_tasks

OPTIONS = {"timing": NO_TIMING, "complements": fixed_complements({"a": [2, 3, 4]})}
ZONE = "Asia/Karachi"   # UTC+5 all year: the shown time cannot be UTC by accident


@pytest.fixture
def shop(home: Path, smtp_server: LoopbackSmtp, file_keyring: object,  # noqa: F811
         monkeypatch: pytest.MonkeyPatch) -> StoreBuilder:
    monkeypatch.setenv("SSL_CERT_FILE", str(smtp_server.ca_file))
    builder = StoreBuilder(home, live=False)
    for key in "abcd":
        builder.product(key)
    configure(builder, smtp_server)
    builder.settings(frequency_cap_emails=10, same_product_days=0, quiet_start_hour=0,
                     quiet_end_hour=0)
    for email in ("ann@example.org", "bob@example.org"):
        builder.order(email, utc_minutes(-dt.timedelta(days=3)), ["a"])
    builder.order("cy@example.org", utc_minutes(-dt.timedelta(hours=30)), ["a"])
    return builder


def _open(qtbot, ctx: AppContext) -> HomePage:
    page = HomePage(ctx)
    return show_page(qtbot, page, (1280, 720), ready=lambda: not page.runner.busy)


def test_home_says_what_is_live_and_sent(qtbot, shop: StoreBuilder) -> None:
    from ppdesk.core.settings import load_settings, save_settings
    settings = load_settings(shop.store)
    settings.store.time_zone = ZONE
    save_settings(shop.store, settings)
    ctx = AppContext(shop.store)
    page = _open(qtbot, ctx)
    assert not page.sending_label.isVisible()          # nothing Live: nothing to say
    states.go_live(shop.store, ["cross_sell"], overdue="send", **OPTIONS)
    summary = send_due(shop.store)
    assert summary.sent == 2                           # ann's and bob's, due a day ago
    ctx.outbox_changed.emit()
    qtbot.waitUntil(lambda: not running_tasks() and not page.runner.busy, timeout=60000)
    frame = shop.outbox()
    last = max(frame.loc[frame["state"] == "sent", "sent_at"])
    local = dt.datetime.strptime(last, "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=dt.UTC).astimezone(ZoneInfo(ZONE))
    today = dt.datetime.now(ZoneInfo(ZONE)).date()
    when = f"today {local:%H:%M}" if local.date() == today else f"{local:%d %b %Y %H:%M}"
    text = page.sending_label.text()
    assert page.sending_label.isVisible()
    assert text.startswith("Cross-sell after 48 hours is Live · 2 emails sent")
    assert f"the last {when}" in text
    assert "1 due in the next 24 hours" in text        # cy's: ordered 30 h ago, due in 18 h


def test_done_steps_are_not_drawn_disabled(qtbot, demo_ctx: AppContext) -> None:
    page = _open(qtbot, demo_ctx)
    done = [t for t, d in page.checklist if d]
    assert done                                        # the demo has its orders imported
    labels = [w for w in page.findChildren(QLabel) if "Import your orders" in w.text()]
    assert labels and all(w.isEnabled() for w in labels)
    assert "Done" in labels[0].text()

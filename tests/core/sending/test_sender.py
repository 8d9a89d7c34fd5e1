"""The sender against a real loopback SMTP server: delivery, headers, retries, bounces, drops."""

from __future__ import annotations

import base64
import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from flow_builders import StoreBuilder, fixed_complements, timing_frame
from loopback_smtp import PASSWORD, USER, LoopbackSmtp

from ppdesk.core.flows.planner import plan
from ppdesk.core.sending.sender import send_due
from ppdesk.core.store import open_store

PLAN_AT = "2026-03-03T11:00:00Z"   # cross-sell for orders of 2026-03-01 10:00 is due at 10:00
COMPLEMENTS = fixed_complements({"a": [2, 3, 4]})


def _orders(shop: StoreBuilder, emails: list[str]) -> None:
    for key in "abcd":
        shop.product(key)
    for address in emails:
        shop.order(address, "2026-03-01 10:00", ["a"])


def _plan(shop: StoreBuilder, now: str = PLAN_AT) -> None:
    plan(shop.store, now=now, timing=timing_frame({}), complements=COMPLEMENTS,
         rng=np.random.default_rng(0))


def _states(shop: StoreBuilder) -> dict[str, str]:
    frame = shop.outbox()
    return dict(zip(frame["email"], frame["state"], strict=True))


def test_each_due_message_is_delivered_once_with_its_headers_and_parts(
        shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    emails = ["ann@example.org", "bob@example.org", "cy@example.org"]
    _orders(shop, emails)
    _plan(shop)
    summary = send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx)
    assert (summary.sent, summary.failed, summary.unknown) == (3, 0, 0)
    got = smtp_server.received
    assert sorted(r.rcpt_tos[0] for r in got) == emails
    outbox = shop.outbox()
    assert list(outbox["state"]) == ["sent"] * 3
    by_to = {r.rcpt_tos[0]: r.message for r in got}
    for row in outbox.itertuples():
        msg = by_to[row.email]
        assert msg["Message-ID"] == row.message_id
        assert row.message_id.startswith("<ppdesk.") and row.message_id.endswith(
            f".{row.id}@example.com>")
        assert msg["Subject"] == row.subject and row.subject
        assert msg["From"].addresses[0].addr_spec == "shop@example.com"
        assert msg["List-Unsubscribe"].strip().startswith("<mailto:shop@example.com")
        assert msg.get_content_type() == "multipart/alternative"
        kinds = [part.get_content_type() for part in msg.iter_parts()]
        assert kinds == ["text/plain", "text/html"]
        html = msg.get_body(("html",)).get_content()
        assert "<html" in html.lower()
        # the featured complements (products 2, 3, 4 = B, C, D) are in the email
        text = msg.get_body(("plain",)).get_content()
        assert "B" in text and "C" in text
    assert {login for login, _ in smtp_server.recorder.logins} == {USER}
    # one connection for the batch: a single AUTH
    assert len(smtp_server.recorder.logins) == 1


def test_second_run_sends_nothing_more(shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    _orders(shop, ["ann@example.org", "bob@example.org"])
    _plan(shop)
    send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx)
    _plan(shop, "2026-03-03T11:05:00Z")
    again = send_due(shop.store, now="2026-03-03T11:05:00Z", ssl_context=smtp_server.client_ctx)
    assert again.sent == 0
    assert len(smtp_server.received) == 2


def test_451_is_retried_after_backoff_and_sent_once_with_the_same_message_id(
        shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    _orders(shop, ["ann@example.org"])
    _plan(shop)
    smtp_server.recorder.data["ann@example.org"] = ["451 4.3.0 Try again later"]
    first = send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx)
    assert (first.sent, first.retry_later) == (0, 1)
    row = shop.outbox().iloc[0]
    assert row["state"] == "due" and row["next_attempt_at"] == "2026-03-03T11:05:00Z"
    early = send_due(shop.store, now="2026-03-03T11:04:00Z", ssl_context=smtp_server.client_ctx)
    assert early.attempted == 0
    second = send_due(shop.store, now="2026-03-03T11:05:00Z", ssl_context=smtp_server.client_ctx)
    assert second.sent == 1
    assert len(smtp_server.received) == 1
    row = shop.outbox().iloc[0]
    assert smtp_server.received[0].message_id == row["message_id"]
    assert (row["state"], row["attempts"]) == ("sent", 2)
    assert [t for _, t in shop.events(int(row["id"]))] == [
        "planned", "due", "sending", "due", "sending", "sent"]
    conn = shop.store.connect()
    details = [r[0] for r in conn.execute("SELECT detail FROM outbox_events ORDER BY id")]
    assert any("451 4.3.0 Try again later" in d for d in details)


def test_421_closing_is_retried(shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    _orders(shop, ["ann@example.org", "bob@example.org"])
    _plan(shop)
    smtp_server.recorder.rcpt["ann@example.org"] = ["421 4.7.0 Too busy, closing"]
    first = send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx)
    assert (first.sent, first.retry_later) == (1, 1)
    send_due(shop.store, now="2026-03-03T11:06:00Z", ssl_context=smtp_server.client_ctx)
    assert Counter(r.rcpt_tos[0] for r in smtp_server.received) == {
        "ann@example.org": 1, "bob@example.org": 1}


def test_550_fails_the_message_and_suppresses_the_address(
        shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    _orders(shop, ["gone@example.org", "bob@example.org"])
    _plan(shop)
    smtp_server.recorder.rcpt["gone@example.org"] = ["550 5.1.1 No such user"]
    summary = send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx)
    assert (summary.sent, summary.failed, summary.suppressed) == (1, 1, 1)
    assert _states(shop) == {"gone@example.org": "failed", "bob@example.org": "sent"}
    conn = shop.store.connect()
    assert [tuple(r) for r in conn.execute("SELECT email, reason FROM suppressions")] == [
        ("gone@example.org", "hard_bounce")]
    assert [r.rcpt_tos for r in smtp_server.received] == [["bob@example.org"]]


def test_552_at_end_of_data_fails_without_suppressing(
        shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    _orders(shop, ["big@example.org"])
    _plan(shop)
    smtp_server.recorder.data["big@example.org"] = ["554 5.7.1 Message rejected as spam"]
    summary = send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx)
    assert (summary.failed, summary.suppressed) == (1, 0)
    conn = shop.store.connect()
    assert conn.execute("SELECT COUNT(*) FROM suppressions").fetchone()[0] == 0


def test_dropped_connection_mid_batch_resumes_without_duplicates_or_losses(
        shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    emails = [f"c{i}@example.org" for i in range(6)]
    _orders(shop, emails)
    _plan(shop)
    # message 2 is accepted and then the server hangs up; message 4's RCPT loses the line
    smtp_server.recorder.data["c1@example.org"] = ["accept_then_drop"]
    smtp_server.recorder.rcpt["c3@example.org"] = ["drop"]
    summary = send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx)
    got = Counter(r.rcpt_tos[0] for r in smtp_server.received)
    assert max(got.values()) == 1
    assert set(got) == set(emails)
    assert summary.sent == 6 and set(_states(shop).values()) == {"sent"}


def test_drop_after_the_final_dot_is_unknown_and_never_resent(
        shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    _orders(shop, ["ann@example.org", "bob@example.org"])
    _plan(shop)
    smtp_server.recorder.data["ann@example.org"] = ["keep_and_drop"]
    summary = send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx)
    assert summary.unknown == 1 and summary.sent == 1
    send_due(shop.store, now="2026-03-03T12:00:00Z", ssl_context=smtp_server.client_ctx)
    assert _states(shop) == {"ann@example.org": "unknown", "bob@example.org": "sent"}
    assert Counter(r.rcpt_tos[0] for r in smtp_server.received) == {
        "ann@example.org": 1, "bob@example.org": 1}


def test_crash_between_sending_and_reply_leaves_unknown_not_resent(
        shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    _orders(shop, ["ann@example.org", "bob@example.org"])
    _plan(shop)

    class Killed(BaseException):
        pass

    def crash(point: str, oid: int) -> None:
        if point == "after_server_accepted":
            raise Killed()

    with pytest.raises(Killed):
        send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx, _crash_hook=crash)
    assert sorted(_states(shop).values()) == ["due", "sending"]
    summary = send_due(shop.store, now="2026-03-03T11:01:00Z", ssl_context=smtp_server.client_ctx)
    assert summary.recovered_unknown == 1 and summary.sent == 1
    assert sorted(_states(shop).values()) == ["sent", "unknown"]
    assert Counter(r.rcpt_tos[0] for r in smtp_server.received) == {
        "ann@example.org": 1, "bob@example.org": 1}


def test_quiet_hours_and_pause_send_nothing(shop: StoreBuilder,
                                            smtp_server: LoopbackSmtp) -> None:
    _orders(shop, ["ann@example.org"])
    _plan(shop)
    quiet = send_due(shop.store, now="2026-03-03T21:00:00Z", ssl_context=smtp_server.client_ctx)
    assert quiet.sent == 0 and "quiet hours" in quiet.stopped
    shop.settings(sending__paused=True)
    paused = send_due(shop.store, now="2026-03-04T10:00:00Z", ssl_context=smtp_server.client_ctx)
    assert paused.sent == 0 and "paused" in paused.stopped
    assert smtp_server.received == []


def test_per_minute_cap_paces_the_run(shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    emails = [f"c{i}@example.org" for i in range(7)]
    _orders(shop, emails)
    _plan(shop)
    shop.settings(sending__per_minute=3)
    fake = {"t": 1000.0}
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        fake["t"] += seconds

    summary = send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx,
                       monotonic=lambda: fake["t"], sleep=sleep)
    assert summary.sent == 7
    sent_at = sorted(shop.outbox()["sent_at"])
    # 3 at 11:00:00, 3 a minute later, 1 two minutes later
    assert Counter(sent_at) == {"2026-03-03T11:00:00Z": 3, "2026-03-03T11:01:00Z": 3,
                                "2026-03-03T11:02:00Z": 1}


def test_daily_cap_stops_the_run(shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    _orders(shop, [f"c{i}@example.org" for i in range(5)])
    _plan(shop)
    shop.settings(sending__per_day=2)
    summary = send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx)
    assert summary.sent == 2 and "daily cap" in summary.stopped and summary.waiting == 3


def test_suppressed_after_planning_is_cancelled_not_sent(
        shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    _orders(shop, ["ann@example.org", "bob@example.org"])
    _plan(shop)
    shop.suppress("ANN@example.org".lower())
    summary = send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx)
    assert (summary.sent, summary.cancelled) == (1, 1)
    assert [r.rcpt_tos for r in smtp_server.received] == [["bob@example.org"]]


def test_password_never_in_store_log_or_settings(shop: StoreBuilder, home: Path,
                                                 smtp_server: LoopbackSmtp) -> None:
    from ppdesk.core.logsetup import setup_logging
    from ppdesk.core.paths import log_dir

    log_file = setup_logging(log_dir(home))
    _orders(shop, ["ann@example.org"])
    _plan(shop)
    smtp_server.recorder.rcpt["ann@example.org"] = ["451 4.3.0 later"]
    send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx)
    send_due(shop.store, now="2026-03-03T12:00:00Z", ssl_context=smtp_server.client_ctx)
    assert len(smtp_server.received) == 1
    needles = [PASSWORD.encode(), base64.b64encode(PASSWORD.encode()),
               base64.b64encode(f"\0{USER}\0{PASSWORD}".encode())]   # as AUTH PLAIN sends it
    files = [p for p in home.rglob("*") if p.is_file()]
    assert log_file in files and open_store(home).db_path in files
    assert [p for p in files if any(n in p.read_bytes() for n in needles)] == []
    conn = shop.store.connect()
    settings_doc = conn.execute("SELECT value FROM settings WHERE key='settings'").fetchone()[0]
    assert PASSWORD not in settings_doc and json.loads(settings_doc)["sending"]["username"] == USER


@pytest.mark.parametrize("smtp_server", ["ssl"], indirect=True)
def test_implicit_tls_port_works_too(shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    _orders(shop, ["ann@example.org"])
    _plan(shop)
    assert send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx).sent == 1


def test_untrusted_certificate_is_refused(shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    from ppdesk.core.errors import EnvironmentProblem

    _orders(shop, ["ann@example.org"])
    _plan(shop)
    with pytest.raises(EnvironmentProblem, match="certificate"):
        send_due(shop.store, now=PLAN_AT)  # the default context does not trust the test CA
    assert smtp_server.received == [] and _states(shop) == {"ann@example.org": "due"}


def test_only_eligible_customers_reach_the_server(shop: StoreBuilder,
                                                  smtp_server: LoopbackSmtp) -> None:
    for key in "abcd":
        shop.product(key)
    shop.order("ok@example.org", "2026-03-01 10:00", ["a"])
    shop.order("nope@example.org", "2026-03-01 10:00", ["a"], accepts=0)
    shop.order("gone@example.org", "2026-03-01 10:00", ["a"])
    shop.suppress("gone@example.org")
    shop.order("held@example.org", "2026-03-01 10:00", ["a"])
    shop.set_holdout("held@example.org", True)
    shop.order("amz@example.org", "2026-03-01 10:00", ["a"], marketplace=True)
    shop.settings(holdout_share=0.1)
    _plan(shop)
    summary = send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx)
    assert summary.sent == 1
    assert [r.rcpt_tos for r in smtp_server.received] == [["ok@example.org"]]
    held = shop.outbox().set_index("email").loc["held@example.org"]
    assert (held["state"], held["holdout"], held["reason_code"]) == ("cancelled", 1, "holdout")


def test_unknown_marked_not_sent_goes_out_again_with_the_same_message_id(
        shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    from ppdesk.core.flows import outbox as ob

    _orders(shop, ["ann@example.org"])
    _plan(shop)
    smtp_server.recorder.data["ann@example.org"] = ["drop"]   # gone after the final dot
    send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx)
    row = shop.outbox().iloc[0]
    assert row["state"] == "unknown" and smtp_server.received == []
    assert ob.resolve_unknown(shop.store, int(row["id"]), delivered=False) == "due"
    again = send_due(shop.store, now="2026-03-03T11:10:00Z", ssl_context=smtp_server.client_ctx)
    assert again.sent == 1
    assert smtp_server.received[0].message_id == row["message_id"]


def test_a_broken_template_stops_the_run_and_keeps_messages_due(
        shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    from ppdesk.core.emails import EmailSources, save_custom_sources

    _orders(shop, ["ann@example.org", "bob@example.org"])
    _plan(shop)
    save_custom_sources(shop.store, "cross_sell", EmailSources(text="Hi {{ no_such_value }}"))
    summary = send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx)
    assert "template does not render" in summary.stopped and summary.sent == 0
    assert set(_states(shop).values()) == {"due"} and smtp_server.received == []


def test_failed_message_can_be_tried_again_but_not_to_a_suppressed_address(
        shop: StoreBuilder, smtp_server: LoopbackSmtp) -> None:
    from ppdesk.core.errors import InputError
    from ppdesk.core.flows import outbox as ob

    _orders(shop, ["spam@example.org", "gone@example.org"])
    _plan(shop)
    smtp_server.recorder.data["spam@example.org"] = ["554 5.7.1 Message rejected as spam"]
    smtp_server.recorder.rcpt["gone@example.org"] = ["550 5.1.1 No such user"]
    send_due(shop.store, now=PLAN_AT, ssl_context=smtp_server.client_ctx)
    assert _states(shop) == {"spam@example.org": "failed", "gone@example.org": "failed"}
    ids = dict(zip(shop.outbox()["email"], shop.outbox()["id"], strict=True))
    with pytest.raises(InputError, match="suppression list"):
        ob.retry_failed(shop.store, int(ids["gone@example.org"]))
    ob.retry_failed(shop.store, int(ids["spam@example.org"]))
    with pytest.raises(InputError, match="has not failed"):
        ob.retry_failed(shop.store, int(ids["spam@example.org"]))
    again = send_due(shop.store, now="2026-03-03T11:10:00Z", ssl_context=smtp_server.client_ctx)
    assert again.sent == 1
    assert [r.rcpt_tos for r in smtp_server.received] == [["spam@example.org"]]
    assert _states(shop) == {"spam@example.org": "sent", "gone@example.org": "failed"}

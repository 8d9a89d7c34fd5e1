"""``check_inbox`` against Dovecot: each sample gives the right suppression, once."""

from __future__ import annotations

import subprocess
import time

import pytest
import samples
from flow_builders import StoreBuilder
from imap_server import USER, Dovecot
from inbox_shop import point_inbox_at, send_to
from loopback_smtp import LoopbackSmtp

from ppdesk.core import secrets
from ppdesk.core.errors import EnvironmentProblem
from ppdesk.core.inbox.check import check_inbox
from ppdesk.core.sending import unsubscribe
from ppdesk.core.sending.message import store_uid
from ppdesk.core.settings import load_settings
from ppdesk.core.store import suppression_queries as sq

HARD = {"dsn": "d1@example.org", "gmail": "g1@example.org", "outlook": "o1@example.org",
        "exim": "e1@example.org", "postfix": "p1@example.org", "qmail": "q1@example.org"}
SOFT = {"dsn_delay": "d2@example.org", "exim_delay": "e2@example.org"}
COMPLAINT = {"arf": "c1@example.org", "arf_redacted": "c2@example.org"}
UNSUB = {"token": "u1@example.org", "own": "u2@example.org", "forged": "u3@example.org",
         "auto": "u4@example.org"}
ALL = [*HARD.values(), *SOFT.values(), *COMPLAINT.values(), *UNSUB.values(),
       "quiet@example.org"]


def _suppressed(shop: StoreBuilder) -> dict[str, str]:
    conn = shop.store.connect()
    try:
        frame = sq.load(conn)
    finally:
        conn.close()
    return dict(zip(frame["email"], frame["reason"], strict=True))


def _secret(shop: StoreBuilder) -> str:
    conn = shop.store.connect()
    try:
        return secrets.store_secret(store_uid(conn), allow_plaintext=True)
    finally:
        conn.close()


def _mailbox(sent: dict[str, bytes], secret: str) -> list[bytes]:
    h, s, c, u = HARD, SOFT, COMPLAINT, UNSUB
    token = unsubscribe.token_for(secret, u["token"])
    return [
        samples.ordinary("1"),
        samples.dsn(sent[h["dsn"]], h["dsn"], "5.1.1", uid="1"),
        samples.gmail_bounce(sent[h["gmail"]], h["gmail"], "2"),
        samples.outlook_bounce(sent[h["outlook"]], h["outlook"], "3"),
        samples.exim_bounce(sent[h["exim"]], h["exim"], "4"),
        samples.postfix_plain_bounce(sent[h["postfix"]], h["postfix"], "5"),
        samples.qmail_bounce(sent[h["qmail"]], h["qmail"], "6"),
        samples.dsn(sent[s["dsn_delay"]], s["dsn_delay"], "4.4.7", action="delayed", uid="7"),
        samples.exim_delay(sent[s["exim_delay"]], s["exim_delay"], "8"),
        samples.arf(sent[c["arf"]], c["arf"], uid="9"),
        samples.arf(sent[c["arf_redacted"]], None, uid="10", redacted=True),
        # the one-click mailto sent by a mail provider on the customer's behalf, with token
        samples.reply(sent[u["token"]], "noreply-unsub@mail-provider.example",
                      f"Unsubscribe {u['token']} u-{token}", ["unsubscribe"], "11"),
        # a plain reply from the customer's own address, no token
        samples.reply(sent[u["own"]], u["own"], "Re: your order", ["Please unsubscribe me.",
                      "", "> quoted original"], "12"),
        # someone else asks to unsubscribe u3 with a made-up token
        samples.reply(sent[u["forged"]], "mallory@evil.example",
                      f"Unsubscribe {u['forged']} u-{'0' * 24}", ["unsubscribe"], "13"),
        samples.out_of_office(sent[u["auto"]], u["auto"], "14"),
        samples.ordinary("15"),
    ]


def test_every_sample_gives_the_right_suppression_and_is_filed_once(
        shop: StoreBuilder, smtp_server: LoopbackSmtp, dovecot: Dovecot) -> None:
    sent = send_to(shop, smtp_server, ALL)
    mailbox = _mailbox(sent, _secret(shop))
    dovecot.append("INBOX", mailbox)
    summary = check_inbox(shop.store, ssl_context=dovecot.client_ctx)
    assert summary.errors == []
    assert summary.checked == len(mailbox)
    assert (summary.bounces, summary.soft_bounces, summary.complaints, summary.unsubscribes) == \
        (len(HARD), len(SOFT), len(COMPLAINT), 2)
    assert summary.forged == 1 and summary.ignored == 2   # the forged request + the auto-reply
    expected = {**{e: "hard_bounce" for e in HARD.values()},
                **{e: "complaint" for e in COMPLAINT.values()},
                UNSUB["token"]: "unsubscribe", UNSUB["own"]: "unsubscribe"}
    assert _suppressed(shop) == expected
    # processed messages moved to the ppdesk folder; the rest stay in the inbox
    filed = len(HARD) + len(SOFT) + len(COMPLAINT) + 2
    assert len(dovecot.uids("ppdesk")) == filed
    assert len(dovecot.uids("INBOX")) == len(mailbox) - filed
    # each processed message was matched to the outbox row of the message it is about
    outbox = shop.outbox().set_index("email")
    conn = shop.store.connect()
    try:
        rows = conn.execute("SELECT kind, email, outbox_id FROM inbox_log").fetchall()
    finally:
        conn.close()
    for kind, email, outbox_id in rows:
        if kind != "forged":
            assert outbox_id == int(outbox.loc[email, "id"]), (kind, email)
    assert set(outbox.loc[list(HARD.values()), "state"]) == {"failed"}
    # a second check reads nothing new and changes nothing
    again = check_inbox(shop.store, ssl_context=dovecot.client_ctx)
    assert (again.checked, again.bounces, again.unsubscribes) == (0, 0, 0)
    assert len(dovecot.uids("ppdesk")) == filed


def test_malformed_messages_are_skipped_and_listed_not_fatal(
        shop: StoreBuilder, smtp_server: LoopbackSmtp, dovecot: Dovecot) -> None:
    sent = send_to(shop, smtp_server, ["ann@example.org"])
    good = samples.dsn(sent["ann@example.org"], "ann@example.org", uid="9")
    dovecot.append("INBOX", [samples.broken_mime("1"), samples.unknown_charset("2"),
                             samples.big_attachment("bob@example.org", 20, "3"), good])
    summary = check_inbox(shop.store, ssl_context=dovecot.client_ctx)
    assert summary.checked == 4
    assert len(summary.errors) == 3
    assert any("broken MIME" in e for e in summary.errors)
    assert any("charset" in e for e in summary.errors)
    assert any("too large" in e for e in summary.errors)
    assert _suppressed(shop) == {"ann@example.org": "hard_bounce"}
    assert len(dovecot.uids("INBOX")) == 3   # the skipped ones stay for the merchant


def test_unknown_rows_are_resolved_from_the_sent_folder(
        shop: StoreBuilder, smtp_server: LoopbackSmtp, dovecot: Dovecot) -> None:
    sent = send_to(shop, smtp_server, ["ann@example.org", "bob@example.org"])
    conn = shop.store.connect()
    try:   # as if the connection dropped after the final '.' for both
        conn.execute("UPDATE outbox SET state = 'unknown'")
    finally:
        conn.close()
    dovecot.append("Sent", [sent["ann@example.org"]])   # only ann's reached the server
    summary = check_inbox(shop.store, ssl_context=dovecot.client_ctx)
    assert (summary.resolved_unknown, summary.unresolved_unknown) == (1, 1)
    states = dict(zip(shop.outbox()["email"], shop.outbox()["state"], strict=True))
    assert states == {"ann@example.org": "sent", "bob@example.org": "unknown"}
    assert any("unknown delivery" in n for n in summary.notes)


def test_a_lost_connection_keeps_what_was_read_and_the_next_check_resumes(
        shop: StoreBuilder, smtp_server: LoopbackSmtp, dovecot: Dovecot) -> None:
    emails = [f"b{i}@example.org" for i in range(6)]
    sent = send_to(shop, smtp_server, emails)
    dovecot.append("INBOX", [samples.dsn(sent[e], e, uid=str(i)) for i, e in enumerate(emails)]
                   + [samples.ordinary(str(i)) for i in range(30)])

    def kick(point: str, uid: int) -> None:
        # The server drops the session (as a provider's timeout or a network cut would).
        subprocess.run(["doveadm", "-c", str(dovecot.config), "kick", USER], check=True,
                       capture_output=True)
        deadline = time.monotonic() + 10
        while "Server shutting down" not in dovecot.log() and time.monotonic() < deadline:
            time.sleep(0.02)

    first = check_inbox(shop.store, ssl_context=dovecot.client_ctx, batch=4, _crash_hook=kick)
    assert first.checked == 4 and first.bounces == 4
    assert any("connection was lost" in e for e in first.errors)
    second = check_inbox(shop.store, ssl_context=dovecot.client_ctx, batch=4)
    assert second.errors == []
    assert (second.checked, second.bounces) == (32, 2)
    assert _suppressed(shop) == {e: "hard_bounce" for e in emails}
    assert sorted(dovecot.message_ids("ppdesk")) == sorted(f"<dsn.{i}@mx.example.org>"
                                                           for i in range(6))


def test_starttls_works_and_an_unverified_certificate_is_refused(
        shop: StoreBuilder, dovecot: Dovecot) -> None:
    dovecot.append("INBOX", [samples.ordinary("1")])
    settings = load_settings(shop.store)
    settings.inbox.security, settings.inbox.port = "starttls", dovecot.starttls_port
    summary = check_inbox(shop.store, settings=settings, ssl_context=dovecot.client_ctx)
    assert (summary.checked, summary.errors) == (1, [])
    # The default context does not trust the test CA: no login, a plain sentence.
    with pytest.raises(EnvironmentProblem, match="could not be verified"):
        check_inbox(shop.store, settings=settings)


def test_without_move_messages_are_copied_and_marked_once_even_after_a_stop(
        shop: StoreBuilder, smtp_server: LoopbackSmtp, dovecot: Dovecot) -> None:
    with Dovecot(without_move=True) as old_server:
        point_inbox_at(shop, old_server)
        emails = ["x1@example.org", "x2@example.org", "x3@example.org"]
        sent = send_to(shop, smtp_server, emails)
        old_server.append("INBOX", [samples.dsn(sent[e], e, uid=str(i))
                                    for i, e in enumerate(emails)] + [samples.ordinary("9")])
        first = check_inbox(shop.store, ssl_context=old_server.client_ctx)
        assert first.bounces == 3
        assert len(old_server.uids("INBOX")) == 4            # nothing deleted
        assert old_server.keyword_uids("INBOX", "$ppdesk") == [1, 2, 3]
        assert len(old_server.uids("ppdesk")) == 3
        # As if the check had stopped after its commit: filing not recorded, and the last
        # message copied but not yet marked.
        conn = shop.store.connect()
        try:
            conn.execute("UPDATE inbox_log SET moved = 0")
        finally:
            conn.close()
        imap = old_server.client()
        imap.select("INBOX")
        imap.uid("STORE", "3", "-FLAGS.SILENT", "($ppdesk)")
        imap.logout()
        again = check_inbox(shop.store, ssl_context=old_server.client_ctx)
        assert (again.checked, again.bounces, again.errors) == (0, 0, [])
        assert len(old_server.uids("ppdesk")) == 3            # no second copy
        assert old_server.keyword_uids("INBOX", "$ppdesk") == [1, 2, 3]


def test_a_renumbered_folder_is_read_again_without_acting_twice(
        shop: StoreBuilder, smtp_server: LoopbackSmtp, dovecot: Dovecot) -> None:
    sent = send_to(shop, smtp_server, ["ann@example.org"])
    dovecot.append("INBOX", [samples.dsn(sent["ann@example.org"], "ann@example.org"),
                             samples.ordinary("1"), samples.ordinary("2")])
    assert check_inbox(shop.store, ssl_context=dovecot.client_ctx).bounces == 1
    # The server gives the folder a new UIDVALIDITY (a restore, a migration).
    subprocess.run(["doveadm", "-c", str(dovecot.config), "mailbox", "update", "-u", USER,
                    "--uid-validity", "4242", "INBOX"], check=True, capture_output=True)
    again = check_inbox(shop.store, ssl_context=dovecot.client_ctx)
    assert any("UIDVALIDITY changed" in n for n in again.notes)
    assert (again.checked, again.bounces, again.errors) == (2, 0, [])   # the two left
    assert _suppressed(shop) == {"ann@example.org": "hard_bounce"}

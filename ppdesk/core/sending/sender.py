"""``send_due``: send what is due through the merchant's SMTP account, never twice, never lost.

The outbox row is the truth about each message:

    planned -> due -> sending -> sent | failed | due (retry later) | unknown

1. Take the store's sender lock (one sender per store); rows a dead sender left in
   ``sending`` become ``unknown``: the server may have accepted them, so they are never
   resent automatically; the merchant marks them sent or not sent.
2. ``planned`` rows of Live flows (``flows.states``) whose time has come become ``due``;
   rows of Draft or Paused flows are never touched. Nothing is sent in quiet hours,
   while all sending is paused (a store setting, so the schedule's runs obey it too),
   or past the per-day cap; the per-minute cap paces the run.
3. For each due row: render, mark ``sending`` in a *committed* transaction (the
   connection runs ``synchronous=FULL`` so that commit survives a power cut), run the
   SMTP transaction (``smtp.Connection``), record the outcome with the server's code
   and text in ``outbox_events``. 4xx -> ``due`` again after a backoff; 5xx ->
   ``failed`` (a mailbox-unavailable reply also suppresses the address); connection
   lost before the final ``.`` -> ``due`` again and the batch resumes on a new
   connection; lost after it -> ``unknown``.

``dry_run`` renders the due messages to ``.eml`` files and changes nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import ssl
import time
from collections import deque
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from ppdesk.core import secrets
from ppdesk.core.errors import EnvironmentProblem, InputError
from ppdesk.core.flows import clock, states
from ppdesk.core.flows import model as fm
from ppdesk.core.progress import CancelToken, ProgressFn, check, report
from ppdesk.core.sending import message as mm
from ppdesk.core.sending import unsubscribe
from ppdesk.core.sending.lock import SenderLock
from ppdesk.core.sending.smtp import Connection, SmtpAccount, Status
from ppdesk.core.sending.summary import SendSummary
from ppdesk.core.settings import Settings, load_settings, settings_from_dict
from ppdesk.core.store import Store, settings_queries, transaction
from ppdesk.core.store import outbox_queries as oq
from ppdesk.core.store import suppression_queries as sq
from ppdesk.core.templating import TemplateRenderError

log = logging.getLogger(__name__)

BACKOFF_MINUTES = (5, 15, 60, 180, 360)
MAX_ATTEMPTS = 6
MAX_RECONNECTS = 3
BATCH = 50

RenderFn = Callable[[Store, str, Mapping[str, Any], Settings], Any]


def default_render(store: Store, kind: str, row: Mapping[str, Any], settings: Settings) -> Any:
    from ppdesk.core.emails import render_email

    return render_email(store, kind, row, settings=settings)


def account_from(settings: Settings) -> SmtpAccount:
    s = settings.sending
    if not s.host or not s.from_address:
        raise InputError("The email account is not set up yet; fill in Settings > Email "
                         "account (or run 'ppdesk smtp set --host ... --from ...')")
    mm.check_address(s.from_address, "sender address")
    return SmtpAccount(s.host.strip(), int(s.port), s.security, s.username.strip(),
                       s.from_address.strip())


def require_sender_identity(settings: Settings) -> None:
    """No email without a From address and the store's postal address (CAN-SPAM requires a
    valid physical postal address in every commercial email; the footer prints it)."""
    if not settings.sending.from_address.strip():
        raise InputError("No sender (From) address is set; fill it in under Settings > Email "
                         "account before sending (or run 'ppdesk smtp set --from ADDRESS')")
    if not settings.store.postal_address.strip():
        raise InputError("The store's postal address is empty, and the law (CAN-SPAM) requires "
                         "it in every email; fill in Settings > Your store before sending (or "
                         "run 'ppdesk settings set store.postal_address=...')")


def password_for(settings: Settings) -> str | None:
    s = settings.sending
    if not s.username:
        return None
    password = secrets.get_password(s.host, s.username,
                                    allow_plaintext=s.allow_plaintext_keyring)
    if password is None:
        raise EnvironmentProblem(f"No email password is saved for {s.username} at {s.host}; "
                                 "enter it under Settings > Email account (or run "
                                 "'ppdesk smtp set').")
    return password


PREVIEW_SENDER = "sender-not-set@example.invalid"


def _token(uid: str, to: str, settings: Settings, preview: bool) -> str:
    try:
        secret = secrets.store_secret(uid, allow_plaintext=settings.sending.allow_plaintext_keyring)
    except EnvironmentProblem:
        if not preview:
            raise
        return "0" * unsubscribe.TOKEN_HEX   # a preview without a keyring: never honoured
    return unsubscribe.token_for(secret, to)


def build_email(store: Store, row: Mapping[str, Any], settings: Settings, uid: str,
                render: RenderFn, when: dt.datetime, *,
                preview: bool = False) -> tuple[Any, str, bytes]:
    """(EmailMessage, Message-ID, wire bytes) for one outbox row."""
    s, p = settings.sending, settings.store
    sender = s.from_address or PREVIEW_SENDER   # only a dry run gets this far without one
    to = str(row["email"])
    token = _token(uid, to, settings, preview)
    unsub_mailto = unsubscribe.mailto(p.reply_to or s.from_address, to, token)
    unsub_link = unsubscribe.link(s.unsubscribe_url, to, token)
    # The body's unsubscribe link carries the same token as the headers.
    rendered = render(store, str(row["flow"]), {**row, "unsubscribe_url": unsub_link
                                                or unsub_mailto}, settings)
    msg_id = row.get("message_id") or mm.message_id(int(row["id"]), uid, sender)
    msg = mm.build(outbox_id=int(row["id"]), msg_id=msg_id, sender_name=p.sender_name or p.name,
                   from_address=sender, to=to, subject=rendered.subject,
                   html=rendered.html, text=rendered.text, reply_to=p.reply_to,
                   unsubscribe_mailto=unsub_mailto, unsubscribe_url=unsub_link, when=when)
    return msg, msg_id, mm.wire_bytes(msg)


def _dry_run(store: Store, settings: Settings, now: dt.datetime, out_dir: Path | None,
             render: RenderFn, summary: SendSummary) -> SendSummary:
    now_text = clock.to_text(now)
    folder = out_dir or (store.home / "outbox-preview" / now.strftime("%Y%m%d-%H%M%S"))
    folder.mkdir(parents=True, exist_ok=True)
    conn = store.connect()
    try:
        frame = oq.load_outbox(conn, states=("planned", "due"))
        uid = mm.store_uid(conn)
        live = states.live_in(conn)
    finally:
        conn.close()
    frame = frame[(frame["due_at"] <= now_text) & frame["flow"].isin(live)]
    for row in frame.to_dict(orient="records"):
        msg, _, _ = build_email(store, row, settings, uid, render, now, preview=True)
        path = folder / f"{int(row['id']):06d}-{row['flow']}.eml"
        path.write_bytes(bytes(msg))
        summary.files.append(str(path))
    summary.attempted = len(summary.files)
    return summary


def send_due(store: Store, *, now: dt.datetime | str | None = None, dry_run: bool = False,
             out_dir: Path | None = None, settings: Settings | None = None,
             password: str | None = None, ssl_context: ssl.SSLContext | None = None,
             render: RenderFn | None = None, max_seconds: float | None = None,
             monotonic: Callable[[], float] = time.monotonic,
             sleep: Callable[[float], None] = time.sleep,
             progress: ProgressFn | None = None, cancel: CancelToken | None = None,
             _crash_hook: Callable[[str, int], None] | None = None) -> SendSummary:
    """Send every due message (see the module doc) and return what happened.

    Args:
        now: the run's start time (default: the current UTC time); later timestamps are
            ``now`` plus the elapsed time.
        password: use this instead of the keyring (e.g. "test before saving").
        ssl_context: TLS context (default ``ssl.create_default_context()``).
        max_seconds: stop pacing for the per-minute cap after this long (the app's
            once-a-minute background sender); None waits as long as needed.
        _crash_hook: tests only: called with a point name and the outbox id.
    """
    start_now = clock.parse_now(now)
    settings = settings or load_settings(store)
    render = render or default_render
    summary = SendSummary(now=clock.to_text(start_now), dry_run=dry_run)
    if dry_run:
        return _dry_run(store, settings, start_now, out_dir, render, summary)
    if states.live_flows(store):
        # Before anything changes in the store. With no flow Live nothing can be sent, and
        # the run says that instead of asking for a sender the merchant does not need yet.
        require_sender_identity(settings)
    started = monotonic()

    def current() -> dt.datetime:
        return start_now + dt.timedelta(seconds=monotonic() - started)

    conn = store.connect()
    conn.execute("PRAGMA synchronous = FULL")  # a lost 'sent' commit would mean a resend
    lock = SenderLock(conn)
    try:
        if not lock.acquire():
            holder = lock.holder
            summary.stopped = (f"another ppdesk sender is running (process {holder.pid} on "
                               f"{holder.host}); nothing done" if holder else "sender busy")
            return summary
        try:
            _run(store, conn, lock, settings, summary, current, password, ssl_context, render,
                 max_seconds, monotonic, sleep, started, progress, cancel, _crash_hook)
        finally:
            lock.release()
    finally:
        conn.close()
    log.info("send-due at %s: %s", summary.now, summary.to_json())
    return summary


def _recover(conn: Any, at: str) -> int:
    ids = oq.sending_ids(conn)
    with transaction(conn):
        for oid in ids:
            oq.transition(conn, oid, ("sending",), "unknown", at,
                          reason="the sender stopped before the server's reply was recorded; "
                                 "check your Sent folder and mark it sent or not sent "
                                 "(or run 'ppdesk inbox check', which looks there for you)")
    return len(ids)


def _run(store: Store, conn: Any, lock: SenderLock, settings: Settings, summary: SendSummary,
         current: Callable[[], dt.datetime], password: str | None,
         ssl_context: ssl.SSLContext | None, render: RenderFn, max_seconds: float | None,
         monotonic: Callable[[], float], sleep: Callable[[float], None], started: float,
         progress: ProgressFn | None, cancel: CancelToken | None,
         crash_hook: Callable[[str, int], None] | None) -> None:
    s, fs = settings.sending, settings.flows
    tz = settings.store.time_zone
    at = clock.to_text(current())
    summary.recovered_unknown = _recover(conn, at)
    live = states.live_in(conn)
    with transaction(conn):
        summary.promoted = oq.promote_due(conn, at, live)
        uid = mm.store_uid(conn)
    summary.waiting = oq.count_waiting(conn, at, live)
    if not live:
        summary.stopped = "no flow is Live, so nothing is sent"
        return
    if s.paused:
        summary.stopped = "sending is paused in the settings"
        return
    if summary.waiting == 0:
        return
    if clock.is_quiet(current(), tz, fs.quiet_start_hour, fs.quiet_end_hour):
        summary.stopped = (f"quiet hours ({fs.quiet_start_hour}:00-{fs.quiet_end_hour}:00 "
                           f"{tz}); due messages go out from {fs.quiet_end_hour}:00")
        return
    account = account_from(settings)
    smtp = Connection(account, password if password is not None else password_for(settings),
                      context=ssl_context)
    # Per-minute pacing over the run's own clock, seeded with what earlier runs sent.
    window: deque[float] = deque()
    for sent_at in oq.sent_times_since(conn, clock.to_text(current() - dt.timedelta(minutes=1))):
        window.append(monotonic() - (current() - clock.from_text(sent_at)).total_seconds())
    sent_today = oq.count_sent_since(conn, clock.to_text(current() - dt.timedelta(days=1)))
    reconnects = 0
    total = summary.waiting
    try:
        while True:
            live = states.live_in(conn)   # re-read: a flow paused meanwhile drops out
            batch = oq.due_batch(conn, clock.to_text(current()), BATCH, live)
            if not batch:
                break
            for row in batch:
                check(cancel)
                if sent_today >= s.per_day:
                    summary.stopped = f"daily cap of {s.per_day} emails reached"
                    return
                if not _pace(window, s.per_minute, monotonic, sleep, started, max_seconds,
                             lock, cancel):
                    summary.stopped = f"per-minute cap of {s.per_minute}: the rest goes next run"
                    return
                if not lock.refresh():   # at most every 20 s: keeps the lease alive
                    summary.stopped = "another sender took over the store's lock"
                    return
                # The merchant may pause everything or this flow while a paced run waits.
                if _paused_now(conn):
                    summary.stopped = "sending was paused"
                    return
                if str(row["flow"]) not in states.live_in(conn):
                    continue
                now = current()
                if clock.is_quiet(now, tz, fs.quiet_start_hour, fs.quiet_end_hour):
                    summary.stopped = "quiet hours began; the rest goes out after them"
                    return
                result = _send_one(store, conn, smtp, row, settings, uid, render, now, summary,
                                   current, crash_hook)
                if result == "sent":
                    window.append(monotonic())
                    sent_today += 1
                elif result == "reconnect":
                    reconnects += 1
                    if reconnects > MAX_RECONNECTS:
                        summary.stopped = "the server keeps dropping the connection; will retry"
                        return
                elif result == "stop":
                    return
                report(progress, summary.attempted, total, f"{summary.sent} sent")
    finally:
        smtp.close()
        summary.waiting = oq.count_waiting(conn, clock.to_text(current()), live)


def _paused_now(conn: Any) -> bool:
    """"Pause all sending" as stored now (the run's settings were read when it began)."""
    raw = settings_queries.get_setting(conn, "settings")
    return raw is not None and settings_from_dict(json.loads(raw)).sending.paused


def _pace(window: deque[float], per_minute: int, monotonic: Callable[[], float],
          sleep: Callable[[float], None], started: float, max_seconds: float | None,
          lock: SenderLock, cancel: CancelToken | None) -> bool:
    """Wait until one more message fits in the last 60 seconds; False to stop the run."""
    per_minute = max(1, int(per_minute))
    while True:
        t = monotonic()
        while window and t - window[0] >= 60.0:
            window.popleft()
        if len(window) < per_minute:
            return True
        wait = 60.0 - (t - window[0])
        if max_seconds is not None and (t - started) + wait > max_seconds:
            return False
        sleep(min(wait, 1.0))
        check(cancel)
        if not lock.refresh():
            raise EnvironmentProblem("Another sender took over the lock; stopping this one.")


def _send_one(store: Store, conn: Any, smtp: Connection, row: dict[str, Any],
              settings: Settings, uid: str, render: RenderFn, now: dt.datetime,
              summary: SendSummary, current: Callable[[], dt.datetime],
              crash_hook: Callable[[str, int], None] | None) -> str:
    oid = int(row["id"])
    at = clock.to_text(now)
    reason = sq.reason_for(conn, str(row["email"]).strip().lower())
    if reason is not None:
        with transaction(conn):
            if oq.transition(conn, oid, ("due",), "cancelled", at, reason_code=fm.SUPPRESSED,
                             reason=f"{fm.REASON_WORDS[fm.SUPPRESSED]} ({reason})"):
                summary.cancelled += 1
        return "skipped"
    try:
        msg, msg_id, payload = build_email(store, row, settings, uid, render, now)
        subject = str(msg["Subject"] or "")
    except TemplateRenderError as exc:  # the template is broken for everyone: stop, keep due
        summary.stopped = (f"the {row['flow']} email template does not render ({exc}); "
                           "fix it in the template editor")
        return "stop"
    except InputError as exc:  # this message only (e.g. an unusable address)
        with transaction(conn):
            oq.transition(conn, oid, ("due",), "failed", at, reason=f"cannot build: {exc}")
        summary.failed += 1
        return "failed"
    if not smtp.open:
        smtp.connect()  # before 'sending': a refused connection leaves the row due
    attempts = int(row["attempts"]) + 1
    with transaction(conn):  # committed before the server hears anything
        if not oq.transition(conn, oid, ("due",), "sending", at, detail=f"attempt {attempts}",
                             attempts=attempts, message_id=msg_id, subject=subject):
            return "skipped"  # the planner cancelled it meanwhile
    summary.attempted += 1
    if crash_hook:
        crash_hook("after_sending_committed", oid)
    outcome = smtp.send(settings.sending.from_address, str(row["email"]), payload)
    if crash_hook and outcome.status is Status.SENT:
        crash_hook("after_server_accepted", oid)
    done = clock.to_text(current())
    with transaction(conn):
        if outcome.status is Status.SENT:
            oq.transition(conn, oid, ("sending",), "sent", done, detail=outcome.detail,
                          sent_at=done, next_attempt_at=None)
            summary.sent += 1
            return "sent"
        if outcome.status is Status.UNKNOWN:
            oq.transition(conn, oid, ("sending",), "unknown", done, detail=outcome.detail,
                          reason=outcome.text)
            summary.unknown += 1
            return "reconnect"
        if outcome.status is Status.RESEND:
            oq.transition(conn, oid, ("sending",), "due", done, detail=outcome.detail,
                          next_attempt_at=None, attempts=attempts - 1)
            return "reconnect"
        if outcome.status is Status.ACCOUNT:
            oq.transition(conn, oid, ("sending",), "due", done, detail=outcome.detail,
                          attempts=attempts - 1)
            summary.stopped = f"the server refused the account or sender: {outcome.detail}"
            return "stop"
        if outcome.status is Status.RETRY and attempts < MAX_ATTEMPTS:
            delay = BACKOFF_MINUTES[min(attempts, len(BACKOFF_MINUTES)) - 1]
            retry_at = clock.to_text(current() + dt.timedelta(minutes=delay))
            oq.transition(conn, oid, ("sending",), "due", done, detail=outcome.detail,
                          next_attempt_at=retry_at)
            summary.retry_later += 1
            return "reconnect" if outcome.connection_closed else "retry"
        words = outcome.detail if outcome.status is Status.FAILED else \
            f"gave up after {attempts} temporary refusals: {outcome.detail}"
        oq.transition(conn, oid, ("sending",), "failed", done, detail=outcome.detail,
                      reason=words)
        summary.failed += 1
        if outcome.suppress:
            summary.suppressed += sq.add(conn, [(str(row["email"]).strip().lower(),
                                                 "hard_bounce", f"SMTP {outcome.code}", done)])
    return "reconnect" if outcome.connection_closed else "failed"


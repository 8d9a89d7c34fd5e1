"""``check_inbox``: read what came back to the sending account, act on it, once.

Per folder the store remembers UIDVALIDITY and the last UID read, so each check
reads only new messages: headers first for all of them, whole messages only for
the few that can be ours (``classify.needs_body``). Each batch is settled in one
SQLite transaction: a log row per relevant message (unique per folder/UIDVALIDITY/
UID), the suppressions and outbox events it causes (idempotent inserts) and the
folder's new last UID. A kill -9 before COMMIT leaves the batch unread; after it,
the batch is never read again. Filing processed messages into the ``ppdesk`` folder
comes after the commit and is retried from the log (``moved = 0``) at the next
check, so a kill between the two loses nothing and processes nothing twice.

Then ``unknown`` outbox rows (the sender lost the connection after handing a
message over) are looked up by Message-ID in the Sent folder.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Any

from ppdesk.core import secrets
from ppdesk.core.errors import EnvironmentProblem, InputError
from ppdesk.core.flows import clock
from ppdesk.core.inbox import classify as cl
from ppdesk.core.inbox.imap import ConnectionLost, ImapAccount, Mailbox
from ppdesk.core.inbox.presets import IMAP_PRESETS
from ppdesk.core.progress import CancelToken, ProgressFn, check, report
from ppdesk.core.sending import message as mm
from ppdesk.core.sending import unsubscribe
from ppdesk.core.settings import Settings, load_settings
from ppdesk.core.store import Store, transaction
from ppdesk.core.store import inbox_queries as iq
from ppdesk.core.store import outbox_queries as oq
from ppdesk.core.store import suppression_queries as sq

log = logging.getLogger(__name__)

BATCH = 500
MAX_MESSAGE_BYTES = 5_000_000      # a candidate bigger than this is skipped and listed
MAX_FETCH_BYTES = 8_000_000        # whole messages per FETCH command
SUPPRESS = {"unsubscribe": "unsubscribe", "hard_bounce": "hard_bounce", "complaint": "complaint"}


@dataclass
class CheckSummary:
    checked: int = 0
    unsubscribes: int = 0
    bounces: int = 0
    soft_bounces: int = 0
    complaints: int = 0
    ignored: int = 0
    forged: int = 0
    resolved_unknown: int = 0
    unresolved_unknown: int = 0
    errors: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"checked": self.checked, "unsubscribes": self.unsubscribes,
                "bounces": self.bounces, "complaints": self.complaints, "ignored": self.ignored,
                "resolved_unknown": self.resolved_unknown, "errors": list(self.errors),
                "soft_bounces": self.soft_bounces, "forged": self.forged,
                "unresolved_unknown": self.unresolved_unknown, "notes": list(self.notes)}


def account_from(settings: Settings) -> ImapAccount:
    i = settings.inbox
    if not i.host:
        raise InputError("The inbox is not set up yet; fill in Settings > Mailbox (IMAP) "
                         "(or run 'ppdesk inbox set --host ...')")
    username = (i.username or settings.sending.username).strip()
    if not username:
        raise InputError("The inbox has no username; fill it in under Settings > Mailbox "
                         "(IMAP) (or run 'ppdesk inbox set --username ...')")
    return ImapAccount(i.host.strip(), int(i.port), i.security, username)


def password_for(settings: Settings, account: ImapAccount) -> str:
    allow = settings.sending.allow_plaintext_keyring
    password = secrets.get_password(account.host, account.username, allow_plaintext=allow,
                                    service=secrets.IMAP_SERVICE)
    if password is None:
        raise EnvironmentProblem(f"No IMAP password is saved for {account.username} at "
                                 f"{account.host}; enter it under Settings > Mailbox (IMAP) "
                                 "(or run 'ppdesk inbox set').")
    return password


@dataclass(frozen=True)
class _Processed:
    uid: int
    entry: iq.LogEntry
    suppress: str | None       # the suppression reason to add for entry.email


def check_inbox(store: Store, *, settings: Settings | None = None, password: str | None = None,
                ssl_context: ssl.SSLContext | None = None, batch: int = BATCH,
                progress: ProgressFn | None = None, cancel: CancelToken | None = None,
                _crash_hook: Callable[[str, int], None] | None = None) -> CheckSummary:
    """Read new mail in the inbox folder, act on it, resolve unknown rows from Sent.

    Args:
        password: use this instead of the keyring (e.g. "test before saving").
        ssl_context: TLS context (default ``ssl.create_default_context()``).
        _crash_hook: tests only: called with a point name and a UID.

    Raises:
        InputError: the inbox is not set up. EnvironmentProblem: cannot log in.
    """
    settings = settings or load_settings(store)
    account = account_from(settings)
    secret_password = password if password is not None else password_for(settings, account)
    conn = store.connect()
    conn.execute("PRAGMA synchronous = FULL")   # a lost commit would mean reading twice
    summary = CheckSummary()
    try:
        with transaction(conn):
            uid = mm.store_uid(conn)
        secret = secrets.store_secret(uid, allow_plaintext=settings.sending.allow_plaintext_keyring)
        box = Mailbox(account, secret_password, context=ssl_context)
        box.connect()
        try:
            _read_folder(conn, box, settings, secret, summary, batch, progress, cancel,
                         _crash_hook)
            _resolve_unknown(conn, box, settings, summary)
        except ConnectionLost as exc:
            summary.errors.append(f"The IMAP connection was lost ({exc}); what was read is "
                                  "kept and the next check continues from there.")
        finally:
            box.close()
    finally:
        conn.close()
    log.info("inbox check: %s", summary.to_json())
    return summary


def _read_folder(conn: Any, box: Mailbox, settings: Settings, secret: str,
                 summary: CheckSummary, batch: int, progress: ProgressFn | None,
                 cancel: CancelToken | None, crash_hook: Callable[[str, int], None] | None) -> None:
    folder = settings.inbox.folder or "INBOX"
    target = settings.inbox.processed_folder or "ppdesk"
    validity, _ = box.select(folder)
    state = iq.folder_state(conn, folder)
    last = state.last_uid if state is not None and state.uidvalidity == validity else 0
    if state is not None and state.uidvalidity != validity:
        summary.notes.append(f"The server renumbered the folder {folder} (UIDVALIDITY changed); "
                             "it is read again from the start.")
    pending = iq.pending_moves(conn, folder, validity)
    if pending:   # processed by an earlier check that stopped before filing them
        box.file_into(pending, target, source=folder, retry=True)
        with transaction(conn):
            iq.mark_moved(conn, folder, validity, pending)
    uids = box.uids_after(last)
    total = len(uids)
    for start in range(0, total, max(1, batch)):
        check(cancel)
        chunk = uids[start:start + batch]
        processed = _classify_batch(conn, box, folder, validity, chunk, secret, summary)
        at = clock.to_text(clock.utc_now())
        with transaction(conn):
            new = [p for p in processed if iq.log_message(conn, p.entry)]
            _apply(conn, new, at, summary)
            iq.save_folder_state(conn, iq.FolderState(folder, validity, max(chunk)), at)
        summary.checked += len(chunk)
        if crash_hook:
            crash_hook("after_batch_committed", max(chunk))
        to_file = [p.uid for p in new if p.entry.action in ("suppressed", "noted")]
        if to_file:
            box.file_into(to_file, target, source=folder)
            with transaction(conn):
                iq.mark_moved(conn, folder, validity, to_file)
        report(progress, start + len(chunk), total, f"{start + len(chunk)} messages read")
    if not uids:
        with transaction(conn):
            iq.save_folder_state(conn, iq.FolderState(folder, validity, last),
                                 clock.to_text(clock.utc_now()))


def _classify_batch(conn: Any, box: Mailbox, folder: str, validity: int, chunk: list[int],
                    secret: str, summary: CheckSummary) -> list[_Processed]:
    headers = box.fetch_headers(chunk)
    parsed: dict[int, Message] = {u: cl.parse_headers(raw) for u, (_, raw) in headers.items()}
    wanted = [u for u in chunk if u in parsed and cl.needs_body(parsed[u])]
    findings: dict[int, cl.Finding] = {}
    skipped: dict[int, str] = {}
    small = [u for u in wanted if headers[u][0] <= MAX_MESSAGE_BYTES]
    for u in wanted:
        if headers[u][0] > MAX_MESSAGE_BYTES:
            skipped[u] = f"too large to read ({headers[u][0] / 1e6:.1f} MB)"
    for group in _by_size(small, headers):
        for u, raw in box.fetch_whole(group).items():
            try:
                findings[u] = cl.classify(raw)
            except cl.MalformedMessage as exc:
                skipped[u] = str(exc)
            except Exception as exc:  # noqa: BLE001 -- one unreadable message must not stop the check
                skipped[u] = f"unreadable ({type(exc).__name__}: {str(exc)[:120]})"
    for u in chunk:
        if u in parsed and u not in findings and u not in skipped and u not in wanted:
            found = cl.classify_headers_only(parsed[u])
            if found.kind == "auto_reply" and found.referenced_ids:
                findings[u] = found   # an out-of-office answering one of our emails
    matches = _match_outbox(conn, list(findings.values()))
    out: list[_Processed] = []
    for u in chunk:
        head = parsed.get(u)
        if u in skipped:
            reason = skipped[u]
            summary.errors.append(f"{folder} message {u}: {reason}; skipped")
            out.append(_Processed(u, _entry(folder, validity, u, head, "malformed", None, None,
                                            "skipped", reason), None))
        elif u in findings:
            item = _decide(folder, validity, u, head, findings[u], matches, secret)
            if item is not None:
                out.append(item)
    return out


def _by_size(uids: list[int], headers: dict[int, tuple[int, bytes]]) -> list[list[int]]:
    groups: list[list[int]] = []
    current: list[int] = []
    size = 0
    for u in uids:
        if current and size + headers[u][0] > MAX_FETCH_BYTES:
            groups.append(current)
            current, size = [], 0
        current.append(u)
        size += headers[u][0]
    if current:
        groups.append(current)
    return groups


def _match_outbox(conn: Any, findings: list[cl.Finding]) -> dict[str, tuple[int, str]]:
    """ppdesk Message-ID -> (outbox id, email); X-Ppdesk-Outbox-Id keyed as '#id'."""
    ids = [i for f in findings for i in f.referenced_ids]
    found = iq.outbox_by_message_ids(conn, ids)
    by_id = iq.outbox_by_ids(conn, [i for f in findings for i in f.outbox_ids])
    found.update({f"#{oid}": (oid, email) for oid, (_, email) in by_id.items()})
    return found


def _entry(folder: str, validity: int, uid: int, head: Message | None, kind: str,
           email: str | None, outbox_id: int | None, action: str, detail: str) -> iq.LogEntry:
    def value(name: str) -> str | None:
        if head is None:
            return None
        text = " ".join(str(head.get(name, "")).split())
        return text[:300] or None

    received = value("Date")
    try:
        received = clock.to_text(parsedate_to_datetime(received)) if received else None
    except (TypeError, ValueError):
        received = None
    return iq.LogEntry(folder, validity, uid, value("Message-ID"), received, value("From"),
                       value("Subject"), kind, email, outbox_id, action, detail[:500],
                       clock.to_text(clock.utc_now()))


def _decide(folder: str, validity: int, uid: int, head: Message | None, found: cl.Finding,
            matches: dict[str, tuple[int, str]], secret: str) -> _Processed | None:
    """What to do with one classified message (None: not ours, leave it alone)."""
    match = next((matches[i] for i in found.referenced_ids if i in matches), None) or \
        next((matches[f"#{i}"] for i in found.outbox_ids if f"#{i}" in matches), None)
    outbox_id, outbox_email = match if match else (None, None)

    def entry(kind: str, email: str | None, action: str, detail: str) -> iq.LogEntry:
        return _entry(folder, validity, uid, head, kind, email, outbox_id, action, detail)

    if found.kind in ("hard_bounce", "soft_bounce", "complaint"):
        email = found.addresses[0] if found.addresses else outbox_email
        if email is None:
            return _Processed(uid, entry(found.kind, None, "noted",
                                         "could not tell which address: " + found.detail), None)
        if found.kind == "soft_bounce":
            return _Processed(uid, entry(found.kind, email, "noted",
                                         f"temporary failure {found.status}, not suppressed: "
                                         f"{found.detail}"), None)
        return _Processed(uid, entry(found.kind, email, "suppressed",
                                     f"{found.status} {found.detail}".strip()), found.kind)
    if found.kind == "unsubscribe" and found.request is not None:
        address = unsubscribe.honoured_address(secret, found.request, found.sender)
        if address is None:
            log.warning("ignored an unsubscribe request for %s from %s: no valid token",
                        found.request.address, found.sender)
            return _Processed(uid, entry("forged", found.request.address, "ignored",
                                         f"unsubscribe for {found.request.address} from "
                                         f"{found.sender} without a valid token: ignored"), None)
        how = "valid token" if found.request.token and unsubscribe.valid(
            secret, address, found.request.token) else "from the recipient's own address"
        return _Processed(uid, entry("unsubscribe", address, "suppressed",
                                     f"unsubscribe reply ({how})"), "unsubscribe")
    if found.kind == "auto_reply" and (match or found.referenced_ids):
        return _Processed(uid, entry("auto_reply", outbox_email, "ignored",
                                     f"auto-reply: {found.detail}"), None)
    return None


def _apply(conn: Any, new: list[_Processed], at: str, summary: CheckSummary) -> None:
    """Suppressions, outbox events and counts for messages logged for the first time."""
    for item in new:
        e = item.entry
        kind = e.kind
        summary.unsubscribes += kind == "unsubscribe"
        summary.bounces += kind == "hard_bounce"
        summary.soft_bounces += kind == "soft_bounce"
        summary.complaints += kind == "complaint"
        summary.ignored += kind in ("auto_reply", "forged")
        summary.forged += kind == "forged"
        if item.suppress and e.email:
            sq.add(conn, [(e.email, SUPPRESS[item.suppress], f"inbox: {kind} {e.message_id or ''}"
                           .strip()[:200], at)])
        if e.outbox_id is not None and kind != "malformed":
            words = kind.replace("_", " ")
            if kind == "hard_bounce" and oq.transition(
                    conn, e.outbox_id, ("sent", "unknown"), "failed", at,
                    reason=f"bounced: {e.detail}"[:500]):
                continue
            iq.add_event(conn, e.outbox_id, at, f"{words}: {e.detail}")


def _resolve_unknown(conn: Any, box: Mailbox, settings: Settings, summary: CheckSummary) -> None:
    rows = iq.unknown_rows(conn)
    if not rows:
        return
    preset = IMAP_PRESETS.get(settings.inbox.preset)
    folder = settings.inbox.sent_folder or box.sent_folder()
    if folder is None:
        summary.unresolved_unknown = len(rows)
        summary.notes.append("No Sent folder was found in the mailbox, so the "
                             f"{len(rows)} messages of unknown delivery stay for you to check.")
        return
    box.select(folder, readonly=True)
    for outbox_id, message_id in rows:
        uid = box.find_message_id(message_id)
        if uid is None:
            summary.unresolved_unknown += 1
            continue
        when = box.internal_date(uid) or clock.to_text(clock.utc_now())
        with transaction(conn):
            if oq.transition(conn, outbox_id, ("unknown",), "sent", clock.to_text(clock.utc_now()),
                             detail=f"found in the Sent folder '{folder}'", sent_at=when):
                summary.resolved_unknown += 1
    if summary.unresolved_unknown:
        why = (" Your provider does not keep a Sent copy of mail sent through SMTP."
               if preset is not None and not preset.saves_sent else
               " They are not in the Sent folder: most likely the server never accepted them.")
        summary.notes.append(f"{summary.unresolved_unknown} messages of unknown delivery stay "
                             f"for you to mark sent or not sent.{why}")

"""What one incoming message is: an unsubscribe reply, a bounce, a complaint, an auto-reply, other.

Two steps so a big mailbox is read cheaply: ``needs_body`` decides from the headers
alone whether the message can be one of ours (a delivery report, a mail daemon, a
reply to a ppdesk Message-ID, an unsubscribe subject); only those are fetched whole
and given to ``classify``. Order matters: a DSN often carries ``Auto-Submitted``
itself, so reports are recognised before auto-replies, and auto-replies before
unsubscribe words (an out-of-office quoting our footer is not an unsubscribe).

Standards: RFC 3464 delivery status notifications (``multipart/report;
report-type=delivery-status``: ``Final-Recipient``, ``Action``, ``Status``), RFC 5965
ARF feedback reports (``report-type=feedback-report``), RFC 3834 ``Auto-Submitted``.
Providers that send plain-text bounces (Exim, qmail, some Postfix, Exchange/Outlook
and Gmail variants) are read by ``bounces.parse_text_bounce``.
"""

from __future__ import annotations

import email
import email.policy
import re
from dataclasses import dataclass, field
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, HeaderParser
from email.utils import getaddresses, parseaddr

from ppdesk.core.inbox import bounces
from ppdesk.core.sending import unsubscribe

OUR_ID = re.compile(r"<ppdesk\.[0-9A-Za-z]+\.\d+@[^>\s]+>")
_OUTBOX_HEADER = re.compile(r"(?im)^X-Ppdesk-Outbox-Id:\s*(\d+)")
_DAEMON_FROM = re.compile(r"(?:^|[<\s\"])(mailer-daemon|mailerdaemon|postmaster|"
                          r"mail-delivery-subsystem|mail-daemon|bounces?|double-bounce)@",
                          re.IGNORECASE)
_UNSUB_SUBJECT = re.compile(r"^\s*((re|aw|sv|fwd?)\s*:\s*)*unsubscribe\b", re.IGNORECASE)
_UNSUB = re.compile(r"\b(unsubscribe|opt[- ]?out|remove me)\b", re.IGNORECASE)
_OUT_OF_OFFICE = re.compile(r"^\s*(auto(matic)?[ -]?(reply|response|antwort)|out of (the )?office"
                            r"|abwesenheit|absence|autoreply|vacation|away from)", re.IGNORECASE)
_QUOTE_START = re.compile(r"^(On .+ wrote:|-----Original Message-----|From: .+|>)")
_STRUCTURAL_DEFECTS = ("NoBoundaryInMultipartDefect", "StartBoundaryNotFoundDefect",
                       "MultipartInvariantViolationDefect", "InvalidMultipartContentTransfer"
                       "EncodingDefect")
MAX_TEXT = 200_000   # characters of body text looked at: bounces quote whole messages


class MalformedMessage(Exception):
    """The message cannot be read (broken MIME, unknown charset): skipped and listed."""


@dataclass(frozen=True)
class Finding:
    kind: str                      # unsubscribe|hard_bounce|soft_bounce|complaint|auto_reply|other
    addresses: tuple[str, ...] = ()
    status: str = ""               # the enhanced status code (bounces), feedback type (ARF)
    detail: str = ""
    referenced_ids: tuple[str, ...] = ()   # ppdesk Message-IDs the message refers to
    outbox_ids: tuple[int, ...] = ()       # X-Ppdesk-Outbox-Id of an original inside
    request: unsubscribe.Request | None = None
    sender: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def parse_headers(raw: bytes) -> Message:
    return BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw)


def _sender(headers: Message) -> str | None:
    address = parseaddr(str(headers.get("From", "")))[1].strip().lower()
    return address or None


def _ids_in(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(OUR_ID.findall(text)))


def header_ids(headers: Message) -> tuple[str, ...]:
    """ppdesk Message-IDs named by In-Reply-To and References."""
    return _ids_in(" ".join(str(headers.get(h, "")) for h in ("In-Reply-To", "References")))


def is_report(headers: Message) -> str | None:
    """``delivery-status`` or ``feedback-report`` for an RFC 3462 report, else None."""
    if headers.get_content_type() != "multipart/report":
        return None
    kind = str(headers.get_param("report-type", "") or "").lower()
    return kind or "unknown"


def looks_like_bounce(headers: Message) -> bool:
    # A regex over the raw From (not parseaddr): this runs for every message of the box.
    if _DAEMON_FROM.search(str(headers.get("From", ""))):
        return True
    if str(headers.get("Return-Path", "")).strip() == "<>":
        return True
    return bounces.subject_says_bounce(str(headers.get("Subject", "")))


def is_auto_reply(headers: Message) -> bool:
    auto = str(headers.get("Auto-Submitted", "no")).strip().lower()
    if auto and auto != "no":
        return True
    if headers.get("X-Autoreply") or headers.get("X-Autorespond") or \
            headers.get("X-Auto-Response-Suppress", "").lower() in ("all", "oof"):
        return True
    precedence = str(headers.get("Precedence", "")).strip().lower()
    if precedence in ("auto_reply", "junk", "bulk", "list"):
        return True
    return bool(_OUT_OF_OFFICE.match(str(headers.get("Subject", ""))))


def needs_body(headers: Message) -> bool:
    """Whether the message could be one of ours; only these are fetched whole."""
    if is_report(headers) or looks_like_bounce(headers) or header_ids(headers):
        return True
    return bool(_UNSUB.search(str(headers.get("Subject", ""))))


def _text_of(part: Message) -> str:
    try:
        content = part.get_content()  # type: ignore[attr-defined]
    except LookupError as exc:
        raise MalformedMessage(f"unknown charset ({exc})") from None
    return content if isinstance(content, str) else ""


def body_text(msg: EmailMessage) -> str:
    """The text parts (HTML stripped of tags when there is no plain part), capped."""
    texts: list[str] = []
    html: list[str] = []
    for part in msg.walk():
        if part.is_multipart() or part.get_content_maintype() != "text":
            continue
        if part.get_content_disposition() == "attachment" and \
                part.get_content_subtype() not in ("plain", "rfc822-headers"):
            continue
        target = html if part.get_content_subtype() == "html" else texts
        target.append(_text_of(part))
        if sum(map(len, texts)) > MAX_TEXT:
            break
    text = "\n".join(texts) or re.sub(r"<[^>]+>", " ", "\n".join(html))
    return text[:MAX_TEXT]


def _own_parts(msg: Message) -> list[Message]:
    """The message and its parts, not descending into returned messages (message/*):
    a report returns the original's headers without its body, which is not our defect."""
    parts = [msg]
    if msg.is_multipart() and msg.get_content_maintype() != "message":
        for part in msg.get_payload():
            if isinstance(part, Message):
                parts.extend(_own_parts(part))
    return parts


def _check_structure(msg: EmailMessage) -> None:
    for part in _own_parts(msg):
        names = {type(d).__name__ for d in part.defects}
        broken = names.intersection(_STRUCTURAL_DEFECTS)
        if broken:
            raise MalformedMessage(f"broken MIME structure ({', '.join(sorted(broken))})")


def _original_headers(msg: EmailMessage) -> list[Message]:
    """The returned original's headers: a message/rfc822 part or text/rfc822-headers."""
    found: list[Message] = []
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype in ("message/rfc822", "message/rfc822-headers"):
            inner = part.get_payload()
            if isinstance(inner, list) and inner and isinstance(inner[0], Message):
                found.append(inner[0])
        elif ctype == "text/rfc822-headers":
            found.append(HeaderParser(policy=email.policy.compat32).parsestr(_text_of(part)))
    return found


def _references(msg: EmailMessage, text: str) -> tuple[tuple[str, ...], tuple[int, ...]]:
    ids = list(header_ids(msg))
    outbox: list[int] = []
    for original in _original_headers(msg):
        ids.extend(_ids_in(str(original.get("Message-ID", ""))))
        value = str(original.get("X-Ppdesk-Outbox-Id", "")).strip()
        if value.isdigit():
            outbox.append(int(value))
    ids.extend(_ids_in(text))
    outbox.extend(int(m) for m in _OUTBOX_HEADER.findall(text))
    return tuple(dict.fromkeys(ids)), tuple(dict.fromkeys(outbox))


def _status_blocks(msg: EmailMessage) -> list[Message]:
    """The per-recipient blocks of the message/delivery-status part."""
    for part in msg.walk():
        if part.get_content_type() == "message/delivery-status":
            payload = part.get_payload()
            if isinstance(payload, list):
                return [b for b in payload if isinstance(b, Message)]
    return []


def _address(field_value: str) -> str | None:
    """``rfc822; ann@example.org`` -> ann@example.org."""
    value = field_value.partition(";")[2] if ";" in field_value else field_value
    address = parseaddr(value.strip())[1].strip().lower()
    return address if "@" in address else None


def _dsn(msg: EmailMessage, text: str, ids: tuple[str, ...], outbox: tuple[int, ...],
         sender: str | None) -> Finding:
    hard: list[str] = []
    soft: list[str] = []
    codes: list[str] = []
    details: list[str] = []
    for block in _status_blocks(msg):
        recipient = _address(str(block.get("Final-Recipient", "") or
                                 block.get("Original-Recipient", "")))
        status = str(block.get("Status", "")).strip()
        action = str(block.get("Action", "")).strip().lower()
        if recipient is None or not status:
            continue
        diagnostic = " ".join(str(block.get("Diagnostic-Code", "")).split())
        if status.startswith("5") and action in ("failed", ""):
            hard.append(recipient)
        elif status.startswith("4") or action == "delayed":
            soft.append(recipient)
        else:
            continue   # delivered / relayed / expanded: a success report
        codes.append(status)
        details.append(f"{recipient}: {status} {diagnostic}".strip())
    if not (hard or soft):   # a report without usable fields: read it as text
        return _text_bounce(text, ids, outbox, sender)
    kind = "hard_bounce" if hard else "soft_bounce"
    return Finding(kind, tuple(dict.fromkeys(hard or soft)), codes[0], "; ".join(details)[:500],
                   ids, outbox, sender=sender)


def _arf(msg: EmailMessage, ids: tuple[str, ...], outbox: tuple[int, ...],
         sender: str | None) -> Finding:
    feedback_type, recipients = "abuse", []
    for part in msg.walk():
        if part.get_content_type() != "message/feedback-report":
            continue
        payload = part.get_payload()
        fields = payload[0] if isinstance(payload, list) and payload else None
        if not isinstance(fields, Message):
            fields = HeaderParser(policy=email.policy.compat32).parsestr(_text_of(part))
        feedback_type = str(fields.get("Feedback-Type", "abuse")).strip().lower()
        for value in fields.get_all("Original-Rcpt-To", []) or []:
            address = _address(str(value))
            if address:
                recipients.append(address)
    if not recipients:   # redacted reports: the original's To, if the provider kept it
        for original in _original_headers(msg):
            recipients.extend(a.lower() for _, a in getaddresses(original.get_all("To", []))
                              if "@" in a)
    return Finding("complaint", tuple(dict.fromkeys(recipients)), feedback_type,
                   f"feedback report ({feedback_type}) from {sender or 'unknown sender'}",
                   ids, outbox, sender=sender)


def _text_bounce(text: str, ids: tuple[str, ...], outbox: tuple[int, ...],
                 sender: str | None) -> Finding:
    parsed = bounces.parse_text_bounce(text)
    return Finding(parsed.kind, parsed.addresses, parsed.status, parsed.detail, ids, outbox,
                   sender=sender)


def _first_lines(text: str, n: int = 5) -> str:
    """The reply's own words: the first lines before any quoted original."""
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if _QUOTE_START.match(stripped):
            break
        lines.append(stripped)
        if len(lines) >= n:
            break
    return "\n".join(lines)


def classify(raw: bytes) -> Finding:
    """The finding for one whole message; ``MalformedMessage`` when it cannot be read."""
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    if not isinstance(msg, EmailMessage):
        raise MalformedMessage("not an email message")
    _check_structure(msg)
    sender = _sender(msg)
    text = body_text(msg)
    ids, outbox = _references(msg, text)
    report = is_report(msg)
    if report == "feedback-report":
        return _arf(msg, ids, outbox, sender)
    if report == "delivery-status":
        return _dsn(msg, text, ids, outbox, sender)
    if looks_like_bounce(msg):
        found = _text_bounce(text, ids, outbox, sender)
        if found.kind != "other":
            return found
    subject = str(msg.get("Subject", ""))
    own_words = _first_lines(text)
    # A mail client's one-click mailto (our own subject layout) may carry Auto-Submitted.
    by_subject = _UNSUB_SUBJECT.match(subject) is not None
    if not by_subject and is_auto_reply(msg):
        return Finding("auto_reply", (), "", subject[:200], ids, outbox, sender=sender)
    if by_subject or _UNSUB.search(subject) or _UNSUB.search(own_words):
        request = unsubscribe.parse_text(subject + "\n" + own_words)
        for url in re.findall(r"https://\S+", own_words):
            link = unsubscribe.parse_link(url.rstrip(">).,"))
            if link.token:
                request = link
        return Finding("unsubscribe", (request.address,) if request.address else (), "",
                       subject[:200], ids, outbox, request=request, sender=sender)
    return Finding("other", (), "", "", ids, outbox, sender=sender)


def classify_headers_only(headers: Message) -> Finding:
    """For a message ``needs_body`` turned down: an auto-reply to one of ours, or other."""
    ids = header_ids(headers)
    if ids and is_auto_reply(headers):
        return Finding("auto_reply", (), "", str(headers.get("Subject", ""))[:200], ids,
                       sender=_sender(headers))
    return Finding("other")

"""Incoming mail samples written to the RFC layouts and the big providers' formats.

Authored for ppdesk from RFC 3464 (DSN), RFC 5965 (ARF), RFC 3834 (Auto-Submitted) and
the wording each mail system uses; no real message is copied. ``original`` is the raw
message ppdesk sent (as the loopback SMTP server received it), so reports carry its
real headers the way a receiving system would return them.
"""

from __future__ import annotations

from email.parser import BytesHeaderParser

CRLF = "\r\n"


def _headers_of(original: bytes) -> str:
    return original.split(b"\r\n\r\n", 1)[0].decode("ascii", "replace")


def _field(original: bytes, name: str) -> str:
    return str(BytesHeaderParser().parsebytes(original).get(name, ""))


def _join(lines: list[str]) -> bytes:
    return (CRLF.join(lines) + CRLF).encode()


def dsn(original: bytes, recipient: str, status: str = "5.1.1", *, action: str = "failed",
        reporter: str = "mx.example.org", uid: str = "1") -> bytes:
    """RFC 3464: multipart/report with human text, delivery-status and the returned headers."""
    boundary = f"dsn-boundary-{uid}"
    diagnostic = (f"smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown"
                  if status.startswith("5") else
                  f"smtp; 451 {status} Greylisted, please try again later")
    return _join([
        f"From: Mail Delivery System <MAILER-DAEMON@{reporter}>",
        "To: shop@example.com",
        "Subject: " + ("Undelivered Mail Returned to Sender" if action == "failed"
                       else "Delayed Mail (still being retried)"),
        f"Message-ID: <dsn.{uid}@{reporter}>",
        "Date: Tue, 03 Mar 2026 12:00:00 +0000",
        "Auto-Submitted: auto-replied",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=delivery-status; boundary="{boundary}"',
        "",
        f"--{boundary}",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        f"This is the mail system at host {reporter}.",
        "",
        "I'm sorry to have to inform you that your message could not",
        "be delivered to one or more recipients." if action == "failed" else
        "Your message could not be delivered yet; the mail system will keep trying.",
        "",
        f"--{boundary}",
        "Content-Type: message/delivery-status",
        "",
        f"Reporting-MTA: dns; {reporter}",
        "Arrival-Date: Tue, 03 Mar 2026 11:59:58 +0000",
        "",
        f"Final-Recipient: rfc822; {recipient}",
        f"Original-Recipient: rfc822;{recipient}",
        f"Action: {action}",
        f"Status: {status}",
        f"Remote-MTA: dns; mail.{recipient.partition('@')[2]}",
        f"Diagnostic-Code: {diagnostic}",
        "",
        f"--{boundary}",
        "Content-Type: text/rfc822-headers",
        "",
        _headers_of(original),
        "",
        f"--{boundary}--",
    ])


def arf(original: bytes, recipient: str | None, *, uid: str = "1",
        redacted: bool = False) -> bytes:
    """RFC 5965: a feedback report (as Yahoo, Outlook.com and others send through FBLs)."""
    boundary = f"arf-boundary-{uid}"
    returned = _headers_of(original)
    if redacted:   # some providers redact the recipient in the returned message
        returned = "\r\n".join(line for line in returned.split("\r\n")
                               if not line.lower().startswith("to:"))
    lines = [
        "From: Feedback Loop <feedback@fbl.example.net>",
        "To: shop@example.com",
        "Subject: Email Feedback Report for IP 192.0.2.1",
        f"Message-ID: <arf.{uid}@fbl.example.net>",
        "Date: Tue, 03 Mar 2026 13:00:00 +0000",
        "MIME-Version: 1.0",
        f'Content-Type: multipart/report; report-type=feedback-report; boundary="{boundary}"',
        "",
        f"--{boundary}",
        "Content-Type: text/plain; charset=us-ascii",
        "",
        "This is an email abuse report for an email message received from IP 192.0.2.1.",
        "",
        f"--{boundary}",
        "Content-Type: message/feedback-report",
        "",
        "Feedback-Type: abuse",
        "User-Agent: ExampleFBL/1.0",
        "Version: 1",
        "Original-Mail-From: <shop@example.com>",
    ]
    if recipient and not redacted:
        lines.append(f"Original-Rcpt-To: <{recipient}>")
    lines += [
        "Arrival-Date: Tue, 03 Mar 2026 11:00:00 +0000",
        "Source-IP: 192.0.2.1",
        "",
        f"--{boundary}",
        "Content-Type: message/rfc822",
        "Content-Disposition: inline",
        "",
        returned,
        "",
        "(body removed)",
        "",
        f"--{boundary}--",
    ]
    return _join(lines)


def _plain(sender: str, subject: str, body: list[str], uid: str, *, extra: list[str] = ()) -> bytes:
    return _join([f"From: {sender}", "To: shop@example.com", f"Subject: {subject}",
                  f"Message-ID: <plain.{uid}@bounces.example>",
                  "Date: Tue, 03 Mar 2026 12:30:00 +0000", *extra,
                  "Content-Type: text/plain; charset=utf-8", "", *body])


def gmail_bounce(original: bytes, recipient: str, uid: str = "1") -> bytes:
    """Gmail's plain failure notice (address not found)."""
    return _plain("Mail Delivery Subsystem <mailer-daemon@googlemail.com>",
                  "Delivery Status Notification (Failure)", [
                      "** Address not found **", "",
                      f"Your message wasn't delivered to {recipient} because the address "
                      "couldn't be found, or is unable to receive mail.", "",
                      "The response from the remote server was:",
                      "550 5.1.1 The email account that you tried to reach does not exist.",
                      "", "----- Original message -----", "", _headers_of(original)], uid)


def outlook_bounce(original: bytes, recipient: str, uid: str = "1") -> bytes:
    """Exchange Online / Outlook.com non-delivery report, text part."""
    return _plain("Microsoft Outlook <postmaster@outlook.example>",
                  f"Undeliverable: {_field(original, 'Subject')}", [
                      f"Your message to {recipient} couldn't be delivered.", "",
                      f"{recipient.partition('@')[0]} wasn't found at "
                      f"{recipient.partition('@')[2]}.", "",
                      "Delivery has failed to these recipients or groups:", "",
                      recipient, "",
                      "Diagnostic information for administrators:",
                      "Remote Server returned '550 5.1.10 RESOLVER.ADR.RecipientNotFound; "
                      "Recipient not found by SMTP address lookup'", "",
                      "Original message headers:", "", _headers_of(original)], uid)


def exim_bounce(original: bytes, recipient: str, uid: str = "1") -> bytes:
    return _plain("Mail Delivery System <Mailer-Daemon@mx.exim.example>",
                  "Mail delivery failed: returning message to sender", [
                      "This message was created automatically by mail delivery software.", "",
                      "A message that you sent could not be delivered to one or more of its",
                      "recipients. This is a permanent error. The following address(es) failed:",
                      "", f"  {recipient}",
                      f"    host mx.{recipient.partition('@')[2]} [192.0.2.7]",
                      f"    SMTP error from remote mail server after RCPT TO:<{recipient}>:",
                      "    550 No such user here", "",
                      "------ This is a copy of the message, including all the headers. ------",
                      "", _headers_of(original)], uid, extra=["Auto-Submitted: auto-replied"])


def exim_delay(original: bytes, recipient: str, uid: str = "1") -> bytes:
    return _plain("Mail Delivery System <Mailer-Daemon@mx.exim.example>",
                  "Warning: message 1vA2bC-000123-Xy delayed 24 hours", [
                      "This message was created automatically by mail delivery software.",
                      "A message that you sent has not yet been delivered to one or more of its",
                      "recipients after more than 24 hours on the queue.", "",
                      "The following address(es) failed:", "", f"  {recipient}",
                      "    Delay reason: SMTP error from remote mail server after RCPT TO:",
                      "    451 4.4.1 Temporary lookup failure", "",
                      "No action is required on your part. Delivery attempts will continue.",
                      "", _headers_of(original)], uid, extra=["Auto-Submitted: auto-replied"])


def postfix_plain_bounce(original: bytes, recipient: str, uid: str = "1") -> bytes:
    return _plain("MAILER-DAEMON@mx.postfix.example (Mail Delivery System)",
                  "Undelivered Mail Returned to Sender", [
                      "This is the mail system at host mx.postfix.example.", "",
                      "I'm sorry to have to inform you that your message could not",
                      "be delivered to one or more recipients. It's attached below.", "",
                      "                   The mail system", "",
                      f"<{recipient}>: host mx.{recipient.partition('@')[2]}[192.0.2.9] said: "
                      "550 5.1.1", f"    <{recipient}>: Recipient address rejected: User unknown",
                      "", _headers_of(original)], uid)


def qmail_bounce(original: bytes, recipient: str, uid: str = "1") -> bytes:
    return _plain("MAILER-DAEMON@qmail.example", "failure notice", [
        "Hi. This is the qmail-send program at qmail.example.",
        "I'm afraid I wasn't able to deliver your message to the following addresses.",
        "This is a permanent error; I've given up. Sorry it didn't work out.", "",
        f"<{recipient}>:", "Sorry, no mailbox here by that name. (#5.1.1)", "",
        "--- Below this line is a copy of the message.", "", _headers_of(original)], uid,
        extra=["Return-Path: <>"])


def reply(original: bytes, sender: str, subject: str, body: list[str], uid: str = "1",
          *, extra: list[str] = ()) -> bytes:
    """A customer's reply (In-Reply-To/References set as mail clients do)."""
    msg_id = _field(original, "Message-ID")
    return _join([f"From: Customer <{sender}>", "To: shop@example.com", f"Subject: {subject}",
                  f"Message-ID: <reply.{uid}@client.example>", f"In-Reply-To: {msg_id}",
                  f"References: {msg_id}", "Date: Tue, 03 Mar 2026 14:00:00 +0000", *extra,
                  "Content-Type: text/plain; charset=utf-8", "", *body])


def out_of_office(original: bytes, sender: str, uid: str = "1") -> bytes:
    return reply(original, sender, "Automatic reply: Out of office",
                 ["I am out of the office until Monday.", "To unsubscribe from my absence "
                  "notes... (this is not an unsubscribe)"], uid,
                 extra=["Auto-Submitted: auto-replied", "X-Auto-Response-Suppress: All"])


def broken_mime(uid: str = "1") -> bytes:
    """A multipart report whose boundary never appears."""
    return _join(["From: MAILER-DAEMON@broken.example", "To: shop@example.com",
                  "Subject: Undelivered Mail Returned to Sender",
                  f"Message-ID: <broken.{uid}@broken.example>",
                  'Content-Type: multipart/report; report-type=delivery-status; boundary="nope"',
                  "", "no boundary here at all"])


def unknown_charset(uid: str = "1") -> bytes:
    return _join(["From: MAILER-DAEMON@charset.example", "To: shop@example.com",
                  "Subject: Undelivered Mail Returned to Sender",
                  f"Message-ID: <charset.{uid}@charset.example>",
                  "Content-Type: text/plain; charset=x-unknown-klingon", "",
                  "Qapla' 550 5.1.1 <ghost@example.org>"])


def big_attachment(sender: str, mb: int = 20, uid: str = "1") -> bytes:
    """An 'unsubscribe' mail with a huge attachment: skipped, never read whole."""
    chunk = "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
    lines = [chunk] * (mb * 1024 * 1024 // (len(chunk) + 2))
    return _join([f"From: {sender}", "To: shop@example.com", "Subject: unsubscribe",
                  f"Message-ID: <big.{uid}@client.example>", "MIME-Version: 1.0",
                  'Content-Type: multipart/mixed; boundary="b"', "", "--b",
                  "Content-Type: text/plain", "", "unsubscribe please", "--b",
                  "Content-Type: application/octet-stream",
                  "Content-Transfer-Encoding: base64",
                  'Content-Disposition: attachment; filename="big.bin"', "", *lines, "--b--"])


def ordinary(uid: str = "1") -> bytes:
    return _join(["From: Friend <friend@example.net>", "To: shop@example.com",
                  "Subject: Lunch on Friday?", f"Message-ID: <ordinary.{uid}@example.net>",
                  "Date: Tue, 03 Mar 2026 09:00:00 +0000",
                  "Content-Type: text/plain; charset=utf-8", "", "Shall we meet at noon?"])

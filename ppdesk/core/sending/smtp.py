"""One SMTP connection, driven step by step so the outbox always knows where a message is.

``smtplib.send_message`` (and yagmail on top of it) hides *where* a failure
happened. Here MAIL, RCPT, DATA and the message body are separate steps, so:

- a failure before the final ``.`` was fully written means the server cannot have
  accepted the message: it is safe to send again (``RESEND``);
- a lost connection *after* the final ``.`` and before the reply means the server
  may have accepted it: ``UNKNOWN``, never resent automatically;
- replies are classified: 2xx sent, 4xx ``RETRY`` later, 5xx ``FAILED`` (with
  ``suppress`` for a mailbox that does not exist), a 5xx to MAIL FROM is a problem
  of the account, not of the message (``ACCOUNT``).

TLS always verifies the certificate (``ssl.create_default_context()`` unless the
caller passes a context, e.g. a test CA). Debug output is never switched on: it
would print the AUTH exchange, i.e. the password.
"""

from __future__ import annotations

import contextlib
import enum
import re
import smtplib
import ssl
from dataclasses import dataclass

from ppdesk.core import net_errors
from ppdesk.core.errors import EnvironmentProblem, InputError


class Status(enum.Enum):
    SENT = "sent"
    RETRY = "retry"          # temporary refusal: try again after a pause
    FAILED = "failed"        # permanent refusal of this message
    RESEND = "resend"        # connection lost before the server could accept: send again now
    UNKNOWN = "unknown"      # connection lost after the message was handed over
    ACCOUNT = "account"      # the server refuses our sender/account: stop the batch


@dataclass(frozen=True)
class Outcome:
    status: Status
    code: int | None
    text: str
    stage: str
    suppress: bool = False
    connection_closed: bool = False

    @property
    def detail(self) -> str:
        code = f"{self.code} " if self.code is not None else ""
        return f"{self.stage}: {code}{self.text}".strip()[:500]


@dataclass(frozen=True)
class SmtpAccount:
    host: str
    port: int
    security: str            # "ssl" | "starttls"
    username: str
    from_address: str


_ENHANCED = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_MAILBOX_CODES = (550, 551, 553)


def mailbox_unavailable(code: int, text: str, stage: str) -> bool:
    """A reply saying the address does not exist / is disabled (a hard bounce)."""
    enhanced = _ENHANCED.search(text)
    if enhanced and enhanced.group(1) == "5":
        subject, detail = int(enhanced.group(2)), int(enhanced.group(3))
        return subject == 1 or (subject, detail) == (2, 1)
    return stage == "RCPT" and code in _MAILBOX_CODES


def classify(code: int, text: str, stage: str) -> Outcome:
    if 200 <= code < 300:
        return Outcome(Status.SENT, code, text, stage)
    closed = code == 421
    if 400 <= code < 500:
        return Outcome(Status.RETRY, code, text, stage, connection_closed=closed)
    if stage == "MAIL" or code in (530, 535, 538):
        return Outcome(Status.ACCOUNT, code, text, stage)
    return Outcome(Status.FAILED, code, text, stage,
                   suppress=mailbox_unavailable(code, text, stage))


def _text(resp: bytes | str) -> str:
    raw = resp.decode("utf-8", "replace") if isinstance(resp, bytes) else str(resp)
    return " ".join(raw.split())


class Connection:
    """An authenticated SMTP session reused for a whole batch."""

    def __init__(self, account: SmtpAccount, password: str | None, *,
                 context: ssl.SSLContext | None = None, timeout: float = 60.0) -> None:
        self.account = account
        self._password = password
        self._context = context or ssl.create_default_context()
        self._timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    @property
    def open(self) -> bool:
        return self._smtp is not None

    def connect(self) -> None:
        """Connect, secure and log in; ``EnvironmentProblem`` in plain words on failure."""
        a = self.account
        if a.security not in ("ssl", "starttls"):
            raise InputError(f"SMTP security '{a.security}' must be 'ssl' or 'starttls'")
        try:
            if a.security == "ssl":
                smtp: smtplib.SMTP = smtplib.SMTP_SSL(a.host, a.port, timeout=self._timeout,
                                                      context=self._context)
            else:
                smtp = smtplib.SMTP(a.host, a.port, timeout=self._timeout)
                smtp.ehlo()
                if not smtp.has_extn("starttls"):
                    smtp.close()
                    raise EnvironmentProblem(f"{a.host}:{a.port} does not offer STARTTLS; "
                                             "ppdesk never sends a password unencrypted.")
                smtp.starttls(context=self._context)
            smtp.ehlo()
            if a.username:
                smtp.login(a.username, self._password or "")
        except smtplib.SMTPAuthenticationError as exc:
            raise EnvironmentProblem(
                f"{a.host} refused the username or password ({exc.smtp_code} "
                f"{_text(exc.smtp_error)[:200]}). Check them in Settings (or with "
                "'ppdesk smtp set'); Gmail and Outlook need an app password.") from None
        except ssl.SSLCertVerificationError as exc:
            raise EnvironmentProblem(f"The certificate of {a.host} could not be verified "
                                     f"({exc.verify_message}); ppdesk will not send.") from None
        except (smtplib.SMTPException, OSError) as exc:
            raise EnvironmentProblem(net_errors.connection_problem(
                exc, a.host, a.port, "the email (SMTP) server")) from None
        self._smtp = smtp

    def noop(self) -> tuple[int, str]:
        assert self._smtp is not None
        code, resp = self._smtp.noop()
        return code, _text(resp)

    def send(self, from_address: str, to: str, payload: bytes) -> Outcome:
        """One SMTP transaction; ``payload`` is already dot-stuffed and ends with ``.``."""
        smtp = self._smtp
        if smtp is None:
            return Outcome(Status.RESEND, None, "not connected", "MAIL", connection_closed=True)
        stage = "MAIL"
        try:
            code, resp = smtp.mail(from_address)
            if code != 250:
                return self._after_refusal(classify(code, _text(resp), stage))
            stage = "RCPT"
            code, resp = smtp.rcpt(to)
            if code not in (250, 251):
                return self._after_refusal(classify(code, _text(resp), stage))
            stage = "DATA"
            code, resp = smtp.docmd("DATA")
            if code != 354:
                return self._after_refusal(classify(code, _text(resp), stage))
            stage = "BODY"
            smtp.send(payload)       # raises if not every byte (so not the final '.') was sent
            stage = "END"
            code, resp = smtp.getreply()
            outcome = classify(code, _text(resp), "end of DATA")
            if outcome.connection_closed:
                self.close()
            return outcome
        except (TimeoutError, smtplib.SMTPServerDisconnected, OSError) as exc:
            self._drop()
            text = net_errors.lost_connection(exc)
            if stage == "END":
                return Outcome(Status.UNKNOWN, None, text + " after the message was handed over;"
                               " the server may or may not have accepted it", stage,
                               connection_closed=True)
            return Outcome(Status.RESEND, None, text + " before the server accepted the message",
                           stage, connection_closed=True)

    def _after_refusal(self, outcome: Outcome) -> Outcome:
        if outcome.connection_closed:
            self._drop()
            return outcome
        try:
            assert self._smtp is not None
            self._smtp.rset()  # clear the half-done transaction so the next message starts clean
        except (smtplib.SMTPException, OSError):
            self._drop()
            return Outcome(outcome.status, outcome.code, outcome.text, outcome.stage,
                           outcome.suppress, connection_closed=True)
        return outcome

    def _drop(self) -> None:
        if self._smtp is not None:
            with contextlib.suppress(OSError):
                self._smtp.close()
        self._smtp = None

    def close(self) -> None:
        """QUIT politely; never raises."""
        if self._smtp is None:
            return
        with contextlib.suppress(smtplib.SMTPException, OSError):
            self._smtp.quit()
        self._drop()
